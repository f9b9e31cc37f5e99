import ArgumentParsing
import RecountKit
import RecountSample
import TokenCounter

// The option values the commands share: each type says once what text it takes.

/// `--from T`, `--as-of T`…: an RFC 3339 time with its offset; a near miss says what is wrong.
extension Timestamp: ArgumentValue {
    public static let expected = "an RFC 3339 time with offset (e.g. 2024-03-01T00:00:00+08:00)"
    public init?(argument text: String) { self.init(rfc3339: text) }
    public static func problem(with text: String) -> String? { rfc3339Problem(text) }
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

/// Parsing of the values several options share.
enum OptionParsing {
    static func amount(_ text: String?, flag: String) throws(UsageError) -> Rational? {
        guard let text else { return nil }
        guard let value = try? Rational(parsing: text), !value.isNegative, !text.contains("/") else {
            throw UsageError("\(flag) takes a decimal amount ≥ 0, not '\(text)'")
        }
        return value
    }

    /// `--day-offset ±HH:MM` as seconds east of UTC.
    static func offset(_ text: String?, flag: String) throws(UsageError) -> Int32? {
        guard let text else { return nil }
        guard let offset = Timestamp.parseOffset(text) else {
            throw UsageError("\(flag) takes ±HH:MM (e.g. +08:00), not '\(text)'")
        }
        return offset
    }
}
