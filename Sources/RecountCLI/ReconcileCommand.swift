import ArgumentParsing
import Foundation
import RecountKit
import TokenCounter

/// `recount reconcile [PATH…]`: the nightly job (SPEC §5).
struct ReconcileCommand: RecountCommand {
    static let shard = Option("--shard", "K/N", "only accounts whose hash falls in shard K of N (0 ≤ K < N)")
    static let dayOffset = Option(
        "--day-offset", "±HH:MM", "day boundary for daily.csv (default: the offset of the catalog's latest version)")
    static let allRows = Option(flag: "--all-rows", "every request in discrepancies.csv, not only those not ok")
    static let strict = Option(flag: "--strict", "exit 1 when there are credits to issue")
    static let maxRejects = Option(
        "--max-rejects", "N", "stop (exit 65) when more than N lines are rejected (default: unlimited)")

    static let helpPage = CommandHelp(
        usage: ["recount reconcile [PATH…] [options]"],
        about: """
            Recounts, re-prices and diffs relay logs; writes reports and credits to --out.
            PATH is a log file (.jsonl, .jsonl.gz, - for stdin) or a directory (its *.jsonl and
            *.jsonl.gz in name order; its pricing.json and debits.jsonl/debits.csv are defaults).
            --gateway-db reads the gateway's own logs table instead of (or before) the PATHs: each
            row is its request's record and debit.
            """,
        options: InputOptions.options + OutputOptions.options(OutputOptions.reports) + WindowOptions.options
            + PricingOptions.options + CreditOptions.options + CurrencyOptions.options
            + [shard, dayOffset, allRows, strict, maxRejects] + EngineOptions.options,
        exit: """
            exit: 0 done · 1 credits to issue with --strict · 64 usage · 65 bad catalog or too many rejects
                  66 input missing · 69 database unreachable, login refused, locked or its client
                  library missing · 74 I/O error, database connection lost midway, or output directory busy
                  130 / 143 interrupted by SIGINT / SIGTERM (temporary files removed)
            """)

    let inputs: InputOptions
    let pricing: PricingOptions
    let credits: CreditOptions
    let window: WindowOptions
    let output: OutputOptions
    let engine: EngineOptions
    let currency: CurrencyOptions
    let shard: Shard?
    let dayOffset: Int32?
    let strict: Bool
    let allRows: Bool
    let maxRejects: Int?

    init(arguments: Arguments) throws {
        inputs = try InputOptions(arguments)
        pricing = try PricingOptions(arguments)
        credits = try CreditOptions(arguments)
        window = try WindowOptions(arguments)
        output = try OutputOptions(arguments, OutputOptions.reports)
        engine = try EngineOptions(arguments)
        currency = try CurrencyOptions(arguments)
        shard = try Self.parseShard(arguments.value(Self.shard))
        dayOffset = try OptionParsing.offset(arguments.value(Self.dayOffset), flag: Self.dayOffset.name)
        strict = arguments.flag(Self.strict)
        allRows = arguments.flag(Self.allRows)
        maxRejects = try arguments.integer(Self.maxRejects, in: 0...Int.max)
    }

    static func parseShard(_ text: String?) throws(UsageError) -> Shard? {
        guard let text else { return nil }
        let parts = text.split(separator: "/")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 10_000, k >= 0, k < n else {
            throw UsageError("--shard takes K/N with 0 ≤ K < N (e.g. 0/4), not '\(text)'")
        }
        return Shard(index: k, count: n)
    }

    func run(console: Console) throws -> ExitStatus {
        var (options, parameters) = try reconcileOptions(console: console)
        // Lock the output directory before the (long) run so an overlapping run stops at once.
        let directory: OutputDirectory
        do { directory = try OutputDirectory(path: output.outDirectory) } catch {
            throw CommandFailure(.ioError, error.description)
        }
        TerminationSignals.onStop(
            "recount: stopped by a signal; the reports in \(output.outDirectory)/ were left as they were (this run's temporary files removed)"
        )
        options.engine = try engine.settings(outDirectory: output.outDirectory)
        var pipeline = ReconcilePipeline(options: options)
        if console.errorIsTerminal {
            let progress = ProgressLine(console: console, totalBytes: InputFiles.totalBytes(options.logs))
            pipeline.progress = { bytes, records in progress.update(bytes: bytes, records: records) }
        }
        let sink = SpillingSink(
            unit: options.catalog.unit, zoneOffset: options.dayOffsetSeconds,
            conversions: parameters.conversions(unit: options.catalog.unit),
            directory: options.engine.spillDirectory ?? output.outDirectory,
            memory: options.sortMemoryBytes / 2)
        let result: ReconcileResult
        do { result = try pipeline.run(into: sink) } catch { throw CommandFailure.of(error) }
        if console.errorIsTerminal { console.writeError("\r\u{1B}[K") }
        parameters.dayOffsetSeconds = options.dayOffsetSeconds
        try Self.write(
            ReportWriter(result: result, parameters: parameters), to: directory, writeState: shard != nil,
            streams: sink.finish)
        console.out(
            SummaryLine.text(
                result, outDirectory: output.outDirectory, conversions: parameters.conversions(unit: result.unit)))
        if strict, result.tally(.issued).count > 0 { return .discrepancies }
        return .success
    }

    /// What the run is told, and what `summary.json` echoes of it.
    func reconcileOptions(console: Console) throws -> (ReconcileOptions, RunParameters) {
        var options = try inputs.load(console: console)
        var parameters = RunParameters()
        pricing.apply(to: &options, &parameters)
        window.apply(to: &options, &parameters)
        try credits.apply(to: &options, &parameters)
        options.allRows = allRows
        options.shard = shard
        options.maxRejects = maxRejects
        if let dayOffset { options.dayOffsetSeconds = dayOffset }
        parameters.asOf = output.asOf
        parameters.shard = shard
        parameters.allRows = allRows
        parameters.csvBOM = output.csvBOM
        parameters.maxRejects = maxRejects
        parameters.pricing = InputFileInfo(
            path: options.pricingPath, kind: "pricing", bytes: InputFiles.size(options.pricingPath))
        parameters.gatewayDatabase = options.gatewayDatabase?.summary
        parameters.alsoCurrency = try currency.conversion(catalog: options.catalog)
        return (options, parameters)
    }

    /// Writes the reports and commits them (`ReportWriter.commit`); a failure is exit 74.
    static func write(
        _ writer: ReportWriter, to output: OutputDirectory, writeState: Bool,
        streams: () throws(SpillError) -> (
            rows: any ReportRecords, credits: any ReportRecords, rejects: any ReportRecords
        )
    ) throws {
        do { try writer.commit(to: output, writeState: writeState, streams: streams) } catch {
            throw CommandFailure(.ioError, "\(error)")
        }
    }
}
