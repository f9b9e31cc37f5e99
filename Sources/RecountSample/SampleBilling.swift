import RecountKit

/// What the platform recorded for a generated request — the log's `billed` fields and the
/// ledger's debits — correct, or wrong in the way its scenario says.
///
/// Every amount comes from `Pricing.expectedCharge` over the draft's counts, so an untouched
/// request reconciles `ok` and an injected one differs by exactly the injected mistake. An
/// injection that would not change the debit on this particular request (a 3-token inflation
/// that rounds away, an integer amount that no rounding mode moves) returns nil, and the
/// generator draws another request for the slot.
struct SampleBilling {
    var billedPrompt: Int?
    var billedCompletion: Int?
    /// `billed.amount` in the log line (nil: not written).
    var amount: Rational?
    /// `billed.pricing_version` and the debits' `pricing_version`.
    var version: String?
    /// The ledger's debits for the request, earliest first.
    var debits: [Rational]
    /// The class `reconcile` must give the request (SPEC §3), and the cause it must find.
    var outcome: SampleOutcome

    /// - Parameter mustOvercharge: a showcase slot (`SampleScenario.showcase`): a
    ///   `price_version` or `rounding` injection must come out as an overcharge, so every
    ///   overcharge cause is present even in a small sample.
    static func bill(
        _ draft: SampleDraft, scenario: SampleScenario, catalog: PriceCatalog, mustOvercharge: Bool = false,
        _ rng: inout SampleRandom
    ) -> SampleBilling? {
        let counts = draft.counts
        let tokens =
            draft.record.endpoint == .chatCompletions || draft.record.endpoint == .completions
            || draft.record.endpoint == .embeddings
        var billing = SampleBilling(
            billedPrompt: tokens ? counts.prompt : nil, billedCompletion: tokens ? counts.completion : nil,
            amount: draft.expected, version: catalog.version(at: draft.time)?.id,
            debits: draft.expected.map { [$0] } ?? [], outcome: SampleOutcome(.ok))

        guard let expected = draft.expected else {
            return unpriced(billing, counts: counts, scenario: scenario, &rng)
        }
        if case .notBillable = draft.charge {
            return failed(billing, draft: draft, scenario: scenario, catalog: catalog)
        }
        guard let breakdown = draft.breakdown else { return nil }

        switch scenario {
        case .ok, .malformedLine, .repeatedLine, .malformedDebit:
            return billing
        case .failedDebited:
            return nil
        case .missingDebit:
            guard !expected.isZero else { return nil }
            billing.debits = []
            billing.outcome = SampleOutcome(.missing_charge, .no_debit)
            return billing
        case .duplicateDebit:
            billing.debits = [expected, expected]
            billing.outcome = SampleOutcome(.duplicate_charge, .duplicate_debit)
            return billing
        case .lostLogLine:
            billing.outcome = SampleOutcome(.orphan_debit, .no_request)
            return billing
        case .inflatedPrompt, .inflatedCompletion, .shortCompletion:
            return miscounted(billing, scenario: scenario, draft: draft, expected: expected, catalog: catalog, &rng)
        case .priceVersion, .rounding:
            return mispriced(
                billing, scenario: scenario, draft: draft, breakdown: breakdown, expected: expected, catalog: catalog,
                mustOvercharge: mustOvercharge)
        case .rateOver:
            return billing.debited(
                rateOver(draft, breakdown: breakdown, catalog: catalog, &rng), expected: expected, cause: .rate)
        case .rateUnder:
            guard let charged = rateUnder(breakdown: breakdown, &rng), charged < expected else { return nil }
            return billing.debited(charged, expected: expected, cause: .rate)
        }
    }

    /// A model the catalog does not price: the relay charged by a price list of its own; most
    /// such requests are debited.
    static func unpriced(
        _ billing: SampleBilling, counts: TokenCounts, scenario: SampleScenario, _ rng: inout SampleRandom
    ) -> SampleBilling? {
        var billing = billing
        let own = Rational(max(1, (counts.prompt + 3 * counts.completion) / 20))
        billing.amount = own
        billing.version = nil
        billing.debits = rng.chance(800) ? [own] : []
        billing.outcome = SampleOutcome(.unpriced_model)
        return scenario == .ok || scenario == .malformedLine ? billing : nil
    }

