import ArgumentParsing
import Foundation
import RecountKit

/// `recount statement ACCOUNT [PATH…]`: one account's requests and totals over a period, as
/// CSV and HTML, for support to send the customer (SPEC §5).
struct StatementCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "one account's requests and totals for a period (CSV + HTML)",
        usage: ["recount statement ACCOUNT [PATH…] [options]"],
        about: """
            Writes statement-<account>-<hash>.csv and .html to --out: every request of ACCOUNT that
            started in [--from, --until) — time, request id, model, tokens, charged, recomputed,
            difference, result (in words), credit — and a TOTAL row that adds up to its columns.
            The figures are the reconcile run's; the CSV and the HTML have the same headers. The
            file name keeps the account's letters and digits (any script) and . _ - (others become
            _) plus 8 hex digits of its SHA-256, so it never leaves --out and two accounts never
            share a file. Files are written atomically. PATH as for reconcile (default: SampleLogs).
            """,
        exit: """
            exit: 0 written (also when the account's requests all fall outside the period)
                  64 usage · 65 bad catalog · 66 input missing, or an ACCOUNT with no requests in
                  the logs (the nearest accounts are suggested) · 74 I/O error or --out busy
            """)

    @OptionGroup var day = DayOptions(firstPath: 1, defaultPaths: ["SampleLogs"], window: true)
    @OptionGroup var output = OutputOptions(OutputOptions.statements)
    @Option("--lang", "en|zh", "the statement's words: English (default) or Chinese") var language = StatementLanguage
        .en
    @Option(
        "--day-offset", "±HH:MM",
        "the zone its times are shown in (default: the catalog's, from its latest version's effective_from)")
    var dayOffset: UTCOffset?
    private(set) var account = ""

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        guard let first = arguments.positionals.first else { throw UsageError("give the ACCOUNT") }
        guard !first.isEmpty else { throw UsageError("the ACCOUNT is empty") }
        account = first
    }

    func run(console: Console) throws -> ExitStatus {
        let loaded = try day.load(console: console)
        var options = loaded.options
        options.allRows = true
        options.jobs = ProcessInfo.processInfo.activeProcessorCount
        let directory = try OutputDirectory(path: output.outDirectory)
        let statement = try AccountStatement.reconcile(
            account: account, options: options, from: options.from, until: options.until, asOf: output.asOf,
            language: language, zoneOffset: dayOffset?.seconds, alsoCurrency: loaded.alsoCurrency)
        try statement.write(to: directory, csvBOM: output.csvBOM)
        console.out(statement.summaryLine(outDirectory: output.outDirectory))
        return .success
    }
}
