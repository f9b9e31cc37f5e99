import TokenCounter

/// Where a reject sits in `rejects.jsonl`: ledger lines first, then log lines in input order.
public struct RejectOrder: Sendable {
    let key: SortKey

    init(ledgerItem: Int) {
        var key = SortKey()
        key.byte(0)
        key.uint64(UInt64(ledgerItem))
        self.key = key
    }

    init(logLine: Int) {
        var key = SortKey()
        key.byte(1)
        key.uint64(UInt64(logLine))
        self.key = key
    }

    var bytes: [UInt8] { key.bytes }
}

/// Receives a run's rows, credits and rejects as the join produces them (request id order,
/// not report order: putting them in report order is the sink's job).
public protocol OutcomeSink: AnyObject {
    /// A row of `discrepancies.csv`: every request not `ok`, or every request with `--all-rows`.
    func row(_ outcome: RequestOutcome) throws(ReconcileError)
    /// Every credit found, whatever its status.
    func credit(_ credit: Credit) throws(ReconcileError)
    func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError)
    /// For a sink that keeps rows and credits rendered: how it renders them, so the join's
    /// workers can render ahead and hand over `rendered(_:)` instead. nil (the default) for a
    /// sink that keeps the outcomes themselves.
    var renderer: OutcomeRenderer? { get }
    /// What `renderer` made of one request's row (if written) and credits. Called only when
    /// `renderer` is not nil.
    func rendered(_ records: RenderedOutcome) throws(ReconcileError)
}

extension OutcomeSink {
    public var renderer: OutcomeRenderer? { nil }
    public func rendered(_ records: RenderedOutcome) throws(ReconcileError) {
        preconditionFailure("\(Self.self) has no renderer, so nothing is rendered for it")
    }
}

/// A request's row and credits as a rendering sink keeps them.
public struct RenderedOutcome: Sendable {
    var row: SortedRecord?
    var credits: [SortedRecord] = []
}

/// The rendering half of a sink that keeps rendered records (`SpillingSink`): pure, so the
/// join's workers can run it.
public struct OutcomeRenderer: Sendable {
    let rendering: ReportRendering

    /// Exactly what the sink's `row` and `credit` would keep: the row when written, and the
    /// issued credits (the others are in the totals only).
    func render(_ outcome: RequestOutcome, writesRow: Bool) -> RenderedOutcome {
        RenderedOutcome(
            row: writesRow ? rendering.row(outcome) : nil,
            credits: outcome.credits.compactMap { $0.status == .issued ? rendering.credit($0) : nil })
    }
}

/// Keeps everything in memory, for tests, `explain` and `statement` (which keeps one account).
public final class CollectingSink: OutcomeSink {
    let keepRow: (RequestOutcome) -> Bool
    private var rows: [(key: [UInt8], outcome: RequestOutcome)] = []
    private var credits: [(key: [UInt8], credit: Credit)] = []
    private var rejects: [(key: [UInt8], reject: Reject)] = []

    public init(keepRow: @escaping (RequestOutcome) -> Bool = { _ in true }) { self.keepRow = keepRow }

    public func row(_ outcome: RequestOutcome) {
        if keepRow(outcome) { rows.append((ReportOrder.row(outcome).bytes, outcome)) }
    }

    public func credit(_ credit: Credit) { credits.append((ReportOrder.credit(credit).bytes, credit)) }

    public func reject(_ reject: Reject, order: RejectOrder) { rejects.append((order.bytes, reject)) }

    /// Puts the collected rows, credits and rejects into `result`, in report order.
    public func attach(to result: inout ReconcileResult) {
        result.rows = rows.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.outcome)
        result.credits = credits.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.credit)
        result.rejects = rejects.sorted { $0.key.lexicographicallyPrecedes($1.key) }.map(\.reject)
    }
}

/// The orders of the per-request outputs, as sort keys.
enum ReportOrder {
    /// Start time (the instant; orphans without a time last), then request id (byte order),
    /// then class.
    static func row(_ outcome: RequestOutcome) -> SortKey {
        var key = SortKey()
        key.time(outcome.time)
        key.string(outcome.requestID)
        key.byte(UInt8(DiscrepancyClass.allCases.firstIndex(of: outcome.outcomeClass)!))
        return key
    }

    /// Account (byte order), then request time, then credit id.
    static func credit(_ credit: Credit) -> SortKey {
        var key = SortKey()
        key.string(credit.account)
        key.time(credit.requestTime)
        key.string(credit.creditID)
        return key
    }
}
