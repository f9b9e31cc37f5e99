import Testing

@testable import RecountKit
@testable import RecountSample

/// Shorthand for test literals; a bad literal fails the test rather than trapping.
func q(_ text: String) throws -> Rational { try Rational(parsing: text) }

@Suite struct MoneyParsingTests {
    static let exact: [(String, Int128, Int128)] = [
        ("12", 12, 1),
        ("-0.5", -1, 2),
        ("0.002", 1, 500),
        ("1e-3", 1, 1000),
        ("2.5E+2", 250, 1),
        ("1/3.05", 20, 61),  // 1 / (305/100) = 100/305 = 20/61
        ("0.0", 0, 1),
        (".5", 1, 2),
        ("7.10", 71, 10),
        ("1e30", 1_000_000_000_000_000_000_000_000_000_000, 1),
    ]

    @Test(arguments: exact)
    func readsExactly(text: String, numerator: Int128, denominator: Int128) throws {
        let value = try Rational(parsing: text)
        let expected = try Rational(numerator: numerator, denominator: denominator)
        #expect(value == expected)
        #expect(value.denominator > 0)
    }

    @Test func fractionIsReduced() throws {
        let value = try q("1/3.05")
        #expect(value.numerator == 20 && value.denominator == 61)
    }

    @Test(arguments: [
        "", "abc", "1.", "1..2", "1/0", "1/2/3", " 1", "1 ", "0x10", "NaN", "1e", "--1",
        "1,000", "1e-39", "1e39", "1234567890123456789012345678901234567", String(repeating: "1", count: 101),
    ])
    func rejectsWithAReason(text: String) {
        #expect(throws: MoneyError.self) { try Rational(parsing: text) }
    }

    @Test func rejectionNamesTheTextAndBound() {
        do {
            _ = try Rational(parsing: "1e-39")
            Issue.record("accepted 1e-39")
        } catch {
            guard case .invalidNumber(let text, let reason) = error else { Issue.record("\(error)"); return }
            #expect(text == "1e-39")
            #expect(reason.contains("out of range"))
        }
    }
}

@Suite struct MoneyArithmeticTests {
    @Test func addsSubtractsMultipliesDividesExactly() throws {
        // 0.1 + 0.2 = 0.3 exactly (the Double classic fails this)
        #expect(try q("0.1").adding(q("0.2")) == q("0.3"))
        #expect(try q("1/3").adding(q("1/6")) == q("1/2"))
        #expect(try q("0.3").subtracting(q("0.5")) == q("-0.2"))
        // 0.03 × 7.1 × 10000 = 2130
        #expect(try q("0.03").multiplied(by: q("7.1")).multiplied(by: q("10000")) == Rational(2130))
        #expect(try q("1").divided(by: q("3.05")) == q("20/61"))
    }

    @Test func divisionByZeroThrows() {
        #expect(throws: MoneyError.divisionByZero) { try Rational.one.divided(by: .zero) }
        #expect(throws: MoneyError.divisionByZero) { try Rational(numerator: 1, denominator: 0) }
    }

    @Test func overflowThrowsInsteadOfTrapping() throws {
        let huge = try q("1e36")
        #expect(throws: MoneyError.self) { try huge.multiplied(by: huge) }
        #expect(throws: MoneyError.self) { try huge.multiplied(by: q("1000")) }
        let tiny = try q("1e-36")
        #expect(throws: MoneyError.self) { try tiny.multiplied(by: tiny) }
        // Adding fractions whose denominators are huge and coprime overflows too.
        let a = try Rational(numerator: 1, denominator: Int128(10).power38 - 1)
        #expect(throws: MoneyError.self) { try a.adding(q("1/7")).adding(q("1/11")).adding(q("1/13")) }
    }

    @Test func comparesWithoutOverflow() throws {
        let big = try Rational(numerator: Int128.max, denominator: 3)
        let bigger = try Rational(numerator: Int128.max, denominator: 2)
        #expect(big < bigger)
        #expect(try q("-1/3") < q("-0.33"))
        #expect(try q("0.5") == q("1/2"))
    }

    @Test func normalizesSignAndGcd() throws {
        let value = try Rational(numerator: 6, denominator: -4)
        #expect(value.numerator == -3 && value.denominator == 2)
        #expect(value.isNegative)
        #expect(try Rational(numerator: 0, denominator: -7) == .zero)
    }
}

extension Int128 {
    /// 10^38, the largest power of ten in Int128.
    var power38: Int128 { var v: Int128 = 1; for _ in 0..<38 { v *= 10 }; return v }
}

@Suite struct MoneyRoundingTests {
    // (value, scale, ceil, floor, half_up, half_even, half_away_from_zero), each worked by hand.
    static let cases: [(String, Int, String, String, String, String, String)] = [
        ("2.5", 0, "3", "2", "3", "2", "3"),  // tie, even below
        ("3.5", 0, "4", "3", "4", "4", "4"),  // tie, even above
        ("2.4999", 0, "3", "2", "2", "2", "2"),  // just below the tie
        ("2.5001", 0, "3", "2", "3", "3", "3"),  // just above the tie
        ("2130", 0, "2130", "2130", "2130", "2130", "2130"),  // exact: unchanged by every mode
        ("0.125", 2, "0.13", "0.12", "0.13", "0.12", "0.13"),
        ("0.135", 2, "0.14", "0.13", "0.14", "0.14", "0.14"),
        ("1/3", 0, "1", "0", "0", "0", "0"),
        ("2/3", 0, "1", "0", "1", "1", "1"),
        ("0.0001", 0, "1", "0", "0", "0", "0"),  // tiny positive: only ceil reaches 1
        ("-2.5", 0, "-2", "-3", "-2", "-2", "-3"),  // negatives: half_up toward +∞, away from 0
        ("-0.5", 0, "0", "-1", "0", "0", "-1"),
    ]

