import Foundation
import RecountKit
import TokenCounter

/// `recount reconcile [PATH…]`: the nightly job (SPEC §5).
struct ReconcileCommand: RecountCommand {
    static let spec = Arguments.Spec(
        options: ["--pricing", "--debits", "--out", "--from", "--until", "--basis", "--tolerance", "--min-credit",
                  "--issued", "--jobs", "--shard", "--as-of", "--max-rejects", "--day-offset", "--sort-memory", "--spill-dir"],
        flags: ["--csv-bom", "--strict", "--all-rows"])

    static let help = """
        usage: recount reconcile [PATH…] [options]

        Recounts, re-prices and diffs relay logs; writes reports and credits to --out.
        PATH is a log file (.jsonl, .jsonl.gz, - for stdin) or a directory (its *.jsonl and
        *.jsonl.gz in name order; its pricing.json and debits.jsonl/debits.csv are defaults).

          --pricing FILE      price catalog (recount.pricing/1); default: pricing.json in a PATH directory
          --debits FILE       debit ledger (JSONL or CSV); default: debits.jsonl/.csv in a PATH directory;
                              without one, each line's billed.amount is its debit
          --out DIR           where reports go (default Reports)
          --from T, --until T reconcile requests that started in [from, until) (RFC 3339 with offset)
          --basis B           auto (default), upstream, recount or billed token counts
          --tolerance N       |recorded − expected| ≤ N units counts as ok (default 0)
          --min-credit N      withhold credits smaller than N units (reported, not issued)
          --issued FILE       credits.jsonl/credits.csv of an earlier run; its ids are never issued again (repeatable)
          --jobs N            threads for decoding and recounting (default: all cores); output never depends on it
          --shard K/N         only accounts whose hash falls in shard K of N (0 ≤ K < N)
          --as-of T           the time printed in summary.json (omitted when not given)
          --day-offset ±HH:MM day boundary for daily.csv (default: the offset of the catalog's latest version)
          --csv-bom           start CSV files with a UTF-8 BOM (Excel)
          --all-rows          every request in discrepancies.csv, not only those not ok
          --strict            exit 1 when there are credits to issue
          --max-rejects N     stop (exit 65) when more than N lines are rejected (default: unlimited)
          --spill-dir DIR     where sorted runs go when a day exceeds --sort-memory (default: --out);
                              unlinked at once, so nothing is left behind on a local disk
          --sort-memory MB    memory for sorting before spilling to disk (default 64); peak memory is
                              about this plus 60 MB, whatever the size of the logs

        exit: 0 done · 1 credits to issue with --strict · 64 usage · 65 bad catalog or too many rejects
              66 input missing · 74 I/O error or output directory busy
              130 / 143 interrupted by SIGINT / SIGTERM (temporary files removed)
        """

    let paths: [String]
    let pricingFlag: String?
    let debitsFlag: String?
    let outDirectory: String
    let basis: BasisPolicy
    let tolerance: Rational
    let minimumCredit: Rational?
    let issuedPaths: [String]
    let from: Timestamp?
    let until: Timestamp?
    let jobs: Int
    let shard: Shard?
    let asOf: Timestamp?
    let dayOffset: Int32?
    let csvBOM: Bool
    let strict: Bool
    let allRows: Bool
    let maxRejects: Int?
    let sortMemoryMB: Int
    let spillDirectory: String?

    init(arguments: Arguments) throws {
        paths = arguments.positionals
        guard !paths.isEmpty else { throw UsageError("give at least one PATH (a log file, a directory, or - for stdin)") }
        pricingFlag = try arguments.value("--pricing")
        debitsFlag = try arguments.value("--debits")
        outDirectory = try arguments.value("--out") ?? "Reports"
        let basisText = try arguments.value("--basis") ?? "auto"
        guard let basis = BasisPolicy(rawValue: basisText) else {
            throw UsageError("--basis takes auto, upstream, recount or billed, not '\(basisText)'")
        }
        self.basis = basis
        tolerance = try Self.amount(arguments.value("--tolerance"), flag: "--tolerance") ?? .zero
        minimumCredit = try Self.amount(arguments.value("--min-credit"), flag: "--min-credit")
        issuedPaths = arguments.all("--issued")
        from = try Self.time(arguments.value("--from"), flag: "--from")
        until = try Self.time(arguments.value("--until"), flag: "--until")
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
        jobs = try arguments.integer("--jobs", in: 1...1024) ?? ProcessInfo.processInfo.activeProcessorCount
        if let text = try arguments.value("--shard") {
            let parts = text.split(separator: "/")
            guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, n <= 10_000, k >= 0, k < n else {
                throw UsageError("--shard takes K/N with 0 ≤ K < N (e.g. 0/4), not '\(text)'")
            }
            shard = Shard(index: k, count: n)
        } else {
            shard = nil
        }
        asOf = try Self.time(arguments.value("--as-of"), flag: "--as-of")
        if let text = try arguments.value("--day-offset") {
            guard let offset = Timestamp.parseOffset(text) else { throw UsageError("--day-offset takes ±HH:MM (e.g. +08:00), not '\(text)'") }
            dayOffset = offset
        } else {
            dayOffset = nil
        }
        csvBOM = arguments.flag("--csv-bom")
        strict = arguments.flag("--strict")
        allRows = arguments.flag("--all-rows")
        maxRejects = try arguments.integer("--max-rejects", in: 0...Int.max)
        sortMemoryMB = try arguments.integer("--sort-memory", in: 1...65_536) ?? 64
        spillDirectory = try arguments.value("--spill-dir")
    }

