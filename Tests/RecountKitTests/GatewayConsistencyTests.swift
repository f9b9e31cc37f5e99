import Testing

@testable import RecountKit

/// The row-alone checks (SPEC §2.6): quota against its own ratios, ratios against the catalog,
/// and how a stream ended. Numbers worked by hand in the comments.
@Suite struct GatewayConsistencyTests {
    func other(_ text: String) throws -> GatewayOther { try #require(try GatewayOther.parse(.string(text))) }

    static let cachedRow =
        #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#

    @Test func quotaThatMatchesItsOwnRatiosIsNoFinding() throws {
        // (600 + 400 × 0.5 + 200 × 4) × 1.25 = 2000.
        let (finding, replay) = GatewayConsistency.arithmetic(
            recordedQuota: 2000, promptTokens: 1000, completionTokens: 200, other: try other(Self.cachedRow))
        #expect(finding == nil)
        #expect(replay.quota == 2000)
    }

    @Test func aLostCacheDiscountIsGatewayArithmetic() throws {
        // Billed as if uncached: (1000 + 800) × 1.25 = 2250, but its own cache_ratio gives 2000.
        let (finding, _) = GatewayConsistency.arithmetic(
            recordedQuota: 2250, promptTokens: 1000, completionTokens: 200, other: try other(Self.cachedRow))
        #expect(
            finding == GatewayFinding(.gatewayArithmetic, "quota 2250, but the row's own ratios give 2000 (exact 2000)")
        )
    }

