/// Reads the start of a JSON object that may break off anywhere: whole `"key": value` pairs,
/// one at a time, and nothing of a pair that is not whole. Keys with escapes are not read (a
/// field a report shows has none). Values are only delimited here — strings with their escapes,
/// nested objects and arrays by depth, numbers and literals as a run — and `Redaction` parses
/// each on its own before anything of it is shown.
struct LenientScanner {
    let bytes: [UInt8]
    var index = 0

    init(bytes: [UInt8]) { self.bytes = bytes }

    /// What ends a number or a literal, besides a blank.
    static let runEnds: Set<UInt8> = [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]")]

    static func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }

    mutating func skipBlanks() {
        while index < bytes.count, Self.isBlank(bytes[index]) { index += 1 }
    }

    /// Whether nothing but blanks is left (consuming them).
    mutating func reachedEnd() -> Bool {
        skipBlanks()
        return index == bytes.count
    }

    /// Consumes `byte` after blanks; false (nothing consumed but the blanks) when it is not next.
    mutating func consume(_ byte: UInt8) -> Bool {
        skipBlanks()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// The next whole pair: its key, and its value's bytes; nil when it breaks off.
    mutating func pair() -> (key: String, value: ArraySlice<UInt8>)? {
        skipBlanks()
        guard let keyEnd = stringEnd(from: index) else { return nil }
        let keyBytes = bytes[(index + 1)..<(keyEnd - 1)]
        guard !keyBytes.contains(UInt8(ascii: "\\")) else { return nil }
        index = keyEnd
        guard consume(UInt8(ascii: ":")) else { return nil }
        skipBlanks()
        let start = index
        guard let end = valueEnd(from: start) else { return nil }
        index = end
        return (String(decoding: keyBytes, as: UTF8.self), bytes[start..<end])
    }

    /// Just past the closing quote of the string that opens at `start`.
    func stringEnd(from start: Int) -> Int? {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return nil }
        var position = start + 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\\"): position += 2
            case UInt8(ascii: "\""): return position + 1
            default: position += 1
            }
        }
        return nil
    }

    /// Just past the value that starts at `start`.
    func valueEnd(from start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return stringEnd(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var position = start
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    guard let end = stringEnd(from: position) else { return nil }
                    position = end
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return position + 1 }
                default: break
                }
                position += 1
            }
            return nil
        default:
            var position = start
            while position < bytes.count, !Self.runEnds.contains(bytes[position]), !Self.isBlank(bytes[position]) {
                position += 1
            }
            // A run that reaches the end may have broken off mid-number: not whole.
            return position > start && position < bytes.count ? position : nil
        }
    }
}
