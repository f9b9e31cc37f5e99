import Dispatch
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

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .tooManyRejects(let limit, let at): "more than \(limit) rejected lines (stopped at \(at)); see rejects.jsonl"
        case .arithmetic(let error, let at): "\(at): \(error)"
        }
    }
}

/// The reconciliation pipeline. Stages, in order:
///
/// 1. `DebitLedgerReader` — the ledger is read whole first, because a request's class depends
///    on all its debits and a debit may be anywhere in the ledger (the index costs one
///    `Debit` per ledger line, ~200 bytes).
/// 2. `LineReader` — physical lines of each log, in the order given; before decoding, because
///    line numbers are physical.
/// 3. `RecordDecoder` → 4. `TokenRecount` → price (`Pricing.expectedCharge`) — pure per line,
///    so they run on `jobs` threads over a batch of lines.
/// 5. `Classifier` — sequential and in input order, because a repeated request id rejects the
///    *later* line and debits are consumed by the first request that claims them.
/// 6. `Aggregates` — totals per class, account and day; rows kept for the reports.
/// 7. Orphans — debits no request claimed, after every log is read.
public struct ReconcilePipeline: Sendable {
    public let options: ReconcileOptions
    /// Called after each batch with (bytes read so far, records so far) for progress display.
    public var progress: (@Sendable (Int, Int) -> Void)?

    public init(options: ReconcileOptions) { self.options = options }

    static let batchLines = 2048

    public func run() throws(ReconcileError) -> ReconcileResult {
        var state = RunState(options: options)
        if let debitsPath = options.debitsPath {
            let ledger: DebitLedgerReader.Result
            do { ledger = try DebitLedgerReader.read(path: debitsPath) } catch { throw .input(error) }
            state.loadLedger(ledger)
        }
        for path in options.logs {
            let reader: LineReader
            do { reader = LineReader(try openSource(path)) } catch { throw .input(error) }
            state.result.inputs.append(InputFileInfo(path: path, kind: "log"))
            var batch: [LineReader.Line] = []
            while true {
                let line: LineReader.Line?
                do { line = try reader.next() } catch { throw .input(error) }
                if let line { batch.append(line) }
                if batch.count == Self.batchLines || (line == nil && !batch.isEmpty) {
                    let evaluated = evaluate(batch, file: path)
                    for item in evaluated { try state.accept(item) }
                    batch.removeAll(keepingCapacity: true)
                    progress?(reader.bytesRead, state.result.counters.requests)
                }
                if line == nil { break }
            }
            state.result.inputs[state.result.inputs.count - 1].bytes = reader.bytesRead
            state.result.inputs[state.result.inputs.count - 1].lines = reader.lineNumber
        }
        try state.finishOrphans()
        return state.finish()
    }

    /// What stage 3–4 produce for one line.
    enum Evaluated: Sendable {
        case blank
        case rejected(Reject)
        /// A valid request this run does not reconcile (another shard, outside the window):
        /// its debits are neither matched nor orphans.
        case skipped(requestID: String, otherShard: Bool)
        case record(LogRecord, TokenCounts, ChargeResult, raw: [UInt8])
    }

    /// Decodes, recounts and prices a batch on `jobs` threads; results in input order.
    func evaluate(_ batch: [LineReader.Line], file: String) -> [Evaluated] {
        let jobs = max(1, min(options.jobs, batch.count))
        if jobs == 1 { return batch.map { evaluate($0, file: file) } }
        // Each worker writes only its own contiguous slots, so no two threads touch one element.
        let slots = ResultSlots(count: batch.count)
        let chunk = (batch.count + jobs - 1) / jobs
        DispatchQueue.concurrentPerform(iterations: jobs) { worker in
            for index in (worker * chunk)..<min(batch.count, (worker + 1) * chunk) {
                slots.set(index, evaluate(batch[index], file: file))
            }
        }
        return slots.values()
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
            if let shard = options.shard, !shard.owns(account: record.account) {
                return .skipped(requestID: record.id, otherShard: true)
            }
            if let from = options.from, record.time < from { return .skipped(requestID: record.id, otherShard: false) }
            if let until = options.until, record.time >= until { return .skipped(requestID: record.id, otherShard: false) }
            let counts = TokenRecount.counts(for: record, policy: options.basis)
            let charge = Pricing.expectedCharge(
                usage: chargeUsage(for: record, counts: counts), model: record.model, group: record.group,
                status: record.status, at: record.time, catalog: options.catalog)
            return .record(record, counts, charge, raw: line.bytes)
        }
    }
}

/// Per-index result slots for the parallel map: disjoint writes, read after the join.
/// (A raw buffer, not an Array property: concurrent `modify` accesses to one Array would trip
/// exclusivity checking even though the elements are disjoint.)
final class ResultSlots: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<ReconcilePipeline.Evaluated?>
    private let count: Int
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        storage.deinitialize(count: count)
        storage.deallocate()
    }
    func set(_ index: Int, _ value: ReconcilePipeline.Evaluated) { storage[index] = value }
    func values() -> [ReconcilePipeline.Evaluated] { (0..<count).map { storage[$0]! } }
}
