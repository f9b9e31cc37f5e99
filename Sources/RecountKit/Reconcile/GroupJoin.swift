/// The join of one request id: its debits, then its log lines in input order, decided the way a
/// run over the lines in input order would — who owns the id (`--shard`), which line is the
/// request and which are repeats, what class it is, which debits are orphans.
///
/// Written once against `JoinEffects`, so the same rules serve both ways a run joins:
/// `RunState` applies each effect at once (one id at a time, streamed, any number of lines),
/// and `GroupEffects` collects them so that many ids can be worked out on the worker threads
/// and applied afterwards in id order (`RunState.join`). Pure apart from the effects.
struct GroupJoiner: Sendable {
    let options: ReconcileOptions
    let classifier: Classifier
    let usesLedger: Bool
    /// The sink's renderer, when it has one: `effects(of:)` then renders rows and credits on
    /// the worker, and the sequential apply only files them.
    var renderer: OutcomeRenderer?
    /// The run's input paths, which every spilled `SourceLocation` names (`SpillStrings`).
    var knownFiles: [String] = []
    /// Where the sort data is, for the message when it does not decode.
    var spillPath = ""

    /// The sink's rendering of a settled outcome, when the sink renders.
    func render(_ outcome: RequestOutcome) -> RenderedOutcome? {
        renderer?.render(outcome, writesRow: writesRow(outcome))
    }

    /// Whether the request gets a row in `discrepancies.csv`.
    func writesRow(_ outcome: RequestOutcome) -> Bool {
        options.allRows || outcome.outcomeClass != .ok || !outcome.causes.isEmpty
    }

    /// One log line of a request id, in input order, after all the id's debits. Nothing of a
    /// line is kept after its step, so an id repeated on a million lines costs no memory.
    func step(
        _ group: inout GroupCursor, _ entry: RequestGroup.Entry, into effects: inout some JoinEffects
    ) throws(ReconcileError) {
        if case .body(let body) = entry {
            // Sorted after every line of the id (tag 2): the row, if any, is in `pending`.
            try step(&group, body: body, into: &effects)
            return
        }
        if group.owned == nil {
            switch entry {
            case .outsideWindow(let account):
                // Outside the window: takes the debits; counted once the owner is known.
                group.outsideBeforeOwner += 1
                if group.firstOutsideAccount == nil { group.firstOutsideAccount = account }
                return
            case .record(let record, _, _, _, _):
                decideOwner(&group, account: record.account, into: &effects)
            case .otherShard(_, let account, _, _, _):
                decideOwner(&group, account: account, into: &effects)
            case .body:
                break  // handled above
            }
        }
        guard group.owned == true else {
            effects.count(\.otherShard, 1)
            return
        }
        switch entry {
        case .body:
            break  // handled above
        case .outsideWindow:
            effects.count(\.outsideWindow, 1)
            group.skipped = true
            group.debits = []
        case .otherShard(let requestID, _, let source, let raw, let sequence):
            if group.requestSeen {
                try effects.reject(
                    Self.repeated(requestID, source: source, raw: raw), order: RejectOrder(logLine: sequence))
            } else {
                // Cannot happen: the owner is this line's account, which is another shard's.
                effects.count(\.otherShard, 1)
            }
        case .record(let record, let counts, let charge, let raw, let sequence):
            try step(
                &group, record: record, counts: counts, charge: charge, raw: raw, sequence: sequence, into: &effects)
        }
    }

    /// An owned line with its record: a refund or task row set aside for netting, a repeated
    /// id rejected, or the id's request held (`pending`) until the id's last line.
    func step(
        _ group: inout GroupCursor, record: LogRecord, counts: TokenCounts, charge: JoinCharge, raw: [UInt8]?,
        sequence: Int, into effects: inout some JoinEffects
    ) throws(ReconcileError) {
        if let adjustment = record.gateway?.adjustment {
            // A refund or task settlement row: a signed entry of its request's account
            // (SPEC §2.6), netted when the id's lines are all in (`finish`).
            effects.count(\.nettedRows, 1)
            group.adjustments.append(
                Debit(
                    debitID: record.gateway?.rowID ?? "\(record.id)#\(record.source.line)", requestID: record.id,
                    account: record.account, time: record.time, amount: Rational(adjustment),
                    pricingVersion: nil, source: record.source, sequence: sequence))
            return
        }
        guard !group.requestSeen else {
            try effects.reject(
                Self.repeated(record.id, source: record.source, raw: raw), order: RejectOrder(logLine: sequence))
            return
        }
        group.requestSeen = true
        let debits = requestDebits(record, &group, into: &effects)
        group.pending = GroupCursor.PendingRequest(record: record, counts: counts, charge: charge, debits: debits)
    }

    /// The request's debits: the ledger's for its id (taken from the group), or — with no
    /// ledger — its own `billed.amount` standing in as one.
    func requestDebits(
        _ record: LogRecord, _ group: inout GroupCursor, into effects: inout some JoinEffects
    ) -> [Debit] {
        if usesLedger {
            let debits = group.debits
            group.debits = []
            if let billed = record.billed.amount, let first = debits.first, billed != first.amount {
                effects.count(\.billedAmountMismatches, 1)
            }
            return debits
        } else if let amount = record.billed.amount {
            return [
                Debit(
                    // A gateway row is its own debit: the debit id is the row's `logs.id`.
                    debitID: record.gateway?.rowID ?? record.id + "#billed", requestID: record.id,
                    account: record.account,
                    time: record.time,
                    amount: amount, pricingVersion: record.billed.pricingVersion, source: record.source, sequence: 0
                )
            ]
        } else {
            return []
        }
    }

