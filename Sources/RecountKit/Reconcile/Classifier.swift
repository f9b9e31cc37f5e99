/// Stage 5: gives a priced request its class, cause and credits (SPEC §3 and §6).
///
/// Precedence, first match wins: `failed_request_charged`, `duplicate_charge`,
/// `unpriced_model`, then the comparison (`missing_charge`, `overcharge`, `undercharge`, `ok`).
struct Classifier {
    let catalog: PriceCatalog
    let tolerance: Rational
    let unitName: String

    /// `adjustments`: the request's refund and task-delta rows as signed debits (SPEC §2.6): the
    /// request is judged on what its account paid net of them, so a refunded overcharge is
    /// credited once, for what the refund left over (`GatewayNetting.creditDue`).
    func classify(
        _ record: LogRecord, counts: TokenCounts, charge: JoinCharge, debits: [Debit],
        adjustments: [Debit] = []
    ) throws(MoneyError) -> RequestOutcome {
        var outcome = try unclassified(record, counts: counts, charge: charge, debits: debits + adjustments)
        // A stream billed on the gateway's local estimate is flagged because nothing checked the
        // estimate; where a captured body's recount decides the completion (`--bodies`, SPEC
        // §2.10), the comparison itself checks it, and the recount decides.
        let findings = gatewayFindings(record).filter {
            $0.cause != .streamIncomplete || counts.completionSource != .recount
        }
        if !adjustments.isEmpty, debits.count <= 1 {
            try netted(&outcome, record, counts: counts, charge: charge, debit: debits.first, adjustments: adjustments)
        } else if case .notBillable = charge {
            failedRequest(&outcome, record, debits: debits)
        } else if debits.count > 1 {
            try duplicateCharge(&outcome, record, counts: counts, debits: debits)
        } else if let expected = outcome.expected {
            try compare(&outcome, record, counts: counts, expected: expected, debit: debits.first)
        } else {
            outcome.outcomeClass = .unpriced_model
            outcome.causes = [.no_price]
            outcome.causeDetail = outcome.unpricedReason ?? "no price"
        }
        attach(findings, to: &outcome)
        return outcome
    }

    /// What the gateway row says about itself (SPEC §2.6 "Row-alone checks"): its quota against
    /// its own ratios, its ratios against the version in force, how its stream ended. Only for
    /// a request row with `other`; nothing for `recount.log/1` lines or one-api rows.
    func gatewayFindings(_ record: LogRecord) -> [GatewayFinding] {
        guard let gateway = record.gateway, gateway.role == .request else { return [] }
        var findings: [GatewayFinding] = []
        let prompt = record.billed.promptTokens ?? 0, completion = record.billed.completionTokens ?? 0
        if let other = gateway.other {
            if let quota = gateway.quota, !record.failed,
                let finding = GatewayConsistency.arithmetic(
                    recordedQuota: quota, promptTokens: prompt,
                    completionTokens: completion, other: other
                ).finding
            {
                findings.append(finding)
            }
            // The ratios are compared only on a row that says how it was priced (`model_price`:
            // −1 ratio mode, ≥ 0 per call), as every text row of `GenerateTextOtherInfo` does; an
            // `other` without it (older gateways, partial rows: `{"model_ratio":0,"frt":400}`)
            // does not say which ratios its quota rested on, and neither check can use it.
            if other.modelPrice != nil, let version = catalog.version(at: record.time) {
                findings += GatewayConsistency.rates(
                    other: other, model: record.model, group: record.group, version: version)
            }
        }
        if let finding = StreamOutcome.classify(
            isStream: record.stream, quota: gateway.quota ?? 0,
            completionTokens: completion, other: gateway.other
        ).finding {
            findings.append(finding)
        }
        return findings
    }

