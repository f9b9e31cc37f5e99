import TokenCounter

/// `--bodies PATH…` (SPEC §2.10): captured bodies joined to the gateway rows by request id, so
/// the row's tokens are recounted instead of taken on trust.
///
/// The join is the run's external sort, not a table of bodies: each capture line is decoded and
/// recounted on the workers like a log line (`evaluateBody`), and what the join needs of it —
/// its model, its `TokenCounts`, where it was — is set aside under its request id with tag 2
/// (`JoinKey`), so it sorts after every debit (tag 0) and line (tag 1) of the id, and the join
/// meets it while the id's request row is still held (`GroupCursor.pending`). Memory stays one
/// request whatever the number of bodies; no prompt text reaches the sort.
///
/// When the id's request row is in the run, the row is priced from the body's counts
/// (`joinedCharge`: the basis chosen again with the row's tokens as the billed ones, the charge
/// computed in the join step, where the row's `other` is at hand) and counts as recounted. The
/// rest (`GroupJoiner.step`, `.body`):
/// - a second body for an id: rejected (the first in input order is joined);
/// - a body whose model is not the row's `model_name`: rejected, the row re-priced from its
///   own tokens — a capture filed under the wrong id must not move a charge;
/// - a body for a line that carries its own request or response (a `recount.log/1` line):
///   rejected, the line's own body is recounted;
/// - a body whose id has no request row in the run at all: rejected ("no gateway row"), so
///   nothing is silently dropped; one whose row starts outside `[from, until)` is counted
///   (`counts.bodies.outside_window`), since that row belongs to another day's run;
/// - a body of another shard's request: that shard's (not counted here).
/// Rejected bodies keep no raw line (`raw` empty): a capture is prompt text, and reports hold
/// none; the reject names the file and line.
struct BodyEntry: Sendable {
    var model: String
    var counts: TokenCounts
    var source: SourceLocation
    var sequence: Int
}

extension ReconcilePipeline {
    /// One capture line's result, on a worker.
    enum EvaluatedBody: Sendable {
        case blank
        case rejected(Reject)
        /// Its join entry: key and payload in one array (as `Evaluated.prepared`).
        case prepared(entry: [UInt8], keyLength: Int)
    }

    /// Decodes and recounts one capture line (`BodyCapture`, `TokenRecount`): pure, on a worker.
    func evaluateBody(_ line: LineReader.Line, file: String, sequence: Int) -> EvaluatedBody {
        let record: LogRecord
        switch bodyRecord(line, file: file) {
        case .blank: return .blank
        case .rejected(let reject): return .rejected(reject)
        case .record(let decoded): record = decoded
        }
        let counts = TokenRecount.counts(for: record, policy: options.basis)
        var payload = JoinKey.entry(requestID: record.id, tag: 2, sequence: sequence, capacity: 192)
        let keyLength = payload.bytes.count
        payload.bytes.append(JoinEntryKind.body.rawValue)
        payload.uint(UInt64(sequence))
        payload.string(record.model)
        payload.value(counts)
        payload.value(record.source)
        return .prepared(entry: payload.bytes, keyLength: keyLength)
    }

    /// A capture line decoded.
    enum CaptureLine {
        case blank
        case record(LogRecord)
        case rejected(Reject)
    }

    /// A capture line decoded, or its reject: `evaluateBody`'s and `explain`'s.
    func bodyRecord(_ line: LineReader.Line, file: String) -> CaptureLine {
        let source = SourceLocation(file: file, line: line.number)
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        func reject(_ field: String?, _ reason: String) -> CaptureLine {
            .rejected(Reject(kind: .body, source: source, field: field, reason: reason, raw: []))
        }
        if line.truncated { return reject(nil, "line longer than \(LineReader.lineBytesMax) bytes") }
        let value: JSONValue
        do {
            value = try line.bytes.withUnsafeBufferPointer { buffer throws(JSONParser.Error) in
                try JSONParser.parse(buffer)
            }
        } catch { return reject(nil, error.description) }
        guard case .object(let object) = value else {
            return reject(nil, "expected a JSON object, found \(value.typeName)")
        }
        do { return .record(try BodyCapture.decode(object, at: source)) } catch {
            return reject(error.field, error.reason)
        }
    }

    /// Every `--bodies` file after the logs, in the order given, a batch at a time on the
    /// workers; numbered after the logs' lines (`linesBefore`), so a body's rejects follow them.
    func scanBodies(state: inout RunState, joiner: ExternalSorter, linesBefore: Int) throws(ReconcileError) {
        var before = linesBefore
        var scanner = BatchScanner<EvaluatedBody>(
            itemsMax: Self.batchLines, bytesMax: Self.batchBytes, overlaps: options.jobs > 1)
        func scan(_ pending: PendingBatch<EvaluatedBody>) throws(ReconcileError) {
            var items = pending.takeAll()
            items.reverse()
            for sequence in pending.sequences {
                guard let item = items.popLast() else { break }
                try state.scanBody(item, sequence: sequence, joiner: joiner)
            }
        }
        for path in options.bodies {
            let reader: LineReader
            do { reader = LineReader(try openSource(path)) } catch { throw .input(error) }
            state.result.inputs.append(InputFileInfo(path: path, kind: "bodies"))
            func next() throws(ReconcileError) -> LineReader.Line? {
                do { return try reader.next() } catch { throw .input(error) }
            }
            let base = before
            try scanner.scan(
                next: next, bytes: \.bytes.count,
                start: { batch in
                    Workers(jobs: options.jobs).start(
                        count: batch.count, sequences: batch.map { base + $0.number }, bytesRead: reader.bytesRead
                    ) { index in
                        self.evaluateBody(batch[index], file: path, sequence: base + batch[index].number)
                    }
                }, scan: scan)
            state.result.inputs[state.result.inputs.count - 1].bytes = reader.bytesRead
            state.result.inputs[state.result.inputs.count - 1].lines = reader.lineNumber
            before += reader.lineNumber
        }
        try scanner.finish(scan: scan)
    }
}

