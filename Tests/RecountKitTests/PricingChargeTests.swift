import Testing

@testable import RecountKit

@Suite struct PricingChargeTests {
    let points: PriceCatalog
    init() throws { points = try catalog(pointsCatalogJSON) }

    @Test func gpt4WorkedExampleIs2130Points() throws {
        // SPEC §2.4: 1,000 × ($0.03 / 1000) = $0.03; × 7.1 = ¥0.213; × 10,000 = 2130 points.
        let b = try charge(ChargeUsage(promptTokens: 1000), model: "gpt-4", in: points)
        #expect(b.charge == Rational(2130))
        #expect(b.amount == Rational(2130))
        #expect(b.versionID == "2023-06")
        #expect(b.modelKey == "gpt-4")
        #expect(b.list == (try q("0.03")))
        #expect(b.listCurrency == "USD")
        #expect(b.exchangeRate == (try q("7.1")))
        #expect(b.terms.map(\.label) == ["prompt", "completion"])
        #expect(b.terms[0].unitPrice == (try q("0.00003")))
    }

    @Test func gpt35WithFractionMultiplier() throws {
        // 1000 prompt + 1000 completion at $0.002/1K each = $0.004; × 7.1 = ¥0.0284;
        // × 10,000 = 284 points; × 1/3.05 = 284 × 100/305 = 28400/305 = 5680/61 = 93.1147…
        // ceil → 94 (version 2023-06 rounds up).
        let b = try charge(
            ChargeUsage(promptTokens: 1000, completionTokens: 1000), model: "gpt-3.5-turbo-0613", in: points)
        #expect(b.modelKey == "gpt-3.5-turbo*")
        #expect(b.modelMultiplier == (try q("20/61")))
        #expect(b.amount == (try q("5680/61")))
        #expect(b.charge == Rational(94))
        // Same usage under 2024-01 (half_even): 93.1147… → 93.
        let later = try charge(
            ChargeUsage(promptTokens: 1000, completionTokens: 1000), model: "gpt-3.5-turbo",
            at: "2024-02-01T00:00:00Z", in: points)
        #expect(later.charge == Rational(93))
    }

    @Test func halfPriceUSDSite() throws {
        // seeds/001: every model at 50% of list; the account unit is USD to 6 decimals.
        let site = try catalog(
            """
            {"schema": "recount.pricing/1", "unit": {"name": "USD", "currency": "USD", "per_currency": "1", "scale": 6},
             "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "half_up",
               "models": {"gpt-4-1106-preview": {"input_per_1k": "0.01", "output_per_1k": "0.02", "multiplier": "0.5"}}}]}
            """)
        // 1234 × 0.00001 = 0.01234; 567 × 0.00002 = 0.01134; sum 0.02368; × 0.5 = 0.01184 USD.
        let b = try charge(
            ChargeUsage(promptTokens: 1234, completionTokens: 567), model: "gpt-4-1106-preview",
            at: "2024-03-01T00:00:00Z", in: site)
        #expect(b.exchangeRate == .one)
        #expect(b.charge == (try q("0.01184")))
        #expect(b.charge.decimalString(scale: 6) == "0.011840")
    }

    @Test func oneAPIQuota() throws {
        // seeds/004: 500,000 quota = $1. model_ratio 0.75 → 0.75 × $0.002 = $0.0015 per 1K
        // → 0.0015 × 500,000 = 750 quota per 1K input tokens.
        let site = try catalog(
            """
            {"schema": "recount.pricing/1", "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0},
             "versions": [{"id": "v1", "effective_from": 1700000000, "rounding": "half_up",
               "models": {"gpt-3.5-turbo": {"model_ratio": "0.75", "completion_ratio": "4/3"}}}]}
            """)
        let input = try charge(
            ChargeUsage(promptTokens: 1000), model: "gpt-3.5-turbo", at: "2024-01-01T00:00:00Z", in: site)
        #expect(input.charge == Rational(750))
        // 300 completion tokens × $0.0015/1K × 4/3 = 300 × $0.000002 = $0.0006 → 300 quota.
        let both = try charge(
            ChargeUsage(promptTokens: 1000, completionTokens: 300), model: "gpt-3.5-turbo",
            at: "2024-01-01T00:00:00Z", in: site)
        #expect(both.charge == Rational(1050))
    }

