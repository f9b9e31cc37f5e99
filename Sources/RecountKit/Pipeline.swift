import Dispatch
import Foundation
import TokenCounter

/// Everything a reconciliation run is told (SPEC §5 `reconcile`).
public struct ReconcileOptions: Sendable {
    public var logs: [String]
    public var catalog: PriceCatalog
    public var pricingPath: String
    public var debitsPath: String?
    public var basis: BasisPolicy = .auto
    /// In units; `|delta| ≤ tolerance` is `ok`.
    public var tolerance: Rational = .zero
    /// Credits smaller than this are withheld (reported, not issued).
    public var minimumCredit: Rational?
    /// Credit ids issued by earlier runs (from `--issued` files): never issued again.
    public var issuedCreditIDs: Set<String> = []
    public var issuedPaths: [String] = []
    /// Requests starting in `[from, until)` are reconciled.
    public var from: Timestamp?
    public var until: Timestamp?
    public var allRows = false
    /// Worker threads for decoding and recounting. Output never depends on it.
    public var jobs = 1
    /// Only the accounts of this shard (SPEC §5 `--shard K/N`).
    public var shard: Shard?
    /// The day boundary for `daily.csv`, in seconds east of UTC.
    public var dayOffsetSeconds: Int32 = 0
    /// Stop with a data error once more lines than this are rejected.
    public var maxRejects: Int?
    /// Where sorted runs go when a day does not fit in `sortMemoryBytes` (the output directory
    /// in `reconcile`; the system temporary directory when nil).
    public var spillDirectory: String?
    /// Memory for the sorts that put requests beside their debits and rows in report order;
    /// beyond it they spill to disk. Peak memory does not grow with the size of the logs.
    public var sortMemoryBytes = 96 << 20

    public init(logs: [String], catalog: PriceCatalog, pricingPath: String) {
        self.logs = logs
        self.catalog = catalog
        self.pricingPath = pricingPath
    }
}

/// `--shard K/N`: a stable hash of the account picks one of N shards.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }
    public var description: String { "\(index)/\(count)" }

    /// The first 8 bytes of SHA-256 of the account, big-endian, modulo N: the same on every
    /// machine and every run.
    public func owns(account: String) -> Bool {
        let digest = SHA256.digest(Array(account.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(count)) == index
    }
}

/// Fatal problems that stop a run (as opposed to rejected lines, which are data).
public enum ReconcileError: Error, Sendable, CustomStringConvertible {
    case input(InputError)
    case tooManyRejects(limit: Int, at: SourceLocation)
    case arithmetic(MoneyError, at: String)
    /// Temporary sort data could not be written or read back (full disk, unwritable directory).
    case spill(SpillError)

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .tooManyRejects(let limit, let at):
            "more than \(limit) rejected lines (stopped at \(at)); no reports were written — rerun with a higher --max-rejects (or none) to get them in rejects.jsonl"
        case .arithmetic(let error, let at): "\(at): \(error)"
        case .spill(let error): error.description
        }
    }
}

