import ArgumentParsing
import Foundation
import RecountKit
import TokenCounter

/// `recount reconcile [PATH…]`: the nightly job (SPEC §5).
struct ReconcileCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "recount, re-price and diff a day of relay logs; write reports and credits",
        usage: ["recount reconcile [PATH…] [options]"],
        about: """
            Recounts, re-prices and diffs relay logs; writes reports and credits to --out.
            PATH is a log file (.jsonl, .jsonl.gz, - for stdin) or a directory (its *.jsonl and
            *.jsonl.gz in name order; its pricing.json and debits.jsonl/debits.csv are defaults).
            --gateway-db reads the gateway's own logs table instead of (or before) the PATHs: each
            row is its request's record and debit.
            """,
        exit: """
            exit: 0 done · 1 credits to issue with --strict · 64 usage · 65 bad catalog or too many rejects
                  66 input missing · 69 database unreachable, login refused, locked or its client
                  library missing · 74 I/O error, database connection lost midway, or output directory busy
                  130 / 143 interrupted by SIGINT / SIGTERM (temporary files removed)
            """)

    static let strictHelp = "exit 1 when there are credits to issue"

    @OptionGroup var day = DayOptions(firstPath: 0, defaultPaths: nil, window: true)
    @OptionGroup var output = OutputOptions(OutputOptions.reports)
    @Option("--shard", "K/N", "only accounts whose hash falls in shard K of N (0 ≤ K < N)") var shard: Shard?
    @Option(
        "--day-offset", "±HH:MM", "day boundary for daily.csv (default: the offset of the catalog's latest version)")
    var dayOffset: UTCOffset?
    @Flag("--all-rows", "every request in discrepancies.csv, not only those not ok") var allRows: Bool
    @Flag("--strict", strictHelp) var strict: Bool
    @Option(
        "--max-rejects", "N", "stop (exit 65) when more than N lines are rejected (default: unlimited)", in: 0...Int.max
    )
    var maxRejects: Int?
    @OptionGroup var engine = EngineOptions()

    func run(console: Console) throws -> ExitStatus {
        var (options, parameters) = try reconcileOptions(console: console)
        // Lock the output directory before the (long) run so an overlapping run stops at once.
        let directory = try OutputDirectory(path: output.outDirectory)
        TerminationSignals.onStop(
            "recount: stopped by a signal; the reports in \(output.outDirectory)/ were left as they were (this run's temporary files removed)"
        )
        options.engine = try engine.settings(outDirectory: output.outDirectory)
        var progress: (@Sendable (Int, Int) -> Void)?
        if console.errorIsTerminal {
            let line = ProgressLine(console: console, totalBytes: InputFiles.totalBytes(options.logs))
            progress = { line.update(bytes: $0, records: $1) }
        }
        let run = try ReportRun(options: options, parameters: parameters, progress: progress)
        if progress != nil { console.writeError("\r\u{1B}[K") }
        try run.write(to: directory, writeState: shard != nil)
        console.out(
            SummaryLine.text(
                run.result, outDirectory: output.outDirectory,
                conversions: parameters.conversions(unit: run.result.unit)))
        if strict, run.result.tally(.issued).count > 0 { return .discrepancies }
        return .success
    }

    /// What the run is told, and what `summary.json` echoes of it.
    func reconcileOptions(console: Console) throws -> (ReconcileOptions, RunParameters) {
        let loaded = try day.load(console: console)
        var options = loaded.options
        options.allRows = allRows
        options.shard = shard
        options.maxRejects = maxRejects
        if let dayOffset { options.dayOffsetSeconds = dayOffset.seconds }
        var parameters = RunParameters(echoing: options)
        parameters.issued = loaded.issued
        parameters.asOf = output.asOf
        parameters.csvBOM = output.csvBOM
        parameters.alsoCurrency = loaded.alsoCurrency
        return (options, parameters)
    }
}
