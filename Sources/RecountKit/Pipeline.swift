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
///    `--bodies` captures come after the logs (`BodyJoin`): decoded and recounted on the
///    workers the same way, set aside under their request id after the id's lines.
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
/// (about 8 MiB per thread and encoding: pieces and whole texts), and the per-account and
/// per-day totals — none of it grows with the number of lines.
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
        let linesBefore = try scanLogs(state: &state, joiner: joiner)
        if !options.bodies.isEmpty {
            try scanBodies(state: &state, joiner: joiner, linesBefore: linesBefore)
        }
        let joined: SortedRecords
        do { joined = try joiner.finish() } catch { throw .spill(error) }
        try state.join(joined)
        return state.finish()
    }
}
