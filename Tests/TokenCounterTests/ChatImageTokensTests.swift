import Testing
import TokenCounter

/// OpenAI's worked examples ("Images and vision — Calculating costs") and hand-worked tiles.
@Suite struct ChatImageTokensTests {
    /// (width, height, tiles), each worked by hand:
    /// 1024² → shortest 1024 > 768 → 768² → 2×2; 2048×4096 → 1024×2048 → 768×1536 → 2×3;
    /// 500² → no scaling → 1; 513×500 → 2×1; 512² → 1; 1920×1080 → 1365×768 → 3×2;
    /// 4096×8192 → 1024×2048 → 768×1536 → 2×3; 768×768 → 2×2; 100×3000 → 68×2048 → 1×4.
    @Test(arguments: [
        (1024, 1024, 4), (2048, 4096, 6), (500, 500, 1), (513, 500, 2), (512, 512, 1),
        (1920, 1080, 6), (4096, 8192, 6), (768, 768, 4), (100, 3000, 4),
    ])
    func tileCount(width: Int, height: Int, tiles: Int) {
        #expect(ImageTileRule.tileCount(width: width, height: height) == tiles)
    }

    @Test func documentedGPT4oExamples() throws {
        let rule = try #require(ImageTileRule.forModel("gpt-4o"))
        #expect(rule.tokens(width: 1024, height: 1024, lowDetail: false) == 765)
        #expect(rule.tokens(width: 2048, height: 4096, lowDetail: false) == 1105)
        #expect(rule.tokens(width: 4096, height: 8192, lowDetail: true) == 85)
    }

    @Test(arguments: [
        ("gpt-4o-2024-08-06", 85, 170), ("gpt-4-turbo", 85, 170),
        ("gpt-4o-mini", 2833, 5667), ("gpt-4o-mini-2024-07-18", 2833, 5667),
        ("o1", 75, 150), ("o3-2025-04-16", 75, 150),
    ])
    func documentedConstants(model: String, base: Int, perTile: Int) throws {
        let rule = try #require(ImageTileRule.forModel(model))
        #expect(rule.baseTokens == base)
        #expect(rule.tokensPerTile == perTile)
    }

    @Test(arguments: ["gpt-4.1-mini", "o4-mini", "gpt-5", "o1-mini", "gpt-3.5-turbo", "claude-3"])
    func modelsWithoutATileRule(model: String) {
        #expect(ImageTileRule.forModel(model) == nil)
    }

    @Test func gpt4oMiniHighDetail() throws {
        let rule = try #require(ImageTileRule.forModel("gpt-4o-mini"))
        #expect(rule.tokens(width: 1024, height: 1024, lowDetail: false) == 2833 + 4 * 5667)
    }

    private func count(_ model: String, _ imageURL: String) throws -> ChatPromptCount {
        try ChatPromptCounter.count(
            body: JSONParser.parse(
                #"""
                {"model": "\#(model)", "messages": [{"role": "user", "content": [
                  {"type": "text", "text": "Hello!"}, {"type": "image_url", "image_url": \#(imageURL)}]}]}
                """#))
    }

    @Test func sizedImageInAMessage() throws {
        let result = try count(
            "gpt-4o", #"{"url": "https://x/y.png", "detail": "high", "width": 1024, "height": 1024}"#)
        #expect(result.messages[0].imageTokens == 765)
        #expect(result.messages[0].contentTokens == 2)
        #expect(result.total == 9 + 765)  // single-user/gpt-4o + the image
        #expect(result.isComplete)
    }

    @Test func autoDetailCountsAsHigh() throws {
        let result = try count("gpt-4o", #"{"url": "u", "detail": "auto", "width": 2048, "height": 4096}"#)
        #expect(result.messages[0].imageTokens == 1105)
    }

    @Test func lowDetailNeedsNoSize() throws {
        let result = try count("gpt-4o", #"{"url": "u", "detail": "low"}"#)
        #expect(result.messages[0].imageTokens == 85)
        #expect(result.isComplete)
    }

    @Test func unsizedImageIsIncomplete() throws {
        let result = try count("gpt-4o", #"{"url": "u"}"#)
        #expect(!result.isComplete)
        #expect(result.messages[0].imageTokens == 0)
        #expect(result.incompleteReasons == ["messages[0].content[1].image_url: image size unknown (no width/height)"])
        #expect(result.total == 9)
    }

    @Test func bareURLStringIsIncomplete() throws {
        #expect(try !count("gpt-4o", #""https://x/y.png""#).isComplete)
    }

    @Test func modelWithoutTileRuleIsIncomplete() throws {
        let result = try count("gpt-4.1-mini", #"{"url": "u", "width": 512, "height": 512}"#)
        #expect(result.incompleteReasons.count == 1)
        #expect(result.incompleteReasons[0].contains("no documented image tile rule"))
    }

    @Test func nonPositiveSizeIsAnError() throws {
        #expect(throws: ChatPromptError.self) { try count("gpt-4o", #"{"url": "u", "width": 0, "height": 10}"#) }
        #expect(throws: ChatPromptError.self) { try count("gpt-4o", #"{"url": "u", "width": 10.5, "height": 10}"#) }
    }
}