    /// The row's own findings join its causes. They replace the generic `rate` ("price,
    /// exchange rate or multiplier differs") that `explain` falls back on, which they say more
    /// precisely; on a row that is otherwise `ok` they are its causes, so the row is written to
    /// `discrepancies.csv` (a charge resting on an estimate is support's business even when
    /// the catalog agrees with it). Not-billable and unpriced rows keep their one cause.
    func attach(_ findings: [GatewayFinding], to outcome: inout RequestOutcome) {
        guard !findings.isEmpty, outcome.outcomeClass != .failed_request_charged,
            outcome.outcomeClass != .unpriced_model
        else { return }
        if let last = outcome.causes.last, last == .rate, outcome.causeDetail.hasSuffix(Self.genericRate) {
            // The fallback is always the last "; "-separated part of the detail.
            outcome.causes.removeLast()
            let cut =
                outcome.causeDetail.range(of: "; ", options: .backwards)?.lowerBound ?? outcome.causeDetail.startIndex
            outcome.causeDetail = String(outcome.causeDetail[..<cut])
        }
        var details = outcome.causeDetail.isEmpty ? [] : [outcome.causeDetail]
        for finding in findings {
            let cause: Cause =
                switch finding.cause {
                case .gatewayArithmetic: .gateway_arithmetic
                case .rate: .rate
                case .streamIncomplete: .stream_incomplete
                }
            if !outcome.causes.contains(cause) { outcome.causes.append(cause) }
            details.append("\(cause.rawValue): \(finding.detail)")
        }
        outcome.causeDetail = details.joined(separator: "; ")
    }

    /// The end of `explain`'s fallback detail, by which `attach` knows it.
    static let genericRate = "price, exchange rate or multiplier differs"

    /// The request's row before its class: what it is, what was debited, what was expected.
    func unclassified(
        _ record: LogRecord, counts: TokenCounts, charge: JoinCharge, debits: [Debit]
    ) throws(MoneyError) -> RequestOutcome {
        var outcome = RequestOutcome(
            requestID: record.id, time: record.time, account: record.account, key: record.key,
            model: record.model, group: record.group, endpoint: record.endpoint, status: record.status,
            counts: counts, pricingVersion: catalog.versionID(at: record.time),
            debitPricingVersion: debits.first?.pricingVersion ?? record.billed.pricingVersion,
            expected: nil, breakdown: nil, unpricedReason: nil, debits: debits,
            recorded: try Self.sum(debits.map(\.amount)), delta: nil,
            outcomeClass: .ok, causes: [], causeDetail: "", credits: [], source: record.source)

        switch charge {
        case .priced(let charge, let breakdown):
            outcome.breakdown = breakdown
            outcome.expected = charge
        case .notBillable(let breakdown):
            outcome.breakdown = breakdown
            outcome.expected = .zero
        case .unpriced(let reason):
            outcome.unpricedReason = reason
        }
        if let expected = outcome.expected { outcome.delta = try outcome.recorded.subtracting(expected) }
        return outcome
    }

    /// A request with refund or task-delta rows: its net (debit + deltas − refunds, the
    /// `recorded` of its row) against the expected charge, as one debit would be. A failed
    /// request refunded in full is `ok`; with a net left it is `failed_request_charged` for
    /// that net. An overcharge is credited `net − expected`: the gateway's refund already gave
    /// back the rest, so nothing is credited twice.
    func netted(
        _ outcome: inout RequestOutcome, _ record: LogRecord, counts: TokenCounts, charge: JoinCharge,
        debit: Debit?, adjustments: [Debit]
    ) throws(MoneyError) {
        let net = outcome.recorded
        let refunded = try Self.sum(adjustments.filter { $0.amount.isNegative }.map(\.amount)).negated
        let deltas = try Self.sum(adjustments.filter { !$0.amount.isNegative }.map(\.amount))
        let note =
            "net \(format(net)) \(unitName) after \(adjustments.count) gateway row(s)"
            + (refunded.isZero ? "" : ", refunded \(format(refunded))")
            + (deltas.isZero ? "" : ", deltas +\(format(deltas))")
        let reference = debit ?? adjustments[0]
        let net1 = Debit(
            debitID: reference.debitID, requestID: reference.requestID, account: reference.account,
            time: reference.time, amount: net, pricingVersion: reference.pricingVersion,
            source: reference.source, sequence: reference.sequence)
        switch charge {
        case .notBillable:
            guard net > .zero else { return }
            outcome.outcomeClass = .failed_request_charged
            outcome.causes = [.failed_request]
            outcome.causeDetail = "status \(record.status): a failed request is not billable; \(note)"
            outcome.credits.append(
                credit(
                    .failed_request_charged, debit: net1, amount: net, record: record,
                    reason: "failed request (status \(record.status)) was debited, \(note)"))
        case .priced, .unpriced:
            guard let expected = outcome.expected else {
                outcome.outcomeClass = .unpriced_model
                outcome.causes = [.no_price]
                outcome.causeDetail = outcome.unpricedReason ?? "no price"
                return
            }
            try compare(&outcome, record, counts: counts, expected: expected, debit: net1, netNote: note)
        }
    }

