/// The reconciliation pipeline: the stages of a run, in order, each with why it comes where
/// it does. Every stage is one domain file; the engine (`Engine/`) runs them.
///
/// 1. Set aside the ledger (`DebitLedgerStream`, `RunState+Scan`) — before the logs, because
///    a request id's debits must sort before its lines (`JoinKey` tag 0) so the first request
///    claims them; a JSONL ledger is parsed a batch at a time on the workers and numbered here
///    in ledger order.
/// 2. Read lines (`LineReader`) — before decoding, because line numbers are physical.
/// 3. Decode the record (`RecordDecoder`), 4. recount (`TokenRecount`), 5. price
///    (`Pricing.expectedCharge`) — together in `evaluate` (`LineEvaluation`): pure per line, so
///    they run on the workers a batch at a time (`BatchScanner`); the window and the shard are
///    checked before the recount, which is the expensive part. Each result is set aside under
///    its request id without its prompt (`JoinEntry`).
/// 6. Join (`GroupJoiner`: step, finish, owner), in request id order (`GroupedJoin`) — after
///    everything is set aside, because a request's debits may stand anywhere in the ledger and
///    a repeated id anywhere in the logs; within one id, lines keep input order, because a
///    repeat rejects the *later* line.
/// 7. Classify (`Classifier`) — inside the join, once a request has its debits.
/// 8. Settle credits (`CreditSettlement`) — after classifying, because `--issued` and
///    `--min-credit` decide the status of credits the class produced.
/// 9. Totals (`RunTotals`) — after settling, because only issued credits count as credited;
///    rows, credits and rejects go to the `OutcomeSink` (sorted into report order on disk by
///    `reconcile`, kept in memory by tests, `statement` and `explain`).
///
/// Memory: the sorts' budget (`sortMemoryBytes`), two batches of lines (or of ledger lines, or
/// of join chunks) in flight, an 8 MiB filter of request ids, the counters' per-thread caches
/// (about 3 MiB per thread and encoding), and the per-account and per-day totals — none of it
/// grows with the number of lines.
public struct ReconcilePipeline: Sendable {
    public let options: ReconcileOptions
    /// Called after each batch with (bytes read so far, records so far) for progress display.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(options: ReconcileOptions) { self.options = options }

    static let batchLines = 2048
    /// A batch also ends at this many bytes, so days of long prompts stay in bounded memory.
    static let batchBytes = 16 << 20
    /// Ledger lines are short: a batch of them costs about what a batch of log lines does.
    static let ledgerBatchLines = 8192

    static var temporaryDirectory: String { EngineSettings.temporaryDirectory }

    /// A run with rows, credits and rejects collected in memory, in report order.
    public func run() throws(ReconcileError) -> ReconcileResult {
        let sink = CollectingSink()
        var result = try run(into: sink)
        sink.attach(to: &result)
        return result
    }

    /// A run whose rows, credits and rejects go to `sink`; the result carries the totals.
    public func run(into sink: any OutcomeSink) throws(ReconcileError) -> ReconcileResult {
        let joiner = ExternalSorter(directory: options.engine.spillPath, budget: options.sortMemoryBytes / 2)
        var state = RunState(options: options, sink: sink)
        if let debitsPath = options.debitsPath {
            try scanLedger(at: debitsPath, state: &state, joiner: joiner)
        }
        try scanLogs(state: &state, joiner: joiner)
        let joined: SortedRecords
        do { joined = try joiner.finish() } catch { throw .spill(error) }
        try state.join(joined)
        return state.finish()
    }

    /// Stage 1: every ledger item set aside (debits) or reported (rejects), in ledger order.
    func scanLedger(at path: String, state: inout RunState, joiner: ExternalSorter) throws(ReconcileError) {
        let ledger: DebitLedgerStream
        do { ledger = try DebitLedgerStream(path: path) } catch { throw .input(error) }
        state.startLedger(path: path)
        if options.jobs > 1 && ledger.readsLinesIndependently {
            try scanLedgerInBatches(ledger, path: path, state: &state, joiner: joiner)
        } else {
            while true {
                let item: DebitLedgerStream.Item?
                do { item = try ledger.next() } catch { throw .input(error) }
                guard let item else { break }
                try state.scan(item, joiner: joiner)
            }
        }
        state.result.inputs[state.result.inputs.count - 1].bytes = ledger.bytesRead
        state.result.inputs[state.result.inputs.count - 1].lines = ledger.lineNumber
    }

