/// An exact rational number: the one numeric type money flows through in Recount.
///
/// Why rational and not decimal: relay prices carry multipliers such as `1/3.05` and per-1M
/// prices divided down to one token; a decimal type would have to round in the middle of the
/// formula, and SPEC §2.4 allows exactly one rounding, at the end. Why Int128: the largest
/// realistic product (a 10^9-token day × a 10^-9 per-token price × 10^4 points per currency ×
/// fraction multipliers) stays far inside 128 bits, and every operation is overflow-checked and
/// *throws* (never traps), so an absurd catalog becomes a reported error.
///
/// Invariants: `denominator > 0`, `gcd(|numerator|, denominator) == 1`, and neither part is
/// `Int128.min` (so negation never overflows). Equality is therefore structural.
public struct Rational: Sendable, Hashable {
    public let numerator: Int128
    public let denominator: Int128

    public static let zero = Rational(normalized: 0, 1)
    public static let one = Rational(normalized: 1, 1)

    /// Scales accepted by `rounded(scale:mode:)` and `decimalString(scale:)`.
    public static let scaleRange = 0...18

    /// The caller guarantees the invariants.
    init(normalized numerator: Int128, _ denominator: Int128) {
        self.numerator = numerator
        self.denominator = denominator
    }

    public init(_ integer: Int) {
        self.init(normalized: Int128(integer), 1)
    }

    /// `numerator / denominator`, reduced. A zero denominator is `.divisionByZero`.
    public init(numerator: Int128, denominator: Int128) throws(MoneyError) {
        guard denominator != 0 else { throw .divisionByZero }
        guard numerator != .min, denominator != .min else { throw .overflow(operation: "normalization") }
        var n = numerator
        var d = denominator
        if d < 0 { n = -n; d = -d }
        let g = Self.gcd(n.magnitude, d.magnitude)
        self.init(normalized: g == 1 ? n : n / Int128(g), g == 1 ? d : d / Int128(g))
    }

    public var isNegative: Bool { numerator < 0 }
    public var isZero: Bool { numerator == 0 }
    public var isInteger: Bool { denominator == 1 }

    public var negated: Rational { Rational(normalized: -numerator, denominator) }

    public func adding(_ other: Rational) throws(MoneyError) -> Rational {
        if denominator == 1 && other.denominator == 1 {
            // Integers (most sums of amounts in units): nothing to reduce.
            let (sum, overflow) = numerator.addingReportingOverflow(other.numerator)
            guard !overflow else { throw .overflow(operation: "addition") }
            return try Rational(numerator: sum, denominator: 1)
        }
        let g = Int128(Self.gcd(denominator.magnitude, other.denominator.magnitude))
        let left = try Self.multiply(numerator, other.denominator / g, "addition")
        let right = try Self.multiply(other.numerator, denominator / g, "addition")
        let (sum, overflow) = left.addingReportingOverflow(right)
        guard !overflow else { throw .overflow(operation: "addition") }
        return try Rational(
            numerator: sum, denominator: try Self.multiply(denominator / g, other.denominator, "addition"))
    }

    public func subtracting(_ other: Rational) throws(MoneyError) -> Rational {
        try adding(other.negated)
    }

    public func multiplied(by other: Rational) throws(MoneyError) -> Rational {
        // Cross-reduce first so intermediate products stay as small as the result allows.
        let g1 = Int128(Self.gcd(numerator.magnitude, other.denominator.magnitude))
        let g2 = Int128(Self.gcd(other.numerator.magnitude, denominator.magnitude))
        let n = try Self.multiply(
            g1 == 1 ? numerator : numerator / g1, g2 == 1 ? other.numerator : other.numerator / g2, "multiplication")
        let d = try Self.multiply(
            g2 == 1 ? denominator : denominator / g2, g1 == 1 ? other.denominator : other.denominator / g1,
            "multiplication")
        return try Rational(numerator: n, denominator: d)
    }

    public func divided(by other: Rational) throws(MoneyError) -> Rational {
        guard !other.isZero else { throw .divisionByZero }
        return try multiplied(by: Rational(numerator: other.denominator, denominator: other.numerator))
    }

    public func multiplied(by integer: Int) throws(MoneyError) -> Rational {
        try multiplied(by: Rational(integer))
    }

    // MARK: - Helpers

    static func multiply(_ a: Int128, _ b: Int128, _ operation: String) throws(MoneyError) -> Int128 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        guard !overflow, product != .min else { throw .overflow(operation: operation) }
        return product
    }

    /// `gcd(a, b)`, or 1 when both are zero. Why the 64-bit path: money values are almost
    /// always far below 2^64, and there the processor divides in one instruction where a
    /// 128-bit remainder is a library call — the join reduces a dozen rationals per request.
    static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
        if a == 1 || b == 1 { return 1 }
        if a >> 64 == 0 && b >> 64 == 0 {
            var (x, y) = (UInt64(truncatingIfNeeded: a), UInt64(truncatingIfNeeded: b))
            while y != 0 { (x, y) = (y, x % y) }
            return x == 0 ? 1 : UInt128(x)
        }
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }

    /// 10^0 … 10^38, the powers that fit in Int128.
    static let powersOfTen: [Int128] = {
        var powers: [Int128] = [1]
        for _ in 1...38 { powers.append(powers[powers.count - 1] * 10) }
        return powers
    }()
}

extension Rational: Comparable {
    /// Compares `a/b` with `c/d` through full-width 256-bit products: never overflows.
    public static func < (lhs: Rational, rhs: Rational) -> Bool {
        let left = lhs.numerator.multipliedFullWidth(by: rhs.denominator)
        let right = rhs.numerator.multipliedFullWidth(by: lhs.denominator)
        return (left.high, left.low) < (right.high, right.low)
    }
}

extension Rational: CustomStringConvertible {
    /// The exact value: a plain decimal when it terminates (`0.0142`, `2130`), else `a/b`.
    public var description: String {
        if let scale = terminatingScale, scale <= 38, let text = decimalString(scale: scale) { return text }
        return "\(numerator)/\(denominator)"
    }
}
