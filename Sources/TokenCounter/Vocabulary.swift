import CVocabulary

/// The mergeable ranks of one `.tiktoken` file: token bytes → rank.
///
/// The files are linked into the binary (see `Sources/CVocabulary`), so loading never touches
/// the file system and a copied executable keeps working.
struct Vocabulary: Sendable {
    let name: String
    let ranks: [[UInt8]: Token]
    /// Rank → token bytes, for `decode`. Ranks missing from the file (p50k's 50256) are empty.
    let tokens: [[UInt8]]

    static func embedded(_ name: String) throws(TokenCounterError) -> Vocabulary {
        var length = 0
        guard let base = recount_vocabulary_bytes(name, &length), length > 0 else {
            throw .vocabularyMissing(
                name: name,
                lookedIn: "the data embedded in this binary (Sources/CVocabulary/vocab/\(name).tiktoken at build time)")
        }
        return try parse(name: name, bytes: UnsafeBufferPointer(start: base, count: length))
    }

    /// Parses `base64 SP rank LF` lines.
    static func parse(name: String, bytes: UnsafeBufferPointer<UInt8>) throws(TokenCounterError) -> Vocabulary {
        var ranks: [[UInt8]: Token] = [:]
        ranks.reserveCapacity(bytes.count / 12)
        var maxRank: Token = 0
        var lineStart = 0
        var lineNumber = 0
        while lineStart < bytes.count {
            lineNumber += 1
            var lineEnd = lineStart
            while lineEnd < bytes.count, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            guard let space = (lineStart..<lineEnd).first(where: { bytes[$0] == 0x20 }) else {
                throw .vocabularyCorrupt(name: name, line: lineNumber, reason: "no space between token and rank")
            }
            guard let token = Base64.decode(bytes[lineStart..<space]) else {
                throw .vocabularyCorrupt(name: name, line: lineNumber, reason: "invalid base64")
            }
            var rank: Token = 0
            for index in (space + 1)..<lineEnd {
                let digit = bytes[index] &- 0x30
                guard digit < 10 else {
                    throw .vocabularyCorrupt(name: name, line: lineNumber, reason: "rank is not a number")
                }
                rank = rank * 10 + Token(digit)
            }
            ranks[token] = rank
            maxRank = max(maxRank, rank)
            lineStart = lineEnd + 1
        }
        var tokens = [[UInt8]](repeating: [], count: Int(maxRank) + 1)
        for (bytes, rank) in ranks { tokens[Int(rank)] = bytes }
        return Vocabulary(name: name, ranks: ranks, tokens: tokens)
    }
}

/// Standard base64 (RFC 4648 §4), as the `.tiktoken` files use it.
enum Base64 {
    static func decode(_ text: Slice<UnsafeBufferPointer<UInt8>>) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(text.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for character in text {
            let value: UInt32
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = UInt32(character - UInt8(ascii: "A"))
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = UInt32(character - UInt8(ascii: "a")) + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = UInt32(character - UInt8(ascii: "0")) + 52
            case UInt8(ascii: "+"): value = 62
            case UInt8(ascii: "/"): value = 63
            case UInt8(ascii: "="): continue
            default: return nil
            }
            accumulator = accumulator << 6 | value
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        return output
    }
}