    @Test func versionBoundary() throws {
        // 2023-06 gpt-4 input $0.03/1K → 2130; 2024-01 input $0.06/1K → 0.06 × 7.1 × 10,000 = 4260.
        let usage = ChargeUsage(promptTokens: 1000)
        let before = try charge(usage, model: "gpt-4", at: "2023-12-31T23:59:59.999+08:00", in: points)
        let exactly = try charge(usage, model: "gpt-4", at: "2023-12-31T16:00:00Z", in: points)
        let after = try charge(usage, model: "gpt-4", at: "2024-01-01T00:00:00.001+08:00", in: points)
        #expect(before.versionID == "2023-06" && before.charge == Rational(2130))
        #expect(exactly.versionID == "2024-01" && exactly.charge == Rational(4260))
        #expect(after.versionID == "2024-01" && after.charge == Rational(4260))
    }

    @Test func beforeTheFirstVersionIsUnpriced() throws {
        let result = Pricing.expectedCharge(
            usage: ChargeUsage(promptTokens: 1), model: "gpt-4", group: "default",
            status: 200, at: try time("2023-05-31T23:59:59.999+08:00"), catalog: points)
        guard case .unpriced(let reason) = result else { Issue.record("\(result)"); return }
        #expect(reason.contains("no price version"))
        #expect(result.expectedAmount == nil)
    }

    @Test(arguments: [
        ("gpt-4", "gpt-4"),  // exact beats the prefix gpt-4*
        ("gpt-4-0613", "gpt-4*"),
        ("gpt-4o-2024-05-13", "gpt-4o*"),  // longest prefix wins over gpt-4*
        ("gpt-4o-mini", "gpt-4o-mini"),  // exact beats both prefixes
        ("gpt-4o-mini-2024-07-18", "gpt-4o*"),
        ("gpt-3.5-turbo", "gpt-3.5-turbo*"),  // a prefix matches the bare prefix too
    ])
    func prefixMatching(model: String, key: String) throws {
        let version = try #require(points.version(at: try time("2023-07-01T00:00:00Z")))
        #expect(version.price(forModel: model)?.key == key)
    }

    @Test func unknownModelIsUnpriced() throws {
        let version = try #require(points.version(at: try time("2023-07-01T00:00:00Z")))
        #expect(version.price(forModel: "claude-3") == nil)
        #expect(version.price(forModel: "GPT-4") == nil)  // case-sensitive
        let result = Pricing.expectedCharge(
            usage: ChargeUsage(promptTokens: 1), model: "claude-3", group: "default",
            status: 200, at: try time("2023-07-01T00:00:00Z"), catalog: points)
        guard case .unpriced(let reason) = result else { Issue.record("\(result)"); return }
        #expect(reason.contains("claude-3"))
    }

    @Test func groupMultipliers() throws {
        // 2130 × 0.8 = 1704.
        let vip = try charge(ChargeUsage(promptTokens: 1000), model: "gpt-4", group: "vip", in: points)
        #expect(vip.charge == Rational(1704))
        #expect(vip.groupIsListed)
        let unlisted = try charge(ChargeUsage(promptTokens: 1000), model: "gpt-4", group: "svip", in: points)
        #expect(unlisted.charge == Rational(2130))
        #expect(unlisted.groupMultiplier == .one && !unlisted.groupIsListed)
    }

    @Test func cachedPromptOnlyWhereACachedPriceExists() throws {
        // gpt-4o: 6000 uncached × $2.50/1M = $0.015; 4000 cached × $1.25/1M = $0.005;
        // 1000 completion × $10/1M = $0.01; total $0.03 × 7.1 × 10,000 = 2130.
        let b = try charge(
            ChargeUsage(promptTokens: 10_000, cachedPromptTokens: 4000, completionTokens: 1000),
            model: "gpt-4o-2024-08-06", in: points)
        #expect(b.terms.map(\.label) == ["uncached prompt", "cached prompt", "completion"])
        #expect(b.charge == Rational(2130))
        // gpt-4 has no cached price: all 1000 prompt tokens at $0.03/1K → 2130, cached ignored.
        let noCache = try charge(ChargeUsage(promptTokens: 1000, cachedPromptTokens: 600), model: "gpt-4", in: points)
        #expect(noCache.charge == Rational(2130))
    }

