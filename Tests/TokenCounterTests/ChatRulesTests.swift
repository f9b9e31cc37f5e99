import Testing

@testable import TokenCounter

/// Hand-worked arithmetic for the rules beyond the oracle's cases. Token counts of the small
/// strings used come from the oracle's answers, not from the code under test:
/// - o200k: "user" = 1 token (`empty-content/gpt-4o`: 3 + 1 + 0 = 4), "Hello!" = 2
///   (`single-user/gpt-4o`: 3 + 1 + 2 = 6, total 9); "hello world" = 2 (README: [24912, 2375]).
/// - the cookbook weather tool: 71 tokens with gpt-4 constants, 68 with gpt-4o's
///   (`cookbook-09`, `cookbook-10`), which differ only in `functionInit` (10 vs 7).
private func body(_ json: String) throws -> JSONValue { try JSONParser.parse(json) }

private let weatherFunction = """
    {"name": "get_current_weather", "description": "Get the current weather in a given location",
     "parameters": {"type": "object", "properties": {
        "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
        "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}},
      "required": ["location"]}}
    """
private let weatherMessages = """
    [{"role": "system", "content": "You are a helpful assistant that can answer to questions about the weather."},
     {"role": "user", "content": "What's the weather like in San Francisco?"}]
    """

@Suite struct ChatMessageRuleTests {
    @Test func gpt35Turbo0301UsesFourPerMessageAndMinusOnePerName() throws {
        // cookbook-01 (3/1) counts the named message as 17 = 3 + 13 + 1, so its values are 13
        // tokens; 0301 must give 4 + 13 − 1 = 16 (cookbook-00's second message).
        let message =
            #"{"role": "system", "name": "example_user", "content": "New synergies will help drive top-line growth."}"#
        let old = try ChatPromptCounter.count(
            body: body(#"{"model": "gpt-3.5-turbo-0301", "messages": [\#(message)]}"#))
        let new = try ChatPromptCounter.count(
            body: body(#"{"model": "gpt-3.5-turbo-0613", "messages": [\#(message)]}"#))
        #expect(old.messages[0].overhead == 4)
        #expect(old.messages[0].nameAdjustment == -1)
        #expect(old.messages[0].fieldTokens + old.messages[0].contentTokens == 13)
        #expect(old.messages[0].total == 16)
        #expect(new.messages[0].nameAdjustment == 1)
        #expect(new.messages[0].total == 17)
        #expect(old.messages[0].name == "example_user")
        #expect(old.total == 16 + 3)
    }

    @Test func contentArrayTextPartsCountLikeAString() throws {
        let parts = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello!"}]}]}"#
            ))
        #expect(parts.total == 9)  // single-user/gpt-4o
        #expect(parts.messages[0].contentTokens == 2)
        #expect(parts.isComplete)
    }

    @Test func nullContentCountsZero() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [{"role": "user", "content": null}]}"#))
        #expect(count.messages[0].total == 4)  // empty-content/gpt-4o: 3 + "user"
        #expect(count.messages[0].contentTokens == 0)
    }

    @Test func assistantToolCallsCountNameAndArguments() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"""
                {"model": "gpt-4o", "messages": [{"role": "user", "content": null, "tool_calls": [
                  {"id": "call_abc", "type": "function", "function": {"name": "hello world", "arguments": "hello world"}},
                  {"id": "call_def", "type": "function", "function": {"name": "hello world", "arguments": "hello world"}}]}]}
                """#))
        #expect(count.messages[0].toolCallTokens == 8)  // 2 calls × (2 + 2); ids not counted
        #expect(count.messages[0].total == 4 + 8)
    }

    @Test func legacyFunctionCallCountsLikeAToolCall() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [{"role": "user", "function_call": {"name": "hello world", "arguments": "hello world"}}]}"#
            ))
        #expect(count.messages[0].toolCallTokens == 4)
    }

    @Test func toolCallIDCountsAsAStringValue() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [{"role": "user", "tool_call_id": "hello world", "content": "Hello!"}]}"#
            ))
        #expect(count.messages[0].fieldTokens == 1 + 2)
        #expect(count.messages[0].total == 6 + 2)
        #expect(count.messages[0].nameAdjustment == 0)
    }

    @Test func modelOverrideWinsOverBodyModel() throws {
        let count = try ChatPromptCounter.count(
            body: body(#"{"model": "gpt-3.5-turbo-0301", "messages": [{"role": "user", "content": "Hello!"}]}"#),
            model: "gpt-4o")
        #expect(count.model == "gpt-4o")
        #expect(count.encoding == .o200k_base)
        #expect(count.total == 9)
    }

    @Test func unknownModelFallsBackToO200kAndIsFlagged() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "claude-relay-x", "messages": [{"role": "user", "content": "Hello!"}]}"#))
        #expect(count.modelIsFallback)
        #expect(count.encoding == .o200k_base)
        #expect(count.rule.name == "extrapolated:not-in-cookbook")
        #expect(count.total == 9)
    }

    @Test func objectValuedKeysMarkTheCountIncomplete() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "Hello!", "audio": {"id": "a1"}}]}"#))
        #expect(!count.isComplete)
        #expect(count.incompleteReasons == ["messages[0].audio: object value not counted"])
        #expect(count.total == 9)
    }
}

