import ArgumentParsing
import RecountKit
import RecountSample
import TokenCounter

// The values the options take: each type says once what text it takes, so every option of it
// parses, and fails, the same way ("--from takes an RFC 3339 time with offset …, not 'x'").

/// `--from T`, `--as-of T`…: an RFC 3339 time with its offset; a near miss says what is wrong.
extension Timestamp: ArgumentValue {
    public static let expected = "an RFC 3339 time with offset (e.g. 2024-03-01T00:00:00+08:00)"
    public init?(argument text: String) { self.init(rfc3339: text) }
    public static func problem(with text: String) -> String? { rfc3339Problem(text) }
}

/// `--tolerance N`, `--min-credit N`: every amount an option takes is a decimal ≥ 0.
extension Rational: ArgumentValue {
    public static let expected = "a decimal amount ≥ 0"
    public init?(argument text: String) {
        guard !text.contains("/"), let value = try? Rational(parsing: text), !value.isNegative else { return nil }
        self = value
    }
}

/// `--shard K/N`: shard K of N, 0 ≤ K < N ≤ 10,000.
extension Shard: ArgumentValue {
    public static let expected = "K/N with 0 ≤ K < N (e.g. 0/4)"
    public init?(argument text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 10_000, k >= 0, k < n else {
            return nil
        }
        self.init(index: k, count: n)
    }
}

extension BasisPolicy: ArgumentValue {}
extension StatementLanguage: ArgumentValue {}
extension SampleProfile: ArgumentValue {}
extension EncodingName: ArgumentValue {}

/// `--day-offset ±HH:MM`: a zone as seconds east of UTC.
struct UTCOffset: ArgumentValue {
    static let expected = "±HH:MM (e.g. +08:00)"
    let seconds: Int32
    init?(argument text: String) {
        guard let seconds = Timestamp.parseOffset(text) else { return nil }
        self.seconds = seconds
    }
}

/// `--also-currency CUR`: an ISO 4217-style code, upper-cased (`cny` is `CNY`).
struct CurrencyCode: ArgumentValue {
    static let expected = "a three-letter currency code (e.g. CNY, USD)"
    let code: String
    init?(argument text: String) {
        let code = text.uppercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else { return nil }
        self.code = code
    }
}

/// `--effective-from T`: when a price version takes effect, RFC 3339 with offset or Unix seconds.
struct EffectiveFrom: ArgumentValue {
    static let expected = "an RFC 3339 time with offset or Unix seconds"
    let time: Timestamp
    init?(argument text: String) {
        guard let time = Timestamp(rfc3339: text) ?? Timestamp(unixNumber: text) else { return nil }
        self.time = time
    }
}
