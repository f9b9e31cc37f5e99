import Testing
import TokenCounter

@testable import RecountKit

/// new-api's quota formula (`service/text_quota.go`, `service/quota.go`, `common/quota.go`;
/// SPEC §2.6), replayed from a row's own `other`. Every expected number is worked by hand in
/// the comment above it from that formula, in quota (500,000 = $1).
@Suite struct GatewayQuotaTests {
    func other(_ text: String) throws -> GatewayOther { try #require(try GatewayOther.parse(.string(text))) }

    func replay(_ prompt: Int, _ completion: Int, _ text: String) throws -> GatewayQuota.Replay {
        let outcome = GatewayQuota.replay(promptTokens: prompt, completionTokens: completion, other: try other(text))
        guard case .quota(let replay) = outcome else {
            Issue.record("not checkable: \(outcome)")
            throw CancellationError()
        }
        return replay
    }

    @Test func textWithCompletionRatio() throws {
        // gpt-4o-mini: (1000 + 500 × 4) × 0.075 × 1 = 3000 × 0.075 = 225.
        let r = try replay(1000, 500, #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1}"#)
        #expect(r.exact == Rational(225))
        #expect(r.quota == 225)
        #expect(r.mode == .ratio && !r.flooredToOne && !r.clamped)
    }

    @Test func cacheRead() throws {
        // gpt-4o, 400 of 1000 prompt tokens from cache: base 1000 − 400 = 600; cached 400 × 0.5 = 200;
        // completion 200 × 4 = 800; (600 + 200 + 800) × 1.25 × 1 = 1600 × 1.25 = 2000.
        let r = try replay(
            1000, 200,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#
        )
        #expect(r.quota == 2000)
        // Billed as if uncached it would be (1000 + 800) × 1.25 = 2250: the discount is 250.
        #expect(r.terms.map(\.quota) == [Rational(750), Rational(250), Rational(1000)])
    }

    @Test func anthropicSemanticsDoNotSubtractCachedTokens() throws {
        // claude-sonnet-4, usage_semantic anthropic: prompt 200 already excludes the 3000 cached;
        // (200 + 3000 × 0.1 + 100 × 5) × 1.5 = (200 + 300 + 500) × 1.5 = 1500.
        let r = try replay(
            200, 100,
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"cache_tokens":3000,"cache_ratio":0.1,"usage_semantic":"anthropic"}"#
        )
        #expect(r.quota == 1500)
        // The same row read as OpenAI usage would go negative in its base (200 − 3000), which
        // the gateway clamps to 0: (0 + 300 + 500) × 1.5 = 1200.
        let openAI = try replay(
            200, 100,
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"cache_tokens":3000,"cache_ratio":0.1}"#
        )
        #expect(openAI.quota == 1200)
    }

    @Test func cacheWritesFiveMinutesAndOneHour() throws {
        // Anthropic: 3000 written = 1000 for 5 min (ratio 1.25) + 2000 for 1 h (ratio 2 = 1.25 × 1.6);
        // remaining unsplit = max(3000 − 1000 − 2000, 0) = 0.
        // (100 + 1000 × 1.25 + 2000 × 2 + 10 × 5) × 1.5 = (100 + 1250 + 4000 + 50) × 1.5 = 5400 × 1.5 = 8100.
        let r = try replay(
            100, 10,
            """
            {"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"usage_semantic":"anthropic",
             "cache_creation_tokens":3000,"cache_creation_ratio":1.25,"cache_creation_tokens_5m":1000,
             "cache_creation_ratio_5m":1.25,"cache_creation_tokens_1h":2000,"cache_creation_ratio_1h":2}
            """)
        #expect(r.quota == 8100)
    }

    @Test func cacheWriteUnderOpenAIUsage() throws {
        // OpenAI usage: prompt 5000 includes 2000 written; base 3000; writes 2000 × 1.25 = 2500;
        // (3000 + 2500) × 1 × 1 = 5500 (no completion).
        let r = try replay(
            5000, 0,
            #"{"model_ratio":1,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_creation_tokens":2000,"cache_creation_ratio":1.25}"#
        )
        #expect(r.quota == 5500)
    }

    @Test func imageOutputTokens() throws {
        // gpt-image-1: 1000 of 1100 prompt tokens are image tokens at image_ratio 2:
        // base 100; images 1000 × 2 = 2000; completion 50 × 8 = 400; (100 + 2000 + 400) × 2.5 = 6250.
        let r = try replay(
            1100, 50,
            #"{"model_ratio":2.5,"completion_ratio":8,"group_ratio":1,"model_price":-1,"image":true,"image_ratio":2,"image_output":1000}"#
        )
        #expect(r.quota == 6250)
    }

    @Test func audioRow() throws {
        // gpt-4o-audio-preview (calculateAudioQuota): 100 text in + 50 text out × 4 + 200 audio in × 16
        // + 300 audio out × 16 × 2 = 100 + 200 + 3200 + 9600 = 13100; × 1.25 × 1 = 16375.
        let r = try replay(
            300, 350,
            """
            {"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"audio":true,
             "text_input":100,"text_output":50,"audio_input":200,"audio_output":300,"audio_ratio":16,"audio_completion_ratio":2}
            """)
        #expect(r.mode == .audio)
        #expect(r.quota == 16375)
    }

