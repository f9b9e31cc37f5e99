import RecountKit

/// What is done to one record slot of a generated day: left alone, billed wrongly in one of
/// the ways relays get billing wrong, or written as a broken line.
///
/// Rates are per 100,000 records and add up to a few percent of discrepancies, the order of
/// magnitude reconciliation finds on a real relay. Every class of SPEC §3 and every cause an
/// overcharge can have is injected on purpose; `unpriced_model` also happens naturally (models
/// the catalog lacks) and failed requests without a debit are `ok`.
enum SampleScenario: String, CaseIterable, Sendable {
    /// Billed as the catalog says.
    case ok
    /// `billed.prompt_tokens` inflated; debited for the inflated count.
    case inflatedPrompt
    /// `billed.completion_tokens` inflated.
    case inflatedCompletion
    /// `billed.completion_tokens` short (the platform stopped counting a stream early).
    case shortCompletion
    /// Debited under the other price version (a gateway's price cache not refreshed at noon).
    case priceVersion
    /// The exact amount rounded another way than the version says.
    case rounding
    /// Debited more than the price gives (group multiplier ignored, cached tokens at the full
    /// price, a markup).
    case rateOver
    /// Debited less than the price gives (a discount applied twice).
    case rateUnder
    /// No debit reached the ledger.
    case missingDebit
    /// The gateway retried its debit write: two debits.
    case duplicateDebit
    /// A request that failed (status ≥ 400) was debited anyway.
    case failedDebited
    /// The log line was lost; its debit is an orphan.
    case lostLogLine
    /// The log line is broken (truncated, wrong types, bad time, negative amount, bad UTF-8).
    case malformedLine
    /// The same log line written twice: the second is a repeated request id.
    case repeatedLine
    /// A broken ledger line beside the request's good debit.
    case malformedDebit

    /// Per 100,000 records; `afternoon` only where the injection needs the noon boundary.
    func rate(afternoon: Bool) -> Int {
        switch self {
        case .ok: 0  // the rest
        case .inflatedPrompt: 500
        case .inflatedCompletion: 450
        case .shortCompletion: 200
        case .priceVersion: afternoon ? 700 : 0
        case .rounding: 450
        case .rateOver: 450
        case .rateUnder: 250
        case .missingDebit: 350
        case .duplicateDebit: 350
        case .failedDebited: 250
        case .lostLogLine: 150
        case .malformedLine: 5
        case .repeatedLine: 3
        case .malformedDebit: 2
        }
    }

    /// The scenario of a slot drawn from the rates.
    static func draw(_ rng: inout SampleRandom, afternoon: Bool) -> SampleScenario {
        var draw = rng.below(100_000)
        for scenario in allCases where scenario != .ok {
            let rate = scenario.rate(afternoon: afternoon)
            if draw < rate { return scenario }
            draw -= rate
        }
        return .ok
    }

    /// Slots forced to a scenario so that even a small sample (a few hundred records) shows
    /// every class and cause, each at a fixed fraction of the day (per 10,000 of the records).
    /// Afternoon fractions where the injection needs the new version.
    static let showcase: [(SampleScenario, Int)] = [
        (.inflatedPrompt, 1_100), (.inflatedCompletion, 2_300), (.rounding, 6_400), (.priceVersion, 5_150),
        (.rateOver, 3_300), (.rateUnder, 4_400), (.shortCompletion, 7_100), (.missingDebit, 7_700),
        (.duplicateDebit, 8_200), (.failedDebited, 8_800), (.lostLogLine, 9_300), (.malformedLine, 1_700),
        (.malformedLine, 5_900), (.malformedLine, 9_600), (.repeatedLine, 3_900), (.malformedDebit, 6_900),
        (.priceVersion, 7_400), (.rounding, 8_500),
    ]

    /// Record index → forced scenario for a sample of `records` records.
    static func showcaseSlots(records: Int) -> [Int: SampleScenario] {
        var slots: [Int: SampleScenario] = [:]
        guard records >= showcase.count * 2 else { return slots }
        for (scenario, fraction) in showcase {
            var index = records * fraction / 10_000
            while slots[index] != nil { index += 1 }
            slots[index] = scenario
        }
        return slots
    }
}