@Suite struct ChatToolRuleTests {
    @Test(arguments: [("gpt-4", 71, "cookbook:gpt-3.5/gpt-4"), ("gpt-4o", 68, "cookbook:gpt-4o-family")])
    func legacyFunctionsUseTheToolsRule(model: String, tokens: Int, rule: String) throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "\#(model)", "messages": \#(weatherMessages), "functions": [\#(weatherFunction)]}"#))
        #expect(count.toolDefinitionTokens == tokens)
        #expect(count.toolRule?.name == rule)
        #expect(count.total == (model == "gpt-4" ? 105 : 101))  // the cookbook's API numbers
    }

    /// SPEC §6: gpt-4.1 (o200k) gets the gpt-4o constants, although its name contains "gpt-4";
    /// a cl100k model outside the cookbook gets gpt-4's.
    @Test(arguments: [
        ("gpt-4.1", 68, "extrapolated:o200k-uses-gpt-4o-constants"),
        ("o3", 68, "extrapolated:o200k-uses-gpt-4o-constants"),
        ("text-embedding-3-small", 71, "extrapolated:non-o200k-uses-gpt-4-constants"),
    ])
    func toolConstantsFollowTheEncoding(model: String, tokens: Int, rule: String) throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "\#(model)", "messages": [], "tools": [{"type": "function", "function": \#(weatherFunction)}]}"#
            ))
        #expect(count.toolDefinitionTokens == tokens)
        #expect(count.toolRule?.name == rule)
        #expect(count.total == tokens + 3)
    }

    @Test func toolsAndFunctionsTogetherShareOneEnd() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"""
                {"model": "gpt-4", "messages": [], "tools": [{"type": "function", "function": \#(weatherFunction)}],
                 "functions": [\#(weatherFunction)]}
                """#))
        #expect(count.toolDefinitionTokens == 71 + 71 - 12)
    }

    @Test func oneTrailingPeriodOfADescriptionIsDropped() throws {
        let dotted = weatherFunction.replacingOccurrences(of: "given location\"", with: "given location.\"")
        #expect(dotted != weatherFunction)
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4", "messages": [], "functions": [\#(dotted)]}"#))
        #expect(count.toolDefinitionTokens == 71)
    }

    @Test func noToolsMeansNoToolRule() throws {
        let count = try ChatPromptCounter.count(body: body(#"{"model": "gpt-4", "messages": [], "tools": []}"#))
        #expect(count.toolDefinitionTokens == 0)
        #expect(count.toolRule == nil)
        #expect(count.total == 3)
    }

    @Test func builtInToolsMarkTheCountIncomplete() throws {
        let count = try ChatPromptCounter.count(
            body: body(
                #"{"model": "gpt-4o", "messages": [], "tools": [{"type": "web_search"}]}"#))
        #expect(count.incompleteReasons == ["tools[0]: tool type 'web_search' not counted"])
        #expect(count.toolDefinitionTokens == 0)
    }
}

@Suite struct ChatErrorTests {
    @Test(arguments: [
        (#"{"model": "gpt-4o", "messages": {}}"#, "messages: expected array, found object"),
        (#"{"model": "gpt-4o"}"#, "messages: missing"),
        (#"{"messages": []}"#, "model: missing"),
        (#"[1]"#, "request: expected object, found array"),
        (
            #"{"model": "gpt-4o", "messages": [{"role": "user", "content": "a"}, "hi"]}"#,
            "messages[1]: expected object, found string"
        ),
        (
            #"{"model": "gpt-4o", "messages": [{}, {}, {}, {"role": "user", "content": 7}]}"#,
            "messages[3].content: expected string or array, found number"
        ),
        (#"{"model": "gpt-4o", "messages": [{"role": 1}]}"#, "messages[0].role: expected string, found number"),
        (
            #"{"model": "gpt-4o", "messages": [{"content": [{"type": "text"}]}]}"#,
            "messages[0].content[0].text: missing"
        ),
        (
            #"{"model": "gpt-4o", "messages": [{"content": ["hi"]}]}"#,
            "messages[0].content[0]: expected object, found string"
        ),
        (
            #"{"model": "gpt-4o", "messages": [{"tool_calls": {}}]}"#,
            "messages[0].tool_calls: expected array, found object"
        ),
        (#"{"model": "gpt-4o", "messages": [], "tools": [{"type": "function"}]}"#, "tools[0].function: missing"),
        (#"{"model": "gpt-4o", "messages": [], "functions": [{"description": "x"}]}"#, "functions[0].name: missing"),
        (#"{"model": "gpt-4o", "messages": [], "tools": {}}"#, "tools: expected array, found object"),
    ])
    func invalidShapesSayWhere(json: String, message: String) throws {
        let value = try JSONParser.parse(json)
        let error = #expect(throws: ChatPromptError.self) { try ChatPromptCounter.count(body: value) }
        #expect(error?.description == message)
    }
}

@Suite struct CompletionCounterTests {
    @Test func countsEveryChoiceAndToolCall() throws {
        let o200k = try Encoding.named(.o200k_base)
        let tokens = CompletionCounter.count(
            texts: ["hello world", "hello world"],
            toolCalls: [(name: "hello world", arguments: "hello world")],
            encoding: o200k)
        #expect(tokens == 2 + 2 + 2 + 2)
        #expect(CompletionCounter.count(texts: [], toolCalls: [], encoding: o200k) == 0)
    }
}

@Suite struct ModelNameMatchTests {
    @Test func containsBytesMatchesSubstrings() {
        #expect("gpt-4o-mini-2024".containsBytes(of: "gpt-4o"))
        #expect("ft:gpt-4o:acme".containsBytes(of: "gpt-4o"))
        #expect("my-gpt-4".containsBytes(of: "gpt-4"))
        #expect(!"gpt-4".containsBytes(of: "gpt-4o"))
        #expect(!"gpt".containsBytes(of: "gpt-4"))
        #expect("gpt-4".containsBytes(of: ""))
        #expect("模型gpt-4o".containsBytes(of: "gpt-4o"))
        #expect(!"GPT-4O".containsBytes(of: "gpt-4o"))
    }
}

/// `ModelRules` remembers each model name's rules per thread: what it hands back must be what
/// the tables decide for those exact bytes, whatever was asked before.
@Suite struct ModelRulesMemoTests {
    @Test func rememberedRulesEqualFreshOnes() {
        let names = [
            "gpt-4o", "gpt-4o-mini", "gpt-4", "gpt-3.5-turbo-0301", "o1", "claude-3-5-sonnet", "gpt-4o",
            "ft:gpt-4o:acme:x",
        ]
        for name in names + names {
            let remembered = ModelRules.forModel(name)
            let fresh = ModelRules(model: name)
            #expect(remembered.resolved == fresh.resolved)
            #expect(remembered.chat == fresh.chat)
            #expect(remembered.tools == fresh.tools)
            #expect(remembered.image == fresh.image)
        }
    }

    /// "gpt-4ó" precomposed and decomposed are equal Strings but different bytes; the rules
    /// (byte matches) and the name handed back must follow the bytes asked about.
    @Test func canonicallyEquivalentSpellingsKeepTheirOwnBytes() {
        let composed = "gpt-4\u{F3}", decomposed = "gpt-4o\u{301}"
        #expect(composed == decomposed)
        // The case matters only because the two spellings' rules differ.
        #expect(ModelRules(model: composed).tools != ModelRules(model: decomposed).tools)
        _ = ModelRules.forModel(composed)
        let rules = ModelRules.forModel(decomposed)
        #expect(Array(rules.resolved.model.utf8) == Array(decomposed.utf8))
        #expect(rules.chat == ModelRules(model: decomposed).chat)
        #expect(rules.tools == ModelRules(model: decomposed).tools)
    }
}
