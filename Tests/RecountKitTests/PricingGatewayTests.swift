import Testing

@testable import RecountKit

/// The gateway dimensions of `recount.pricing/1` (SPEC §2.3, §2.4): cache writes, image and
/// audio tokens, fixed and per-call prices, in list and ratio style. A one-api quota unit
/// (500,000 = $1, scale 0), rounding half away from zero and a minimum of 1, as new-api does.
/// Every expected number is worked by hand in the comment; where the same request is billed by
/// new-api's formula, `GatewayQuotaTests` works the same number from the row's `other`.
@Suite struct PricingGatewayTests {
    static func quotaCatalog(_ models: String) -> String {
        """
        {"schema": "recount.pricing/1", "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0},
         "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "half_away_from_zero",
           "minimum_charge": "1", "groups": {"default": "1", "vip": "0.8"}, "models": {\(models)}}]}
        """
    }

    func price(
        _ models: String, _ model: String, _ usage: ChargeUsage, group: String = "default"
    ) throws -> ChargeBreakdown {
        try charge(
            usage, model: model, group: group, at: "2024-06-01T00:00:00Z", in: try catalog(Self.quotaCatalog(models)))
    }

    func usage(
        prompt: Int = 0, cached: Int = 0, completion: Int = 0, _ configure: (inout ChargeUsage) -> Void = { _ in }
    ) -> ChargeUsage {
        var u = ChargeUsage(promptTokens: prompt, cachedPromptTokens: cached, completionTokens: completion)
        configure(&u)
        return u
    }