    /// The JSONL ledger with more than one job: batches of lines are parsed on the workers
    /// (JSON decoding is most of the ledger's cost) while this thread sets aside the previous
    /// batch's debits in ledger order — the same items, in the same order, as `next()` gives.
    func scanLedgerInBatches(_ ledger: DebitLedgerStream, path: String, state: inout RunState,
                             joiner: ExternalSorter) throws(ReconcileError) {
        var scanner = BatchScanner<RunState.PreparedLedgerItem>(
            itemsMax: Self.ledgerBatchLines, bytesMax: Self.batchBytes, overlaps: true)
        func scan(_ pending: PendingBatch<RunState.PreparedLedgerItem>) throws(ReconcileError) {
            for item in pending.takeAll() { try state.scan(item, ledger: ledger, joiner: joiner) }
        }
        func next() throws(ReconcileError) -> LineReader.Line? {
            do { return try ledger.nextLine() } catch { throw .input(error) }
        }
        try scanner.scan(next: next, bytes: \.bytes.count, start: { lines in
            Workers(jobs: options.jobs).start(count: lines.count) { index in
                RunState.PreparedLedgerItem(DebitLedgerStream.parseJSONL(lines[index], path: path))
            }
        }, scan: scan)
        try scanner.finish(scan: scan)
    }

    /// Stages 2–5 over every log, in the order given; each line's result set aside in input
    /// order (`RunState.scan`).
    func scanLogs(state: inout RunState, joiner: ExternalSorter) throws(ReconcileError) {
        var linesBefore = 0
        var recordsRead = 0
        var scanner = BatchScanner<Evaluated>(itemsMax: Self.batchLines, bytesMax: Self.batchBytes, overlaps: options.jobs > 1)
        func scan(_ pending: PendingBatch<Evaluated>) throws(ReconcileError) {
            // Items are moved out from the back of a reversed batch: iterating would copy each
            // one (a retain and a release per string and array in it).
            var items = pending.takeAll()
            items.reverse()
            for sequence in pending.sequences {
                guard let item = items.popLast() else { break }
                try state.scan(item, sequence: sequence, joiner: joiner)
            }
            recordsRead += pending.sequences.count
            progress?(pending.bytesRead, recordsRead)
        }
        for path in options.logs {
            let reader: LineReader
            do { reader = LineReader(try openSource(path)) } catch { throw .input(error) }
            state.result.inputs.append(InputFileInfo(path: path, kind: "log"))
            func next() throws(ReconcileError) -> LineReader.Line? {
                do { return try reader.next() } catch { throw .input(error) }
            }
            try scanner.scan(next: next, bytes: \.bytes.count, start: { batch in
                start(batch, file: path, linesBefore: linesBefore, bytesRead: reader.bytesRead)
            }, scan: scan)
            state.result.inputs[state.result.inputs.count - 1].bytes = reader.bytesRead
            state.result.inputs[state.result.inputs.count - 1].lines = reader.lineNumber
            linesBefore += reader.lineNumber
        }
        try scanner.finish(scan: scan)
    }

    /// Starts evaluating a batch of log lines: inline with one job, in the background with more.
    func start(_ batch: [LineReader.Line], file: String, linesBefore: Int, bytesRead: Int) -> PendingBatch<Evaluated> {
        Workers(jobs: options.jobs).start(count: batch.count, sequences: batch.map { linesBefore + $0.number },
                                          bytesRead: bytesRead) { index in
            RunState.joinEntry(self.evaluate(batch[index], file: file), sequence: linesBefore + batch[index].number)
        }
    }
}
