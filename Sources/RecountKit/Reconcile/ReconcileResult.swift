/// An input file as the summary reports it.
public struct InputFileInfo: Sendable, Equatable {
    public var path: String
    /// `log`, `debits`, `pricing` or `issued`.
    public var kind: String
    public var bytes: Int = 0
    public var lines: Int = 0

    public init(path: String, kind: String, bytes: Int = 0, lines: Int = 0) {
        self.path = path
        self.kind = kind
        self.bytes = bytes
        self.lines = lines
    }
}

/// Line and record counts of a run.
public struct RunCounters: Sendable, Equatable {
    public var requests = 0
    public var debits = 0
    public var orphanDebits = 0
    public var blankLines = 0
    public var debitBlankLines = 0
    public var logRejected = 0
    public var debitsRejected = 0
    public var outsideWindow = 0
    public var otherShard = 0
    /// Log lines whose `billed.amount` differs from their first ledger debit.
    public var billedAmountMismatches = 0
    /// Gateway rows that are not requests (log types 0, 1, 3, 4: top-ups, manage, system).
    public var nonRequestRows = 0
    /// Refund rows (type 6) and task settlement rows netted into their request.
    public var nettedRows = 0
    /// Requests whose prompt or completion count is a recount of the body.
    public var recountedRequests = 0
    /// Requests priced from reported or the row's own token counts only (no body recounted).
    public var repricedRequests = 0
    /// `--bodies`: captures joined to their request row (recounted from the body).
    public var bodiesJoined = 0
    /// `--bodies`: captures whose row starts outside `[from, until)` (another day's run joins them).
    public var bodiesOutsideWindow = 0
    /// `--bodies`: captures rejected (not JSON, no id or model, no row, a second body, another model).
    public var bodiesRejected = 0

    /// Adds another part of the run's counts (a worker's share of the join).
    mutating func add(_ other: RunCounters) {
        requests += other.requests
        debits += other.debits
        orphanDebits += other.orphanDebits
        blankLines += other.blankLines
        debitBlankLines += other.debitBlankLines
        logRejected += other.logRejected
        debitsRejected += other.debitsRejected
        outsideWindow += other.outsideWindow
        otherShard += other.otherShard
        billedAmountMismatches += other.billedAmountMismatches
        nonRequestRows += other.nonRequestRows
        nettedRows += other.nettedRows
        recountedRequests += other.recountedRequests
        repricedRequests += other.repricedRequests
        bodiesJoined += other.bodiesJoined
        bodiesOutsideWindow += other.bodiesOutsideWindow
        bodiesRejected += other.bodiesRejected
    }
}

/// Things that did not stop or reject anything but deserve a look.
public struct RunWarnings: Sendable, Equatable {
    /// Groups not listed in the version's `groups` (multiplier 1 was used), with request counts.
    public var unlistedGroups: [String: Int] = [:]
    /// Models tiktoken does not map (counted with the fallback encoding), with request counts.
    public var fallbackEncodingModels: [String: Int] = [:]
    /// Requests whose body could not be fully recounted (see the row's notes in `explain`).
    public var recountIncomplete = 0
    /// Streamed gateway rows by `StreamOutcome` (`not_stream` is not counted).
    public var streamOutcomes: [String: Int] = [:]
    /// Streamed gateway rows with `other.stream_status`, by its `end_reason` (`(none)` if empty).
    public var streamEndReasons: [String: Int] = [:]
}

/// Token drift: the recount beside upstream usage, wherever both exist.
public struct TokenDrift: Sendable, Equatable {
    public enum Side: String, Sendable { case prompt, completion }
    public struct Tally: Sendable, Equatable {
        public var requests = 0
        public var differing = 0
        public var recountTokens = 0
        public var upstreamTokens = 0
    }
    public var prompt = Tally()
    public var completion = Tally()
    /// Per model, prompt and completion together.
    public var byModel: [String: Tally] = [:]

    mutating func add(model: String, side: Side, recount: Int, upstream: Int) {
        func bump(_ tally: inout Tally) {
            tally.requests += 1
            tally.differing += recount == upstream ? 0 : 1
            tally.recountTokens += recount
            tally.upstreamTokens += upstream
        }
        switch side {
        case .prompt: bump(&prompt)
        case .completion: bump(&completion)
        }
        bump(&byModel[model, default: Tally()])
    }
}

/// Per-class totals: rows, recorded, expected, credited.
public struct ClassTotals: Sendable, Equatable {
    public var count = 0
    public var recorded = Rational.zero
    public var expected = Rational.zero
    public var credits = Rational.zero
}

/// `accounts.csv` row.
public struct AccountTotals: Sendable, Equatable {
    public var account: String
    public var requests = 0
    public var recorded = Rational.zero
    public var expected = Rational.zero
    /// Sum of positive deltas (recorded above expected).
    public var over = Rational.zero
    /// Sum of negative deltas, as a positive number (recorded below expected).
    public var under = Rational.zero
    /// Credits issued by this run to this account.
    public var credits = Rational.zero
}

/// `daily.csv` row: one day × model.
public struct DailyTotals: Sendable, Equatable {
    public var day: String
    public var model: String
    public var requests = 0
    public var promptTokens = 0
    public var completionTokens = 0
    public var recorded = Rational.zero
    public var expected = Rational.zero
}

public struct DayModel: Hashable, Comparable, Sendable {
    public let day: String
    public let model: String
    public static func < (a: DayModel, b: DayModel) -> Bool {
        if a.day != b.day { return a.day < b.day }
        return a.model.utf8.lexicographicallyPrecedes(b.model.utf8)
    }
}

