import Testing

@testable import TokenCounter

/// Pins the generated Unicode 16.0 class table (`ScalarClassRanges.swift`, written by
/// `scripts/generate-scalar-classes.swift`): a Swift or tiktoken upgrade that moves either side
/// must fail here, not silently change counts.
@Suite struct ScalarClassTableTests {
    /// The generator's rule, restated: Swift's Unicode 17 properties, with every scalar of age
    /// ≥ 17.0 (or none) unassigned, as tiktoken 0.14.0's Unicode 16.0 tables see it.
    static func derivedClass(_ scalar: Unicode.Scalar) -> ScalarClass {
        let properties = scalar.properties
        if properties.isWhitespace { return .whitespace }
        guard let age = properties.age, age.major < 17 else { return .other }
        switch properties.generalCategory {
        case .decimalNumber, .letterNumber, .otherNumber: return .number
        case .uppercaseLetter, .titlecaseLetter: return .upper
        case .lowercaseLetter: return .lower
        case .modifierLetter, .otherLetter: return .otherLetter
        case .nonspacingMark, .spacingMark, .enclosingMark: return .mark
        default: return .other
        }
    }

    @Test func tableEqualsSwiftPropertiesWithTheAgeRule() {
        let table = ScalarClassTable.shared
        var mismatches: [UInt32] = []
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if table(value) != Self.derivedClass(scalar) { mismatches.append(value) }
        }
        #expect(
            mismatches.isEmpty, "stale table; rerun scripts/generate-scalar-classes.swift: \(mismatches.prefix(10))")
    }

    @Test(arguments: [
        (UInt32(0x1C89), ScalarClass.upper),  // CYRILLIC CAPITAL LETTER TJE, new in 16.0
        (0x16D70, .number),  // KIRAT RAI DIGIT ZERO, 16.0
        (0x10D50, .upper),  // GARAY CAPITAL LETTER A, 16.0
        (0x105C0, .otherLetter),  // TODHRI LETTER A, 16.0
        (0x2EBF0, .otherLetter),  // CJK Ext. I, 15.1
        (0x323B0, .other),  // CJK Ext. J, 17.0: unassigned for tiktoken
        (0x10940, .other),  // SIDETIC, 17.0: unassigned for tiktoken
        (0x180E, .other),  // MONGOLIAN VOWEL SEPARATOR: Cf, not White_Space
        (0x0085, .whitespace), (0x00A0, .whitespace), (0x3000, .whitespace), (0x2028, .whitespace),
        (0x017F, .lower),  // ſ
        (0x01C5, .upper),  // ǅ (Lt)
        (0x02B0, .otherLetter),  // ʰ (Lm)
        (0x0301, .mark), (0x2167, .number), (0x00B2, .number),
        (0x0027, .other), (0x0041, .upper), (0x0061, .lower), (0x0030, .number),
    ])
    func probes(_ scalar: UInt32, _ expected: ScalarClass) {
        #expect(ScalarClassTable.shared(scalar) == expected)
    }
}
