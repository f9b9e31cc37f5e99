import CVocabulary

/// Loads the mergeable ranks of one `.tiktoken` file into a `RankTable`.
///
/// The files are linked into the binary (see `Sources/CVocabulary`), so loading never touches
/// the file system and a copied executable keeps working.
///
/// Performance: loading is on the path to the first count, so the parser decodes base64 straight
/// into the table's one byte buffer (no per-token `Array`, no dictionary of arrays). The lines
/// are sorted by rank in every published file; an out-of-order line is reported as corrupt
/// rather than silently accepted.
enum Vocabulary {
    static func embedded(_ name: String) throws(TokenCounterError) -> RankTable {
        var length = 0
        guard let base = recount_vocabulary_bytes(name, &length), length > 0 else {
            throw .vocabularyMissing(
                name: name,
                lookedIn: "the data embedded in this binary (Sources/CVocabulary/vocab/\(name).tiktoken at build time)")
        }
        return try parse(name: name, bytes: UnsafeBufferPointer(start: base, count: length))
    }

    /// Parses `base64 SP rank LF` lines, ranks ascending (gaps allowed: p50k has no 50256).
    static func parse(name: String, bytes: UnsafeBufferPointer<UInt8>) throws(TokenCounterError) -> RankTable {
        // Decoded bytes are at most 3/4 of the input; offsets at most one per line.
        let tokenBytes = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: bytes.count * 3 / 4 + 4)
        var offsets: [UInt32] = [0]
        offsets.reserveCapacity(bytes.count / 8)
        var written = 0
        var lineStart = 0
        var lineNumber = 0
        var failure: TokenCounterError?
        while lineStart < bytes.count {
            lineNumber += 1
            var space = lineStart
            while space < bytes.count, bytes[space] != 0x20, bytes[space] != 0x0A { space += 1 }
            guard space < bytes.count, bytes[space] == 0x20 else {
                failure = .vocabularyCorrupt(name: name, line: lineNumber, reason: "no space between token and rank")
                break
            }
            guard let decoded = Base64.decode(bytes, lineStart..<space, into: tokenBytes.baseAddress! + written) else {
                failure = .vocabularyCorrupt(name: name, line: lineNumber, reason: "invalid base64")
                break
            }
            var rank = 0
            var end = space + 1
            while end < bytes.count, bytes[end] != 0x0A {
                let digit = bytes[end] &- 0x30
                guard digit < 10, rank < 1 << 30 else { break }
                rank = rank * 10 + Int(digit)
                end += 1
            }
            guard end == bytes.count || bytes[end] == 0x0A, end > space + 1 else {
                failure = .vocabularyCorrupt(name: name, line: lineNumber, reason: "rank is not a number")
                break
            }
            guard rank >= offsets.count - 1 else {
                failure = .vocabularyCorrupt(name: name, line: lineNumber, reason: "rank \(rank) is not ascending")
                break
            }
            // Ranks the file skips get empty byte ranges.
            while offsets.count - 1 < rank { offsets.append(UInt32(written)) }
            written += decoded
            offsets.append(UInt32(written))
            lineStart = end + 1
        }
        if let failure {
            tokenBytes.deallocate()
            throw failure
        }
        let offsetStorage = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: offsets.count)
        _ = offsetStorage.initialize(from: offsets)
        return RankTable(tokenBytes: tokenBytes, offsets: offsetStorage)
    }
}

/// Standard base64 (RFC 4648 §4), as the `.tiktoken` files use it.
enum Base64 {
    /// 6-bit values by ASCII byte; 0xFF marks a byte outside the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, character) in alphabet.enumerated() { table[Int(character)] = UInt8(value) }
        return table
    }()

    /// Decodes `text[range]` to `output`; returns the number of bytes written, or nil.
    static func decode(
        _ text: UnsafeBufferPointer<UInt8>, _ range: Range<Int>, into output: UnsafeMutablePointer<UInt8>
    ) -> Int? {
        var end = range.upperBound
        while end > range.lowerBound, text[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard range.upperBound - end <= 2 else { return nil }
        return values.withUnsafeBufferPointer { values -> Int? in
            var accumulator: UInt32 = 0
            var bits = 0
            var written = 0
            for index in range.lowerBound..<end {
                let value = values[Int(text[index])]
                guard value != 0xFF else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    output[written] = UInt8(truncatingIfNeeded: accumulator >> UInt32(bits))
                    written += 1
                }
            }
            return written
        }
    }
}
