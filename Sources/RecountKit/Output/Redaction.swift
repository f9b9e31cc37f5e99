import TokenCounter

/// What a rejected line may show in a report. `rejects.jsonl` keeps the line so nothing is lost,
/// but reports never carry a full API key or a prompt (SPEC §4): in a line that parses as a
/// JSON object, `request` and `response` are replaced by a pointer to the original line and
/// `key` / `token_name` are masked; anywhere else, `sk-…` key-like runs are masked in the text.
public enum Redaction {
    public enum Raw: Equatable { case text(String), base64(String) }

    public static func raw(_ bytes: [UInt8], source: SourceLocation) -> Raw {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Not UTF-8: the bytes as read (keys masked on the bytes), so nothing is lost.
            return .base64(Base64Encoding.encode(KeyMask.redact(bytes)))
        }
        guard case .object(var object)? = try? JSONParser.parse(bytes) else { return .text(maskKeyLikeRuns(text)) }
        for field in ["request", "response"] where object[field] != nil {
            object[field] = .string("[omitted from reports; see \(source)]")
        }
        for field in ["key", "token_name"] {
            if case .string(let key)? = object[field] { object[field] = .string(KeyMask.mask(key)) }
        }
        return .text(maskKeyLikeRuns(JSONWriter.string(.object(object))))
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