    /// The id's request classified, with the refunds and task deltas that came after it, and
    /// priced from its captured body when one was joined (`joinedCharge`).
    func settle(
        _ pending: GroupCursor.PendingRequest, adjustments: [Debit], body: BodyEntry? = nil,
        into effects: inout some JoinEffects
    ) throws(ReconcileError) {
        let record = pending.record
        var (counts, charge) = (pending.counts, pending.charge)
        if let body {
            (counts, charge) = joinedCharge(pending, body: body)
            effects.count(\.bodiesJoined, 1)
        }
        let outcome: RequestOutcome
        do {
            outcome = try classifier.classify(
                record, counts: counts, charge: charge, debits: pending.debits, adjustments: adjustments)
        } catch {
            throw .arithmetic(error, at: record.source.description)
        }
        try effects.request(outcome, note: RequestNote(record, counts: counts, catalog: options.catalog), joiner: self)
    }

    /// The owner is the shard of `account`; lines outside the window seen so far now count.
    func decideOwner(_ group: inout GroupCursor, account: String, into effects: inout some JoinEffects) {
        let owned = options.shard?.owns(account: account) ?? true
        group.owned = owned
        guard owned else {
            effects.count(\.otherShard, group.outsideBeforeOwner)
            return
        }
        effects.count(\.debits, group.debits.count)
        if group.outsideBeforeOwner > 0 {
            effects.count(\.outsideWindow, group.outsideBeforeOwner)
            group.skipped = true
            group.debits = []
        }
    }

    /// The end of a request id: with no line inside the window, the owner is the first line
    /// outside it, else the first debit; debits nobody took are an orphan.
    func finish(_ group: inout GroupCursor, into effects: inout some JoinEffects) throws(ReconcileError) {
        if let pending = group.pending {
            group.pending = nil
            try settle(pending, adjustments: group.adjustments, body: group.body, into: &effects)
            group.adjustments = []
            group.body = nil
        }
        if group.owned == nil {
            guard let account = group.firstOutsideAccount ?? group.debits.first?.account else { return }
            decideOwner(&group, account: account, into: &effects)
        }
        // Refunds or deltas whose request is not in the run: reported with the id's orphans.
        let left = group.debits + group.adjustments
        guard group.owned == true, !left.isEmpty else { return }
        try effects.orphan(orphan(left, requestSeen: group.requestSeen || group.skipped), joiner: self)
    }

    static func repeated(_ requestID: String, source: SourceLocation, raw: [UInt8]?) -> Reject {
        Reject(
            kind: .log, source: source, field: "id",
            reason: "duplicate request id '\(requestID)' (seen earlier in the logs)", raw: raw ?? [])
    }

    /// Debits no request claimed: one `orphan_debit` row for the request id.
    func orphan(_ debits: [Debit], requestSeen: Bool) throws(ReconcileError) -> RequestOutcome {
        let first = debits[0]
        let recorded: Rational
        do { recorded = try Classifier.sum(debits.map(\.amount)) } catch {
            throw .arithmetic(error, at: first.source.description)
        }
        return RequestOutcome(
            requestID: first.requestID, time: first.time, account: first.account, key: nil, model: nil, group: nil,
            endpoint: nil, status: nil, counts: nil,
            pricingVersion: first.time.flatMap { options.catalog.versionID(at: $0) },
            debitPricingVersion: first.pricingVersion, expected: nil, breakdown: nil, unpricedReason: nil,
            debits: debits, recorded: recorded, delta: nil, outcomeClass: .orphan_debit, causes: [.no_request],
            causeDetail: requestSeen
                ? "debit's request was not reconciled"
                : "no request '\(first.requestID)' in the logs (or its line was rejected)",
            credits: [], source: first.source)
    }
}

/// The grouped join's rules (`GroupedJoin`): a request id worked out whole on a worker, a
/// chunk of them added up there too.
extension GroupJoiner: GroupJoinRules {
    /// A whole group of spilled entries worked out at once, for applying later: what a worker
    /// thread does with one id of the join.
    func work(_ chunk: JoinChunk, group: Int) -> GroupEffects {
        var effects = GroupEffects()
        var cursor = GroupCursor(knownFiles: knownFiles)
        do throws(ReconcileError) {
            for index in chunk.payloadIndices(ofGroup: group) {
                let entry: RequestGroup.Entry?
                do { entry = try cursor.decode(chunk.bytes, chunk.payloadRange(index)) } catch { throw damaged(error) }
                if let entry { try step(&cursor, entry, into: &effects) }
            }
            try finish(&cursor, into: &effects)
        } catch {
            effects.failure = error
        }
        return effects
    }

    func reduce(_ groups: [GroupEffects]) -> ChunkEffects { ChunkEffects(absorbing: groups, joiner: self) }

    func cursor() -> GroupCursor { GroupCursor(knownFiles: knownFiles) }

    func failure(reading error: SpillError) -> ReconcileError { .spill(error) }

    func damaged(_ error: SpillCorrupt) -> ReconcileError {
        .spill(SpillError(path: spillPath, reason: "sort data damaged: \(error.what)"))
    }
}

/// What joining a request id does to the run.
protocol JoinEffects {
    mutating func count(_ counter: WritableKeyPath<RunCounters, Int>, _ amount: Int)
    mutating func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError)
    /// A request classified: its row, credits and totals, and the warnings its line raises.
    /// `joiner` settles its credits and renders it.
    mutating func request(_ outcome: RequestOutcome, note: RequestNote, joiner: GroupJoiner) throws(ReconcileError)
    mutating func orphan(_ outcome: RequestOutcome, joiner: GroupJoiner) throws(ReconcileError)
}
