import TokenCounter

/// One compensation credit: money owed back to the account that was debited.
public struct Credit: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// Issued by this run (written to `credits.jsonl` / `credits.csv`).
        case issued
        /// Its id is in an `--issued` file: an earlier run issued it.
        case already_issued
        /// Smaller than `--min-credit`: reported, not issued.
        case withheld
    }

    public let creditID: String
    public let account: String
    public let requestID: String
    public let requestTime: Timestamp?
    /// `overcharge`, `failed_request_charged` or `duplicate_charge`.
    public let creditClass: DiscrepancyClass
    public let amount: Rational
    public let pricingVersion: String?
    public let debitID: String?
    public let reason: String
    public var status: Status

    /// A deterministic id: the same request, class and debit give the same id on every run,
    /// so `--issued` can recognise credits issued before. SHA-256 over a versioned, NUL-joined
    /// key; 20 hex digits (80 bits) keep collisions out of reach for any realistic ledger.
    public static func id(requestID: String, creditClass: DiscrepancyClass, debitID: String?) -> String {
        let key = ["recount.credit/1", requestID, creditClass.rawValue, debitID ?? ""].joined(separator: "\u{0}")
        return "cr_" + SHA256.hex(Array(key.utf8)).prefix(20)
    }
}