    static func amount(_ text: String?, flag: String) throws(UsageError) -> Rational? {
        guard let text else { return nil }
        guard let value = try? Rational(parsing: text), !value.isNegative, !text.contains("/") else {
            throw UsageError("\(flag) takes a decimal amount ≥ 0, not '\(text)'")
        }
        return value
    }

    static func time(_ text: String?, flag: String) throws(UsageError) -> Timestamp? {
        guard let text else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw UsageError("\(flag) takes an RFC 3339 time with offset (e.g. 2024-03-01T00:00:00+08:00), not '\(text)': \(Timestamp.rfc3339Problem(text))")
        }
        return time
    }

    func run(console: Console) throws -> ExitStatus {
        var options = try LoadedInputs.options(paths: paths, pricingFlag: pricingFlag, debitsFlag: debitsFlag, console: console)
        let catalog = options.catalog
        let pricingPath = options.pricingPath
        options.basis = basis
        options.tolerance = tolerance
        options.minimumCredit = minimumCredit
        options.from = from
        options.until = until
        options.allRows = allRows
        options.jobs = jobs
        options.shard = shard
        options.maxRejects = maxRejects
        options.sortMemoryBytes = sortMemoryMB << 20
        if let dayOffset { options.dayOffsetSeconds = dayOffset }
        var parameters = RunParameters()
        for path in issuedPaths {
            let issued: (ids: Set<String>, info: InputFileInfo)
            do { issued = try IssuedCredits.read(path: path) } catch { throw Self.failure(error) }
            options.issuedCreditIDs.formUnion(issued.ids)
            parameters.issued.append(issued.info)
        }

        // Lock the output directory before the (long) run so an overlapping run stops at once.
        let output: OutputDirectory
        do { output = try OutputDirectory(path: outDirectory) } catch { throw CommandFailure(.ioError, error.description) }
        TerminationSignals.onStop("recount: stopped by a signal; the reports in \(outDirectory)/ were left as they were (this run's temporary files removed)")

        options.spillDirectory = spillDirectory ?? outDirectory
        if let spillDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spillDirectory, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw CommandFailure(.noInput, "\(spillDirectory): --spill-dir must be an existing directory")
            }
        }
        var pipeline = ReconcilePipeline(options: options)
        if console.errorIsTerminal {
            let progress = ProgressLine(console: console, totalBytes: Self.totalBytes(options.logs))
            pipeline.progress = { bytes, records in progress.update(bytes: bytes, records: records) }
        }
        let sink = SpillingSink(unit: catalog.unit, directory: options.spillDirectory ?? outDirectory, memory: options.sortMemoryBytes / 2)
        let result: ReconcileResult
        do { result = try pipeline.run(into: sink) } catch { throw Self.failure(error) }
        if console.errorIsTerminal { console.writeError("\r\u{1B}[K") }

        parameters.basis = basis
        parameters.tolerance = tolerance
        parameters.minimumCredit = minimumCredit
        parameters.from = from
        parameters.until = until
        parameters.asOf = asOf
        parameters.shard = shard
        parameters.allRows = allRows
        parameters.csvBOM = csvBOM
        parameters.dayOffsetSeconds = options.dayOffsetSeconds
        parameters.maxRejects = maxRejects
        parameters.pricing = InputFileInfo(path: pricingPath, kind: "pricing", bytes: Self.size(pricingPath))
        try Self.write(ReportWriter(result: result, parameters: parameters), to: output, writeState: shard != nil,
                       streams: sink.finish)
        console.out(SummaryLine.text(result, outDirectory: outDirectory))
        if strict, result.tally(.issued).count > 0 { return .discrepancies }
        return .success
    }

    /// Writes the reports and commits them; on any failure the staged files are removed and
    /// the previous reports stay as they were.
    static func write(_ writer: ReportWriter, to output: OutputDirectory, writeState: Bool,
                      streams: () throws(SpillError) -> (rows: any ReportRecords, credits: any ReportRecords, rejects: any ReportRecords)) throws {
        do {
            let records = try streams()
            try writer.write(to: output, rows: records.rows, credits: records.credits, rejects: records.rejects, writeState: writeState)
            try output.commit()
        } catch {
            output.discard()
            throw CommandFailure(.ioError, "\(error)")
        }
    }

    /// Exit status for a failed run (SPEC §5): missing input 66, other I/O 74, bad data 65.
    static func failure(_ error: ReconcileError) -> CommandFailure {
        switch error {
        case .input(let input): failure(input)
        case .tooManyRejects, .arithmetic: CommandFailure(.dataError, error.description)
        case .spill: CommandFailure(.ioError, error.description)
        }
    }

    static func failure(_ error: InputError) -> CommandFailure {
        switch error {
        case .missing, .noLogs: CommandFailure(.noInput, error.description)
        case .unreadable, .corruptGzip: CommandFailure(.ioError, error.description)
        case .malformed: CommandFailure(.dataError, error.description)
        case .ambiguousLedger: CommandFailure(.usage, error.description)
        }
    }

    static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    static func totalBytes(_ paths: [String]) -> Int { paths.reduce(0) { $0 + size($1) } }
}

