/// Everything the join adds up: totals per class, account and day; credit tallies; warnings;
/// token drift; request counters.
///
/// Sums only (exact `Rational`s and counts), so a chunk of ids can be added up on a worker and
/// merged into the run's totals afterwards (`merge`): the same numbers as adding one request at
/// a time. Chunk boundaries do not depend on `--jobs`, so neither does the order of the sums.
struct RunTotals {
    var aggregates: Aggregates
    var creditTallies: [Credit.Status: CreditTally] = [:]
    var warnings = RunWarnings()
    var drift = TokenDrift()
    var counters = RunCounters()
    var discrepancyRowCount = 0

    init(dayOffsetSeconds: Int32) { aggregates = Aggregates(dayOffsetSeconds: dayOffsetSeconds) }

    /// A settled request (or orphan): class, account and day totals, credit tallies, counters.
    mutating func add(_ outcome: RequestOutcome) throws(ReconcileError) {
        // Where, only when something overflows: describing the source is a string per request.
        func at() -> String { outcome.source?.description ?? outcome.requestID }
        do { try aggregates.add(outcome) } catch { throw .arithmetic(error, at: at()) }
        if outcome.outcomeClass == .orphan_debit {
            counters.orphanDebits += outcome.debits.count
        } else {
            counters.requests += 1
        }
        for credit in outcome.credits {
            do { try creditTallies[credit.status, default: CreditTally()].add(credit.amount) } catch {
                throw .arithmetic(error, at: at())
            }
        }
        // The rows `discrepancies.csv` holds without `--all-rows`: not `ok`, or `ok` with a
        // gateway finding (`Classifier.attach`).
        if outcome.outcomeClass != .ok || !outcome.causes.isEmpty { discrepancyRowCount += 1 }
    }

    /// The warnings and token drift a recounted line raises.
    mutating func note(_ note: RequestNote) {
        if note.fallbackEncoding { warnings.fallbackEncodingModels[note.model, default: 0] += 1 }
        if let group = note.unlistedGroup { warnings.unlistedGroups[group, default: 0] += 1 }
        if note.recountIncomplete { warnings.recountIncomplete += 1 }
        if note.recounted { counters.recountedRequests += 1 } else { counters.repricedRequests += 1 }
        if let stream = note.stream {
            warnings.streamOutcomes[stream.outcome.rawValue, default: 0] += 1
            if let reason = stream.endReason {
                warnings.streamEndReasons[reason.isEmpty ? "(none)" : reason, default: 0] += 1
            }
        }
        if let recount = note.recountPrompt, let upstream = note.upstreamPrompt {
            drift.add(model: note.model, side: .prompt, recount: recount, upstream: upstream)
        }
        if let recount = note.recountCompletion, let upstream = note.upstreamCompletion {
            drift.add(model: note.model, side: .completion, recount: recount, upstream: upstream)
        }
    }

    /// Adds totals made elsewhere (a chunk's, on a worker).
    mutating func merge(_ other: RunTotals) throws(MoneyError) {
        try aggregates.merge(other.aggregates)
        for (status, tally) in other.creditTallies { try creditTallies[status, default: CreditTally()].add(tally) }
        warnings.add(other.warnings)
        drift.add(other.drift)
        counters.add(other.counters)
        discrepancyRowCount += other.discrepancyRowCount
    }
}

/// What `RunTotals.note` reads of a recounted line, taken on the worker that joins it — so
/// the record and its counts (a score of strings and arrays) need not travel with the outcome.
struct RequestNote: Sendable {
    let model: String
    /// The group, when the version in force does not list it (multiplier 1 was used).
    let unlistedGroup: String?
    let fallbackEncoding: Bool
    let recountIncomplete: Bool
    let recountPrompt: Int?
    let upstreamPrompt: Int?
    let recountCompletion: Int?
    let upstreamCompletion: Int?
    /// A prompt or completion count of the charge is a recount of the body.
    let recounted: Bool
    /// A streamed gateway row's outcome (`StreamOutcome`) and `end_reason`, from the row alone.
    let stream: (outcome: StreamOutcome, endReason: String?)?

    init(_ record: LogRecord, counts: TokenCounts, catalog: PriceCatalog) {
        recounted = counts.promptSource == .recount || counts.completionSource == .recount
        if let gateway = record.gateway, record.stream {
            let found = StreamOutcome.classify(
                isStream: true, quota: gateway.quota ?? 0,
                completionTokens: record.billed.completionTokens ?? 0, other: gateway.other)
            stream = (found.outcome, found.endReason)
        } else {
            stream = nil
        }
        model = record.model
        unlistedGroup = catalog.listsGroup(record.group, at: record.time) == false ? record.group : nil
        fallbackEncoding = counts.encodingIsFallback
        recountIncomplete = !counts.notes.isEmpty
        recountPrompt = counts.recountPrompt
        upstreamPrompt = counts.upstreamPrompt
        recountCompletion = counts.recountCompletion
        upstreamCompletion = counts.upstreamCompletion
    }
}

extension Aggregates {
    mutating func merge(_ other: Aggregates) throws(MoneyError) {
        for (index, totals) in other.byClass.enumerated() {
            guard let totals else { continue }
            var merged = byClass[index] ?? ClassTotals()
            try merged.add(totals)
            byClass[index] = merged
        }
        try totals.add(other.totals)
        for (name, account) in other.accounts { try accounts[name, default: AccountTotals(account: name)].add(account) }
        for (key, day) in other.daily { try daily[key, default: DailyTotals(day: key.day, model: key.model)].add(day) }
    }
}

extension TokenDrift.Tally {
    mutating func add(_ other: Self) {
        requests += other.requests
        differing += other.differing
        recountTokens += other.recountTokens
        upstreamTokens += other.upstreamTokens
    }
}

extension ClassTotals {
    mutating func add(_ other: Self) throws(MoneyError) {
        count += other.count
        recorded = try recorded.adding(other.recorded)
        expected = try expected.adding(other.expected)
        credits = try credits.adding(other.credits)
    }
}

extension AccountTotals {
    mutating func add(_ other: Self) throws(MoneyError) {
        requests += other.requests
        recorded = try recorded.adding(other.recorded)
        expected = try expected.adding(other.expected)
        over = try over.adding(other.over)
        under = try under.adding(other.under)
        credits = try credits.adding(other.credits)
    }
}

extension DailyTotals {
    mutating func add(_ other: Self) throws(MoneyError) {
        requests += other.requests
        promptTokens += other.promptTokens
        completionTokens += other.completionTokens
        recorded = try recorded.adding(other.recorded)
        expected = try expected.adding(other.expected)
    }
}

extension CreditTally {
    mutating func add(_ other: Self) throws(MoneyError) {
        count += other.count
        amount = try amount.adding(other.amount)
    }
}

extension RunWarnings {
    mutating func add(_ other: Self) {
        unlistedGroups.merge(other.unlistedGroups, uniquingKeysWith: +)
        fallbackEncodingModels.merge(other.fallbackEncodingModels, uniquingKeysWith: +)
        recountIncomplete += other.recountIncomplete
        streamOutcomes.merge(other.streamOutcomes, uniquingKeysWith: +)
        streamEndReasons.merge(other.streamEndReasons, uniquingKeysWith: +)
    }
}

extension TokenDrift {
    mutating func add(_ other: Self) {
        prompt.add(other.prompt)
        completion.add(other.completion)
        for (model, tally) in other.byModel { byModel[model, default: Tally()].add(tally) }
    }
}