/// The reconciliation pipeline. Stages, in order:
///
/// 1. `DebitLedgerStream` — each debit is set aside under its request id (a JSONL ledger is
///    parsed and encoded a batch at a time on the workers, numbered and set aside here in
///    ledger order).
/// 2. `LineReader` — physical lines of each log, in the order given; before decoding, because
///    line numbers are physical.
/// 3. `RecordDecoder` → 4. `TokenRecount` → price (`Pricing.expectedCharge`) — pure per line,
///    so they run on `jobs` threads over a batch of lines; each result is set aside under its
///    request id, without its prompt.
/// 5. Join (`RunState.join`, rules in `GroupJoiner`) — everything set aside comes back sorted by
///    request id, so each request meets its debits without an index of the whole ledger in
///    memory; within one id, lines keep input order, because a repeated id rejects the *later*
///    line and the first request claims the debits. `Classifier` gives the class and credits;
///    debits no request claimed are orphans. Chunks of ids are worked out on the workers
///    (classified, rendered, added up) and applied here in id order.
/// 6. Totals (`RunTotals`) — per class, account and day; rows, credits and rejects go to the
///    `OutcomeSink` (sorted into report order on disk by `reconcile`, kept in memory by tests,
///    `statement` and `explain`).
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

    /// A run with rows, credits and rejects collected in memory, in report order.
    public func run() throws(ReconcileError) -> ReconcileResult {
        let sink = CollectingSink()
        var result = try run(into: sink)
        sink.attach(to: &result)
        return result
    }

    /// A run whose rows, credits and rejects go to `sink`; the result carries the totals.
    public func run(into sink: any OutcomeSink) throws(ReconcileError) -> ReconcileResult {
        let spillDirectory = options.spillDirectory ?? Self.temporaryDirectory
        let joiner = ExternalSorter(directory: spillDirectory, budget: options.sortMemoryBytes / 2)
        var state = RunState(options: options, sink: sink)
        if let debitsPath = options.debitsPath {
            let ledger: DebitLedgerStream
            do { ledger = try DebitLedgerStream(path: debitsPath) } catch { throw .input(error) }
            state.startLedger(path: debitsPath)
            if options.jobs > 1 && ledger.readsLinesIndependently {
                try scanLedgerInBatches(ledger, path: debitsPath, state: &state, joiner: joiner)
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
        var linesBefore = 0
        var recordsRead = 0
        // With more than one job, batch N+1 is decoded and recounted while this thread scans
        // batch N and reads N+2's lines: the sequential work overlaps the parallel work.
        var inFlight: PendingBatch<Evaluated>?
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
            var batch: [LineReader.Line] = []
            var batchBytes = 0
            while true {
                let line: LineReader.Line?
                do { line = try reader.next() } catch { throw .input(error) }
                if let line {
                    batch.append(line)
                    batchBytes += line.bytes.count
                }
                if batch.count == Self.batchLines || batchBytes >= Self.batchBytes || (line == nil && !batch.isEmpty) {
                    let pending = start(batch, file: path, linesBefore: linesBefore, bytesRead: reader.bytesRead)
                    if let previous = inFlight { try scan(previous) }
                    inFlight = pending
                    if options.jobs <= 1 {
                        try scan(pending)
                        inFlight = nil
                    }
                    batch.removeAll(keepingCapacity: true)
                    batchBytes = 0
                }
                if line == nil { break }
            }
            state.result.inputs[state.result.inputs.count - 1].bytes = reader.bytesRead
            state.result.inputs[state.result.inputs.count - 1].lines = reader.lineNumber
            linesBefore += reader.lineNumber
        }
        if let last = inFlight { try scan(last) }
        let joined: SortedRecords
        do { joined = try joiner.finish() } catch { throw .spill(error) }
        try state.join(joined)
        return state.finish()
    }

    /// The JSONL ledger with more than one job: batches of lines are parsed on the workers
    /// (JSON decoding is most of the ledger's cost) while this thread sets aside the previous
    /// batch's debits in ledger order — the same items, in the same order, as `next()` gives.
    func scanLedgerInBatches(_ ledger: DebitLedgerStream, path: String, state: inout RunState,
                             joiner: ExternalSorter) throws(ReconcileError) {
        var inFlight: PendingBatch<RunState.PreparedLedgerItem>?
        func scan(_ pending: PendingBatch<RunState.PreparedLedgerItem>) throws(ReconcileError) {
            for item in pending.takeAll() { try state.scan(item, ledger: ledger, joiner: joiner) }
        }
        var batch: [LineReader.Line] = []
        var batchBytes = 0
        while true {
            let line: LineReader.Line?
            do { line = try ledger.nextLine() } catch { throw .input(error) }
            if let line {
                batch.append(line)
                batchBytes += line.bytes.count
            }
            if batch.count == Self.ledgerBatchLines || batchBytes >= Self.batchBytes || (line == nil && !batch.isEmpty) {
                let lines = batch
                let pending = Workers(jobs: options.jobs).start(count: lines.count) { index in
                    RunState.PreparedLedgerItem(DebitLedgerStream.parseJSONL(lines[index], path: path))
                }
                if let previous = inFlight { try scan(previous) }
                inFlight = pending
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            if line == nil { break }
        }
        if let last = inFlight { try scan(last) }
    }

    /// Ledger lines are short: a batch of them costs about what a batch of log lines does.
    static let ledgerBatchLines = 8192

    static var temporaryDirectory: String {
        let path = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }

    /// What stage 3–4 produce for one line.
    enum Evaluated: Sendable {
        case blank
        case rejected(Reject)
        /// A valid request this run does not recount: another shard's account, or a start
        /// outside `[from, until)`. Kept so that its id still counts in the join.
        case skipped(requestID: String, account: String, otherShard: Bool, source: SourceLocation, raw: [UInt8])
        case record(LogRecord, TokenCounts, ChargeResult, raw: [UInt8])
        /// A record or skipped line encoded for the join (`RunState.joinEntry`), on a worker: its
        /// sort key and then its payload, in one array (one allocation, freed by the thread that
        /// scans it, where three cost three frees across threads).
        case prepared(entry: [UInt8], keyLength: Int, raw: [UInt8], keepsRaw: Bool)
    }

    /// Starts evaluating a batch of log lines: inline with one job, in the background with more.
    func start(_ batch: [LineReader.Line], file: String, linesBefore: Int, bytesRead: Int) -> PendingBatch<Evaluated> {
        Workers(jobs: options.jobs).start(count: batch.count, sequences: batch.map { linesBefore + $0.number },
                                          bytesRead: bytesRead) { index in
            RunState.joinEntry(self.evaluate(batch[index], file: file), sequence: linesBefore + batch[index].number)
        }
    }

    func evaluate(_ line: LineReader.Line, file: String) -> Evaluated {
        let source = SourceLocation(file: file, line: line.number)
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        if line.truncated {
            return .rejected(Reject(kind: .log, source: source, reason: "line longer than \(LineReader.lineBytesMax) bytes", raw: line.bytes, rawTruncated: true))
        }
        let decoded = line.bytes.withUnsafeBufferPointer { RecordDecoder.decode($0, at: source) }
        switch decoded {
        case .failure(let error):
            return .rejected(Reject(kind: .log, source: source, field: error.field, reason: error.reason, raw: line.bytes))
        case .success(let record):
            // The window first: a line outside it is outside for every shard alike.
            if let from = options.from, record.time < from {
                return .skipped(requestID: record.id, account: record.account, otherShard: false, source: source, raw: line.bytes)
            }
            if let until = options.until, record.time >= until {
                return .skipped(requestID: record.id, account: record.account, otherShard: false, source: source, raw: line.bytes)
            }
            if let shard = options.shard, !shard.owns(account: record.account) {
                return .skipped(requestID: record.id, account: record.account, otherShard: true, source: source, raw: line.bytes)
            }
            let counts = TokenRecount.counts(for: record, policy: options.basis)
            let charge = Pricing.expectedCharge(
                usage: chargeUsage(for: record, counts: counts), model: record.model, group: record.group,
                status: record.status, at: record.time, catalog: options.catalog)
            return .record(record, counts, charge, raw: line.bytes)
        }
    }
}
