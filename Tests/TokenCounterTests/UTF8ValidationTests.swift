import TestSupport
import Testing

@testable import TokenCounter

/// `JSONParser.isValidUTF8` must judge exactly as `String(validating:as:)`, the check it replaced.
@Suite struct UTF8ValidationTests {
    static func agrees(_ bytes: [UInt8]) -> Bool {
        let expected = String(validating: bytes, as: UTF8.self) != nil
        return bytes.withUnsafeBufferPointer { JSONParser.isValidUTF8($0) } == expected
    }

    @Test func agreesOnEveryOneAndTwoByteSequence() {
        for first in 0...255 {
            #expect(Self.agrees([UInt8(first)]))
            for second in 0...255 where !Self.agrees([UInt8(first), UInt8(second)]) {
                Issue.record("\([first, second])")
            }
        }
    }

    /// Every three- and four-byte sequence over the boundary values of the lead and
    /// continuation ranges, alone and behind ASCII that ends at each position of a word.
    @Test func agreesOnBoundarySequences() {
        let edges: [UInt8] = [
            0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xC1, 0xC2, 0xDF,
            0xE0, 0xE1, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF,
        ]
        var failures = 0
        for a in edges {
            for b in edges {
                for c in edges {
                    for prefix in [0, 7] {
                        let ascii = [UInt8](repeating: 0x61, count: prefix)
                        if !Self.agrees(ascii + [a, b, c]) { failures += 1 }
                        for d in edges where !Self.agrees(ascii + [a, b, c, d] + ascii) { failures += 1 }
                    }
                }
            }
        }
        #expect(failures == 0)
    }

    /// Seeded random mixes of ASCII runs and (possibly broken) multi-byte characters.
    @Test func agreesOnRandomMixes() {
        var random = SeededRandom(seed: 0x5554_4638)
        func next(_ n: Int) -> Int { random.below(n) }
        let pieces: [[UInt8]] = [
            Array("é".utf8), Array("中".utf8), Array("😀".utf8), Array("\u{10FFFF}".utf8),
            Array("abcdefghij".utf8), [0x61], [0x80], [0xE4, 0xB8], [0xF0, 0x9F, 0x98], [0xED, 0xA0, 0x80],
            [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0xFF],
        ]
        var failures = 0
        for _ in 0..<50_000 {
            var bytes: [UInt8] = []
            for _ in 0..<next(12) { bytes += pieces[next(pieces.count)] }
            if !Self.agrees(bytes) { failures += 1 }
        }
        #expect(failures == 0)
    }
}
