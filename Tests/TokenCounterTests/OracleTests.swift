import Testing
import TokenCounter

/// Token ids against tiktoken 0.14.0's answers (`Tests/Fixtures/oracle/expected/`), as ids
/// (count and digest of the id list, or the full list for edge cases), not only as counts.
@Suite struct OracleTests {
    static let encodings = EncodingName.allCases

    @Test(arguments: encodings)
    func wholeCorpusFiles(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let cases = try OracleFixtures.cases(for: name).filter { $0.kind == .file }
        #expect(cases.count == 9)
        for expected in cases {
            let text = String(decoding: try OracleFixtures.corpusBytes(expected.file), as: UTF8.self)
            let tokens = encoding.encode(text)
            #expect(tokens.count == expected.count, "\(name) \(expected.id)")
            #expect(OracleFixtures.fnv1a64(tokens) == expected.fnv1a64, "\(name) \(expected.id)")
            #expect(encoding.count(text) == expected.count, "\(name) \(expected.id) count")
        }
    }

    @Test(arguments: encodings)
    func corpusChunks(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let cases = try OracleFixtures.cases(for: name).filter { $0.kind == .chunk }
        #expect(cases.count > 500)
        var files: [String: [UInt8]] = [:]
        for expected in cases {
            if files[expected.file] == nil { files[expected.file] = try OracleFixtures.corpusBytes(expected.file) }
            let bytes = try #require(files[expected.file])
            let text = String(decoding: bytes[expected.offset..<(expected.offset + expected.length)], as: UTF8.self)
            let tokens = encoding.encode(text)
            #expect(tokens.count == expected.count, "\(name) \(expected.id)")
            #expect(OracleFixtures.fnv1a64(tokens) == expected.fnv1a64, "\(name) \(expected.id)")
            #expect(encoding.count(text) == expected.count, "\(name) \(expected.id) count")
        }
    }

    @Test(arguments: encodings)
    func edgeCases(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        let texts = try OracleFixtures.edgeTexts()
        let cases = try OracleFixtures.cases(for: name).filter { $0.kind == .edge }
        #expect(cases.count == texts.count)
        for expected in cases {
            let text = try #require(texts[expected.id])
            #expect(encoding.encode(text) == expected.tokens, "\(name) \(expected.id)")
            #expect(encoding.count(text) == expected.tokens.count, "\(name) \(expected.id) count")
        }
    }

    @Test func fnvDigestMatchesTheReadmeDefinition() {
        // FNV-1a 64 of the empty string is the offset basis; of "1" it is a published vector.
        #expect(OracleFixtures.fnv1a64([]) == "cbf29ce484222325")
        #expect(OracleFixtures.fnv1a64([1]) == "af63ac4c86019afc")
    }
}
