/// Where report files go: an `OutputDirectory` (staged, then renamed into place) or memory.
public protocol ReportDestination: AnyObject {
    /// A new file; its bytes become visible together with the others, in opening order.
    func create(_ name: String) throws(OutputError) -> any ReportFile
}

/// One report file being written.
public protocol ReportFile: AnyObject {
    func write(_ bytes: [UInt8]) throws(OutputError)
    /// Flushes (and, on disk, syncs); the file is complete afterwards.
    func close() throws(OutputError)
}

extension ReportFile {
    func write(_ text: String) throws(OutputError) { try write(Array(text.utf8)) }
}

/// Report files held in memory (tests, `ReportFiles.files()`).
public final class MemoryDestination: ReportDestination {
    public final class File: ReportFile {
        public let name: String
        public fileprivate(set) var bytes: [UInt8] = []
        init(name: String) { self.name = name }
        public func write(_ bytes: [UInt8]) { self.bytes += bytes }
        public func close() {}
    }

    public private(set) var files: [File] = []
    public init() {}

    public func create(_ name: String) -> any ReportFile {
        let file = File(name: name)
        files.append(file)
        return file
    }
}

/// Records in report order, as `ReportWriter` consumes them: sorted spill output, a shard's
/// state section, a k-way merge of several, or an array.
public protocol ReportRecords: AnyObject {
    func next() throws(SpillError) -> SortedRecord?
}

extension SortedRecords: ReportRecords {}

/// Records already in memory and in order.
final class ArrayRecords: ReportRecords {
    private var records: [SortedRecord]
    private var index = 0
    init(_ records: [SortedRecord]) { self.records = records }
    func next() -> SortedRecord? {
        guard index < records.count else { return nil }
        defer { index += 1 }
        return records[index]
    }
}

/// Errors writing reports: the destination, or the sorted data feeding it.
public enum ReportWriteError: RecountFailure, Sendable {
    case output(OutputError)
    case spill(SpillError)

    public var description: String {
        switch self {
        case .output(let error): error.description
        case .spill(let error): error.description
        }
    }

    /// A report that cannot be written, like a spill that cannot, is an I/O failure (74).
    public var status: ExitStatus { .ioError }
}

/// Writes every report file from a run's totals and its three ordered record streams (rows,
/// issued credits, rejects), each read once. One writer serves a run held in memory, a run
/// streamed through sorted spill files, and `merge` — which is why their outputs are
/// byte-identical. With `state`, the records are also copied into a shard state file for
/// `recount merge`.
public struct ReportWriter {
    public let result: ReconcileResult
    public let parameters: RunParameters

    public init(result: ReconcileResult, parameters: RunParameters) {
        self.result = result
        self.parameters = parameters
    }

    public static let stateFileName = "shard.state"

    public func write(
        to destination: any ReportDestination, rows: any ReportRecords, credits: any ReportRecords,
        rejects: any ReportRecords, writeState: Bool
    ) throws(ReportWriteError) {
        do {
            try writeAll(to: destination, rows: rows, credits: credits, rejects: rejects, writeState: writeState)
        } catch {
            throw Self.wrap(error)
        }
    }

    /// Writes the reports into `output` and commits them (`reconcile`, `merge`); on any failure
    /// the staged files are removed, so the previous reports stay as they were, and the error
    /// is thrown on.
    public func commit(
        to output: OutputDirectory, writeState: Bool,
        streams: () throws(SpillError) -> (
            rows: any ReportRecords, credits: any ReportRecords, rejects: any ReportRecords
        )
    ) throws {
        do {
            let records = try streams()
            try write(
                to: output, rows: records.rows, credits: records.credits, rejects: records.rejects,
                writeState: writeState)
            try output.commit()
        } catch {
            output.discard()
            throw error
        }
    }

    static func wrap(_ error: any Error) -> ReportWriteError {
        if let error = error as? ReportWriteError { return error }
        if let error = error as? OutputError { return .output(error) }
        if let error = error as? SpillError { return .spill(error) }
        return .spill(SpillError(path: "(report)", reason: "\(error)"))
    }

    // Untyped inside: three error types meet here, and `wrap` sorts them out once.
    private func writeAll(
        to destination: any ReportDestination, rows: any ReportRecords, credits: any ReportRecords,
        rejects: any ReportRecords, writeState: Bool
    ) throws {
        let files = ReportFiles(result: result, parameters: parameters)
        let state = writeState ? try ShardStateWriter(destination.create(Self.stateFileName)) : nil
        try writeDiscrepancies(to: destination, header: files.discrepancyHeader, rows: rows, state: state)
        for (name, bytes) in [("accounts.csv", files.accountsCSV()), ("daily.csv", files.dailyCSV())] {
            let file = try destination.create(name)
            try file.write(bytes)
            try file.close()
        }
        try writeCredits(to: destination, header: files.creditHeader, credits: credits, state: state)
        try writeRejects(to: destination, rejects: rejects, state: state)
        if let state {
            try state.finish(summary: ShardSummary(result: result, parameters: parameters))
        }
        let summary = try destination.create("summary.json")
        try summary.write(files.summaryJSON())
        try summary.close()
    }

    /// `discrepancies.csv` and `report.html` from the same rows in one pass: each sorted record
    /// holds its CSV line and its HTML row.
    private func writeDiscrepancies(
        to destination: any ReportDestination, header: [String], rows: any ReportRecords, state: ShardStateWriter?
    ) throws {
        let discrepancies = try destination.create("discrepancies.csv")
        let html = try destination.create("report.html")
        try discrepancies.write(CSVWriter(header: header, bom: parameters.csvBOM).bytes)
        let page = HTMLReport(result: result, parameters: parameters).documentParts()
        try html.write(page.beforeRows)
        var first = true
        try each(rows, parts: 2, state: state) { parts in
            try discrepancies.write(parts[0])
            if !first { try html.write([UInt8(ascii: ",")]) }
            try html.write(parts[1])
            first = false
        }
        try html.write(page.afterRows)
        try discrepancies.close()
        try html.close()
    }

