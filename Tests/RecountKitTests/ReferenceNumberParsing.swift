import Foundation

@testable import RecountKit

/// Number reading as it was before it went to bytes (commit fb7bf33), kept verbatim as the
/// oracle for `NumberParsingDifferentialTests`: `Rational(parsing:)`, `DecimalText` and the
/// amount check must accept the same texts and give the same values and errors.
enum ReferenceNumberParsing {
    static func rational(parsing text: String) throws(MoneyError) -> Rational {
        guard !text.isEmpty else { throw .invalidNumber(text: text, reason: "empty") }
        guard text.utf8.count <= Rational.textLengthMax else {
            throw .invalidNumber(
                text: String(text.prefix(24)) + "…", reason: "longer than \(Rational.textLengthMax) characters")
        }
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        switch parts.count {
        case 1:
            return try Self.parseDecimal(Substring(text), whole: text)
        case 2:
            let top = try Self.parseDecimal(parts[0], whole: text)
            let bottom = try Self.parseDecimal(parts[1], whole: text)
            guard !bottom.isZero else { throw .invalidNumber(text: text, reason: "fraction with a zero denominator") }
            do {
                return try top.divided(by: bottom)
            } catch {
                throw .invalidNumber(text: text, reason: "fraction too large for exact arithmetic")
            }
        default:
            throw .invalidNumber(text: text, reason: "more than one '/'")
        }
    }

    static func parseDecimal(_ part: Substring, whole: String) throws(MoneyError) -> Rational {
        guard let parsed = ReferenceDecimalText(String(part)) else {
            throw .invalidNumber(
                text: whole, reason: "expected a decimal number such as 0.002, 1e-3 or a fraction such as 1/3.05")
        }
        var digits = Substring(parsed.integer + parsed.fraction).drop(while: { $0 == "0" })
        var exponent = parsed.exponent - parsed.fraction.count
        guard !digits.isEmpty else { return .zero }
        while digits.last == "0" {
            digits = digits.dropLast()
            exponent += 1
        }
        guard digits.count <= Rational.significantDigitsMax else {
            throw .invalidNumber(text: whole, reason: "more than \(Rational.significantDigitsMax) significant digits")
        }
        guard abs(exponent) <= Rational.decimalExponentMax else {
            throw .invalidNumber(text: whole, reason: "magnitude out of range (10^\(exponent))")
        }
        // `digits` has at most 36 ASCII digits, so it fits.
        var mantissa = Int128(digits)!
        if parsed.negative { mantissa = -mantissa }
        if exponent >= 0 {
            let (value, overflow) = mantissa.multipliedReportingOverflow(by: Rational.powersOfTen[exponent])
            guard !overflow, value != .min else {
                throw .invalidNumber(text: whole, reason: "too large for exact arithmetic")
            }
            return Rational(normalized: value, 1)
        }
        return try Rational(numerator: mantissa, denominator: Rational.powersOfTen[-exponent])
    }

    /// `FieldReader.amount`'s test for a fraction.
    static func hasSlash(_ text: String) -> Bool { text.contains("/") }
}

/// The parts of a decimal literal (`-12.5e3`), for exact readers of numbers.
struct ReferenceDecimalText {
    var negative: Bool
    var integer: String
    var fraction: String
    var exponent: Int

    init?(_ text: String) {
        var rest = Substring(text)
        negative = rest.first == "-"
        if negative || rest.first == "+" { rest = rest.dropFirst() }
        var exponent = 0
        if let e = rest.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            // Not `abs(value)`: it traps on Int.min ("1e-9223372036854775808", found by fuzzing).
            guard let value = Int(rest[rest.index(after: e)...]), (-1000...1000).contains(value) else { return nil }
            exponent = value
            rest = rest[..<e]
        }
        let parts = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2 else { return nil }
        integer = String(parts[0])
        fraction = parts.count == 2 ? String(parts[1]) : ""
        guard !(integer.isEmpty && fraction.isEmpty),
            integer.allSatisfy(\.isReferenceASCIIDigit), fraction.allSatisfy(\.isReferenceASCIIDigit)
        else { return nil }
        if parts.count == 2, fraction.isEmpty { return nil }
        if integer.isEmpty { integer = "0" }
        self.exponent = exponent
    }
}

extension Character {
    fileprivate var isReferenceASCIIDigit: Bool { isASCII && isNumber }
}