/// Everything a run found, ready for the writers.
public struct ReconcileResult: Sendable {
    public var unit: PriceCatalog.Unit?
    public var inputs: [InputFileInfo] = []
    public var counters = RunCounters()
    public var warnings = RunWarnings()
    public var drift = TokenDrift()
    /// Rows for `discrepancies.csv`, sorted by `RequestOutcome.precedes`.
    public var rows: [RequestOutcome] = []
    /// Every credit found, with its status; sorted by account, request time, credit id.
    public var credits: [Credit] = []
    public var rejects: [Reject] = []
    /// Credits by status: how many and how much (whether or not `credits` was collected).
    public var creditTallies: [Credit.Status: CreditTally] = [:]
    /// Rows whose class is not `ok` (orphans included).
    public var discrepancyRowCount = 0
    /// Rejected lines, log and ledger.
    public var rejectCount = 0
    public var classTotals: [DiscrepancyClass: ClassTotals] = [:]
    public var accounts: [AccountTotals] = []
    public var daily: [DailyTotals] = []
    public var totals = ClassTotals()

    public var issuedCredits: [Credit] { credits.filter { $0.status == .issued } }

    public func tally(_ status: Credit.Status) -> CreditTally { creditTallies[status] ?? CreditTally() }
}

/// How many credits of one status, and their sum.
public struct CreditTally: Sendable, Equatable {
    public var count = 0
    public var amount = Rational.zero

    mutating func add(_ value: Rational) throws(MoneyError) {
        count += 1
        amount = try amount.adding(value)
    }
}

/// Running totals per class, account and day × model.
struct Aggregates {
    let dayOffsetSeconds: Int32
    /// Per class, by `DiscrepancyClass.ordinal` (no hash per request); nil for a class not seen.
    var byClass = [ClassTotals?](repeating: nil, count: DiscrepancyClass.allCases.count)
    var accounts: [String: AccountTotals] = [:]
    var daily: [DayModel: DailyTotals] = [:]
    var totals = ClassTotals()

    init(dayOffsetSeconds: Int32) { self.dayOffsetSeconds = dayOffsetSeconds }

    /// The classes seen, with their totals.
    var classTotals: [DiscrepancyClass: ClassTotals] {
        var totals: [DiscrepancyClass: ClassTotals] = [:]
        for klass in DiscrepancyClass.allCases { totals[klass] = byClass[klass.ordinal] }
        return totals
    }

    mutating func add(_ outcome: RequestOutcome) throws(MoneyError) {
        let expected = outcome.expected ?? .zero
        var issued = Rational.zero
        for credit in outcome.credits where credit.status == .issued { issued = try issued.adding(credit.amount) }
        var classTotals = byClass[outcome.outcomeClass.ordinal] ?? ClassTotals()
        try Self.bump(&classTotals, outcome, expected: expected, issued: issued)
        byClass[outcome.outcomeClass.ordinal] = classTotals
        try Self.bump(&totals, outcome, expected: expected, issued: issued)

        // In place (one hash lookup, no copy of the totals, no closure context); on an overflow
        // the sums already made stay, which is moot: the run stops with that error.
        try Self.add(
            outcome, expected: expected,
            to: &accounts[outcome.account, default: AccountTotals(account: outcome.account)])
        // Credits go to the debited account, which may differ from the request's.
        for credit in outcome.credits where credit.status == .issued {
            try Self.addCredit(
                credit.amount, to: &accounts[credit.account, default: AccountTotals(account: credit.account)])
        }

        guard let time = outcome.time else { return }
        let key = DayModel(day: time.day(offsetSeconds: dayOffsetSeconds), model: outcome.model ?? "(no request)")
        try Self.add(outcome, expected: expected, to: &daily[key, default: DailyTotals(day: key.day, model: key.model)])
    }

    private static func bump(
        _ totals: inout ClassTotals, _ outcome: RequestOutcome, expected: Rational,
        issued: Rational
    ) throws(MoneyError) {
        totals.count += 1
        totals.recorded = try totals.recorded.adding(outcome.recorded)
        totals.expected = try totals.expected.adding(expected)
        totals.credits = try totals.credits.adding(issued)
    }

    private static func add(
        _ outcome: RequestOutcome, expected: Rational, to account: inout AccountTotals
    ) throws(MoneyError) {
        if outcome.outcomeClass != .orphan_debit { account.requests += 1 }
        account.recorded = try account.recorded.adding(outcome.recorded)
        account.expected = try account.expected.adding(expected)
        if let delta = outcome.delta {
            if delta.isNegative {
                account.under = try account.under.adding(delta.negated)
            } else {
                account.over = try account.over.adding(delta)
            }
        } else if outcome.outcomeClass == .orphan_debit {
            account.over = try account.over.adding(outcome.recorded)
        }
    }

    private static func addCredit(_ amount: Rational, to account: inout AccountTotals) throws(MoneyError) {
        account.credits = try account.credits.adding(amount)
    }

    private static func add(_ outcome: RequestOutcome, expected: Rational, to day: inout DailyTotals) throws(MoneyError)
    {
        day.requests += outcome.outcomeClass == .orphan_debit ? 0 : 1
        day.promptTokens += outcome.counts?.prompt ?? 0
        day.completionTokens += outcome.counts?.completion ?? 0
        day.recorded = try day.recorded.adding(outcome.recorded)
        day.expected = try day.expected.adding(expected)
    }
}