    @Test func minimumCharge() throws {
        // 2024-01 rounds half_even. 1 gpt-3.5 token: 0.000002 × 7.1 × 10,000 / 3.05 = 0.142/3.05
        // = 0.0465… → rounds to 0, amount > 0 → minimum charge 1.
        let tiny = try charge(
            ChargeUsage(promptTokens: 1), model: "gpt-3.5-turbo", at: "2024-02-01T00:00:00Z", in: points)
        #expect(tiny.amount == (try q("0.142/3.05")))
        #expect(tiny.charge == Rational(1))
        #expect(tiny.minimumChargeApplied)
        // Zero tokens: amount 0 → charge 0, no minimum.
        let none = try charge(ChargeUsage(), model: "gpt-3.5-turbo", at: "2024-02-01T00:00:00Z", in: points)
        #expect(none.charge == .zero && !none.minimumChargeApplied)
        // Under 2023-06 (ceil) the same token already rounds to 1: no minimum needed.
        let ceiled = try charge(ChargeUsage(promptTokens: 1), model: "gpt-3.5-turbo", in: points)
        #expect(ceiled.charge == Rational(1) && !ceiled.minimumChargeApplied)
    }

    @Test func failedRequestsCostNothingUnlessCharged() throws {
        let usage = ChargeUsage(promptTokens: 1000)
        let result = Pricing.expectedCharge(
            usage: usage, model: "gpt-4", group: "default", status: 500,
            at: try time("2023-07-01T00:00:00Z"), catalog: points)
        guard case .notBillable(let breakdown) = result else { Issue.record("\(result)"); return }
        #expect(breakdown?.amount == Rational(2130))  // what it would have cost
        #expect(result.expectedAmount == .zero)
        // Not billable even when unpriced: expected 0 whatever the price (SPEC §6).
        let unknown = Pricing.expectedCharge(
            usage: usage, model: "nope", group: "default", status: 429,
            at: try time("2023-07-01T00:00:00Z"), catalog: points)
        #expect(unknown.expectedAmount == .zero)
        // A version that charges failed requests prices them.
        let charging = try catalog(
            pointsCatalogJSON.replacingOccurrences(
                of: "\"charge_failed_requests\": false",
                with: "\"charge_failed_requests\": true"))
        let charged = try charge(usage, model: "gpt-4", status: 500, in: charging)
        #expect(charged.charge == Rational(2130))
        // Status 399 is billable.
        #expect(try charge(usage, model: "gpt-4", status: 399, in: points).charge == Rational(2130))
    }

    @Test func imagesBySizeAndQuality() throws {
        // hd 1024x1024, n = 2: 2 × $0.08 = $0.16 × 7.1 × 10,000 = 11,360.
        let hd = try charge(
            ChargeUsage(imageCount: 2, imageSize: "1024x1024", imageQuality: "hd"), model: "dall-e-3", in: points)
        #expect(hd.charge == Rational(11_360))
        // standard quality uses the plain size key; count defaults to 1: $0.04 × 71,000 = 2840.
        let standard = try charge(
            ChargeUsage(imageSize: "1024x1024", imageQuality: "standard"), model: "dall-e-3", in: points)
        #expect(standard.charge == Rational(2840))
        for usage in [ChargeUsage(imageCount: 1), ChargeUsage(imageCount: 1, imageSize: "512x512")] {
            let result = Pricing.expectedCharge(
                usage: usage, model: "dall-e-3", group: "default", status: 200,
                at: try time("2023-07-01T00:00:00Z"), catalog: points)
            guard case .unpriced = result else { Issue.record("\(result)"); continue }
        }
        // midjourney: flat ¥0.2 per image, CNY needs no rate: 0.2 × 10,000 = 2000 per image.
        let mj = try charge(
            ChargeUsage(promptTokens: 50, imageCount: 3, imageSize: "1024x1024"), model: "midjourney", in: points)
        #expect(mj.charge == Rational(6000))
        #expect(mj.exchangeRate == .one)
    }

    @Test func audioAndCharacters() throws {
        // whisper: 90 s = 1.5 min × $0.006 = $0.009 × 71,000 = 639.
        let whisper = try charge(ChargeUsage(audioSeconds: Rational(90)), model: "whisper-1", in: points)
        #expect(whisper.charge == Rational(639))
        // 61 s = 61/60 min × 0.006 × 71,000 = 61 × 7.1 = 433.1 → ceil 434 (no whole-minute rounding).
        let odd = try charge(ChargeUsage(audioSeconds: Rational(61)), model: "whisper-1", in: points)
        #expect(odd.amount == (try q("433.1")) && odd.charge == Rational(434))
        // tts: 1234 chars × $15/1M = $0.01851 × 71,000 = 1314.21 → ceil 1315.
        let tts = try charge(ChargeUsage(characters: 1234), model: "tts-1", in: points)
        #expect(tts.charge == Rational(1315))
    }
}
