import Foundation
import TokenCounter

/// `recount count [--model M | --encoding E] [--ids] [--chat [--breakdown]] [FILE|-]`
///
/// stdout carries only the answer (one integer, or the ids) so scripts can use it (SPEC §5);
/// everything else — a model fallback, replaced invalid UTF-8, an incomplete chat count, the
/// breakdown — goes to stderr.
struct CountCommand: RecountCommand {
    static let spec = Arguments.Spec(options: ["--model", "--encoding"], flags: ["--ids", "--chat", "--breakdown"])
    static let help = """
        usage: recount count [--model M | --encoding E] [--ids] [--chat [--breakdown]] [FILE|-]

        Counts the tokens of FILE (or stdin) as one text and prints the count alone.
        The file's exact bytes are decoded as UTF-8: no newline translation, a trailing newline
        and a BOM count as text; invalid UTF-8 becomes U+FFFD (one per maximal invalid
        subpart) with a warning on stderr. Special-token text such as <|endoftext|> counts as
        ordinary text.
          --encoding E   r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base, o200k_harmony
                         (default o200k_base)
          --model M      pick the encoding the way tiktoken maps model M; a model tiktoken
                         does not know falls back to o200k_base, with a note on stderr
          --ids          print the token ids, space-separated, instead of the count
          --chat         FILE is a chat request body (JSON: model, messages, tools, functions);
                         print its prompt tokens by the OpenAI cookbook rules. --model
                         overrides the body's model; --encoding and --ids do not apply
          --breakdown    with --chat: print the per-message terms to stderr
        A chat count that misses a part it cannot count (an image without width/height, an
        audio part, a built-in tool) still prints the counted total, and names each missing
        part on stderr ("incomplete: …"): billing should then use the reported usage.

        exit status: 0 counted; 64 bad usage (unknown encoding, …); 65 malformed chat JSON;
                     66 FILE missing; 74 FILE unreadable
        """

    let encoding: EncodingName
    let modelName: String?
    let path: String?
    let printIDs: Bool
    let chat: Bool
    let breakdown: Bool

    init(arguments: Arguments) throws {
        let encodingName = try arguments.value("--encoding")
        modelName = try arguments.value("--model")
        if modelName != nil, encodingName != nil { throw UsageError("give --model or --encoding, not both") }
        if let encodingName {
            guard let known = EncodingName(rawValue: encodingName) else {
                throw UsageError(
                    "unknown encoding '\(encodingName)' (known: \(EncodingName.allCases.map(\.rawValue).joined(separator: ", ")))"
                )
            }
            encoding = known
        } else if let modelName {
            encoding = ModelEncoding.resolve(modelName).encoding
        } else {
            encoding = .o200k_base
        }
        guard arguments.positionals.count <= 1 else { throw UsageError("count takes at most one FILE") }
        path = arguments.positionals.first
        printIDs = arguments.flag("--ids")
        chat = arguments.flag("--chat")
        breakdown = arguments.flag("--breakdown")
        if chat, encodingName != nil {
            throw UsageError("--chat takes its encoding from the model; give --model, not --encoding")
        }
        if chat, printIDs { throw UsageError("--ids does not apply to --chat") }
        if breakdown, !chat { throw UsageError("--breakdown needs --chat") }
    }

    /// What the input is called in messages.
    var inputName: String { path == nil || path == "-" ? "<stdin>" : path! }

    func run(console: Console) throws -> ExitStatus {
        let data = try readInput(console: console)
        return chat ? try runChat(data, console: console) : try runText(data, console: console)
    }

    private func readInput(console: Console) throws -> Data {
        guard let path, path != "-" else { return console.readInput() }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CommandFailure(.noInput, "\(path): no such file")
        }
        guard !isDirectory.boolValue, let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.ioError, "\(path): cannot read\(isDirectory.boolValue ? " (a directory)" : "")")
        }
        return data
    }

    private func runText(_ data: Data, console: Console) throws -> ExitStatus {
        if let modelName, ModelEncoding.resolve(modelName).isFallback {
            console.error(
                "recount count: model '\(modelName)' is not in tiktoken's model map; counting with \(ModelEncoding.fallback.rawValue)"
            )
        }
        let decoded = Self.decodeUTF8(data)
        if decoded.replacedSequences > 0 {
            console.error(
                "recount count: \(inputName): \(decoded.replacedSequences) invalid UTF-8 sequence(s) replaced by U+FFFD"
            )
        }
        let encoder = try Encoding.named(encoding)
        if printIDs {
            console.out(encoder.encode(decoded.text).map(String.init).joined(separator: " "))
        } else {
            console.out(String(encoder.count(decoded.text)))
        }
        return .success
    }

    private func runChat(_ data: Data, console: Console) throws -> ExitStatus {
        let body: JSONValue
        do {
            body = try JSONParser.parse([UInt8](data))
        } catch {
            throw CommandFailure(.dataError, "\(inputName): \(error.description)")
        }
        let count: ChatPromptCount
        do {
            count = try ChatPromptCounter.count(body: body, model: modelName)
        } catch .encoding(let error) {
            throw CommandFailure(.ioError, error.description)
        } catch {
            throw CommandFailure(.dataError, "\(inputName): \(error.description)")
        }
        if count.modelIsFallback {
            console.error(
                "recount count: model '\(count.model)' is not in tiktoken's model map; counting with \(count.encoding.rawValue)"
            )
        }
        for reason in count.incompleteReasons {
            console.error("recount count: incomplete: \(reason)")
        }
        if breakdown { console.writeError(Self.breakdown(count)) }
        console.out(String(count.total))
        return .success
    }

    /// Decodes `data` as UTF-8 the way Python's `bytes.decode("utf-8", "replace")` does (the
    /// text tiktoken would be handed): every maximal invalid subpart becomes one U+FFFD
    /// (Unicode §3.9, "U+FFFD Substitution of Maximal Subparts"), which is also what
    /// `String(decoding:as:)` does. The replacements are counted as the U+FFFD scalars the
    /// decoded text has beyond those the input spelled validly (`EF BF BD`).
    static func decodeUTF8(_ data: Data) -> (text: String, replacedSequences: Int) {
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
    static func breakdown(_ count: ChatPromptCount) -> String {
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
