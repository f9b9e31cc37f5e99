/// The gateway's float64 ratios, as exact decimals.
///
/// new-api keeps every ratio and price (`ModelRatio`, `completion_ratio`, `cache_ratio`, …) as a
/// Go `float64`, and its quota formula (`service/text_quota.go`) turns each one into an exact
/// decimal with shopspring's `decimal.NewFromFloat`, which takes the *shortest* decimal that
/// reads back as the same float64 (Go's `strconv.FormatFloat(f, 'f', -1, 64)`), and then
/// computes exactly. So the gateway's value of a ratio written `0.075` is exactly 0.075, and
/// of `4.0/3.0` (a ratio computed in Go code) exactly 1.3333333333333333.
///
/// This is the one place in RecountKit where `Double` appears, and never for money: a ratio's
/// text is rounded to the nearest binary64 (as Go's `strconv.ParseFloat` and Swift's
/// `Double(_:)` both do, correctly rounded) and written back with the shortest round-trip
/// digits (Swift's `description` and Go's `'g', -1` both print the shortest digits that
/// identify the double, the nearest such when there is a choice). The result is an exact
/// `Rational`; everything after it is exact arithmetic, as in the gateway.
enum GatewayFloat {
    /// `decimal.NewFromFloat(strconv.ParseFloat(text, 64))`; nil when `text` is not a finite number.
    ///
    /// Fast path: a plain decimal of at most 15 significant digits *is* its float64's shortest
    /// decimal (binary64 keeps 15 decimal digits: two such decimals never share a double, and
    /// the shortest one is no longer than the text), so it is read exactly without a `Double`.
    /// Every ratio a gateway writes is of that kind; this runs once per ratio of every row.
    static func decimal(_ text: String) -> Rational? {
        if isShortPlainDecimal(text), let exact = try? Rational(parsing: text) { return exact }
        return slowDecimal(text)
    }

    /// Through a `Double`: the path for long or exponent-form texts (and the oracle of the fast path).
    static func slowDecimal(_ text: String) -> Rational? {
        guard let value = Double(text), value.isFinite else { return nil }
        return shortest(value)
    }

    /// `[-]digits[.digits]` with at most 15 significant digits and no exponent.
    static func isShortPlainDecimal(_ text: String) -> Bool {
        var significant = 0
        var pendingZeros = 0
        var seenNonZero = false
        var seenDigit = false
        var seenPoint = false
        for (index, byte) in text.utf8.enumerated() {
            switch byte {
            case UInt8(ascii: "-") where index == 0:
                continue
            case UInt8(ascii: "."):
                if seenPoint { return false }
                seenPoint = true
            case UInt8(ascii: "0"):
                seenDigit = true
                if seenNonZero { pendingZeros += 1 }
            case UInt8(ascii: "1")...UInt8(ascii: "9"):
                seenDigit = true
                seenNonZero = true
                significant += pendingZeros + 1
                pendingZeros = 0
            default:
                return false
            }
        }
        return seenDigit && significant <= 15
    }

    /// The float64 product `a × b` (Go `float64 * float64`, round to nearest even), as the
    /// gateway's decimal. Used where the gateway derives a ratio in float64 code: the 1-hour
    /// cache-write ratio is `cacheCreationRatio * (6 / 3.75)` (`relay/helper/price.go`).
    static func product(_ a: Rational, _ b: Rational) -> Rational? {
        guard let x = double(a), let y = double(b) else { return nil }
        let value = x * y
        return value.isFinite ? shortest(value) : nil
    }

    /// The float64 quotient `a / b`, as the gateway's decimal (hard-coded ratios such as
    /// `4.0 / 3.0` and `2.5 / 0.3` in `setting/ratio_setting/model_ratio.go`).
    static func quotient(_ a: Rational, _ b: Rational) -> Rational? {
        guard let x = double(a), let y = double(b), y != 0 else { return nil }
        let value = x / y
        return value.isFinite ? shortest(value) : nil
    }

    /// The float64 nearest to an exact decimal (its shortest text parsed as a double).
    private static func double(_ value: Rational) -> Double? {
        guard let scale = value.terminatingScale, let text = value.decimalString(scale: scale) else {
            return Double(value.numerator) / Double(value.denominator)
        }
        return Double(text)
    }

    private static func shortest(_ value: Double) -> Rational? {
        if value == 0 { return .zero }
        return try? Rational(parsing: value.description)
    }
}
