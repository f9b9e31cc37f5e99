import RecountKit

/// Generates one record slot of a sample day: its log lines, its ledger lines, and what
/// `reconcile` must make of them.
///
/// A slot depends only on `(seed, index)` and the shared immutable `SampleDay`, never on
/// other slots, so slots can be generated on any thread in any order and still give the
/// same bytes.
struct SampleSlot {
    /// A line `reconcile` must reject, by its position among the slot's lines.
    struct Broken: Sendable {
        let ledger: Bool
        let position: Int
        let kind: SampleMalformed.Kind
    }

    var logLines: [[UInt8]] = []
    var debitLines: [[UInt8]] = []
    var broken: [Broken] = []
    /// The request's class and cause, nil when no request reaches `reconcile` (a broken line).
    var outcome: SampleOutcome?
    var scenario = SampleScenario.ok

    /// Attempts per slot before the slot falls back to an `ok` request (an injection can fail
    /// on a given request; another draw of the same slot almost always takes it).
    static let attemptsMax = 16

    static func generate(index: Int, day: SampleDay) -> SampleSlot {
        let milliseconds = day.milliseconds(ofSlot: index)
        var scenarioRandom = SampleRandom(seed: day.seed, index: UInt64(index), salt: 1)
        let afternoon = milliseconds >= SampleCatalog.boundaryMilliseconds
        var scenario = day.showcase[index] ?? SampleScenario.draw(&scenarioRandom, afternoon: afternoon)
        let id = "req-\(SampleCatalog.dayTag)-\(String(index).leftPadded(to: 7))-\(scenarioRandom.hex(6))"

        let conversation =
            day.profile == .realistic
            ? SampleConversation.make(slot: index, seed: day.seed, accounts: day.population.accounts.count) : nil
        var attempt = 0
        while true {
            var rng = SampleRandom(seed: day.seed, index: UInt64(index), salt: 2 + UInt64(attempt))
            let draft = SampleDraft.make(
                id: id, milliseconds: milliseconds, scenario: scenario,
                population: day.population, catalog: day.catalog,
                conversation: conversation, &rng)
            if let billing = SampleBilling.bill(
                draft, scenario: scenario, catalog: day.catalog,
                mustOvercharge: day.showcase[index] != nil, &rng)
            {
                return write(draft, billing: billing, scenario: scenario, &rng)
            }
            attempt += 1
            if attempt == attemptsMax { scenario = .ok }
        }
    }

    static func write(
        _ draft: SampleDraft, billing: SampleBilling, scenario: SampleScenario,
        _ rng: inout SampleRandom
    ) -> SampleSlot {
        var slot = SampleSlot()
        slot.scenario = scenario
        slot.outcome = billing.outcome
        let debits = SampleLine.debits(draft, billing: billing, &rng)
        switch scenario {
        case .lostLogLine:
            slot.debitLines = debits
        case .malformedLine:
            let (kind, line) = SampleMalformed.line(draft, billing: billing, &rng)
            slot.logLines = [line]
            slot.broken = [Broken(ledger: false, position: 0, kind: kind)]
            slot.outcome = nil
        case .repeatedLine:
            let line = SampleLine.log(draft, billing: billing)
            slot.logLines = [line, line]
            slot.debitLines = debits
            slot.broken = [Broken(ledger: false, position: 1, kind: .repeatedID)]
        case .malformedDebit:
            slot.logLines = [SampleLine.log(draft, billing: billing)]
            slot.debitLines = debits + [SampleMalformed.debit(requestID: draft.id, account: draft.account.name, &rng)]
            slot.broken = [Broken(ledger: true, position: debits.count, kind: .ledgerBadAmount)]
        default:
            slot.logLines = [SampleLine.log(draft, billing: billing)]
            slot.debitLines = debits
        }
        return slot
    }
}

/// Everything slots share: read-only, built once per run.
struct SampleDay: Sendable {
    let seed: UInt64
    let records: Int
    let catalog: PriceCatalog
    let population: SamplePopulation
    let showcase: [Int: SampleScenario]
    let profile: SampleProfile

    init(seed: UInt64, records: Int, profile: SampleProfile = .classic) {
        self.seed = seed
        self.profile = profile
        self.records = records
        catalog = SampleCatalog.load()
        population = SamplePopulation(seed: seed, records: records)
        showcase = SampleScenario.showcaseSlots(records: records)
    }

    /// Slot `index` starts somewhere in its own equal share of the day, so times increase
    /// with the index; the slot holding 12:00:00.000 starts exactly there (a request at the
    /// boundary takes the new version, SPEC §6).
    func milliseconds(ofSlot index: Int) -> Int64 {
        let day = SampleCatalog.dayMilliseconds
        let start = Int64(index) * day / Int64(records)
        let end = Int64(index + 1) * day / Int64(records)
        let boundary = SampleCatalog.boundaryMilliseconds
        if start <= boundary && boundary < end { return boundary }
        guard end > start else { return start }
        var rng = SampleRandom(seed: seed, index: UInt64(index), salt: 0x71)
        return start + Int64(rng.below(Int(end - start)))
    }
}
