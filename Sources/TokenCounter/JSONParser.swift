/// A strict RFC 8259 JSON parser over UTF-8 bytes.
///
/// Invalid UTF-8 inside a string is an error (a log line must be valid UTF-8); a `\uD800`-style
/// lone surrogate escape decodes to U+FFFD, as tiktoken counts it. Nesting is limited to
/// `depthMax` so hostile input cannot exhaust the stack.
public struct JSONParser {
    public struct Error: Swift.Error, Equatable, Sendable, CustomStringConvertible {
        /// Byte offset (0-based) where the problem was found.
        public let offset: Int
        public let reason: String
        public var description: String { "invalid JSON at byte \(offset + 1): \(reason)" }
    }

    public static let depthMax = 256

    public static func parse(_ text: String) throws(Error) -> JSONValue {
        try parse(Array(text.utf8))
    }

    public static func parse(_ bytes: [UInt8]) throws(Error) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(Error) in try parse(buffer) }
    }

    public static func parse(_ bytes: UnsafeBufferPointer<UInt8>) throws(Error) -> JSONValue {
        var parser = JSONParser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.position == bytes.count else {
            throw parser.error("unexpected data after the JSON value")
        }
        return value
    }

    /// Whether `bytes` is well-formed UTF-8 (Unicode table 3-7: no overlong forms, no
    /// surrogates, nothing above U+10FFFF), as `String(validating:as:)` judges it. Not that
    /// initializer: it is generic, and with its metadata lookups cost 7% of `recount reconcile`
    /// CPU. Skips ASCII eight bytes at a time, also between multi-byte characters. The
    /// 3-byte characters of CJK text (leads E1...EC, EE, EF: any two continuation bytes) take a
    /// short path first: they are most of the non-ASCII bytes in a Chinese relay's log, and the
    /// general case cost them twice the instructions.
    static func isValidUTF8(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let count = bytes.count
        var index = 0
        while index < count {
            let lead = base[index]
            if lead < 0x80 {
                if count - index >= 8,
                    UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self) & 0x8080_8080_8080_8080 == 0
                {
                    index += 8
                } else {
                    index += 1
                }
                continue
            }
            if lead &- 0xE1 < 0x0F, lead != 0xED, count - index >= 3,
                base[index + 1] & 0xC0 == 0x80, base[index + 2] & 0xC0 == 0x80
            {
                index += 3
                continue
            }
            // The continuation bytes after `lead`, and the range the first of them must be in.
            let continuations: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: continuations = 1
            case 0xE0: continuations = 2; low = 0xA0
            case 0xED: continuations = 2; high = 0x9F
            case 0xE1...0xEF: continuations = 2
            case 0xF0: continuations = 3; low = 0x90
            case 0xF4: continuations = 3; high = 0x8F
            case 0xF1...0xF3: continuations = 3
            default: return false
            }
            guard count - index > continuations else { return false }
            let first = base[index + 1]
            guard first >= low, first <= high else { return false }
            for offset in stride(from: 2, through: continuations, by: 1) where base[index + offset] & 0xC0 != 0x80 {
                return false
            }
            index += continuations + 1
        }
        return true
    }

    private let bytes: UnsafeBufferPointer<UInt8>
    private var position = 0
    /// The decoded bytes of the string being read when it has escapes, reused across strings.
    private var scratch: [UInt8] = []

    private init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    private func error(_ reason: String) -> Error { Error(offset: position, reason: reason) }

    private var atEnd: Bool { position >= bytes.count }

    private mutating func skipWhitespace() {
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return
            }
        }
    }

    private mutating func parseValue(depth: Int) throws(Error) -> JSONValue {
        guard !atEnd else { throw error("unexpected end of input") }
        guard depth < Self.depthMax else { throw error("nested deeper than \(Self.depthMax) levels") }
        switch bytes[position] {
        case UInt8(ascii: "{"): return try parseObject(depth: depth)
        case UInt8(ascii: "["): return try parseArray(depth: depth)
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default: throw error("unexpected character '\(Self.describe(bytes[position]))'")
        }
    }

    private static func describe(_ byte: UInt8) -> String {
        byte >= 0x20 && byte < 0x7F ? String(UnicodeScalar(byte)) : "\\x" + String(byte, radix: 16)
    }

    private mutating func expectLiteral(_ literal: StaticString) throws(Error) {
        let count = literal.utf8CodeUnitCount
        guard bytes.count - position >= count else { throw error("invalid literal") }
        for index in 0..<count where bytes[position + index] != literal.utf8Start[index] {
            throw error("invalid literal")
        }
        position += count
    }

    private mutating func parseObject(depth: Int) throws(Error) -> JSONValue {
        position += 1
        var object = JSONObject()
        skipWhitespace()
        if !atEnd, bytes[position] == UInt8(ascii: "}") {
            position += 1
            return .object(object)
        }
        // Room for a typical object's members up front, instead of growing the key and value
        // arrays from empty (a reallocation and a free at each doubling): parsing took 15% less
        // time on the day benchmark's lines; 4, 8 and 16 measured the same.
        object.reserveCapacity(8)
        var index: [[UInt8]: Int]?
        while true {
            skipWhitespace()
            guard !atEnd, bytes[position] == UInt8(ascii: "\"") else { throw error("expected a string key") }
            let key = try parseString()
            skipWhitespace()
            guard !atEnd, bytes[position] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            position += 1
            skipWhitespace()
            object.set(key, try parseValue(depth: depth + 1), index: &index)
            skipWhitespace()
            guard !atEnd else { throw error("unterminated object") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(object) }
            throw error("expected ',' or '}' in object")
        }
    }

    private mutating func parseArray(depth: Int) throws(Error) -> JSONValue {
        position += 1
        var array: [JSONValue] = []
        skipWhitespace()
        if !atEnd, bytes[position] == UInt8(ascii: "]") {
            position += 1
            return .array(array)
        }
        while true {
            skipWhitespace()
            array.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard !atEnd else { throw error("unterminated array") }
            if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
            if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(array) }
            throw error("expected ',' or ']' in array")
        }
    }

    private mutating func parseNumber() throws(Error) -> String {
        let start = position
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard !atEnd, isDigit(bytes[position]) else { throw error("invalid number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else {
            while !atEnd, isDigit(bytes[position]) { position += 1 }
        }
        if !atEnd, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard !atEnd, isDigit(bytes[position]) else { throw error("invalid number: digit expected after '.'") }
            while !atEnd, isDigit(bytes[position]) { position += 1 }
        }
        if !atEnd, bytes[position] | 0x20 == UInt8(ascii: "e") {
            position += 1
            if !atEnd, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard !atEnd, isDigit(bytes[position]) else { throw error("invalid number: exponent digits expected") }
            while !atEnd, isDigit(bytes[position]) { position += 1 }
        }
        return Self.string(knownValid: UnsafeBufferPointer(rebasing: bytes[start..<position]), isASCII: true)
    }

    private func isDigit(_ byte: UInt8) -> Bool { byte &- UInt8(ascii: "0") < 10 }

    private mutating func parseString() throws(Error) -> String {
        position += 1
        let start = position
        var isASCII = skipPlainRun()
        if position < bytes.count, bytes[position] == UInt8(ascii: "\"") {
            let slice = UnsafeBufferPointer(rebasing: bytes[start..<position])
            position += 1
            return try Self.makeString(slice, isASCII: isASCII, at: start)
        }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<position]))
        while true {
            guard position < bytes.count else { throw error("unterminated string") }
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") {
                position += 1
                return try scratch.withUnsafeBufferPointer { buffer throws(Error) in
                    try Self.makeString(buffer, isASCII: isASCII, at: start)
                }
            }
            if byte < 0x20 { throw error("control character in string") }
            if byte != UInt8(ascii: "\\") {
                let run = position
                isASCII = skipPlainRun() && isASCII
                scratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[run..<position]))
                continue
            }
            position += 1
            guard position < bytes.count else { throw error("unterminated escape") }
            let escape = bytes[position]
            position += 1
            switch escape {
            case UInt8(ascii: "\""): scratch.append(0x22)
            case UInt8(ascii: "\\"): scratch.append(0x5C)
            case UInt8(ascii: "/"): scratch.append(0x2F)
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                let scalar = try parseUnicodeEscape()
                if !scalar.isASCII { isASCII = false }
                scratch.append(contentsOf: scalar.utf8)
            default: throw error("invalid escape '\\\(Self.describe(escape))'")
            }
        }
    }

    /// Advances over string bytes that need no decoding (anything but `"`, `\` and control
    /// characters) and says whether they were all ASCII. Eight bytes at a time while it can,
    /// stopping right at the first byte that needs attention: log strings are long (prompts,
    /// tool schemas) and this loop reads most of a line's bytes.
    private mutating func skipPlainRun() -> Bool {
        var seen: UInt64 = 0
        if let base = bytes.baseAddress {
            while bytes.count - position >= 8 {
                let word = UInt64(littleEndian: UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self))
                let special = Self.specialBytes(word)
                if special != 0 {
                    let plain = special.trailingZeroBitCount / 8
                    seen |= word & ((1 << (plain * 8)) &- 1)
                    position += plain
                    return seen & 0x8080_8080_8080_8080 == 0
                }
                seen |= word
                position += 8
            }
        }
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") || byte < 0x20 { break }
            seen |= UInt64(byte)
            position += 1
        }
        return seen & 0x8080_8080_8080_8080 == 0
    }

    /// The high bit of each byte of `word` (first byte lowest) that is `"`, `\` or below 0x20,
    /// by the classic SWAR tests (a zero byte in `word ^ pattern`; a byte less than n). A test
    /// can also flag bytes above a true hit (a borrow runs upward), never below one, so the
    /// lowest flag is exactly the first byte that needs attention.
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroInQuote = (quote &- ones) & ~quote
        let zeroInBackslash = (backslash &- ones) & ~backslash
        let belowSpace = (word &- ones &* 0x20) & ~word
        return (zeroInQuote | zeroInBackslash | belowSpace) & highs
    }

    /// `\uXXXX`, joining a surrogate pair; a lone surrogate becomes U+FFFD.
    private mutating func parseUnicodeEscape() throws(Error) -> Unicode.Scalar {
        let first = try parseHex4()
        if (0xD800...0xDBFF).contains(first) {
            if bytes.count - position >= 6, bytes[position] == UInt8(ascii: "\\"),
                bytes[position + 1] == UInt8(ascii: "u")
            {
                let save = position
                position += 2
                let second = try parseHex4()
                if (0xDC00...0xDFFF).contains(second) {
                    let value = 0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                    return Unicode.Scalar(value)!
                }
                position = save
            }
            return "\u{FFFD}"
        }
        return Unicode.Scalar(first) ?? "\u{FFFD}"
    }

    private mutating func parseHex4() throws(Error) -> UInt32 {
        guard bytes.count - position >= 4 else { throw error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = bytes[position]
            let digit: UInt32
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt32(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt32(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt32(byte - UInt8(ascii: "A")) + 10
            default: throw error("invalid hex digit in \\u escape")
            }
            value = value << 4 | digit
            position += 1
        }
        return value
    }

    /// The string of a string token's decoded bytes, starting at byte `offset` of the input.
    /// ASCII (known from the scan) needs no validation.
    private static func makeString(
        _ buffer: UnsafeBufferPointer<UInt8>, isASCII: Bool, at offset: Int
    ) throws(Error) -> String {
        guard isASCII || isValidUTF8(buffer) else { throw Error(offset: offset, reason: "string is not valid UTF-8") }
        return string(knownValid: buffer, isASCII: isASCII)
    }

    /// A copy of bytes already known to be valid UTF-8, without validating them again.
    private static func string(knownValid buffer: UnsafeBufferPointer<UInt8>, isASCII: Bool) -> String {
        String(copying: UTF8Span(unchecked: buffer.span, isKnownASCII: isASCII))
    }
}
