import TestSupport
import Testing
import TokenCounter

/// The fast encoder against the slow reference (regex split + textbook BPE) on seeded random
/// texts built from the fragments that trip up pre-tokenizers.
@Suite struct RandomTextTests {
    /// The shared seeded PRNG, with the random text this suite draws.
    struct Generator {
        var random: SeededRandom
        init(state: UInt64) { random = SeededRandom(seed: state) }
        mutating func next() -> UInt64 { random.next() }
        mutating func below(_ n: Int) -> Int { random.below(n) }
        mutating func pick<T>(_ items: [T]) -> T { random.pick(items) }
        mutating func scalar(_ range: ClosedRange<UInt32>) -> String {
            String(Unicode.Scalar(range.lowerBound + UInt32(below(Int(range.upperBound - range.lowerBound) + 1)))!)
        }
    }

    static let fragments: [String] = [
        "the", "The", "THE", "hello", "World", "iPhone", "McDonald", "ÉCOLE", "straße", "ǅemal",
        "'s", "'S", "'ſ", "'t", "'T", "'re", "'RE", "'ve", "'Ve", "'m", "'M", "'ll", "'LL", "'lL", "'d",
        "'D", "'x", "''", "'", "’s", "don't", "DON'T", "we'll", "ſ", "\u{212A}", "K",
        " ", "  ", "   ", "\t", "\t ", " \t", "\n", "\r\n", "\r", "\n\n", " \n ", "\u{A0}", "\u{3000}",
        "\u{2028}", "\u{85}", "\u{180E}", "\u{200B}", "\u{FEFF}",
        "0", "1", "12", "123", "1234", "12345678", "٣", "²", "Ⅷ", "１２３", "3.14", "1,000",
        "/", "//", "}\n//", "{", "}", "(", ")", ".", ",", "!", "?", "...", "-", "--", "==", "=>", "<|endoftext|>",
        "é", "e\u{301}", "\u{301}", "\u{308}\u{301}", "a\u{20DD}", "ʰ", "ʰa", "Aʰ", "ABCʰ", "中文", "日本語",
        "한국어", "Привет", "مرحبا", "שלום", "हिन्दी", "ไทย", "😀", "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "✓",
        "\u{1C89}", "\u{1C89}'s", "\u{16D70}\u{16D71}", "\u{10D50}\u{10D70}", "\u{105C0}", "\u{2EBF0}",
        "\u{323B0}", "\u{10940}", "\u{FFFD}", "\u{E000}", "\u{10FFFD}",
    ]

    static func randomText(_ generator: inout Generator) -> String {
        var text = ""
        for _ in 0..<(1 + generator.below(24)) {
            switch generator.below(10) {
            case 0: text += generator.scalar(0x20...0x7E)
            case 1: text += generator.scalar(0x4E00...0x9FFF)
            case 2: text += generator.scalar(0x1F300...0x1FAFF)
            case 3: text += generator.scalar(0x0300...0x036F)
            case 4: text += generator.scalar(0xA0...0x24F)
            default: text += generator.pick(fragments)
            }
        }
        return text
    }

    static let encodings: [EncodingName] = [.r50k_base, .p50k_base, .cl100k_base, .o200k_base]

    @Test(arguments: encodings)
    func randomTextsMatchTheReference(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let reference = try ReferenceEncoder(name)
        var generator = Generator(state: 0x5EED_0000 + 2026)
        var mismatches = 0
        for _ in 0..<1500 {
            let text = Self.randomText(&generator)
            let expected = reference.encode(text)
            let tokens = encoding.encode(text)
            if tokens != expected {
                mismatches += 1
                #expect(tokens == expected, "\(name) \(text.unicodeScalars.map { String($0.value, radix: 16) })")
            }
            #expect(encoding.count(text) == expected.count)
            if mismatches > 5 { break }
        }
    }

    /// Long pieces take the heap merge; the reference's textbook loop decides the ties.
    @Test(arguments: encodings)
    func longRunsMatchTheReference(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let reference = try ReferenceEncoder(name)
        for unit in [" ", "a", "ab", "0", "!", "中", "é", "😀", "\n", "x ", "' s"] {
            for length in [99, 100, 101, 257, 600] {
                let text = String(repeating: unit, count: length)
                #expect(encoding.encode(text) == reference.encode(text), "\(name) \(unit)×\(length)")
            }
        }
        var generator = Generator(state: 77)
        for _ in 0..<40 {
            let text = (0..<(120 + generator.below(300))).map { _ in generator.pick(["a", "b", "c", "ab", "ba"]) }
                .joined()
            #expect(encoding.encode(text) == reference.encode(text), "\(name) \(text)")
        }
    }

    /// 100,000 identical characters (one piece) finish quickly and round-trip.
    @Test(arguments: encodings)
    func veryLongPieceIsNotQuadratic(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        for unit in [" ", "a", "7", "中"] {
            let text = String(repeating: unit, count: 100_000)
            let tokens = encoding.encode(text)
            #expect(encoding.decode(tokens) == Array(text.utf8))
            #expect(encoding.count(text) == tokens.count)
        }
    }
}
