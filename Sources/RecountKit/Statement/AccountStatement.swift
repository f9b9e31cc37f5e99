/// One account's requests over a period, with totals: what support sends the customer
/// (`recount statement`, SPEC §5). Built from a reconcile run's rows, so every figure equals
/// the nightly reports'.
///
/// Rows: the account's requests (every class, `ok` included) and orphan debits taken from it,
/// sorted like every per-request output (`RequestOutcome.precedes`). No prompt text, no key.
public struct AccountStatement: Sendable {
    public let account: String
    public let rows: [RequestOutcome]
    public let unit: PriceCatalog.Unit?
    public let from: Timestamp?
    public let until: Timestamp?
    public let asOf: Timestamp?

    /// `result` must come from a run with `allRows` (the `ok` rows are part of a statement).
    public init(account: String, result: ReconcileResult, from: Timestamp?, until: Timestamp?, asOf: Timestamp? = nil) {
        self.account = account
        rows = result.rows.filter { $0.account == account }
        unit = result.unit
        self.from = from
        self.until = until
        self.asOf = asOf
    }

    public struct Totals: Sendable, Equatable {
        public var requests = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var recorded = Rational.zero
        public var expected = Rational.zero
        public var delta = Rational.zero
        /// Credits of every status (issued now, issued before, withheld).
        public var credits = Rational.zero
        /// Credits issued by the reconciliation these figures come from.
        public var creditsIssued = Rational.zero
        /// Charged on rows with nothing recomputed (an unpriced model, a debit without a
        /// request): part of `delta`, but reviewed by hand, not credited.
        public var unpriced = Rational.zero
    }

    public var totals: Totals {
        var totals = Totals()
        for row in rows {
            if row.outcomeClass != .orphan_debit { totals.requests += 1 }
            totals.promptTokens += row.counts?.prompt ?? 0
            totals.completionTokens += row.counts?.completion ?? 0
            totals.recorded = (try? totals.recorded.adding(row.recorded)) ?? totals.recorded
            totals.expected = (try? totals.expected.adding(row.expected ?? .zero)) ?? totals.expected
            if row.expected == nil { totals.unpriced = (try? totals.unpriced.adding(row.recorded)) ?? totals.unpriced }
            for credit in row.credits {
                totals.credits = (try? totals.credits.adding(credit.amount)) ?? totals.credits
                if credit.status == .issued { totals.creditsIssued = (try? totals.creditsIssued.adding(credit.amount)) ?? totals.creditsIssued }
            }
        }
        totals.delta = (try? totals.recorded.subtracting(totals.expected)) ?? .zero
        return totals
    }

    var scale: Int { unit?.scale ?? 0 }
    var unitName: String { unit?.name ?? "units" }
    func amount(_ value: Rational) -> String { Amounts.format(value, scale: scale) }
    func creditAmount(_ row: RequestOutcome) -> Rational? {
        row.credits.isEmpty ? nil : row.credits.reduce(Rational.zero) { (try? $0.adding($1.amount)) ?? $0 }
    }
    func creditStatus(_ row: RequestOutcome) -> String {
        Set(row.credits.map(\.status.rawValue)).sorted().joined(separator: "+")
    }

    /// The period as printed: `[from, until)`, either end open.
    public var periodText: String {
        switch (from, until) {
        case (nil, nil): "all requests in the logs"
        case let (from?, nil): "from \(from)"
        case let (nil, until?): "before \(until)"
        case let (from?, until?): "[\(from), \(until))"
        }
    }

    public static let csvColumns = [
        "time", "request_id", "model", "prompt_tokens", "completion_tokens", "recorded", "expected", "delta",
        "class", "credit", "credit_status", "pricing_version", "cause", "unit",
    ]

    /// RFC 4180 via `CSVWriter` (formula injection neutralised); a final `TOTAL` row.
    public func csv(bom: Bool) -> [UInt8] {
        var csv = CSVWriter(header: Self.csvColumns, bom: bom)
        func number(_ value: Rational?) -> CSVWriter.Cell { value.map { .number(amount($0)) } ?? .empty }
        for row in rows {
            csv.row([
                .text(row.time?.description ?? ""), .text(row.requestID), .text(row.model ?? ""),
                row.counts.map { .number(String($0.prompt)) } ?? .empty, row.counts.map { .number(String($0.completion)) } ?? .empty,
                number(row.recorded), number(row.expected), number(row.delta), .text(row.outcomeClass.rawValue),
                number(creditAmount(row)), .text(creditStatus(row)), .text(row.pricingVersion ?? ""), .text(row.causeLabel),
                .text(unitName),
            ])
        }
        let totals = totals
        csv.row([.text("TOTAL"), .text("requests: \(totals.requests)"), .empty, .number(String(totals.promptTokens)),
                 .number(String(totals.completionTokens)), number(totals.recorded), number(totals.expected), number(totals.delta),
                 .empty, number(totals.credits), .empty, .empty, .empty, .text(unitName)])
        return csv.bytes
    }
}
