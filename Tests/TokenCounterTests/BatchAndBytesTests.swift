import Testing
import TokenCounter

/// `countBatch` keeps input order whatever the thread count; raw bytes repair invalid UTF-8 the
/// way `recount count` bills it (one U+FFFD per maximal invalid subpart).
@Suite struct BatchAndBytesTests {
    static let texts: [String] = (0..<97).map { index in
        String(repeating: "Line \(index): naïve café 中文 😀 x'll  \n", count: index % 13 + 1)
            + (index % 5 == 0 ? String(repeating: " ", count: 300) : "")
    }

    @Test(arguments: [1, 2, 3, 8, 200])
    func batchEqualsOneByOneInInputOrder(_ threads: Int) throws {
        let encoding = try Encoding.named(.o200k_base)
        let expected = Self.texts.map { encoding.count($0) }
        #expect(encoding.countBatch(Self.texts, threads: threads) == expected)
    }

    @Test func batchDefaultsAndEdges() throws {
        let encoding = try Encoding.named(.cl100k_base)
        #expect(encoding.countBatch([]) == [])
        #expect(encoding.countBatch(["", "hello world"]) == [0, 2])
        #expect(encoding.countBatch(Self.texts) == Self.texts.map { encoding.count($0) })
        #expect(encoding.countBatch(["<|endoftext|>"], specials: .recognised, threads: 2) == [1])
    }

    @Test(arguments: [
        ([0x61, 0xFF, 0x62] as [UInt8], "a\u{FFFD}b"),
        ([0xE2, 0x82, 0x20, 0x41], "\u{FFFD} A"),  // truncated 3-byte sequence: one U+FFFD
        ([0xF0, 0x9F, 0x98], "\u{FFFD}"),
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}"),  // an encoded surrogate: three subparts
        ([0xC0, 0xAF, 0x2F], "\u{FFFD}\u{FFFD}/"),
    ])
    func invalidUTF8BecomesReplacementCharacters(_ bytes: [UInt8], _ text: String) throws {
        for name in [EncodingName.r50k_base, .cl100k_base, .o200k_base] {
            let encoding = try Encoding.named(name)
            #expect(encoding.encode(bytes: bytes) == encoding.encode(text))
            #expect(encoding.count(bytes: bytes) == encoding.count(text))
        }
    }

    @Test func unknownEncodingNameIsAnError() {
        #expect(throws: TokenCounterError.self) { try Encoding.named("o300k_base") }
        #expect((try? Encoding.named("p50k_edit"))?.name == .p50k_edit)
    }

    @Test func encodingsAreCachedPerProcess() throws {
        #expect(try Encoding.named(.o200k_base) === Encoding.named("o200k_base"))
    }
}
