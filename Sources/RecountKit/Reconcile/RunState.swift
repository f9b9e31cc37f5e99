import TokenCounter

/// The sequential part of a run: sets aside each line's result under its request id, then
/// joins requests with their debits, classifies, and totals. Fed in input order and joined in
/// id order, so its result never depends on `--jobs`.
///
/// With `--shard K/N`, a request id's whole group — its lines, its debits, a repeated line —
/// belongs to the shard of the account of its first line that starts inside the window (or,
/// with no such line, of its first debit's account). So every request meets all its debits in
/// exactly one shard, and the shards' outputs merge to what one run would have written. Lines
/// that yield no request at all (rejects, blank lines, ledger rejects) belong to shard 0.
struct RunState {
    let options: ReconcileOptions
    let classifier: Classifier
    let sink: any OutcomeSink
    var result = ReconcileResult()
    /// The join's sums (`RunTotals`); chunks worked out on the workers merge into them.
    var totals: RunTotals
    var usesLedger = false
    /// Ids seen so far, approximately: a line whose id may have been seen keeps its raw bytes
    /// in the join, in case it turns out to be a repeat and has to be rejected.
    var seenIDs = RequestIDFilter()
    /// Rejects and blank lines are reported by one shard only.
    let reportsUnattributed: Bool
    var ledgerItems = 0

    init(options: ReconcileOptions, sink: any OutcomeSink) {
        self.options = options
        self.sink = sink
        classifier = Classifier(
            catalog: options.catalog, tolerance: options.tolerance, unitName: options.catalog.unit.name)
        totals = RunTotals(dayOffsetSeconds: options.dayOffsetSeconds)
        result.unit = options.catalog.unit
        reportsUnattributed = (options.shard?.index ?? 0) == 0
    }

    /// The join's rules for one id, with what it needs to know of the run.
    var joiner: GroupJoiner {
        GroupJoiner(
            options: options, classifier: classifier, usesLedger: usesLedger, renderer: sink.renderer,
            knownFiles: options.logs + [options.debitsPath].compactMap { $0 } + options.bodies,
            spillPath: options.spillDirectory ?? ReconcilePipeline.temporaryDirectory)
    }

    // MARK: Totals

    mutating func addReject(_ reject: Reject, order: RejectOrder) throws(ReconcileError) {
        result.rejectCount += 1
        result.counters.logRejected += reject.kind == .log ? 1 : 0
        try sink.reject(reject, order: order)
        if let limit = options.maxRejects, result.rejectCount > limit {
            throw .tooManyRejects(limit: limit, at: reject.source)
        }
    }

    /// A request (or orphan) joined one at a time: its credits settled, its totals, its row and
    /// credits to the sink.
    mutating func add(_ outcome: RequestOutcome) throws(ReconcileError) {
        let settled = joiner.settled(outcome)
        try totals.add(settled)
        try deliver(settled)
    }

    /// A settled request's row and credits to the sink (its totals are counted elsewhere).
    mutating func deliver(_ outcome: RequestOutcome) throws(ReconcileError) {
        for credit in outcome.credits { try sink.credit(credit) }
        if joiner.writesRow(outcome) { try sink.row(outcome) }
    }

    /// The run's result: what was counted while scanning, and the join's totals.
    func finish() -> ReconcileResult {
        var result = self.result
        let aggregates = totals.aggregates
        result.classTotals = aggregates.classTotals
        result.accounts = aggregates.accounts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map {
            aggregates.accounts[$0]!
        }
        result.daily = aggregates.daily.keys.sorted().map { aggregates.daily[$0]! }
        result.totals = aggregates.totals
        result.creditTallies = totals.creditTallies
        result.warnings = totals.warnings
        result.drift = totals.drift
        result.counters.add(totals.counters)
        result.discrepancyRowCount = totals.discrepancyRowCount
        return result
    }
}

/// The one-id-at-a-time join applies every effect at once.
extension RunState: JoinEffects {
    mutating func count(_ counter: WritableKeyPath<RunCounters, Int>, _ amount: Int) {
        result.counters[keyPath: counter] += amount
    }

    mutating func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError) {
        try addReject(reject, order: order)
    }

    mutating func request(_ outcome: RequestOutcome, note: RequestNote, joiner: GroupJoiner) throws(ReconcileError) {
        totals.note(note)
        try add(outcome)
    }

    mutating func orphan(_ outcome: RequestOutcome, joiner: GroupJoiner) throws(ReconcileError) {
        try add(outcome)
    }
}
