import TokenCounter

/// What a rejected line may show in a report. `rejects.jsonl` points at the line (file and
/// line) so nothing is lost, but reports never carry a full API key or a prompt (SPEC §4): in a
/// line that parses as a JSON object, the fields that hold prompt or completion text are
/// replaced by a pointer to the original line and `key` / `token_name` are masked. A log line
/// that does not parse is cut before its first such field (a line that does not even start an
/// object — the tail of a line broken inside a prompt — is left out whole); `sk-…` key-like
/// runs are masked in what is shown.
public enum Redaction {
    public enum Raw: Equatable { case text(String), base64(String) }

    /// The fields of a log line (SPEC §2.1) whose values are, or hold, prompt or completion
    /// text. A gateway row's `content` is the gateway's own note on the charge, not a prompt.
    static let textFields = ["request", "response", "messages", "prompt", "input", "choices", "instructions"]

    public static func raw(_ bytes: [UInt8], source: SourceLocation, kind: Reject.Kind = .log) -> Raw {
        guard case .object(var object)? = try? JSONParser.parse(bytes) else {
            let shown = kind == .debit ? bytes : withoutText(bytes, source: source)
            // Not UTF-8: the bytes as read (keys masked on the bytes).
            guard let text = String(validating: shown, as: UTF8.self) else {
                return .base64(Base64Encoding.encode(KeyMask.redact(shown)))
            }
            return .text(maskKeyLikeRuns(text))
        }
        for field in textFields where object[field] != nil {
            object[field] = .string("[omitted from reports; see \(source)]")
        }
        for field in ["key", "token_name"] {
            if case .string(let key)? = object[field] { object[field] = .string(KeyMask.mask(key)) }
        }
        return .text(maskKeyLikeRuns(JSONWriter.string(.object(object))))
    }

    /// A log line that does not parse, up to its first text field's `"name":` and a pointer to
    /// the line instead of the rest; a line that does not start (after blanks) with `{`, a
    /// pointer alone.
    static func withoutText(_ bytes: [UInt8], source: SourceLocation) -> [UInt8] {
        let pointer = "[omitted from reports; see \(source)]"
        guard bytes.first(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\t") }) == UInt8(ascii: "{") else {
            return bytes.isEmpty ? bytes : Array(pointer.utf8)
        }
        var cut: Int?
        for field in textFields {
            let quoted = Array("\"\(field)\"".utf8)
            var start = 0
            while let found = firstIndex(of: quoted, in: bytes, from: start), found < (cut ?? bytes.count) {
                var colon = found + quoted.count
                while colon < bytes.count, bytes[colon] == UInt8(ascii: " ") || bytes[colon] == UInt8(ascii: "\t") {
                    colon += 1
                }
                if colon < bytes.count, bytes[colon] == UInt8(ascii: ":") {
                    cut = colon + 1
                    break
                }
                start = found + 1
            }
        }
        guard let cut else { return bytes }
        return Array(bytes[..<cut]) + Array("\"\(pointer)\"".utf8)
    }

    static func firstIndex(of needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index] == needle[0] {
            if bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
        }
        return nil
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
