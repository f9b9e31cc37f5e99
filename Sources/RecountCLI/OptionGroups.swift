import ArgumentParsing
import Foundation
import RecountKit

// Options that several commands take, each declared once (name, value, help) and parsed once
// (the way swift-argument-parser's `@OptionGroup` does): `reconcile`, `explain` and `statement`
// read their inputs, pricing, basis, tolerance, credits, window and currency through one
// `DayOptions`, and their `--help` shows the same lines for them.

/// What a command that reads a day takes, parsed in `init` (usage errors, exit 64, before any
/// file is opened) and loaded once in `load`.
struct DayOptions {
    /// The declarations, in the order every such command's `--help` lists them (`explain`
    /// takes no window: it names one request).
    static func options(window: Bool) -> [Option] {
        InputOptions.options + (window ? WindowOptions.options : []) + PricingOptions.options
            + CreditOptions.options + CurrencyOptions.options
    }

    let inputs: InputOptions
    let window: WindowOptions?
    let pricing: PricingOptions
    let credits: CreditOptions
    let currency: CurrencyOptions

    /// PATHs and their default as `InputOptions` takes them.
    init(_ arguments: Arguments, from first: Int, defaultPaths: [String]?, window: Bool) throws(UsageError) {
        inputs = try InputOptions(arguments, from: first, defaultPaths: defaultPaths)
        self.window = window ? try WindowOptions(arguments) : nil
        pricing = try PricingOptions(arguments)
        credits = try CreditOptions(arguments)
        currency = try CurrencyOptions(arguments)
    }

    /// The day as the run is told it, the `--issued` files as `summary.json` lists them, and
    /// the `--also-currency` conversion.
    struct Loaded {
        var options: ReconcileOptions
        let issued: [InputFileInfo]
        let alsoCurrency: AmountConversion?
    }

    /// Resolves the inputs and loads the catalog (`DayInputs.resolve`; ledger lookalikes are
    /// warned about on stderr), reads the `--issued` files (exit 66 / 74 when one is missing or
    /// unreadable) and applies the choices.
    func load(console: Console) throws -> Loaded {
        var options = try inputs.request.resolve { console.error("recount: warning: \($0) \($1)") }
        options.basis = pricing.basis
        options.tolerance = pricing.tolerance
        options.from = window?.from
        options.until = window?.until
        if let warning = options.windowOpensBeforeCatalog { console.error("recount: warning: \(warning)") }
        options.minimumCredit = credits.minimumCredit
        let issued = try IssuedCredits.read(paths: credits.issuedPaths)
        options.issuedCreditIDs.formUnion(issued.ids)
        return Loaded(
            options: options, issued: issued.files, alsoCurrency: try currency.conversion(catalog: options.catalog))
    }
}

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
        "captured bodies (recount.log/1 lines or {request_id, request, response} pairs, a file or a directory of *.jsonl / *.jsonl.gz) joined to the rows by request id, so their tokens are recounted (repeatable)"
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

}

/// `--basis`, `--tolerance`: how a charge is recomputed and when a difference counts.
struct PricingOptions: OptionGroup {
    static let basis = Option("--basis", "B", "auto (default), upstream, recount or billed token counts")
    static let tolerance = Option("--tolerance", "N", "|recorded − expected| ≤ N units counts as ok (default 0)")
    static let options = [basis, tolerance]

    let basis: BasisPolicy
    let tolerance: Rational

    init(_ arguments: Arguments) throws(UsageError) {
        basis = try arguments.value(Self.basis, as: BasisPolicy.self) ?? .auto
        tolerance = try OptionParsing.amount(arguments.value(Self.tolerance), flag: Self.tolerance.name) ?? .zero
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
        from = try arguments.value(Self.from, as: Timestamp.self)
        until = try arguments.value(Self.until, as: Timestamp.self)
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
    }
}
