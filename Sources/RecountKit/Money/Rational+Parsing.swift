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
            throw .invalidNumber(text: String(text.prefix(24)) + "…", reason: "longer than \(Self.textLengthMax) characters")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            self = try Self.parseDecimal(Substring(text), whole: text)
        case 2:
            let top = try Self.parseDecimal(parts[0], whole: text)
            let bottom = try Self.parseDecimal(parts[1], whole: text)
            guard !bottom.isZero else { throw .invalidNumber(text: text, reason: "fraction with a zero denominator") }
            do {
                self = try top.divided(by: bottom)
            } catch {
                throw .invalidNumber(text: text, reason: "fraction too large for exact arithmetic")
            }
        default:
            throw .invalidNumber(text: text, reason: "more than one '/'")
        }
    }

    private static func parseDecimal(_ part: Substring, whole: String) throws(MoneyError) -> Rational {
        guard let parsed = DecimalText(String(part)) else {
            throw .invalidNumber(text: whole, reason: "expected a decimal number such as 0.002, 1e-3 or a fraction such as 1/3.05")
        }
        var digits = Substring(parsed.integer + parsed.fraction).drop(while: { $0 == "0" })
        var exponent = parsed.exponent - parsed.fraction.count
        guard !digits.isEmpty else { return .zero }
        while digits.last == "0" {
            digits = digits.dropLast()
            exponent += 1
        }
        guard digits.count <= significantDigitsMax else {
            throw .invalidNumber(text: whole, reason: "more than \(significantDigitsMax) significant digits")
        }
        guard abs(exponent) <= decimalExponentMax else {
            throw .invalidNumber(text: whole, reason: "magnitude out of range (10^\(exponent))")
        }
        // `digits` has at most 36 ASCII digits, so it fits.
        var mantissa = Int128(digits)!
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
