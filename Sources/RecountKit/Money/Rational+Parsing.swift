extension Rational {
    /// Longest text accepted by `init(parsing:)`.
    public static let textLengthMax = 100
    /// Most significant digits in one decimal (10^36 < Int128.max ≈ 1.7 × 10^38).
    public static let significantDigitsMax = 36
    /// Largest |power of ten| a decimal may reduce to (`1e-38` is the smallest non-zero value).
    public static let decimalExponentMax = 38

    /// Reads a price, rate or multiplier exactly.
    ///
    /// Accepts a decimal (`12`, `-0.5`, `0.002`, `.5`, `+3`), with an exponent (`1e-3`,
    /// `2.5E+2`), or a fraction of two decimals (`1/3.05`). Bounds, each reported by name:
    /// at most `textLengthMax` characters, `significantDigitsMax` significant digits per decimal,
    /// and a value whose power of ten (after trailing zeros are folded in) is within
    /// ±`decimalExponentMax`. No whitespace, no thousands separators, no `NaN`/`Infinity`.
    public init(parsing text: String) throws(MoneyError) {
        guard !text.isEmpty else { throw .invalidNumber(text: text, reason: "empty") }
        guard text.utf8.count <= Self.textLengthMax else {
            throw .invalidNumber(
                text: String(text.prefix(24)) + "…", reason: "longer than \(Self.textLengthMax) characters")
        }
        var bytes = text
        self = try bytes.withUTF8 { bytes in
            Result { () throws(MoneyError) in try Self.parse(bytes, of: text) }
        }.get()
    }

    /// `text` (as `bytes`) split at its `/` and read. Bytes, not the `String` and `Substring`
    /// calls this used to make: those cost 4.5% of `recount reconcile` CPU on the day benchmark.
    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>, of text: String) throws(MoneyError) -> Rational {
        let top: Range<Int>
        let bottom: Range<Int>?
        if bytes.allSatisfy({ $0 < 0x80 }) {
            // In ASCII every '/' byte is a "/" character.
            let slash = bytes.firstIndex(of: UInt8(ascii: "/"))
            if let slash, bytes[(slash + 1)...].contains(UInt8(ascii: "/")) {
                throw .invalidNumber(text: text, reason: "more than one '/'")
            }
            top = 0..<(slash ?? bytes.count)
            bottom = slash.map { ($0 + 1)..<bytes.count }
        } else {
            // Split on characters as before: a '/' followed by a combining mark is one
            // character that is not "/". (Such text is never a number; this keeps which of
            // the errors it gets.)
            let parts = text.split(separator: "/", omittingEmptySubsequences: false).map { part in
                text.utf8.distance(
                    from: text.startIndex, to: part.startIndex)..<text.utf8.distance(
                        from: text.startIndex, to: part.endIndex)
            }
            guard parts.count <= 2 else { throw .invalidNumber(text: text, reason: "more than one '/'") }
            top = parts[0]
            bottom = parts.count == 2 ? parts[1] : nil
        }
        let numerator = try parseDecimal(UnsafeBufferPointer(rebasing: bytes[top]), whole: text)
        guard let bottom else { return numerator }
        let denominator = try parseDecimal(UnsafeBufferPointer(rebasing: bytes[bottom]), whole: text)
        guard !denominator.isZero else { throw .invalidNumber(text: text, reason: "fraction with a zero denominator") }
        do {
            return try numerator.divided(by: denominator)
        } catch {
            throw .invalidNumber(text: text, reason: "fraction too large for exact arithmetic")
        }
    }

    private static func parseDecimal(_ bytes: UnsafeBufferPointer<UInt8>, whole: String) throws(MoneyError) -> Rational
    {
        guard let parsed = DecimalDigits(bytes) else {
            throw .invalidNumber(
                text: whole, reason: "expected a decimal number such as 0.002, 1e-3 or a fraction such as 1/3.05")
        }
        // The integer digits then the fraction digits, read as one run of `count` digits.
        let count = parsed.integer.count + parsed.fraction.count
        func digit(_ index: Int) -> UInt8 {
            let offset =
                index < parsed.integer.count
                ? parsed.integer.lowerBound + index
                : parsed.fraction.lowerBound + index - parsed.integer.count
            return bytes[offset] &- UInt8(ascii: "0")
        }
        var first = 0
        while first < count, digit(first) == 0 { first += 1 }
        guard first < count else { return .zero }
        var end = count
        while digit(end - 1) == 0 { end -= 1 }
        // Trailing zeros fold into the power of ten.
        let exponent = parsed.exponent - parsed.fraction.count + (count - end)
        guard end - first <= significantDigitsMax else {
            throw .invalidNumber(text: whole, reason: "more than \(significantDigitsMax) significant digits")
        }
        guard abs(exponent) <= decimalExponentMax else {
            throw .invalidNumber(text: whole, reason: "magnitude out of range (10^\(exponent))")
        }
        // At most 36 digits, so it fits.
        var mantissa: Int128 = 0
        for index in first..<end { mantissa = mantissa * 10 + Int128(digit(index)) }
        if parsed.negative { mantissa = -mantissa }
        if exponent >= 0 {
            let (value, overflow) = mantissa.multipliedReportingOverflow(by: powersOfTen[exponent])
            guard !overflow, value != .min else {
                throw .invalidNumber(text: whole, reason: "too large for exact arithmetic")
            }
            return Rational(normalized: value, 1)
        }
        return try Rational(numerator: mantissa, denominator: powersOfTen[-exponent])
    }
}
