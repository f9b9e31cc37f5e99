import ArgumentParsing
import Foundation
import RecountKit

// Options that several commands take, each declared once, as a property of its group (the way
// swift-argument-parser's `@OptionGroup` does): `reconcile`, `explain` and `statement` read their
// inputs, pricing, basis, tolerance, credits, window and currency through one `DayOptions`, and
// their `--help` shows the same lines for them.

/// What a command that reads a day takes: parsed and validated before any file is opened (usage
/// errors, exit 64), loaded once in `load`.
struct DayOptions: ParsableArguments {
    @OptionGroup var inputs: InputOptions
    @OptionGroup var window: WindowOptions
    @OptionGroup var pricing = PricingOptions()
    @OptionGroup var credits = CreditOptions()
    @OptionGroup var currency = CurrencyOptions()

    /// PATHs from the `firstPath`th positional on, and their default, as `InputOptions` takes
    /// them; `explain` takes no window (it names one request).
    init(firstPath: Int, defaultPaths: [String]?, window: Bool) {
        _inputs = OptionGroup(wrappedValue: InputOptions(firstPath: firstPath, defaultPaths: defaultPaths))
        _window = OptionGroup(wrappedValue: WindowOptions(), included: window)
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
        options.from = window.from
        options.until = window.until
        if let warning = options.windowOpensBeforeCatalog { console.error("recount: warning: \(warning)") }
        options.minimumCredit = credits.minimumCredit
        let issued = try IssuedCredits.read(paths: credits.issuedPaths)
        options.issuedCreditIDs.formUnion(issued.ids)
        return Loaded(
            options: options, issued: issued.files, alsoCurrency: try currency.conversion(catalog: options.catalog))
    }
}

/// PATH… (logs and directories), `--pricing`, `--debits`, the database, `--bodies`: resolved by
/// `RecountKit.DayInputs`, the same way, with the same exit statuses, for every command that
/// reads a day.
struct InputOptions: ParsableArguments {
    @Option("--pricing", "FILE", "price catalog (recount.pricing/1); default: pricing.json in a PATH directory")
    var pricing: String?
    @Option(
        "--debits", "FILE",
        "debit ledger (JSONL or CSV); default: debits.jsonl/.csv in a PATH directory; without one, each line's billed.amount is its debit"
    ) var debits: String?
    @OptionGroup var database = DatabaseOptions()
    @Option(
        "--bodies", "PATH",
        "captured bodies (recount.log/1 lines or {request_id, request, response} pairs, a file or a directory of *.jsonl / *.jsonl.gz) joined to the rows by request id, so their tokens are recounted (repeatable)"
    ) var bodies: [String]

    let firstPath: Int
    let defaultPaths: [String]?
    private(set) var paths: [String] = []
    private(set) var pathsDefaulted = false

    /// The PATHs are the positionals from `firstPath` on; none gives `defaultPaths` (or, when
    /// nil, is a usage error) — unless `--gateway-db` is given, which is then the only log source.
    init(firstPath: Int, defaultPaths: [String]?) {
        self.firstPath = firstPath
        self.defaultPaths = defaultPaths
    }

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        paths = Array(arguments.positionals.dropFirst(firstPath))
        pathsDefaulted = paths.isEmpty && database.url == nil
        if pathsDefaulted {
            guard let defaultPaths else {
                throw UsageError("give at least one PATH (a log file, a directory, or - for stdin)")
            }
            paths = defaultPaths
        }
    }

    var request: DayInputs {
        DayInputs(
            paths: paths, pathsDefaulted: pathsDefaulted, pricing: pricing, debits: debits,
            gatewayDatabase: database.url, passwordFile: database.passwordFile, bodies: bodies)
    }
}

/// `--gateway-db URL`, `--db-password-file FILE`: the gateway's database, for a day's logs and
/// for `prices import` / `snapshot`. The password never comes from the command line.
struct DatabaseOptions: ParsableArguments {
    @Option(
        "--gateway-db", "URL",
        "the gateway's database: sqlite:PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB")
    var url: String?
    @Option(
        "--db-password-file", "FILE",
        "the database password (else RECOUNT_DB_PASSWORD, else ~/.pgpass / MySQL option files); never on the command line"
    ) var passwordFile: String?

    func validate(_ arguments: Arguments) throws(UsageError) {
        if passwordFile != nil, url == nil { throw UsageError("--db-password-file goes with --gateway-db URL") }
    }
}

/// `--basis`, `--tolerance`: how a charge is recomputed and when a difference counts.
struct PricingOptions: ParsableArguments {
    @Option("--basis", "B", "auto (default), upstream, recount or billed token counts") var basis = BasisPolicy.auto
    @Option("--tolerance", "N", "|recorded − expected| ≤ N units counts as ok (default 0)") var tolerance = Rational
        .zero
}

/// `--min-credit`, `--issued FILE…`: which credits are issued, withheld or already issued.
struct CreditOptions: ParsableArguments {
    @Option("--min-credit", "N", "withhold credits smaller than N units (reported, not issued)")
    var minimumCredit: Rational?
    @Option(
        "--issued", "FILE",
        "credits.jsonl/credits.csv of an earlier run; its ids are never issued again, and show as already issued (repeatable)"
    ) var issuedPaths: [String]
}

/// `--from`, `--until`: the requests that started in `[from, until)`.
struct WindowOptions: ParsableArguments {
    @Option("--from", "T", "only requests that started at T or later (RFC 3339 with offset)") var from: Timestamp?
    @Option("--until", "T", "only requests that started before T (RFC 3339 with offset)") var until: Timestamp?

    func validate(_ arguments: Arguments) throws(UsageError) {
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
    }
}
