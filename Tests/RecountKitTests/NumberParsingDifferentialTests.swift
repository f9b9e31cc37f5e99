import TestSupport
import Testing
import TokenCounter

@testable import RecountKit

/// `Rational(parsing:)`, `DecimalText` and `FieldReader.amount` against the `Character`-based
/// readers they replaced (`ReferenceNumberParsing`): the same value or the same error, over
/// hand-picked texts and seeded random ones built from number pieces and non-ASCII marks.
@Suite struct NumberParsingDifferentialTests {
    static let tricky: [String] = [
        "0", "-0", "+0", "00", "0.0", ".5", "5.", ".", "-.5", "+.5", "-", "+", "", "1e3", "1E3", "1e+3", "1e-3",
        "1e", "1e+", "1e-", "e5", ".e5", "1.e5", "1.5e-0", "1e1000", "1e1001", "1e-1000", "1e-1001", "0e99999",
        "1e0001000", "1e-9223372036854775808", "1e9223372036854775807", "1e99999999999999999999", "1e--5", "1e+-5",
        "+-5", "-+5", "--5", "1..2", "1.2.3", "0.002", "1/3.05", "1/3", "1/0", "0/0", "1/0.0", "1/", "/1", "/", "1//2",
        "1/2/3", "2.5E+2", "123456789012345678901234567890123456", "1234567890123456789012345678901234567",
        "12345678901234567890123456789012345670000", "0.000000000000000000000000000000000000001",
        "0.00000000000000000000000000000000000001", "1e38", "1e39", "1e-38", "1e-39", "17e37", "-17e37",
        "170141183460469231731687303715884105727", "1e38/1e-38", "1e-38/1e38", "99999999999999999999e18/3",
        " 1", "1 ", "1_000", "0x10", "NaN", "Infinity", "١٢", "1\u{301}", "-\u{301}5", "1/\u{301}3", "1/\u{301}2/3",
        "1234567890123456789012345678901234567/\u{301}5", "\u{301}/1", "1/2\u{301}", "1e\u{301}5", "1.\u{301}5",
        "\u{600}/2", "1\r\n/2", "1\r\n", "é", "1/é", "１", "1e１", "12" + String(repeating: "0", count: 99),
        String(repeating: "9", count: 101),
    ]

    static let pieces: [String] = [
        "0", "1", "9", "00", "12", "5", ".", "e", "E", "+", "-", "/", " ", "\u{301}", "é", "١", "\r\n", "\u{600}", "x",
        "38", "1000",
    ]

    static var inputs: [String] {
        var random = SeededRandom(seed: 0x5241_5449)
        var texts = tricky
        for _ in 0..<30_000 {
            texts.append((0...random.below(10)).map { _ in pieces[random.below(pieces.count)] }.joined())
        }
        return texts
    }

    @Test func rationalParsingMatchesTheReference() {
        var failures = 0
        for text in Self.inputs {
            let expected: Result<Rational, MoneyError>
            do { expected = .success(try ReferenceNumberParsing.rational(parsing: text)) } catch {
                expected = .failure(error)
            }
            let actual: Result<Rational, MoneyError>
            do { actual = .success(try Rational(parsing: text)) } catch { actual = .failure(error) }
            if expected != actual {
                failures += 1
                if failures <= 10 { Issue.record("\(text.debugDescription): \(expected) vs \(actual)") }
            }
        }
    }

    @Test func decimalTextMatchesTheReference() {
        var failures = 0
        for text in Self.inputs {
            let expected = ReferenceDecimalText(text).map {
                [$0.negative.description, $0.integer, $0.fraction, String($0.exponent)]
            }
            let actual = DecimalText(text).map {
                [$0.negative.description, $0.integer, $0.fraction, String($0.exponent)]
            }
            if expected != actual {
                failures += 1
                if failures <= 10 {
                    Issue.record(
                        "\(text.debugDescription): \(String(describing: expected)) vs \(String(describing: actual))")
                }
            }
        }
    }

    /// Through `FieldReader.amount`, whose fraction test is now a byte scan for ASCII text.
    @Test func amountMatchesTheReference() {
        var failures = 0
        for text in Self.inputs {
            let expected: Result<Rational, FieldError>
            if ReferenceNumberParsing.hasSlash(text) {
                expected = .failure(FieldError("f", "'\(text.prefix(40))' is not a decimal amount"))
            } else {
                switch Result(catching: { () throws(MoneyError) in try ReferenceNumberParsing.rational(parsing: text) })
                {
                case .failure(let error):
                    expected = .failure(FieldError("f", "'\(text.prefix(40))' is not a decimal amount (\(error))"))
                case .success(let value) where value.isNegative:
                    expected = .failure(FieldError("f", "amount must not be negative (\(text.prefix(40)))"))
                case .success(let value): expected = .success(value)
                }
            }
            let actual = Result(catching: { () throws(FieldError) in try FieldReader.amount(.number(text), field: "f") }
            )
            if expected != actual {
                failures += 1
                if failures <= 10 { Issue.record("\(text.debugDescription): \(expected) vs \(actual)") }
            }
        }
    }
}