    /// `failed_request_charged`: a failed request with debits; each non-zero one is credited.
    func failedRequest(_ outcome: inout RequestOutcome, _ record: LogRecord, debits: [Debit]) {
        guard !debits.isEmpty else { return }
        outcome.outcomeClass = .failed_request_charged
        outcome.causes = [.failed_request]
        outcome.causeDetail =
            "status \(record.status): a failed request is not billable, but \(debits.count) debit(s) were made"
        for debit in debits where !debit.amount.isZero {
            outcome.credits.append(
                credit(
                    .failed_request_charged, debit: debit, amount: debit.amount, record: record,
                    reason: "failed request (status \(record.status)) was debited"))
        }
    }

    /// `duplicate_charge`: every debit after the earliest is credited whole.
    func duplicateCharge(
        _ outcome: inout RequestOutcome, _ record: LogRecord, counts: TokenCounts,
        debits: [Debit]
    ) throws(MoneyError) {
        outcome.outcomeClass = .duplicate_charge
        outcome.causes = [.duplicate_debit]
        outcome.causeDetail = "\(debits.count) debits for one request: \(debits.map(\.debitID).joined(separator: ", "))"
        for extra in debits.dropFirst() where !extra.amount.isZero {
            outcome.credits.append(
                credit(
                    .duplicate_charge, debit: extra, amount: extra.amount, record: record,
                    reason: "extra debit \(extra.debitID) for request \(record.id)"))
        }
        // The earliest debit is compared like any debit; an overcharge on it is its own credit.
        guard let expected = outcome.expected else { return }
        let firstDelta = try debits[0].amount.subtracting(expected)
        guard firstDelta > tolerance else { return }
        let found = try explain(
            record, counts: counts, recorded: debits[0].amount, expected: expected, debit: debits[0])
        outcome.causes += found.causes
        outcome.causeDetail += "; first debit: " + found.detail
        outcome.credits.append(
            credit(
                .overcharge, debit: debits[0], amount: firstDelta, record: record,
                reason: "overcharged by \(format(firstDelta)) \(unitName): \(found.detail)"))
    }

    /// One debit (or none) against the expected charge: `missing_charge` (no debit, whatever
    /// the tolerance), `overcharge`, `undercharge`, or `ok` within the tolerance.
    func compare(
        _ outcome: inout RequestOutcome, _ record: LogRecord, counts: TokenCounts, expected: Rational,
        debit: Debit?, netNote: String? = nil
    ) throws(MoneyError) {
        // SPEC §6: the tolerance absorbs rounding between a debit and its recomputation; a
        // request that was never debited has no debit to round, so whatever its expected amount
        // it is a billing-pipeline failure finance must see.
        guard let debit else {
            outcome.outcomeClass = .missing_charge
            outcome.causes = [.no_debit]
            outcome.causeDetail = "billable request with no debit (expected \(format(expected)) \(unitName))"
            return
        }
        let delta = try debit.amount.subtracting(expected)
        if delta > tolerance {
            outcome.outcomeClass = .overcharge
        } else if delta.negated > tolerance {
            outcome.outcomeClass = .undercharge
        } else {
            return
        }
        var found = try explain(record, counts: counts, recorded: debit.amount, expected: expected, debit: debit)
        if let netNote { found.detail = netNote + "; " + found.detail }
        outcome.causes = found.causes
        outcome.causeDetail = found.detail
        if outcome.outcomeClass == .overcharge {
            outcome.credits.append(
                credit(
                    .overcharge, debit: debit, amount: delta, record: record,
                    reason: "overcharged by \(format(delta)) \(unitName): \(found.detail)"))
        }
    }

