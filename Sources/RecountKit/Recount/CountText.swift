import Foundation
import TokenCounter

/// What `recount count` makes of its input: the text tiktoken would be handed, and a chat
/// count's terms as `--breakdown` prints them.
public enum CountText {
    /// Decodes `data` as UTF-8 the way Python's `bytes.decode("utf-8", "replace")` does (the
    /// text tiktoken would be handed): every maximal invalid subpart becomes one U+FFFD
    /// (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts"), which is also what
    /// `String(decoding:as:)` does. The replacements are counted as the U+FFFD scalars the
    /// decoded text has beyond those the input spelled validly (`EF BF BD`).
    public static func decodeUTF8(_ data: Data) -> (text: String, replacedSequences: Int) {
        let text = String(decoding: data, as: UTF8.self)
        let decodedReplacements = text.unicodeScalars.reduce(0) { $0 + ($1 == "\u{FFFD}" ? 1 : 0) }
        guard decodedReplacements > 0 else { return (text, 0) }
        var spelled = 0
        data.withUnsafeBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            var index = 0
            while index + 2 < bytes.count {
                if bytes[index] == 0xEF, bytes[index + 1] == 0xBF, bytes[index + 2] == 0xBD {
                    spelled += 1
                    index += 3
                } else {
                    index += 1
                }
            }
        }
        return (text, decodedReplacements - spelled)
    }

    /// The terms of a chat count, one line each, for `--breakdown` (the same terms `explain`
    /// prints); only non-zero terms are listed.
    public static func breakdown(_ count: ChatPromptCount) -> String {
        var lines = [
            "model \(count.model) → \(count.encoding.rawValue)\(count.modelIsFallback ? " (fallback)" : "");"
                + " rule \(count.rule.name): \(count.rule.tokensPerMessage) per message,"
                + " \(count.rule.tokensPerName) per name"
        ]
        for message in count.messages {
            let terms = [
                ("overhead", message.overhead), ("fields", message.fieldTokens),
                ("content", message.contentTokens), ("name", message.nameAdjustment),
                ("tool calls", message.toolCallTokens), ("images", message.imageTokens),
            ]
            .filter { $0.1 != 0 }.map { "\($0.1) \($0.0)" }
            let who = [message.role, message.name].compactMap { $0 }.joined(separator: "/")
            lines.append(
                "messages[\(message.index)] \(who.isEmpty ? "-" : who): \(terms.joined(separator: " + ")) = \(message.total)"
            )
        }
        if let toolRule = count.toolRule {
            lines.append("tool definitions (\(toolRule.name)): \(count.toolDefinitionTokens)")
        }
        lines.append("reply priming: \(count.replyPriming)")
        lines.append("total: \(count.total)\(count.isComplete ? "" : " (incomplete)")")
        return lines.joined(separator: "\n") + "\n"
    }
}
