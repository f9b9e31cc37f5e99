import TokenCounter

/// The sequential part of a run: request-id uniqueness, debit matching, classification and
/// totals. Fed in input order, so its result never depends on `--jobs`.
struct RunState {
    let options: ReconcileOptions
    let classifier: Classifier
    var result = ReconcileResult()
    /// Debits by request id, each list in ledger order. Emptied as requests claim them.
    var debitsByRequest: [String: [Debit]] = [:]
    var usesLedger = false
    var seenRequestIDs: Set<String> = []
    var skippedRequestIDs: Set<String> = []
    var aggregates: Aggregates

    init(options: ReconcileOptions) {
        self.options = options
        classifier = Classifier(catalog: options.catalog, tolerance: options.tolerance, unitName: options.catalog.unit.name)
        aggregates = Aggregates(dayOffsetSeconds: options.dayOffsetSeconds)
        result.unit = options.catalog.unit
    }

    mutating func loadLedger(_ ledger: DebitLedgerReader.Result) {
        usesLedger = true
        result.inputs.append(InputFileInfo(path: options.debitsPath ?? "", kind: "debits"))
        result.counters.debitBlankLines = ledger.blankLines
        for reject in ledger.rejects { result.rejects.append(reject) }
        result.counters.debitsRejected = ledger.rejects.count
        for debit in ledger.debits {
            if let shard = options.shard, !shard.owns(account: debit.account) { continue }
            result.counters.debits += 1
            debitsByRequest[debit.requestID, default: []].append(debit)
        }
    }

    mutating func accept(_ item: ReconcilePipeline.Evaluated) throws(ReconcileError) {
        switch item {
        case .blank:
            result.counters.blankLines += 1
        case .rejected(let reject):
            try addReject(reject)
        case .skipped(let requestID, let otherShard):
            if otherShard { result.counters.otherShard += 1 } else { result.counters.outsideWindow += 1 }
            skippedRequestIDs.insert(requestID)
            debitsByRequest[requestID] = nil
        case .record(let record, let counts, let charge, let raw):
            guard seenRequestIDs.insert(record.id).inserted else {
                try addReject(Reject(kind: .log, source: record.source, field: "id",
                                     reason: "duplicate request id '\(record.id)' (seen earlier in the logs)", raw: raw))
                return
            }
            let debits: [Debit]
            if usesLedger {
                debits = debitsByRequest.removeValue(forKey: record.id) ?? []
                if let billed = record.billed.amount, let first = debits.first, billed != first.amount {
                    result.counters.billedAmountMismatches += 1
                }
            } else if let amount = record.billed.amount {
                debits = [Debit(debitID: record.id + "#billed", requestID: record.id, account: record.account, time: record.time,
                                amount: amount, pricingVersion: record.billed.pricingVersion, source: record.source, sequence: 0)]
            } else {
                debits = []
            }
            let outcome: RequestOutcome
            do { outcome = try classifier.classify(record, counts: counts, charge: charge, debits: debits) } catch {
                throw .arithmetic(error, at: record.source.description)
            }
            noteWarnings(record, counts: counts, charge: charge)
            try add(outcome)
        }
    }

    mutating func addReject(_ reject: Reject) throws(ReconcileError) {
        result.rejects.append(reject)
        result.counters.logRejected += reject.kind == .log ? 1 : 0
        if let limit = options.maxRejects, result.rejects.count > limit {
            throw .tooManyRejects(limit: limit, at: reject.source)
        }
    }

    mutating func noteWarnings(_ record: LogRecord, counts: TokenCounts, charge: ChargeResult) {
        if counts.encodingIsFallback { result.warnings.fallbackEncodingModels[record.model, default: 0] += 1 }
        if let version = options.catalog.version(at: record.time), !version.groupMultiplier(record.group).isListed {
            result.warnings.unlistedGroups[record.group, default: 0] += 1
        }
        if !counts.notes.isEmpty { result.warnings.recountIncomplete += 1 }
        if let recount = counts.recountPrompt, let upstream = counts.upstreamPrompt {
            result.drift.add(model: record.model, side: .prompt, recount: recount, upstream: upstream)
        }
        if let recount = counts.recountCompletion, let upstream = counts.upstreamCompletion {
            result.drift.add(model: record.model, side: .completion, recount: recount, upstream: upstream)
        }
    }

    mutating func add(_ outcome: RequestOutcome) throws(ReconcileError) {
        var outcome = outcome
        for index in outcome.credits.indices {
            let credit = outcome.credits[index]
            if options.issuedCreditIDs.contains(credit.creditID) {
                outcome.credits[index].status = .already_issued
            } else if let minimum = options.minimumCredit, credit.amount < minimum {
                outcome.credits[index].status = .withheld
            }
        }
        do { try aggregates.add(outcome) } catch { throw .arithmetic(error, at: outcome.source?.description ?? outcome.requestID) }
        if outcome.outcomeClass == .orphan_debit { result.counters.orphanDebits += outcome.debits.count } else { result.counters.requests += 1 }
        result.credits += outcome.credits
        if options.allRows || outcome.outcomeClass != .ok { result.rows.append(outcome) }
    }

    /// Debits left unclaimed after every log is read: one `orphan_debit` row per request id.
    mutating func finishOrphans() throws(ReconcileError) {
        let orphans = debitsByRequest.values.filter { !$0.isEmpty }.sorted { $0[0].sequence < $1[0].sequence }
        for debits in orphans {
            let first = debits[0]
            let recorded: Rational
            do { recorded = try Classifier.sum(debits.map(\.amount)) } catch { throw .arithmetic(error, at: first.source.description) }
            let outcome = RequestOutcome(
                requestID: first.requestID, time: first.time, account: first.account, key: nil, model: nil, group: nil,
                endpoint: nil, status: nil, counts: nil, pricingVersion: first.time.flatMap { options.catalog.version(at: $0)?.id },
                debitPricingVersion: first.pricingVersion, expected: nil, breakdown: nil, unpricedReason: nil,
                debits: debits, recorded: recorded, delta: nil, outcomeClass: .orphan_debit, causes: [.no_request],
                causeDetail: seenRequestIDs.contains(first.requestID) || skippedRequestIDs.contains(first.requestID)
                    ? "debit's request was not reconciled" : "no request '\(first.requestID)' in the logs (or its line was rejected)",
                credits: [], source: first.source)
            try add(outcome)
        }
        debitsByRequest = [:]
    }

    mutating func finish() -> ReconcileResult {
        result.rows.sort(by: RequestOutcome.precedes)
        result.credits.sort(by: ReconcileResult.creditPrecedes)
        result.classTotals = aggregates.classTotals
        result.accounts = aggregates.accounts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { aggregates.accounts[$0]! }
        result.daily = aggregates.daily.keys.sorted().map { aggregates.daily[$0]! }
        result.totals = aggregates.totals
        return result
    }
}