    /// A request that is not billable (it failed): no debit, or one as if it had succeeded.
    static func failed(
        _ billing: SampleBilling, draft: SampleDraft, scenario: SampleScenario, catalog: PriceCatalog
    ) -> SampleBilling? {
        var billing = billing
        guard scenario == .failedDebited else {
            billing.amount = nil
            billing.debits = []
            return scenario == .ok || scenario == .malformedLine ? billing : nil
        }
        // Debited as if it had succeeded: the prompt was sent, so the platform charged it.
        guard let charged = price(draft, catalog: catalog, status: 200), !charged.isZero else { return nil }
        billing.amount = charged
        billing.debits = [charged]
        billing.outcome = SampleOutcome(.failed_request_charged, .failed_request)
        return billing
    }

    /// A token count billed wrongly: an inflated prompt or completion, or a completion cut short.
    static func miscounted(
        _ billing: SampleBilling, scenario: SampleScenario, draft: SampleDraft, expected: Rational,
        catalog: PriceCatalog, _ rng: inout SampleRandom
    ) -> SampleBilling? {
        var billing = billing
        let counts = draft.counts
        switch scenario {
        case .inflatedPrompt:
            // Only where the count used is not the billed one (else the inflation is the basis).
            guard counts.promptSource == .upstream || counts.promptSource == .recount,
                let (count, charged) = moved(
                    from: counts.prompt, by: max(1, counts.prompt / 8) + rng.int(0...40), beyond: expected,
                    price: { price(draft, catalog: catalog, prompt: $0) })
            else { return nil }
            billing.billedPrompt = count
            return billing.debited(charged, expected: expected, cause: .prompt_tokens)
        case .inflatedCompletion:
            guard counts.completion > 0, counts.completionSource == .upstream || counts.completionSource == .recount,
                let (count, charged) = moved(
                    from: counts.completion, by: max(1, counts.completion / 6) + rng.int(0...30), beyond: expected,
                    price: { price(draft, catalog: catalog, completion: $0) })
            else { return nil }
            billing.billedCompletion = count
            return billing.debited(charged, expected: expected, cause: .completion_tokens)
        case .shortCompletion:
            // The client went away mid-stream and the platform billed only what it had relayed.
            guard counts.completion >= 4, counts.completionSource == .upstream || counts.completionSource == .recount
            else { return nil }
            let count = counts.completion - max(1, counts.completion * rng.int(20...60) / 100)
            guard let charged = price(draft, catalog: catalog, completion: count), charged < expected else {
                return nil
            }
            billing.billedCompletion = count
            return billing.debited(charged, expected: expected, cause: .completion_tokens)
        default:
            return nil
        }
    }

    /// The right counts priced wrongly: by the other price version, or rounded the other way.
    static func mispriced(
        _ billing: SampleBilling, scenario: SampleScenario, draft: SampleDraft, breakdown: ChargeBreakdown,
        expected: Rational, catalog: PriceCatalog, mustOvercharge: Bool
    ) -> SampleBilling? {
        var billing = billing
        switch scenario {
        case .priceVersion:
            // A gateway still pricing from the version it had cached.
            guard let inForce = catalog.version(at: draft.time),
                let other = catalog.versions.first(where: { $0.id != inForce.id }),
                let charged = price(draft, catalog: catalog, at: other.effectiveFrom), charged != expected,
                !mustOvercharge || charged > expected
            else { return nil }
            billing.version = other.id
            return billing.debited(charged, expected: expected, cause: .price_version)
        case .rounding:
            // The exact amount rounded up where the version rounds half_even (an overcharge),
            // or down where it rounds up (an undercharge): the platform's own rounding.
            let mode: RoundingMode = breakdown.rounding == .ceil ? .floor : .ceil
            guard let charged = try? breakdown.amount.rounded(scale: breakdown.scale, mode: mode), charged != expected,
                !mustOvercharge || charged > expected
            else { return nil }
            return billing.debited(charged, expected: expected, cause: .rounding)
        default:
            return nil
        }
    }

    /// This billing with `charged` as its one debit, classed by the sign of the difference.
    func debited(_ charged: Rational, expected: Rational, cause: SampleOutcome.Cause) -> SampleBilling? {
        guard charged != expected, !charged.isNegative else { return nil }
        var billing = self
        billing.amount = charged
        billing.debits = [charged]
        billing.outcome = SampleOutcome(charged > expected ? .overcharge : .undercharge, cause)
        return billing
    }