    func credit(
        _ creditClass: DiscrepancyClass, debit: Debit, amount: Rational, record: LogRecord, reason: String
    ) -> Credit {
        // A log line's own debit (a `billed.amount`, or a gateway row's `quota`) has no ledger
        // id: the credit id then depends on the request alone.
        let debitKey = creditClass == .overcharge && debit.source == record.source ? nil : debit.debitID
        return Credit(
            creditID: Credit.id(requestID: record.id, creditClass: creditClass, debitID: debitKey),
            account: debit.account, requestID: record.id, requestTime: record.time,
            creditClass: creditClass, amount: amount,
            pricingVersion: catalog.versionID(at: record.time), debitID: debit.debitID,
            reason: reason, status: .issued)
    }

    /// Attributes an over- or undercharge. Tokens: the billed counts differ from the counts used.
    /// Version: the debit names another version than the one in force. When neither explains
    /// the difference (recomputing with the billed counts under the billed version still does not
    /// reproduce the debit), the exact amount rounded another way is tried (`rounding`), else
    /// the price itself differs (`rate`).
    func explain(
        _ record: LogRecord, counts: TokenCounts, recorded: Rational, expected: Rational, debit: Debit
    ) throws(MoneyError) -> (causes: [Cause], detail: String) {
        var causes: [Cause] = []
        var details: [String] = []
        var usage = chargeUsage(for: record, counts: counts)
        if let billed = counts.billedPrompt, billed != counts.prompt {
            causes.append(.prompt_tokens)
            details.append("billed \(billed) prompt tokens, counted \(counts.prompt) (\(counts.promptSource.rawValue))")
            usage.promptTokens = billed
            usage.cachedPromptTokens = min(usage.cachedPromptTokens, billed)
        }
        if let billed = counts.billedCompletion, billed != counts.completion {
            causes.append(.completion_tokens)
            details.append(
                "billed \(billed) completion tokens, counted \(counts.completion) (\(counts.completionSource.rawValue))"
            )
            usage.completionTokens = billed
        }
        let inForce = catalog.version(at: record.time)
        var time = record.time
        if let named = debit.pricingVersion ?? record.billed.pricingVersion, named != inForce?.id {
            causes.append(.price_version)
            details.append("debited under version \(named), in force: \(inForce?.id ?? "none")")
            if let version = catalog.version(id: named) { time = version.effectiveFrom }
        }
        let replay = Pricing.expectedCharge(
            usage: usage, model: record.model, group: record.group,
            status: record.status, at: time, catalog: catalog)
        if case .priced(let breakdown) = replay, breakdown.charge == recorded, !causes.isEmpty {
            details.append("recomputing with those reproduces the debit")
            return (causes, details.joined(separator: "; "))
        }
        if case .priced(let breakdown) = replay {
            for mode in RoundingMode.allCases where mode != breakdown.rounding {
                if try breakdown.amount.rounded(scale: breakdown.scale, mode: mode) == recorded {
                    causes.append(.rounding)
                    details.append(
                        "exact amount \(breakdown.amount.decimalString(maxScale: 6)) rounded \(mode.rawValue) gives the debit; version rounds \(breakdown.rounding.rawValue) to \(format(breakdown.charge))"
                    )
                    return (causes, details.joined(separator: "; "))
                }
            }
        }
        causes.append(.rate)
        details.append("debit \(format(recorded)) vs expected \(format(expected)) \(unitName): \(Self.genericRate)")
        return (causes, details.joined(separator: "; "))
    }

    func format(_ amount: Rational) -> String { Amounts.format(amount, scale: catalog.unit.scale) }

    static func sum(_ amounts: [Rational]) throws(MoneyError) -> Rational {
        var total = Rational.zero
        for amount in amounts { total = try total.adding(amount) }
        return total
    }
}

/// Amount formatting for every output: plain decimals, never exponent form.
public enum Amounts {
    /// At least `scale` decimals; more only when the exact value needs them (a recorded amount
    /// with more precision than the unit), up to 12.
    public static func format(_ amount: Rational, scale: Int) -> String {
        if let exact = amount.decimalString(scale: scale) { return exact }
        return amount.decimalString(maxScale: 12)
    }
}