extension RunState {
    /// A capture line set aside (or reported) in input order.
    mutating func scanBody(
        _ item: ReconcilePipeline.EvaluatedBody, sequence: Int, joiner: ExternalSorter
    ) throws(ReconcileError) {
        switch item {
        case .blank:
            break
        case .rejected(let reject):
            guard reportsUnattributed else { return }
            result.counters.bodiesRejected += 1
            try addReject(reject, order: RejectOrder(logLine: sequence))
        case .prepared(let entry, let keyLength):
            do { try joiner.add(entry: entry, keyLength: keyLength, trailer: []) } catch { throw .spill(error) }
        }
    }
}

extension GroupJoiner {
    /// A body met in the join (after every line of its id): joined to the id's request row, or
    /// reported (`BodyJoin`'s rules above).
    func step(_ group: inout GroupCursor, body: BodyEntry, into effects: inout some JoinEffects) throws(ReconcileError)
    {
        guard let pending = group.pending else {
            switch group.owned {
            case false?:
                return  // another shard's request: its body is that shard's
            case true? where group.skipped:
                effects.count(\.bodiesOutsideWindow, 1)
            case nil where group.outsideBeforeOwner > 0:
                // Only lines outside the window: the owner is the first one's shard.
                if options.shard?.owns(account: group.firstOutsideAccount ?? "") ?? true {
                    effects.count(\.bodiesOutsideWindow, 1)
                }
            default:
                // No request row: none at all (reported by the shard that reports unattributed
                // lines), or only refunds / task deltas / debits of the id (by their owner).
                if group.owned == nil, let shard = options.shard, shard.index != 0 { return }
                try rejectBody(
                    body,
                    group.owned == true
                        ? "the id has no request row in the run (only refund or task rows)"
                        : "no gateway row with this request id in the logs (or its row was rejected)",
                    into: &effects)
            }
            return
        }
        if group.body != nil {
            try rejectBody(
                body, "a second body for this request id (the first in input order is joined)", into: &effects)
        } else if pending.counts.recountPrompt != nil || pending.counts.recountCompletion != nil {
            try rejectBody(
                body, "the request's own log line carries its body, which is recounted instead", into: &effects)
        } else if body.model != pending.record.model {
            try rejectBody(
                body,
                "the body's model '\(body.model.prefix(80))' is not the row's '\(pending.record.model.prefix(80))': not joined, the row is re-priced from its own tokens",
                into: &effects)
        } else {
            group.body = body
        }
    }

    func rejectBody(_ body: BodyEntry, _ reason: String, into effects: inout some JoinEffects) throws(ReconcileError) {
        effects.count(\.bodiesRejected, 1)
        try effects.reject(
            Reject(kind: .body, source: body.source, field: "request_id", reason: reason, raw: []),
            order: RejectOrder(logLine: body.sequence))
    }

    /// The request row priced from its body's recount: the body's counts (its recount and any
    /// usage it captured) with the row's tokens as the billed ones, the basis chosen again under
    /// the run's policy, and the charge computed with the row's `other` (cached reads, writes,
    /// surcharges) — `evaluate`'s stages 4–5 with the body's tokens.
    func joinedCharge(
        _ pending: GroupCursor.PendingRequest, body: BodyEntry
    ) -> (counts: TokenCounts, charge: JoinCharge) {
        var counts = body.counts
        counts.billedPrompt = pending.counts.billedPrompt
        counts.billedCompletion = pending.counts.billedCompletion
        let cached = counts.promptSource == .upstream ? counts.cachedPrompt : 0
        (counts.prompt, counts.promptSource) = TokenRecount.choose(
            options.basis, upstream: counts.upstreamPrompt, recount: counts.recountPrompt, billed: counts.billedPrompt)
        (counts.completion, counts.completionSource) = TokenRecount.choose(
            options.basis, upstream: counts.upstreamCompletion, recount: counts.recountCompletion,
            billed: counts.billedCompletion)
        counts.cachedPrompt = counts.promptSource == .upstream ? min(cached, counts.prompt) : 0
        let record = pending.record
        let charge = Pricing.expectedCharge(
            usage: chargeUsage(for: record, counts: counts), model: record.model, group: record.group,
            status: record.status, at: record.time, catalog: options.catalog)
        return (counts, JoinCharge(charge))
    }
}
