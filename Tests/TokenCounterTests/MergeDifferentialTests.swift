import Testing

@testable import TokenCounter

/// The block-minimum merge (`RankTable.mergeBlocks`), the heap merge (`mergeLong`) and the slot
/// table with its filter, each against the textbook BPE of `BPEReference` (a rank dictionary
/// parsed independently of the library's loader), on seeded random long pieces of CJK and other
/// multilingual text: the pieces that take the most merges, at every length regime (one block of
/// 16 keys, several blocks, across the 1 KiB switch to the heap).
@Suite struct MergeDifferentialTests {
    static let encodings: [EncodingName] = [.r50k_base, .p50k_base, .cl100k_base, .o200k_base]

    /// Letter ranges that every pattern family keeps in one piece when nothing else is mixed in
    /// (`\p{L}+`; o200k's lower-case word form takes Lo and Ll): CJK, Hangul, kana, Thai, Arabic,
    /// Hebrew, lower-case Cyrillic, Greek and Latin, plus a few common CJK characters so that
    /// frequent multi-character tokens occur, not only rare characters.
    static let scripts: [ClosedRange<UInt32>] = [
        0x4E00...0x9FFF, 0x4E00...0x4FFF, 0xAC00...0xD7A3, 0x3041...0x3096, 0x30A1...0x30FA,
        0x0E01...0x0E2E, 0x0627...0x064A, 0x05D0...0x05EA, 0x0430...0x044F, 0x03B1...0x03C9, 0x61...0x7A,
    ]
    static let commonCJK = Array(
        "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坏兴切注整投顾"
    ).map { UInt32($0.unicodeScalars.first!.value) }

    static func letterRun(_ generator: inout RandomTextTests.Generator, bytes target: Int) -> String {
        var scalars = String.UnicodeScalarView()
        var length = 0
        let script = generator.below(Self.scripts.count + 2)
        while length < target {
            let value: UInt32
            if script >= Self.scripts.count || generator.below(4) == 0 {
                value = Self.commonCJK[generator.below(Self.commonCJK.count)]
            } else {
                let range = Self.scripts[script]
                value = range.lowerBound + UInt32(generator.below(Int(range.upperBound - range.lowerBound) + 1))
            }
            let scalar = Unicode.Scalar(value)!
            scalars.append(scalar)
            length += String(scalar).utf8.count
        }
        return String(scalars)
    }

    /// Random letter runs of 2 ... 1,100 bytes, merged by the library and by the textbook loop.
    @Test(arguments: encodings)
    func longMultilingualPiecesMatchTheTextbookMerge(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let reference = BPEReference.named(name)
        var generator = RandomTextTests.Generator(state: 0xB10C_0000 + UInt64(name.rawValue.utf8.count))
        var lengths = (0..<120).map { _ in 2 + generator.below(60) } + (0..<40).map { _ in 60 + generator.below(300) }
        lengths += [15, 16, 17, 31, 32, 33, 1023, 1024, 1025, 1100]
        var failures = 0
        for length in lengths {
            let text = Self.letterRun(&generator, bytes: length)
            let expected = reference.encode(text)
            let tokens = encoding.encode(text)
            if tokens != expected {
                failures += 1
                #expect(tokens == expected, "\(name) \(text.utf8.count) bytes: \(text.prefix(20))…")
            }
            #expect(encoding.count(text) == expected.count, "\(name) count \(text.utf8.count) bytes")
            if failures > 3 { break }
        }
    }

    /// Both merges of the library, called directly on the same bytes (whatever they are: random
    /// bytes too, where most pairs are no token), give the textbook's token boundaries.
    @Test(arguments: encodings)
    func blockAndHeapMergesAgree(_ name: EncodingName) throws {
        let table = try Encoding.named(name).ranks
        let reference = BPEReference.named(name)
        var generator = RandomTextTests.Generator(state: 0x4EA9 + UInt64(name.rawValue.utf8.count))
        let scratch = UnsafeMutablePointer<UInt32>.allocate(capacity: RankTable.scratchWords)
        defer { scratch.deallocate() }
        for round in 0..<90 {
            let length = round < 30 ? 2 + generator.below(40) : 40 + generator.below(600)
            let bytes: [UInt8]
            if round % 3 == 0 {
                bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            } else {
                bytes = Array(Self.letterRun(&generator, bytes: length).utf8)
            }
            let expected = reference.bytePairEncode(bytes)
            bytes.withUnsafeBufferPointer { piece in
                let base = piece.baseAddress!
                let blockCount = table.mergeBlocks(base, piece.count, scratch: scratch)
                var blockTokens: [Token] = []
                var i = 0
                let layout = BlockScratch(scratch)
                while i < piece.count {
                    blockTokens.append(layout.partRank[i])
                    i = Int(layout.next[i])
                }
                let starts = table.mergeLong(base, piece.count)
                let heapTokens = (0..<(starts.count - 1)).map { index in
                    table.rank(base + Int(starts[index]), Int(starts[index + 1] - starts[index]))
                }
                // The textbook loop checks the whole piece first; the merges do not.
                if expected.count > 1 {
                    #expect(blockTokens == expected, "\(name) mergeBlocks, \(piece.count) bytes")
                    #expect(heapTokens == expected, "\(name) mergeLong, \(piece.count) bytes")
                }
                #expect(blockCount == blockTokens.count)
                #expect(heapTokens.count == blockTokens.count)
            }
        }
    }

    /// Every token of the vocabulary is found with its own rank (through the table and through
    /// the filtered lookup of the merge), and strings that are no token are not found.
    @Test(arguments: encodings)
    func everyTokenIsFoundAndOthersAreNot(_ name: EncodingName) throws {
        let table = try Encoding.named(name).ranks
        let reference = BPEReference.named(name)
        var wrong = 0
        for (bytes, rank) in reference.ranks {
            bytes.withUnsafeBufferPointer { key in
                let found = table.rank(key.baseAddress!, key.count)
                let filtered = key.count >= 3 ? table.lookup.rank(key.baseAddress!, key.count) : found
                if found != rank || filtered != rank { wrong += 1 }
            }
        }
        #expect(wrong == 0, "\(name): \(wrong) tokens not found with their rank")
        var generator = RandomTextTests.Generator(state: 99)
        var checked = 0
        while checked < 20_000 {
            let length = 3 + generator.below(14)
            var bytes = Array(Self.letterRun(&generator, bytes: length).utf8.prefix(length))
            if generator.below(2) == 0 { bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) } }
            let expected = reference.ranks[bytes] ?? RankTable.missing
            bytes.withUnsafeBufferPointer { key in
                #expect(table.rank(key.baseAddress!, key.count) == expected)
                #expect(table.lookup.rank(key.baseAddress!, key.count) == expected)
            }
            checked += 1
        }
    }
}
