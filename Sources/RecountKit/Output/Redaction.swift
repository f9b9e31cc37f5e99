import TokenCounter

/// What a rejected line may show in a report. `rejects.jsonl` points at the line (file and
/// line) so nothing is lost, but reports never carry a full API key or a prompt (SPEC §4).
///
/// A log line shows only the fields known to hold no text of a conversation (`shownFields`):
/// every other field's value — `request`, `response`, and anything unknown — is a pointer to
/// the line, and `key` / `token_name` are masked. The list names what may be shown, not what
/// must be hidden, because the pieces of a broken line cannot be told apart: a log shipper that
/// splits a long line leaves a piece such as `{"role":"user","content":"…"}`, which parses as an
/// object of its own. A line that does not parse shows the known fields it starts with, read
/// one whole pair at a time up to the first unknown field or broken value, then the pointer;
/// one that does not start an object is the pointer alone. A ledger line holds no prompt: it is
/// shown as read. `sk-…` key-like runs are masked in whatever is shown.
public enum Redaction {
    public enum Raw: Equatable { case text(String), base64(String) }

    /// The fields of a log line (SPEC §2.1) and of a gateway row (§2.1 dialects, §2.6) that hold
    /// no prompt or completion text. Not `content`: a gateway row's is its own note on the
    /// charge, but a piece of a broken chat line has one too.
    static let shownFields: Set<String> = [
        "id", "time", "account", "key", "group", "model", "endpoint", "status", "stream", "usage", "billed",
        "created_at", "use_time", "user_id", "username", "token_name", "token_id", "model_name", "quota",
        "prompt_tokens", "completion_tokens", "is_stream", "request_id", "other", "type", "channel_id", "channel",
        "ip", "elapsed_time", "system_prompt_reset",
    ]
    static let maskedFields: Set<String> = ["key", "token_name"]

    public static func raw(_ bytes: [UInt8], source: SourceLocation, kind: Reject.Kind = .log) -> Raw {
        let pointer = "[omitted from reports; see \(source)]"
        let parsed = try? JSONParser.parse(bytes)
        if kind == .debit || parsed == nil {
            let shown = kind == .debit ? bytes : knownPrefix(bytes, pointer: pointer)
            // Not UTF-8: the bytes as read (keys masked on the bytes).
            guard let text = String(validating: shown, as: UTF8.self) else {
                return .base64(Base64Encoding.encode(KeyMask.redact(shown)))
            }
            return .text(maskKeyLikeRuns(text))
        }
        guard case .object(let object)? = parsed else { return .text(pointer) }
        var shown = JSONObject()
        for (key, value) in object.members {
            if !shownFields.contains(key) {
                shown[key] = .string(pointer)
            } else if maskedFields.contains(key), case .string(let secret) = value {
                shown[key] = .string(KeyMask.mask(secret))
            } else {
                shown[key] = value
            }
        }
        return .text(maskKeyLikeRuns(JSONWriter.string(.object(shown))))
    }

    /// A log line that does not parse: `{` and the whole pairs of known fields it starts with
    /// (their bytes as read), then the pointer as the value of `…`; the pointer alone when not
    /// even one pair is whole. A line that holds nothing but whole pairs of known fields — an
    /// object that failed to parse on its bytes (not UTF-8), or one cut off right after a pair
    /// (a missing `}`) — is shown as read, so its exact bytes survive.
    static func knownPrefix(_ bytes: [UInt8], pointer: String) -> [UInt8] {
        var scanner = LenientScanner(bytes: bytes)
        var pairs: [[UInt8]] = []
        var masked = false
        var onlyKnown = false
        if scanner.consume(UInt8(ascii: "{")) {
            while let (key, value) = scanner.pair() {
                guard shownFields.contains(key) else { break }
                var shown = Array(value)
                if maskedFields.contains(key) {
                    masked = true
                    if case .string(let secret)? = try? JSONParser.parse(shown) {
                        shown = Array(JSONWriter.string(.string(KeyMask.mask(secret))).utf8)
                    }
                }
                pairs.append(Array((JSONWriter.string(.string(key)) + ": ").utf8) + shown)
                let more = scanner.consume(UInt8(ascii: ","))
                if !more { _ = scanner.consume(UInt8(ascii: "}")) }
                if scanner.reachedEnd() {
                    onlyKnown = true
                    break
                }
                guard more else { break }
            }
        }
        if onlyKnown, !masked { return bytes }
        guard !pairs.isEmpty else { return Array(pointer.utf8) }
        if onlyKnown {
            return [UInt8(ascii: "{")] + Array(pairs.joined(separator: Array(", ".utf8))) + [UInt8(ascii: "}")]
        }
        let rest = Array((", \"…\": " + JSONWriter.string(.string(pointer)) + "}").utf8)
        return [UInt8(ascii: "{")] + Array(pairs.joined(separator: Array(", ".utf8))) + rest
    }

    /// Masks `sk-` followed by 8 or more key characters (letters, digits, `-`, `_`).
    public static func maskKeyLikeRuns(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_")
        }
        while index < scalars.count {
            if index + 3 <= scalars.count, scalars[index] == "s", scalars[index + 1] == "k", scalars[index + 2] == "-" {
                var end = index + 3
                while end < scalars.count, isKeyScalar(scalars[end]) { end += 1 }
                if end - index - 3 >= 8 {
                    out.append(
                        contentsOf: KeyMask.mask(String(String.UnicodeScalarView(scalars[index..<end]))).unicodeScalars)
                    index = end
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }
}
