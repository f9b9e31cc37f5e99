import CVocabulary
import Testing
import TokenCounter

/// The embedded vocabularies are byte-identical to OpenAI's files: their SHA-256 equals tiktoken
/// 0.14.0's `expected_hash` (table in `shared/vocab/README.md`).
@Suite struct VocabularyDigestTests {
    @Test func sha256KnownVectors() {
        #expect(SHA256.hex([]) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(SHA256.hex(Array("abc".utf8)) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(
            SHA256.hex(Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8))
                == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
    }

    @Test(arguments: [
        ("r50k_base", 835_554, "306cd27f03c1a714eca7108e03d66b7dc042abe8c258b44c199a7ed9838dd930"),
        ("p50k_base", 836_186, "94b5ca7dff4d00767bc256fdd1b27e5b17361d7b8a5f968547f9f23eb70d2069"),
        ("cl100k_base", 1_681_126, "223921b76ee99bde995b7ff738513eef100fb51d18c93597a113bcffe865b2a7"),
        ("o200k_base", 3_613_922, "446a9538cb6c348e3516120d7c08b09f57c36495e2acfffe59a5bf8b0cfb1a2d"),
    ])
    func embeddedVocabularyIsOpenAIsFile(_ name: String, _ size: Int, _ sha256: String) throws {
        var length = 0
        let base = try #require(recount_vocabulary_bytes(name, &length))
        #expect(length == size)
        #expect(SHA256.hex(Array(UnsafeBufferPointer(start: base, count: length))) == sha256)
    }

    @Test func unknownVocabularyIsNull() {
        var length = 7
        #expect(recount_vocabulary_bytes("gpt5_base", &length) == nil)
        #expect(length == 0)
    }
}