    @Test func fixedPricePerCall() throws {
        // dall-e-3 at $0.04 per call: 0.04 × 500000 × 1 = 20000; in group 0.8: 16000.
        let r = try replay(0, 0, #"{"model_ratio":0,"group_ratio":1,"model_price":0.04}"#)
        #expect(r.mode == .fixedPrice)
        #expect(r.exact == Rational(20000))
        // prompt + completion = 0 and no surcharge: the text path writes 0 (`TotalTokens == 0`).
        #expect(r.quota == 0)
        let priced = try replay(10, 0, #"{"model_ratio":0,"group_ratio":0.8,"model_price":0.04}"#)
        #expect(priced.quota == 16000)
    }

    @Test func perCallWebSearchSurcharge() throws {
        // gpt-4o-search-preview: tokens (100 + 100 × 4) × 1.25 = 625; one web search at $25 per 1K
        // calls: 25 × 1 / 1000 × 1 × 500000 = 12500; total 13125.
        let r = try replay(
            100, 100,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"web_search":true,"web_search_call_count":1,"web_search_price":25}"#
        )
        #expect(r.quota == 13125)
        // The newer list form: 2 calls at $10 per 1K in group 2: 10 × 2 / 1000 × 2 × 500000 = 20000;
        // tokens (100 + 400) × 1.25 × 2 = 1250; total 21250.
        let list = try replay(
            100, 100,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":2,"model_price":-1,"tool_surcharges":[{"name":"web_search","count":2,"price":10}]}"#
        )
        #expect(list.quota == 21250)
    }

    @Test func groupRatioAndTheRoundingTie() throws {
        // (1000 + 500 × 4) × 0.075 × 1.5 = 225 × 1.5 = 337.5 → Round(0), half away from zero → 338.
        let r = try replay(1000, 500, #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1.5,"model_price":-1}"#)
        #expect(r.exact == (try Rational(parsing: "337.5")))
        #expect(r.quota == 338)
    }

    @Test func userGroupRatio() throws {
        // A user of group "vip" using group "default" with the special ratio 0.9: the gateway writes
        // it both as user_group_ratio and as the group_ratio it applied (HandleGroupRatio):
        // 3000 × 0.075 × 0.9 = 202.5 → 203.
        let r = try replay(
            1000, 500,
            #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":0.9,"user_group_ratio":0.9,"model_price":-1}"#)
        #expect(r.quota == 203)
    }

    @Test func floorOfOneQuota() throws {
        // 1 prompt token × 0.075 = 0.075 → rounds to 0 → a priced request costs at least 1.
        let r = try replay(1, 0, #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1}"#)
        #expect(r.exact == (try Rational(parsing: "0.075")))
        #expect(r.quota == 1)
        #expect(r.flooredToOne)
        // A free model (ratio 0) stays 0.
        let free = try replay(100, 10, #"{"model_ratio":0,"completion_ratio":1,"group_ratio":1,"model_price":-1}"#)
        #expect(free.quota == 0 && !free.flooredToOne)
        // No tokens at all: 0 even when priced.
        #expect(
            try replay(0, 0, #"{"model_ratio":1,"completion_ratio":1,"group_ratio":1,"model_price":-1}"#).quota == 0)
    }

    @Test func int32Clamp() throws {
        // A fixed price of $5000 per call: 5000 × 500000 = 2,500,000,000 > 2^31 − 1 = 2,147,483,647.
        let r = try replay(1, 0, #"{"model_ratio":0,"group_ratio":1,"model_price":5000}"#)
        #expect(r.exact == Rational(2_500_000_000))
        #expect(r.quota == 2_147_483_647)
        #expect(r.clamped)
        // Exactly at the bound is not a clamp: 4294967.294 × 500 = 2147483647.
        let edge = try replay(
            500, 0, #"{"model_ratio":4294967.294,"completion_ratio":1,"group_ratio":1,"model_price":-1}"#)
        #expect(edge.quota == 2_147_483_647 && !edge.clamped)
    }

    @Test func notCheckableRowsSayWhy() throws {
        func reason(_ prompt: Int, _ completion: Int, _ text: String) throws -> String? {
            if case .notCheckable(let why) = GatewayQuota.replay(
                promptTokens: prompt, completionTokens: completion, other: try other(text))
            {
                return why
            }
            return nil
        }
        #expect(
            try reason(10, 0, #"{"model_ratio":1,"group_ratio":1,"model_price":-1,"billing_mode":"tiered_expr"}"#)?
                .contains("tiered") == true)
        #expect(
            try reason(10, 0, #"{"model_ratio":1,"group_ratio":1,"model_price":-1,"cache_tokens":4}"#)
                == "other has no cache_ratio (4 cache_tokens)")
        #expect(
            try reason(10, 0, #"{"model_ratio":1,"model_price":-1}"#)?.hasPrefix("other has no group_ratio") == true)
        #expect(
            try reason(10, 5, #"{"model_ratio":1,"group_ratio":1,"model_price":-1}"#)
                == "other has no completion_ratio (5 completion tokens)")
        #expect(try reason(10, 0, #"{"model_ratio":1,"group_ratio":1}"#)?.hasPrefix("other has no model_price") == true)
        #expect(
            try reason(0, 0, #"{"task_id":"t1","model_ratio":1,"group_ratio":1,"quota_delta":5}"#)?.contains("task")
                == true)
    }
}