    /// `credits.csv` and `credits.jsonl`, a line of each per credit.
    private func writeCredits(
        to destination: any ReportDestination, header: [String], credits: any ReportRecords, state: ShardStateWriter?
    ) throws {
        let creditsCSV = try destination.create("credits.csv")
        let creditsJSONL = try destination.create("credits.jsonl")
        try creditsCSV.write(CSVWriter(header: header, bom: parameters.csvBOM).bytes)
        try each(credits, parts: 2, state: state) { parts in
            try creditsCSV.write(parts[0])
            try creditsJSONL.write(parts[1])
        }
        try creditsCSV.close()
        try creditsJSONL.close()
    }

    /// `rejects.jsonl`, a line per rejected input line.
    private func writeRejects(
        to destination: any ReportDestination, rejects: any ReportRecords, state: ShardStateWriter?
    ) throws {
        let rejectsFile = try destination.create("rejects.jsonl")
        try each(rejects, parts: 1, state: state) { parts in try rejectsFile.write(parts[0]) }
        try rejectsFile.close()
    }

    /// Each sorted record split into its `parts` files' bytes and handed to `write`, in order;
    /// with a shard state, the record is kept there too, in a section of its own.
    private func each(
        _ records: any ReportRecords, parts count: Int, state: ShardStateWriter?, _ write: ([[UInt8]]) throws -> Void
    ) throws {
        try state?.beginSection()
        while let record = try next(records) {
            try write(try Self.parts(record, count: count))
            try state?.append(record)
        }
    }

    private func next(_ records: any ReportRecords) throws(SpillError) -> SortedRecord? {
        try records.next()
    }

    static func partsOrDie(_ record: SortedRecord) -> [[UInt8]] {
        do { return try parts(record, count: 2) } catch { preconditionFailure("a rendered row always decodes") }
    }

    /// A payload is a few length-prefixed byte strings (`ReportPayload`).
    static func parts(_ record: SortedRecord, count: Int) throws(ReportWriteError) -> [[UInt8]] {
        var decoder = SpillDecoder(record.payload)
        var parts: [[UInt8]] = []
        do {
            for _ in 0..<count { parts.append(Array(try decoder.raw())) }
        } catch {
            throw .spill(SpillError(path: "(sorted report rows)", reason: "damaged record: \(error.what)"))
        }
        return parts
    }
}

/// The rendered bytes of one row, credit or reject, and its place in report order — what the
/// sorts carry, so the final pass only concatenates.
enum ReportPayload {
    static func record(key: SortKey, parts: [[UInt8]]) -> SortedRecord {
        var payload = SpillEncoder(capacity: parts.reduce(8) { $0 + $1.count + 4 })
        for part in parts { payload.raw(part) }
        return SortedRecord(key: key.bytes, payload: payload.bytes)
    }
}

/// Renders rows, credits and rejects as they are produced and sorts them on disk into
/// report order: the sink of a streaming `reconcile`.
public final class SpillingSink: OutcomeSink {
    let rendering: ReportRendering
    let rows: ExternalSorter
    let credits: ExternalSorter
    let rejects: ExternalSorter

    /// `memory` is shared by the three sorts; beyond it they spill into `directory`. Times are
    /// written in `zoneOffset` (the run's `dayOffsetSeconds`: one zone per report); amounts
    /// also in each of `conversions` (the run's `RunParameters.conversions(unit:)`).
    public init(
        unit: PriceCatalog.Unit, zoneOffset: Int32 = 0, conversions: ReportConversions = ReportConversions(),
        directory: String, memory: Int
    ) {
        rendering = ReportRendering(
            scale: unit.scale, unitName: unit.name, zoneOffset: zoneOffset, conversions: conversions)
        rows = ExternalSorter(directory: directory, budget: memory / 2)
        credits = ExternalSorter(directory: directory, budget: memory / 4)
        rejects = ExternalSorter(directory: directory, budget: memory / 4)
    }

    public func row(_ outcome: RequestOutcome) throws(ReconcileError) {
        try add(rendering.row(outcome), to: rows)
    }

    public func credit(_ credit: Credit) throws(ReconcileError) {
        guard credit.status == .issued else { return }
        try add(rendering.credit(credit), to: credits)
    }

    public var renderer: OutcomeRenderer? { OutcomeRenderer(rendering: rendering) }

    public func rendered(_ records: RenderedOutcome) throws(ReconcileError) {
        if let row = records.row { try add(row, to: rows) }
        for credit in records.credits { try add(credit, to: credits) }
    }

    public func reject(_ reject: Reject, order: RejectOrder) throws(ReconcileError) {
        try add(rendering.reject(reject, order: order), to: rejects)
    }

    private func add(_ record: SortedRecord, to sorter: ExternalSorter) throws(ReconcileError) {
        do { try sorter.add(key: record.key, payload: record.payload) } catch { throw .spill(error) }
    }

    /// The three streams in report order (rows, issued credits, rejects).
    public func finish() throws(SpillError) -> (
        rows: any ReportRecords, credits: any ReportRecords, rejects: any ReportRecords
    ) {
        (try rows.finish(), try credits.finish(), try rejects.finish())
    }
}