    @Test(arguments: cases)
    func everyModeAtItsEdges(_ c: (String, Int, String, String, String, String, String)) throws {
        let value = try q(c.0)
        let expected = [c.2, c.3, c.4, c.5, c.6]
        let modes: [RoundingMode] = [.ceil, .floor, .half_up, .half_even, .half_away_from_zero]
        for (mode, text) in zip(modes, expected) {
            #expect(try value.rounded(scale: c.1, mode: mode) == q(text), "\(c.0) \(mode)")
        }
    }

    @Test func scaleOutOfRangeThrows() {
        #expect(throws: MoneyError.scaleOutOfRange(-1)) { try Rational.one.rounded(scale: -1, mode: .ceil) }
        #expect(throws: MoneyError.scaleOutOfRange(19)) { try Rational.one.rounded(scale: 19, mode: .ceil) }
    }
}

@Suite struct MoneyFormattingTests {
    @Test func decimalStringAtScale() throws {
        #expect(Rational(2130).decimalString(scale: 0) == "2130")
        #expect(try q("0.5").decimalString(scale: 2) == "0.50")
        #expect(try q("-0.05").decimalString(scale: 2) == "-0.05")
        #expect(try q("0.005").decimalString(scale: 2) == nil)
        #expect(try q("1/3").decimalString(scale: 6) == nil)
    }

    @Test func decimalStringForDisplay() throws {
        #expect(try q("0.0142").decimalString(maxScale: 10) == "0.0142")
        #expect(try q("1/3").decimalString(maxScale: 4) == "0.3333…")
        #expect(try q("2/3").decimalString(maxScale: 4) == "0.6667…")
        #expect(Rational(7).decimalString(maxScale: 4) == "7")
    }

    @Test func descriptionIsExact() throws {
        #expect(try q("0.0142").description == "0.0142")
        #expect(try q("1/3.05").description == "20/61")
        #expect(try q("-2.50").description == "-2.5")
    }
}

/// The fast paths of `Rational` (a 64-bit gcd, no division by 1, integer sums) must give what
/// the plain 128-bit Euclid and reduction give, on both sides of 2^64.
@Suite struct RationalFastPathTests {
    static func referenceGCD(_ a: UInt128, _ b: UInt128) -> UInt128 {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a == 0 ? 1 : a
    }

    static let values: [UInt128] = {
        // Seeded (the sample generator's SplitMix64), so a failure names values that come back.
        var random = SampleRandom(seed: 0x6763_64, index: 0)
        var values: [UInt128] = [
            0, 1, 2, 3, 6, 10, 1_000_000, UInt128(UInt64.max), UInt128(UInt64.max) + 1,
            UInt128(UInt64.max) * 6, 1 << 100, (1 << 100) * 3,
        ]
        for _ in 0..<40 {
            let small = UInt128(random.next() >> 8 | 1)  // below 2^56: the 64-bit path, and sums of it
            let wide = UInt128(random.next() | 1)
            values.append(small)
            values.append(small * 12)
            values.append(wide)
            values.append(wide * UInt128(random.next() | 1))  // past 2^64: the 128-bit path
        }
        return values
    }()

    @Test func gcdMatchesTheReference() {
        for a in Self.values {
            for b in Self.values {
                #expect(Rational.gcd(a, b) == Self.referenceGCD(a, b), "gcd(\(a), \(b))")
            }
        }
    }

    @Test func arithmeticStaysReduced() throws {
        let values = Self.values.filter { $0 > 0 && $0 < 1 << 60 }.map { Int128($0) }
        for (index, a) in values.enumerated() {
            let b = values[(index * 7 + 3) % values.count]
            let x = try Rational(numerator: a, denominator: b)
            let y = try Rational(numerator: -b, denominator: a % 1000 + 1)
            let whole = try Rational(numerator: a, denominator: 1),
                negativeWhole = try Rational(numerator: -b, denominator: 1)
            for value in [
                try x.adding(y), try x.multiplied(by: y), try whole.adding(negativeWhole),
                try x.multiplied(by: Rational(2)),
            ] {
                #expect(value.denominator > 0)
                #expect(Self.referenceGCD(value.numerator.magnitude, value.denominator.magnitude) == 1)
            }
            #expect(try whole.adding(negativeWhole) == Rational(numerator: a - b, denominator: 1))
            #expect(try x.adding(y).subtracting(y) == x)
        }
        #expect(throws: MoneyError.self) {
            try Rational(numerator: Int128.max, denominator: 1).adding(Rational(1))
        }
        #expect(throws: MoneyError.self) {
            try Rational(numerator: Int128.min + 1, denominator: 1).adding(Rational(-1))
        }
    }
}