    @Test func cachedReadBothStyles() throws {
        // 1000 prompt, 400 cached, 200 completion. Ratio 1.25 → $2.5/1M in, cached × 0.5 → $1.25/1M,
        // completion × 4 → $10/1M. Quota: 600 × 1.25 = 750; 400 × 0.625 = 250; 200 × 5 = 1000; total 2000.
        let u = usage(prompt: 1000, cached: 400, completion: 200)
        let ratio = try price(
            #""gpt-4o": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"}"#, "gpt-4o", u)
        let list = try price(
            #""gpt-4o": {"input_per_1m": "2.5", "cached_input_per_1m": "1.25", "output_per_1m": "10"}"#, "gpt-4o", u)
        #expect(ratio.charge == Rational(2000))
        #expect(list.charge == Rational(2000))
        #expect(ratio.terms.map(\.label) == ["uncached prompt", "cached prompt", "completion"])
    }

    @Test func cacheWritesFiveMinutesAndOneHour() throws {
        // Prompt 3100 = 100 uncached + 1000 written for 5 min + 2000 for 1 h; 10 completion.
        // Ratio 1.5, completion 5, cache_creation_ratio 1.25, 1 h = 1.25 × 1.6 = 2 (the gateway's rule):
        // (100 + 1000 × 1.25 + 2000 × 2 + 10 × 5) × 1.5 = 5400 × 1.5 = 8100.
        let u = usage(prompt: 3100, completion: 10) {
            $0.cacheWrite5mTokens = 1000; $0.cacheWrite1hTokens = 2000
        }
        let ratio = try price(
            #""claude-sonnet-4": {"model_ratio": "1.5", "completion_ratio": "5", "cache_ratio": "0.1", "cache_creation_ratio": "1.25"}"#,
            "claude-sonnet-4", u)
        #expect(ratio.charge == Rational(8100))
        #expect(
            ratio.terms.map(\.label) == [
                "uncached prompt", "cached prompt", "cache write (5m)", "cache write (1h)", "completion",
            ])
        // List style at $3 / $3.75 / $6 / $15 per 1M: 100 × 3 = 300; 1000 × 3.75 = 3750; 2000 × 6 = 12000;
        // 10 × 15 = 150; Σ = 16200 micro-USD = $0.0162 × 500000 = 8100.
        let list = try price(
            #""claude-sonnet-4": {"input_per_1m": "3", "cache_write_5m_per_1m": "3.75", "cache_write_1h_per_1m": "6", "output_per_1m": "15"}"#,
            "claude-sonnet-4", u)
        #expect(list.charge == Rational(8100))
    }

    @Test func oneHourWriteRatioIsTheGatewaysFloat64Product() throws {
        // cache_creation_ratio 0.1: the gateway's 1 h ratio is float64(0.1) × float64(1.6) =
        // 0.16000000000000003, not 0.16. 10^6 one-hour written tokens at model ratio 1:
        // 10^6 × 0.16000000000000003 = 160000.00000000003 → 160000.
        let catalog = try catalog(Self.quotaCatalog(#""m": {"model_ratio": "1", "cache_creation_ratio": "0.1"}"#))
        let price = try #require(catalog.versions[0].price(forModel: "m")?.price)
        // Per token in USD: 0.16000000000000003 / 500000.
        let oneHour = try Rational(parsing: "0.16000000000000003").divided(by: Rational(500_000))
        let fiveMinutes = try Rational(parsing: "0.1").divided(by: Rational(500_000))
        #expect(price.cacheWrite1hPerToken == oneHour)
        #expect(price.cacheWrite5mPerToken == fiveMinutes)
    }

    @Test func imageTokens() throws {
        // gpt-image-1: 1000 of 1100 prompt tokens are image tokens at image_ratio 2, completion ratio 8:
        // (100 + 1000 × 2 + 50 × 8) × 2.5 = 2500 × 2.5 = 6250.
        let u = usage(prompt: 1100, completion: 50) { $0.imageTokens = 1000 }
        let b = try price(
            #""gpt-image-1": {"model_ratio": "2.5", "completion_ratio": "8", "image_ratio": "2"}"#, "gpt-image-1", u)
        #expect(b.charge == Rational(6250))
    }

    @Test func audioTokens() throws {
        // gpt-4o-audio-preview: prompt 300 = 100 text + 200 audio; completion 350 = 50 text + 300 audio.
        // 100 × 1.25 = 125; 200 × 1.25 × 16 = 4000; 50 × 1.25 × 4 = 250; 300 × 1.25 × 16 × 2 = 12000;
        // total 16375 (the gateway's calculateAudioQuota gives the same).
        let u = usage(prompt: 300, completion: 350) {
            $0.audioInputTokens = 200; $0.audioOutputTokens = 300
        }
        let b = try price(
            #""gpt-4o-audio-preview": {"model_ratio": "1.25", "completion_ratio": "4", "audio_ratio": "16", "audio_completion_ratio": "2"}"#,
            "gpt-4o-audio-preview", u)
        #expect(b.charge == Rational(16375))
        #expect(b.terms.map(\.label) == ["prompt", "audio input", "completion", "audio output"])
        // List style: $2.5 / $40 in, $10 / $80 out per 1M: 100 × 2.5 + 200 × 40 + 50 × 10 + 300 × 80 =
        // 250 + 8000 + 500 + 24000 = 32750 micro-USD = $0.03275 × 500000 = 16375.
        let list = try price(
            #""a": {"input_per_1m": "2.5", "audio_input_per_1m": "40", "output_per_1m": "10", "audio_output_per_1m": "80"}"#,
            "a", u)
        #expect(list.charge == Rational(16375))
    }

    @Test func fixedPricePerRequest() throws {
        // dall-e-3 at $0.04 per request: 0.04 × 500000 = 20000; group vip 0.8: 16000. Tokens are not billed.
        let ratio = try price(#""dall-e-3": {"model_price": "0.04"}"#, "dall-e-3", usage(prompt: 999, completion: 5))
        #expect(ratio.charge == Rational(20000))
        #expect(ratio.terms.map(\.label) == ["request"])
        let vip = try price(#""dall-e-3": {"per_request": "0.04"}"#, "dall-e-3", usage(), group: "vip")
        #expect(vip.charge == Rational(16000))
    }

    @Test func perCallSurcharge() throws {
        // Tokens (100 + 100 × 4) × 1.25 = 625; one web search at $0.025 per call = 12500; total 13125.
        let models =
            #""gpt-4o-search-preview": {"model_ratio": "1.25", "completion_ratio": "4", "per_call": {"web_search": "0.025"}}"#
        let b = try price(
            models, "gpt-4o-search-preview", usage(prompt: 100, completion: 100) { $0.toolCalls = ["web_search": 1] })
        #expect(b.charge == Rational(13125))
        #expect(b.terms.last?.label == "web_search calls")
        // A tool the model has no per_call price for leaves the request unpriced, saying which.
        let result = Pricing.expectedCharge(
            usage: usage(prompt: 1) { $0.toolCalls = ["file_search": 2] }, model: "gpt-4o-search-preview",
            group: "default", status: 200, at: try time("2024-06-01T00:00:00Z"),
            catalog: try catalog(Self.quotaCatalog(models)))
        guard case .unpriced(let reason) = result else { Issue.record("expected unpriced, got \(result)"); return }
        #expect(reason.contains("no per_call price for 2 file_search calls"))
    }

    @Test func quantitiesWithoutTheirPriceStayInThePrompt() throws {
        // The points catalog has no cache-write, image or audio prices: gpt-4 prices 1000 prompt tokens
        // at $0.03/1K whatever part of them was written to the cache → 2130 points (SPEC §2.4).
        let points = try catalog(pointsCatalogJSON)
        let u = usage(prompt: 1000) {
            $0.cacheWrite5mTokens = 500; $0.imageTokens = 100; $0.audioInputTokens = 50
        }
        let b = try charge(u, model: "gpt-4", in: points)
        #expect(b.charge == Rational(2130))
        #expect(b.terms.map(\.label) == ["prompt", "completion"])
    }

    @Test func minimumChargeIsTheGatewaysFloorOfOne() throws {
        // 1 prompt token × 0.075 = 0.075 quota → rounds to 0 → minimum_charge 1.
        let b = try price(
            #""gpt-4o-mini": {"model_ratio": "0.075", "completion_ratio": "4"}"#, "gpt-4o-mini", usage(prompt: 1))
        #expect(b.amount == (try Rational(parsing: "0.075")))
        #expect(b.charge == Rational(1) && b.minimumChargeApplied)
    }

    @Test(arguments: [
        (#""m": {"input_per_1m": "1", "cache_ratio": "0.5"}"#, "cache_ratio without model_ratio"),
        (#""m": {"cache_write_5m_per_1m": "1"}"#, "need an input price"),
        (#""m": {"model_ratio": "1", "model_price": "0.04"}"#, "model_price together with model_ratio"),
        (#""m": {"model_ratio": "1", "per_call": ["web_search"]}"#, "expected an object of tool → price per call"),
        (#""m": {"model_ratio": "1", "per_call": {"web_search": "-1"}}"#, "negative value"),
        (#""m": {"model_ratio": "1", "image_ratio": "x"}"#, "image_ratio"),
        (#""m": {"model_ratio": "1", "cache_ratio": "0.5", "cache_write_5m_per_1m": "1"}"#, "give one style"),
    ])
    func badGatewayFieldsAreCatalogErrors(models: String, message: String) throws {
        do {
            _ = try catalog(Self.quotaCatalog(models))
            Issue.record("expected a catalog error for \(models)")
        } catch {
            #expect("\(error)".contains(message), "\(error)")
        }
    }
}
