extension String {
    /// Replaces every occurrence of a one-character `target` (no Foundation needed).
    ///
    /// An ASCII target is replaced byte by byte: its byte never occurs inside another scalar's
    /// UTF-8, and this runs over every rendered report row (it was a split and a join).
    /// Unlike the Character split, that also replaces the target when a combining mark
    /// follows it, which only matters for the one caller, escaping `/` in JSON, as more escaping.
    func replacingAll(_ target: Character, with replacement: String) -> String {
        guard target.unicodeScalars.count == 1, let ascii = target.asciiValue else {
            return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
        }
        var text = self
        return text.withUTF8 { bytes in
            guard bytes.contains(ascii) else { return self }
            var out: [UInt8] = []
            out.reserveCapacity(bytes.count + 16 * replacement.utf8.count)
            for byte in bytes {
                if byte == ascii { out.append(contentsOf: replacement.utf8) } else { out.append(byte) }
            }
            return String(decoding: out, as: UTF8.self)
        }
    }
}