    /// A token count raised by `step` (doubling, a few times) until the charge it gives
    /// differs from `expected`: a small inflation on a cheap model can round away.
    static func moved(
        from count: Int, by step: Int, beyond expected: Rational,
        price: (Int) -> Rational?
    ) -> (Int, Rational)? {
        var step = step
        for _ in 0..<12 {
            if let charged = price(count + step), charged > expected { return (count + step, charged) }
            step *= 2
        }
        return nil
    }

    /// An overcharge no token count, version or rounding mode explains: the group multiplier
    /// ignored, cached tokens at the full price, or a markup; always above every rounding of
    /// the exact amount, so `reconcile` must call it `rate`.
    static func rateOver(
        _ draft: SampleDraft, breakdown: ChargeBreakdown, catalog: PriceCatalog,
        _ rng: inout SampleRandom
    ) -> Rational {
        let ceiling = (try? breakdown.amount.rounded(scale: breakdown.scale, mode: .ceil)) ?? breakdown.charge
        var candidate: Rational?
        if draft.record.group != "default", rng.chance(600) {
            candidate = price(draft, catalog: catalog, group: "default")
        } else if draft.counts.cachedPrompt > 0, rng.chance(700) {
            candidate = price(draft, catalog: catalog, cached: 0)
        } else if let marked = try? breakdown.amount.multiplied(
            by: Rational(numerator: Int128(100 + rng.int(10...30)), denominator: 100))
        {
            candidate = try? marked.rounded(scale: breakdown.scale, mode: .ceil)
        }
        if let candidate, candidate > ceiling { return candidate }
        return (try? ceiling.adding(Rational(1 + rng.below(max(1, Int(ceiling.numerator / 5) + 1))))) ?? ceiling
    }

    /// An undercharge no rounding explains (a discount applied twice): below every rounding
    /// of the exact amount; nil when the amount is too small to go below.
    static func rateUnder(breakdown: ChargeBreakdown, _ rng: inout SampleRandom) -> Rational? {
        guard let floor = try? breakdown.amount.rounded(scale: breakdown.scale, mode: .floor),
            let discounted = try? breakdown.amount.multiplied(
                by: Rational(numerator: Int128(rng.int(60...90)), denominator: 100)),
            var charged = try? discounted.rounded(scale: breakdown.scale, mode: .floor)
        else { return nil }
        if charged >= floor { charged = (try? floor.subtracting(.one)) ?? floor }
        return charged.isNegative ? nil : charged
    }

    /// The draft's charge with some inputs changed, through the same formula.
    static func price(
        _ draft: SampleDraft, catalog: PriceCatalog, prompt: Int? = nil, completion: Int? = nil,
        cached: Int? = nil, group: String? = nil, status: Int? = nil, at time: Timestamp? = nil
    ) -> Rational? {
        var counts = draft.counts
        if let prompt { counts.prompt = prompt }
        if let completion { counts.completion = completion }
        if let cached { counts.cachedPrompt = cached }
        counts.cachedPrompt = min(counts.cachedPrompt, counts.prompt)
        let usage = chargeUsage(for: draft.record, counts: counts)
        let result = Pricing.expectedCharge(
            usage: usage, model: draft.record.model, group: group ?? draft.record.group,
            status: status ?? draft.record.status, at: time ?? draft.time, catalog: catalog)
        if case .priced(let breakdown) = result { return breakdown.charge }
        return nil
    }
}

/// The class (SPEC §3) and cause a generated request must get from `reconcile`.
struct SampleOutcome: Sendable, Equatable {
    enum Class: String, CaseIterable, Sendable {
        case ok, overcharge, undercharge, failed_request_charged, duplicate_charge, missing_charge, orphan_debit,
            unpriced_model
    }

    enum Cause: String, CaseIterable, Sendable {
        case prompt_tokens, completion_tokens, price_version, rounding, rate
        case failed_request, duplicate_debit, no_debit, no_request
    }

    var outcomeClass: Class
    var cause: Cause?

    init(_ outcomeClass: Class, _ cause: Cause? = nil) {
        self.outcomeClass = outcomeClass
        self.cause = cause
    }
}
