/// One recorded debit: from the debit ledger (`--debits`), or a log line's `billed.amount`
/// when no ledger is given.
public struct Debit: Sendable, Equatable {
    /// The ledger's `debit_id`; for a log line's own debit, `"<request id>#billed"`; for a
    /// gateway row (its own debit), the row's `logs.id`.
    public let debitID: String
    public let requestID: String
    /// The account that was debited (credits go back to it).
    public let account: String
    public let time: Timestamp?
    public let amount: Rational
    public let pricingVersion: String?
    public let source: SourceLocation
    /// Position in the ledger (0-based), which orders a request's debits ("earliest").
    public let sequence: Int

    public init(
        debitID: String, requestID: String, account: String, time: Timestamp?, amount: Rational,
        pricingVersion: String?, source: SourceLocation, sequence: Int
    ) {
        self.debitID = debitID
        self.requestID = requestID
        self.account = account
        self.time = time
        self.amount = amount
        self.pricingVersion = pricingVersion
        self.source = source
        self.sequence = sequence
    }
}
