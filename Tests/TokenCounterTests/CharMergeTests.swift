import Testing

@testable import TokenCounter

/// The merge a character at a time (`RankTable.countChars`) against the textbook BPE of
/// `BPEReference`, on seeded pieces of whole 3-byte characters: common and rare Chinese, kana,
/// Hangul, the Indic and Georgian letters whose tokens join parts of characters, and above all
/// the characters that sit beside a joining token's boundary, where the shortcut must refuse.
@Suite struct CharMergeTests {
    static let encodings: [EncodingName] = [.r50k_base, .p50k_base, .cl100k_base, .o200k_base]
    static let ranges: [ClosedRange<UInt32>] = [
        0x4E00...0x9FFF, 0x3041...0x3096, 0x30A1...0x30FA, 0xAC00...0xD7A3, 0x0900...0x097F, 0x10D0...0x10FF,
        0xFF01...0xFF5E, 0x3000...0x303F,
    ]

    /// Characters (as payload indexes) the table flags beside a joining token's boundary.
    static func flagged(_ table: RankTable, _ flag: UInt32) -> [Int] {
        (0..<0x10000).filter { table.charUnits[$0] & flag != 0 && $0 >= 0x800 && !(0xD800...0xDFFF).contains($0) }
    }

    static func piece(
        _ generator: inout RandomTextTests.Generator, chars: Int, left: [Int], right: [Int]
    ) -> [UInt8] {
        let common = MergeDifferentialTests.commonCJK
        let source = generator.below(4)
        return (0..<chars).flatMap { _ -> [UInt8] in
            let value: UInt32
            switch source == 0 ? generator.below(4) : generator.below(2) {
            case 0: value = common[generator.below(common.count)]
            case 1:
                let range = ranges[generator.below(ranges.count)]
                value = range.lowerBound + UInt32(generator.below(Int(range.upperBound - range.lowerBound) + 1))
            case 2: value = UInt32(left[generator.below(left.count)])
            default: value = UInt32(right[generator.below(right.count)])
            }
            return Array(String(Unicode.Scalar(value)!).utf8)
        }
    }

    @Test(arguments: encodings)
    func matchesTheTextbookMergeOrRefuses(_ name: EncodingName) throws {
        let table = try Encoding.named(name).ranks
        let reference = BPEReference.named(name)
        let left = Self.flagged(table, RankTable.leftOfJoin)
        let right = Self.flagged(table, RankTable.rightOfJoin)
        try #require(!left.isEmpty && !right.isEmpty, "every byte-level vocabulary has tokens that join characters")
        var generator = RandomTextTests.Generator(state: 0xC4A2 + UInt64(name.rawValue.utf8.count))
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: RankTable.scratchWords)
        defer { scratch.deallocate() }
        var taken = 0
        var refused = 0
        for round in 0..<4000 {
            let bytes = Self.piece(
                &generator, chars: 2 + generator.below(round < 3000 ? 20 : 130), left: left, right: right)
            let expected = reference.bytePairEncode(bytes)
            let count = bytes.withUnsafeBufferPointer { table.countChars($0.baseAddress!, $0.count, scratch: scratch) }
            // The library asks the whole piece first (as the textbook loop does); so may we.
            guard count >= 0 else {
                refused += 1
                continue
            }
            taken += 1
            if reference.ranks[bytes] == nil {
                #expect(count == expected.count, "\(name): \(String(decoding: bytes, as: UTF8.self))")
            }
        }
        #expect(taken > 400, "\(name): the shortcut took \(taken) of 4000 pieces")
        #expect(refused > 100, "\(name): the shortcut refused \(refused) of 4000 pieces")
    }

    /// Pieces with a byte that is not part of a 3-byte character, or longer than the shortcut
    /// takes, go to the byte merge.
    @Test func refusesOtherPieces() throws {
        let table = try Encoding.named(.o200k_base).ranks
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: RankTable.scratchWords)
        defer { scratch.deallocate() }
        let long = String(repeating: "的问题", count: RankTable.charMergeMax / 3 + 1)
        for text in ["的问题 ", "的问题a", "的😀", "的é的", long] {
            let bytes = Array(text.utf8)
            #expect(
                bytes.withUnsafeBufferPointer { table.countChars($0.baseAddress!, $0.count, scratch: scratch) } == -1)
        }
    }
}