    @Test func anUncheckableRowIsNoFinding() throws {
        let (finding, replay) = GatewayConsistency.arithmetic(
            recordedQuota: 5, promptTokens: 10, completionTokens: 0,
            other: try other(#"{"model_ratio":1,"group_ratio":1,"model_price":-1,"billing_mode":"tiered_expr"}"#))
        #expect(finding == nil)
        guard case .notCheckable = replay else { Issue.record("expected not checkable"); return }
    }

    @Test func theCachedRowIsOkAgainstAGatewayCatalog() throws {
        // Issue 13's case: the same row priced by the catalog with cache_ratio: 2000, equal to its quota.
        let catalog = try catalog(
            PricingGatewayTests.quotaCatalog(
                #""gpt-4o": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"}"#))
        let b = try charge(
            ChargeUsage(promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 200), model: "gpt-4o",
            at: "2024-06-01T00:00:00Z", in: catalog)
        #expect(b.charge == Rational(2000))
    }

    @Test func ratesThatDifferFromTheCatalogNameTheRatioAndBothValues() throws {
        let version = try catalog(
            PricingGatewayTests.quotaCatalog(
                #""gpt-4o": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"}, "dall-e-3": {"model_price": "0.04"}"#
            )
        ).versions[0]
        let same = GatewayConsistency.rates(
            other: try other(Self.cachedRow), model: "gpt-4o", group: "default", version: version)
        #expect(same.isEmpty)
        let row = try other(
            #"{"model_ratio":1.5,"completion_ratio":3,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.25}"#
        )
        let findings = GatewayConsistency.rates(other: row, model: "gpt-4o", group: "vip", version: version)
        #expect(
            findings.map(\.detail) == [
                "model_ratio: row 1.5, catalog 1.25 ('gpt-4o' in version 'v1')",
                "completion_ratio: row 3, catalog 4 ('gpt-4o' in version 'v1')",
                "cache_ratio: row 0.25, catalog 0.5 ('gpt-4o' in version 'v1')",
                "group_ratio: row 1, catalog 0.8 ('gpt-4o' in version 'v1')",
            ])
        #expect(findings.allSatisfy { $0.cause == .rate })
        // A user-group special ratio in a group the catalog does not list: not a rate finding.
        let special = try other(
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":0.9,"user_group_ratio":0.9,"model_price":-1}"#)
        #expect(GatewayConsistency.rates(other: special, model: "gpt-4o", group: "partners", version: version).isEmpty)
        // A fixed-price row: $0.05 recorded against the catalog's $0.04.
        let fixed = try other(#"{"model_ratio":0,"group_ratio":1,"model_price":0.05}"#)
        #expect(
            GatewayConsistency.rates(other: fixed, model: "dall-e-3", group: "default", version: version).map(\.detail)
                == ["model_price: row 0.05, catalog 0.04 ('dall-e-3' in version 'v1')"])
    }

    @Test func streamOutcomes() throws {
        let done = try other(#"{"stream_status":{"status":"ok","end_reason":"done"}}"#)
        #expect(
            StreamOutcome.classify(isStream: true, quota: 100, completionTokens: 50, other: done).outcome == .complete)
        #expect(
            StreamOutcome.classify(isStream: false, quota: 100, completionTokens: 50, other: done).outcome == .notStream
        )
        #expect(
            StreamOutcome.classify(isStream: true, quota: 100, completionTokens: 50, other: try other("{}")).outcome
                == .unknown)

        let local = try other(
            #"{"stream_status":{"status":"error","end_reason":"client_gone","end_error":"context canceled"},"admin_info":{"local_count_tokens":true,"usage_billing_path":"local"}}"#
        )
        let verdict = StreamOutcome.classify(isStream: true, quota: 312, completionTokens: 37, other: local)
        #expect(verdict.outcome == .incompleteLocalEstimate)
        #expect(verdict.endReason == "client_gone")
        #expect(
            verdict.finding
                == GatewayFinding(
                    .streamIncomplete,
                    "stream ended 'client_gone'; billed on the gateway's local count (usage_billing_path local), 37 completion tokens; context canceled"
                ))

        let upstream = try other(
            #"{"stream_status":{"status":"error","end_reason":"eof"},"admin_info":{"usage_billing_path":"upstream"}}"#)
        let billedOnUsage = StreamOutcome.classify(isStream: true, quota: 500, completionTokens: 120, other: upstream)
        #expect(billedOnUsage.outcome == .incompleteUpstreamUsage && billedOnUsage.finding == nil)

        let estimated = try other(
            #"{"stream_status":{"status":"error","end_reason":"timeout"},"admin_info":{"usage_billing_path":"billing-usage-openai-estimated"}}"#
        )
        #expect(
            StreamOutcome.classify(isStream: true, quota: 40, completionTokens: 3, other: estimated).outcome
                == .incompleteLocalEstimate)

        let nothing = try other(
            #"{"stream_status":{"status":"error","end_reason":"timeout"},"admin_info":{"local_count_tokens":true}}"#)
        let unbilled = StreamOutcome.classify(isStream: true, quota: 0, completionTokens: 0, other: nothing)
        #expect(unbilled.outcome == .incompleteUnbilled && unbilled.finding == nil)
    }
}

/// The two paths agree: a row's `other` converted to `ChargeUsage` and priced by a catalog of
/// the same ratios gives the quota `GatewayQuota` replays from the row (numbers as in
/// `GatewayQuotaTests`).
@Suite struct GatewayUsageAgreementTests {
    @Test(arguments: [
        // gpt-4o cache read → 2000.
        (
            "m", #""m": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"}"#, 1000, 200,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#,
            2000
        ),
        // Anthropic cache read → 1500.
        (
            "m", #""m": {"model_ratio": "1.5", "completion_ratio": "5", "cache_ratio": "0.1"}"#, 200, 100,
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"cache_tokens":3000,"cache_ratio":0.1,"usage_semantic":"anthropic"}"#,
            1500
        ),
        // Anthropic writes 5m + 1h → 8100.
        (
            "m",
            #""m": {"model_ratio": "1.5", "completion_ratio": "5", "cache_creation_ratio": "1.25", "cache_creation_ratio_1h": "2"}"#,
            100, 10,
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"usage_semantic":"anthropic","cache_creation_tokens":3000,"cache_creation_ratio":1.25,"cache_creation_tokens_5m":1000,"cache_creation_ratio_5m":1.25,"cache_creation_tokens_1h":2000,"cache_creation_ratio_1h":2}"#,
            8100
        ),
        // Image tokens → 6250.
        (
            "m", #""m": {"model_ratio": "2.5", "completion_ratio": "8", "image_ratio": "2"}"#, 1100, 50,
            #"{"model_ratio":2.5,"completion_ratio":8,"group_ratio":1,"model_price":-1,"image_ratio":2,"image_output":1000}"#,
            6250
        ),
        // Audio row → 16375.
        (
            "m",
            #""m": {"model_ratio": "1.25", "completion_ratio": "4", "audio_ratio": "16", "audio_completion_ratio": "2"}"#,
            300, 350,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"audio":true,"text_input":100,"text_output":50,"audio_input":200,"audio_output":300,"audio_ratio":16,"audio_completion_ratio":2}"#,
            16375
        ),
        // Web search surcharge: $25 per 1K calls = $0.025 per call → 13125.
        (
            "m", #""m": {"model_ratio": "1.25", "completion_ratio": "4", "per_call": {"web_search": "0.025"}}"#, 100,
            100,
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"web_search_call_count":1,"web_search_price":25}"#,
            13125
        ),
    ])
    func catalogAndReplayAgree(
        model: String, models: String, prompt: Int, completion: Int, otherText: String, quota: Int
    ) throws {
        let other = try #require(try GatewayOther.parse(.string(otherText)))
        let replay = GatewayQuota.replay(promptTokens: prompt, completionTokens: completion, other: other)
        #expect(replay.quota == quota)
        let b = try charge(
            other.chargeUsage(promptTokens: prompt, completionTokens: completion), model: model,
            at: "2024-06-01T00:00:00Z", in: try catalog(PricingGatewayTests.quotaCatalog(models)))
        #expect(b.charge == Rational(quota))
    }
}
