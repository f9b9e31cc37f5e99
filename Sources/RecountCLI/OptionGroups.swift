import ArgumentParsing
import Foundation
import RecountKit

// Options that several commands take, each declared once (name, value, help) and parsed once
// (the way swift-argument-parser's `@OptionGroup` does): `reconcile`, `explain` and `statement`
// read their inputs, pricing, basis, tolerance, credits and window through these, and their
// `--help` shows the same lines for them.

/// PATH… (logs and directories), `--pricing`, `--debits`, `--gateway-db`, `--bodies`: resolved
/// by `RecountKit.DayInputs`, the same way, with the same exit statuses, for every command that
/// reads a day. The database password never comes from the command line.
struct InputOptions: OptionGroup {
    static let pricing = Option(
        "--pricing", "FILE", "price catalog (recount.pricing/1); default: pricing.json in a PATH directory")
    static let debits = Option(
        "--debits", "FILE",
        "debit ledger (JSONL or CSV); default: debits.jsonl/.csv in a PATH directory; without one, each line's billed.amount is its debit"
    )
    static let gatewayDatabase = Option(
        "--gateway-db", "URL",
        "the gateway's database: sqlite:PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB")
    static let passwordFile = Option(
        "--db-password-file", "FILE",
        "the database password (else RECOUNT_DB_PASSWORD, else ~/.pgpass / MySQL option files); never on the command line"
    )
    static let bodies = Option(
        "--bodies", "PATH",
        "captured bodies (recount.log/1 lines or {request_id, request, response} pairs, a file or a directory of *.jsonl) joined to the rows by request id, so their tokens are recounted (repeatable)"
    )
    static let options = [pricing, debits, gatewayDatabase, passwordFile, bodies]

    let request: DayInputs

    /// The PATHs are the positionals from `first` on; none gives `defaultPaths` (or, when nil,
    /// is a usage error) — unless `--gateway-db` is given, which is then the only log source.
    init(_ arguments: Arguments, from first: Int = 0, defaultPaths: [String]? = nil) throws(UsageError) {
        let given = Array(arguments.positionals.dropFirst(first))
        let database = try arguments.value(Self.gatewayDatabase)
        let passwordFile = try arguments.value(Self.passwordFile)
        if passwordFile != nil, database == nil { throw UsageError("--db-password-file goes with --gateway-db URL") }
        var paths = given
        if given.isEmpty, database == nil {
            guard let defaultPaths else {
                throw UsageError("give at least one PATH (a log file, a directory, or - for stdin)")
            }
            paths = defaultPaths
        }
        request = DayInputs(
            paths: paths, pathsDefaulted: given.isEmpty && database == nil, pricing: try arguments.value(Self.pricing),
            debits: try arguments.value(Self.debits), gatewayDatabase: database, passwordFile: passwordFile,
            bodies: arguments.all(Self.bodies))
    }

    /// The run's options (`DayInputs.resolve`); ledger lookalikes are warned about on stderr.
    func load(console: Console) throws(CommandFailure) -> ReconcileOptions {
        do { return try request.resolve { console.error("recount: warning: \($0) \($1)") } } catch {
            throw CommandFailure.of(error)
        }
    }
}

/// `--basis`, `--tolerance`: how a charge is recomputed and when a difference counts.
struct PricingOptions: OptionGroup {
    static let basis = Option("--basis", "B", "auto (default), upstream, recount or billed token counts")
    static let tolerance = Option("--tolerance", "N", "|recorded − expected| ≤ N units counts as ok (default 0)")
    static let options = [basis, tolerance]

    let basis: BasisPolicy
    let tolerance: Rational

    init(_ arguments: Arguments) throws(UsageError) {
        let basisText = try arguments.value(Self.basis) ?? "auto"
        guard let basis = BasisPolicy(rawValue: basisText) else {
            throw UsageError("--basis takes auto, upstream, recount or billed, not '\(basisText)'")
        }
        self.basis = basis
        tolerance = try OptionParsing.amount(arguments.value(Self.tolerance), flag: Self.tolerance.name) ?? .zero
    }

    func apply(to options: inout ReconcileOptions) {
        options.basis = basis
        options.tolerance = tolerance
    }
}

/// `--min-credit`, `--issued FILE…`: which credits are issued, withheld or already issued.
struct CreditOptions: OptionGroup {
    static let minimumCredit = Option(
        "--min-credit", "N", "withhold credits smaller than N units (reported, not issued)")
    static let issued = Option(
        "--issued", "FILE",
        "credits.jsonl/credits.csv of an earlier run; its ids are never issued again, and show as already issued (repeatable)"
    )
    static let options = [minimumCredit, issued]

    let minimumCredit: Rational?
    let issuedPaths: [String]

    init(_ arguments: Arguments) throws(UsageError) {
        minimumCredit = try OptionParsing.amount(arguments.value(Self.minimumCredit), flag: Self.minimumCredit.name)
        issuedPaths = arguments.all(Self.issued)
    }

    /// Reads the `--issued` files (exit 66 / 74 when one is missing or unreadable); returns
    /// them as `summary.json` lists them.
    @discardableResult
    func apply(to options: inout ReconcileOptions) throws(CommandFailure) -> [InputFileInfo] {
        options.minimumCredit = minimumCredit
        do {
            let issued = try IssuedCredits.read(paths: issuedPaths)
            options.issuedCreditIDs.formUnion(issued.ids)
            return issued.files
        } catch { throw CommandFailure.of(error) }
    }
}

/// `--from`, `--until`: the requests that started in `[from, until)`.
struct WindowOptions: OptionGroup {
    static let from = Option(
        "--from", "T", "only requests that started at T or later (RFC 3339 with offset)")
    static let until = Option(
        "--until", "T", "only requests that started before T (RFC 3339 with offset)")
    static let options = [from, until]

    let from: Timestamp?
    let until: Timestamp?

    init(_ arguments: Arguments) throws(UsageError) {
        from = try OptionParsing.time(arguments.value(Self.from), flag: Self.from.name)
        until = try OptionParsing.time(arguments.value(Self.until), flag: Self.until.name)
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
    }

    func apply(to options: inout ReconcileOptions) {
        options.from = from
        options.until = until
    }
}
