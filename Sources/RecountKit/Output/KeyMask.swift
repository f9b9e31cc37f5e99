import TokenCounter

/// API keys in reports: `sk-…abcd` (the prefix before the first `-`, an ellipsis, the last 4).
public enum KeyMask {
    public static func mask(_ key: String?) -> String {
        guard let key, !key.isEmpty else { return "" }
        // Keys are ASCII (`sk-…`): the same cut on bytes, with no array of scalars.
        var utf8Key = key
        if let masked = utf8Key.withUTF8({ bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.count > 8 else { return "…" }
            let dash = bytes.firstIndex(of: UInt8(ascii: "-")).flatMap { $0 <= 6 ? $0 : nil }
            let prefix = dash.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[...$0]), as: UTF8.self) } ?? ""
            return prefix + "…"
                + String(decoding: UnsafeBufferPointer(rebasing: bytes[(bytes.count - 4)...]), as: UTF8.self)
        }) {
            return masked
        }
        let scalars = Array(key.unicodeScalars)
        guard scalars.count > 8 else { return "…" }
        var prefix = ""
        if let dash = scalars.firstIndex(of: "-"), dash <= 6 {
            prefix = String(String.UnicodeScalarView(scalars[...dash]))
        }
        return prefix + "…" + String(String.UnicodeScalarView(scalars.suffix(4)))
    }
}

extension KeyMask {
    /// A rejected line as written to `rejects.jsonl`: every API key in it masked, because the
    /// SPEC masks keys "in every report" and a rejected line is often one with a key in it.
    /// Masks each `sk-…` run of key characters (`[A-Za-z0-9_-]`, more than 8 in all), and, when
    /// the line is a JSON object, the exact text of its `key` / `token_name` values. Works on
    /// bytes, so lines that are not UTF-8 are masked too. Only the key changes: the rest of
    /// the line stays as read, so the reject can still be found and fixed.
    public static func redact(_ raw: [UInt8]) -> [UInt8] {
        var secrets: [[UInt8]] = []
        if case .object(let object)? = try? JSONParser.parse(raw) {
            for field in ["key", "token_name"] {
                if let value = object[field]?.stringValue, value.unicodeScalars.count > 8 {
                    secrets.append(Array(value.utf8))
                }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        func isKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == 0x5F || byte == 0x2D
        }
        scan: while index < raw.count {
            for secret in secrets where raw[index...].starts(with: secret) {
                out += Array(mask(String(decoding: secret, as: UTF8.self)).utf8)
                index += secret.count
                continue scan
            }
            if raw[index...].starts(with: [0x73, 0x6B, 0x2D]), index == 0 || !isKeyByte(raw[index - 1]) {
                var end = index + 3
                while end < raw.count, isKeyByte(raw[end]) { end += 1 }
                if end - index > 8 {
                    out += Array(mask(String(decoding: raw[index..<end], as: UTF8.self)).utf8)
                    index = end
                    continue
                }
            }
            out.append(raw[index])
            index += 1
        }
        return out
    }
}
