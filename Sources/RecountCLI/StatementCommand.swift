import Foundation
import RecountKit

/// `recount statement ACCOUNT [PATH…]`: one account's requests and totals over a period, as
/// CSV and HTML, for support to send the customer (SPEC §5).
struct StatementCommand: RecountCommand {
    static let spec = Arguments.Spec(
        [InputOptions.self, WindowOptions.self, OutputOptions.self, PricingOptions.self, CreditOptions.self])

    static let help = """
        usage: recount statement ACCOUNT [PATH…] [options]

        Writes statement-<account>-<hash>.csv and .html to --out: every request of ACCOUNT that
        started in [--from, --until) — time, request id, model, tokens, recorded, expected,
        delta, class, credit — and totals. The figures are the reconcile run's. The file name
        keeps only [A-Za-z0-9._-] of the account (others become _) plus 8 hex digits of its
        SHA-256, so it never leaves --out and two accounts never share a file. Files are
        written atomically. PATH as for reconcile (default: SampleLogs).

          --pricing FILE, --debits FILE   as for reconcile
          --from T, --until T             the period (RFC 3339 with offset); default: everything
          --out DIR                       where the files go (default Statements)
          --basis B, --tolerance N, --min-credit N, --issued FILE   as for reconcile
          --as-of T                       the time printed on the statement (omitted when not given)
          --csv-bom                       start the CSV with a UTF-8 BOM (Excel)

        exit: 0 written (also when the account has no requests: the statement says so)
              64 usage · 65 bad catalog · 66 input missing · 74 I/O error or --out busy
        """

    let account: String
    let inputs: InputOptions
    let window: WindowOptions
    let output: OutputOptions
    let pricing: PricingOptions
    let credits: CreditOptions

    init(arguments: Arguments) throws {
        guard let first = arguments.positionals.first else { throw UsageError("give the ACCOUNT") }
        guard !first.isEmpty else { throw UsageError("the ACCOUNT is empty") }
        account = first
        inputs = try InputOptions(arguments, from: 1, defaultPaths: ["SampleLogs"])
        window = try WindowOptions(arguments)
        output = try OutputOptions(arguments, defaultDirectory: "Statements")
        pricing = try PricingOptions(arguments)
        credits = try CreditOptions(arguments)
    }

    func run(console: Console) throws -> ExitStatus {
        var options = try inputs.load()
        var parameters = RunParameters()
        pricing.apply(to: &options, &parameters)
        window.apply(to: &options, &parameters)
        options.allRows = true
        options.jobs = ProcessInfo.processInfo.activeProcessorCount
        try credits.apply(to: &options, &parameters)
        let directory: OutputDirectory
        do { directory = try OutputDirectory(path: output.outDirectory) } catch { throw CommandFailure(.ioError, error.description) }
        var result: ReconcileResult
        // Only this account's rows are kept: a statement of one account from a day of any size.
        let account = self.account
        let rows = CollectingSink(keepRow: { $0.account == account })
        do { result = try ReconcilePipeline(options: options).run(into: rows) } catch { throw CommandFailure.of(error) }
        rows.attach(to: &result)

        let statement = AccountStatement(account: account, result: result, from: window.from, until: window.until, asOf: output.asOf)
        let stem = AccountStatement.fileStem(for: account)
        do {
            try directory.stage(stem + ".csv", statement.csv(bom: output.csvBOM))
            try directory.stage(stem + ".html", statement.html())
            try directory.commit()
        } catch {
            directory.discard()
            throw CommandFailure(.ioError, error.description)
        }
        let totals = statement.totals
        let unit = result.unit?.name ?? "units"
        let scale = result.unit?.scale ?? 0
        console.out("recount statement: \(totals.requests) requests, recorded \(Amounts.format(totals.recorded, scale: scale)) \(unit), "
            + "expected \(Amounts.format(totals.expected, scale: scale)) \(unit), credits \(Amounts.format(totals.credits, scale: scale)) \(unit); "
            + "\(output.outDirectory)/\(stem).csv and .html")
        return .success
    }
}
