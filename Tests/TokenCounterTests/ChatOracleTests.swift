import Foundation
import Testing
import TokenCounter

/// The oracle's chat answers (`tiktoken_oracle.py --mode chat`, tiktoken 0.14.0), committed
/// under `Tests/Fixtures/oracle/` so the tests need neither Python nor `../shared`.
enum ChatOracle {
    static let fixtures = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/oracle")

    /// `corpus/chat_cases.jsonl` by id: the request bodies.
    static let requests: [String: JSONValue] = lines("corpus/chat_cases.jsonl")
    /// `expected/chat.jsonl` by id: the oracle's answers.
    static let answers: [String: JSONValue] = lines("expected/chat.jsonl")
    /// Every case id, in file order.
    static let ids: [String] = {
        let text =
            (try? String(contentsOf: fixtures.appendingPathComponent("expected/chat.jsonl"), encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { try? JSONParser.parse(String($0))["id"]?.stringValue }
    }()

    private static func lines(_ path: String) -> [String: JSONValue] {
        let text = (try? String(contentsOf: fixtures.appendingPathComponent(path), encoding: .utf8)) ?? ""
        var byID: [String: JSONValue] = [:]
        for line in text.split(separator: "\n") {
            guard let value = try? JSONParser.parse(String(line)), let id = value["id"]?.stringValue else { continue }
            byID[id] = value
        }
        return byID
    }

    static func int(_ value: JSONValue?) -> Int? { value?.numberText.flatMap { Int($0) } }
}

@Suite struct ChatOracleTests {
    @Test func fixturesHoldAll117Cases() {
        #expect(ChatOracle.ids.count == 117)
        #expect(ChatOracle.requests.count == 117)
    }

    /// Total, per-message counts, rule, constants, encoding and tool tokens, as the oracle says.
    @Test(arguments: ChatOracle.ids)
    func matchesOracle(id: String) throws {
        let request = try #require(ChatOracle.requests[id])
        let answer = try #require(ChatOracle.answers[id])
        let count = try ChatPromptCounter.count(body: request)

        #expect(count.total == ChatOracle.int(answer["count"]))
        let expectedMessages = try #require(answer["message_counts"]?.arrayValue).map(ChatOracle.int)
        #expect(count.messages.map(\.total) == expectedMessages)
        #expect(count.rule.name == answer["rule"]?.stringValue)
        #expect(count.rule.tokensPerMessage == ChatOracle.int(answer["tokens_per_message"]))
        #expect(count.rule.tokensPerName == ChatOracle.int(answer["tokens_per_name"]))
        #expect(count.encoding.rawValue == answer["encoding"]?.stringValue)
        #expect(count.toolDefinitionTokens == (ChatOracle.int(answer["tools_count"]) ?? 0))
        #expect(count.toolRule?.name == answer["tools_rule"]?.stringValue)
        #expect(count.isComplete)
        #expect(count.replyPriming == 3)
    }

    /// The cookbook's published `prompt_tokens` as measured on the OpenAI API (127/129/124,
    /// 105/101 with tools) — a check independent of the oracle's own arithmetic.
    @Test(arguments: ChatOracle.ids.filter { ChatOracle.answers[$0]?["api_prompt_tokens"] != nil })
    func matchesCookbookAPICounts(id: String) throws {
        let request = try #require(ChatOracle.requests[id])
        let api = try #require(ChatOracle.int(ChatOracle.answers[id]?["api_prompt_tokens"]))
        #expect(try ChatPromptCounter.count(body: request).total == api)
    }

    @Test func cookbookHasTwelveAPICountedCases() {
        #expect(ChatOracle.ids.filter { ChatOracle.answers[$0]?["api_prompt_tokens"] != nil }.count == 12)
    }
}
