/// One row of the reconciliation: a request (or an orphan debit) with its counts, its
/// expected charge, its debits, its class, why, and what is credited.
public struct RequestOutcome: Sendable {
    public var requestID: String
    /// Request start; for an orphan, the first debit's time (nil if the ledger has none).
    public var time: Timestamp?
    public var account: String
    public var key: String?
    public var model: String?
    public var group: String?
    public var endpoint: Endpoint?
    public var status: Int?
    public var counts: TokenCounts?
    /// The version in force at the request's start.
    public var pricingVersion: String?
    /// The version the platform says it billed under (ledger or `billed.pricing_version`).
    public var debitPricingVersion: String?
    public var expected: Rational?
    /// How `expected` was computed, step by step: set by `explain`, which joins its one
    /// request in memory. A run's rows leave it nil: no report shows it, and the join does
    /// not carry it through the sort (`JoinCharge`).
    public var breakdown: ChargeBreakdown?
    public var unpricedReason: String?
    public var debits: [Debit]
    /// Sum of the request's debits.
    public var recorded: Rational
    /// recorded − expected; nil when nothing is expected (orphans, unpriced).
    public var delta: Rational?
    public var outcomeClass: DiscrepancyClass
    public var causes: [Cause]
    public var causeDetail: String
    public var credits: [Credit]
    public var source: SourceLocation?

    /// Cause codes joined with `+`, e.g. `prompt_tokens+price_version`; empty for `ok`.
    public var causeLabel: String { causes.map(\.rawValue).joined(separator: "+") }

    /// The sum of this row's credits, whatever their status (issued now, before, or withheld).
    public var creditTotal: Rational {
        credits.reduce(Rational.zero) { sum, credit in (try? sum.adding(credit.amount)) ?? sum }
    }
}
