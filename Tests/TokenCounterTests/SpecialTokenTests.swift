import Testing
import TokenCounter

/// The `.recognised` policy turns special-token text into its id; `.ordinary` (billing) does not.
@Suite struct SpecialTokenTests {
    @Test func endOfTextInCl100k() throws {
        let encoding = try Encoding.named(.cl100k_base)
        #expect(encoding.encode("<|endoftext|>", specials: .recognised) == [100257])
        // tiktoken encode_ordinary("<|endoftext|>") in cl100k_base.
        #expect(encoding.encode("<|endoftext|>") == [27, 91, 8862, 728, 428, 91, 29])
        #expect(encoding.count("<|endoftext|>", specials: .recognised) == 1)
        #expect(encoding.count("<|endoftext|>") == 7)
    }

    @Test func specialBetweenOrdinaryText() throws {
        let encoding = try Encoding.named(.cl100k_base)
        let hello = encoding.encode("hello")
        let tokens = encoding.encode("hello<|endofprompt|>hello<|fim_prefix|>", specials: .recognised)
        #expect(tokens == hello + [100276] + hello + [100258])
    }

    @Test(arguments: [
        (EncodingName.r50k_base, Token(50256)), (.p50k_base, 50256), (.p50k_edit, 50256),
        (.cl100k_base, 100257), (.o200k_base, 199999), (.o200k_harmony, 199999),
    ])
    func endOfTextId(_ name: EncodingName, _ id: Token) throws {
        let encoding = try Encoding.named(name)
        #expect(encoding.encode("a<|endoftext|>", specials: .recognised).last == id)
        #expect(!encoding.encode("a<|endoftext|>").contains(id))
    }

    @Test func harmonySpecialsOnlyInHarmony() throws {
        let harmony = try Encoding.named(.o200k_harmony)
        let base = try Encoding.named(.o200k_base)
        #expect(harmony.encode("<|start|>", specials: .recognised) == [200006])
        #expect(base.encode("<|start|>", specials: .recognised) == base.encode("<|start|>"))
    }

    @Test func decodeRoundTripsText() throws {
        let encoding = try Encoding.named(.o200k_base)
        let text = "Grüße, 世界! 🎉 <|endoftext|>"
        #expect(encoding.decode(encoding.encode(text)) == Array(text.utf8))
        #expect(encoding.decode(encoding.encode(text, specials: .recognised)) == Array(text.utf8))
    }
}