/// The one line a run prints at the end (for cron mail and humans): requests and classes,
/// credits issued beside those already issued (`--issued`) and withheld (`--min-credit`), the
/// debits' source (which ledger, or that each line's `billed.amount` stood in), rejects.
enum SummaryLine {
    static func text(_ result: ReconcileResult, outDirectory: String) -> String {
        let unit = result.unit?.name ?? "units"
        let scale = result.unit?.scale ?? 0
        let notOK = DiscrepancyClass.allCases.filter { $0 != .ok }
            .compactMap { klass -> String? in
                guard let count = result.classTotals[klass]?.count, count > 0 else { return nil }
                return "\(klass.rawValue) \(count)"
            }
        let discrepancies = notOK.isEmpty ? "no discrepancies" : notOK.joined(separator: ", ")
        var line = "recount: \(counted(result.counters.requests, "request")), \(discrepancies); "
        line += credits(result.tally(.issued), unit: unit, scale: scale)
        var besides: [String] = []
        let already = result.tally(.already_issued)
        if already.count > 0 { besides.append("\(credits(already, unit: unit, scale: scale)) already issued") }
        let withheld = result.tally(.withheld)
        if withheld.count > 0 { besides.append("\(credits(withheld, unit: unit, scale: scale)) withheld under --min-credit") }
        if !besides.isEmpty { line += " (" + besides.joined(separator: ", ") + ")" }
        if let ledger = result.inputs.first(where: { $0.kind == "debits" }) {
            line += "; ledger \(ledger.path)"
        } else {
            line += "; no ledger (each line's billed.amount stood in)"
        }
        let rejected = result.rejectCount
        if rejected > 0 { line += "; \(counted(rejected, "rejected line")) (rejects.jsonl)" }
        return line + "; reports in \(outDirectory)/"
    }

    static func credits(_ tally: CreditTally, unit: String, scale: Int) -> String {
        let amount = Amounts.format(tally.amount, scale: scale)
        let unitName = tally.amount == Rational(1) && unit.hasSuffix("s") ? String(unit.dropLast()) : unit
        return "\(counted(tally.count, "credit")) = \(amount) \(unitName)"
    }

    /// "1 request", "2 requests".
    static func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
}

/// `records · MB/s · ETA` on one terminal line, at most a few times a second.
final class ProgressLine: @unchecked Sendable {
    let console: Console
    let totalBytes: Int
    let start = Date()
    var lastDraw = Date.distantPast
    var bytesBefore = 0

    init(console: Console, totalBytes: Int) {
        self.console = console
        self.totalBytes = totalBytes
    }

    func update(bytes: Int, records: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(bytes) / elapsed / 1_000_000
        var text = "\r\u{1B}[K\(records) records · \(String(format: "%.1f", rate)) MB/s"
        if totalBytes > 0, bytes > 0, bytes < totalBytes {
            let remaining = Double(totalBytes - bytes) / (Double(bytes) / elapsed)
            text += " · ETA \(Int(remaining))s"
        }
        console.writeError(text)
    }
}
