import Foundation

/// Why `recount merge` could not merge.
public enum MergeError: RecountFailure, Sendable {
    /// A directory, or its `shard.state`, does not exist.
    case missing(path: String)
    case unreadable(path: String, reason: String)
    /// Not a shard state of this version, or damaged.
    case corrupt(path: String, reason: String)
    /// The states do not form one complete run: parameters or inputs differ, a shard is
    /// missing or given twice.
    case mismatch(String)
    case arithmetic(MoneyError)
    /// The shards together rejected more lines than their `--max-rejects`.
    case tooManyRejects(limit: Int, count: Int)

    public var description: String {
        switch self {
        case .missing(let path): "\(path): no such file (is this the --out of a `reconcile --shard K/N` run?)"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .corrupt(let path, let reason): "\(path): not a usable shard state: \(reason)"
        case .mismatch(let reason): "the shards do not make one run: \(reason)"
        case .arithmetic(let error): "summing the shards: \(error)"
        case .tooManyRejects(let limit, let count):
            "the shards rejected \(count) lines, more than --max-rejects \(limit); see their rejects.jsonl"
        }
    }

    public var status: ExitStatus {
        switch self {
        case .missing: .noInput
        case .unreadable: .ioError
        case .corrupt, .mismatch, .arithmetic, .tooManyRejects: .dataError
        }
    }
}

/// One shard's `shard.state`, opened: its summary read, its sections ready to stream.
final class ShardState {
    let path: String
    let summary: ShardSummary
    /// Offsets of the rows, credits, rejects and summary sections, and the trailer's start.
    let sections: [Int]

    init(directory: String) throws(MergeError) {
        path = directory + "/" + ReportWriter.stateFileName
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let size = Int(info.st_size)
        guard size >= ShardStateFormat.magic.count + ShardStateFormat.trailerLength else {
            throw .corrupt(path: path, reason: "too short")
        }
        let head = try Self.read(descriptor, at: 0, count: ShardStateFormat.magic.count, path: path)
        guard head == ShardStateFormat.magic else { throw .corrupt(path: path, reason: "no shard-state header") }
        let trailer = try Self.read(
            descriptor, at: size - ShardStateFormat.trailerLength, count: ShardStateFormat.trailerLength, path: path)
        guard Array(trailer.suffix(8)) == ShardStateFormat.endMagic else {
            throw .corrupt(path: path, reason: "incomplete (no trailer)")
        }
        var offsets: [Int] = []
        for index in 0..<4 {
            var value = 0
            for byte in trailer[(index * 8)..<(index * 8 + 8)] { value = value << 8 | Int(byte) }
            offsets.append(value)
        }
        offsets.append(size - ShardStateFormat.trailerLength)
        guard offsets[0] == ShardStateFormat.magic.count, zip(offsets, offsets.dropFirst()).allSatisfy({ $0 <= $1 })
        else {
            throw .corrupt(path: path, reason: "bad section offsets")
        }
        sections = offsets
        let summaryBytes = try Self.read(descriptor, at: offsets[3], count: offsets[4] - offsets[3], path: path)
        do { summary = try ShardSummary.decode(summaryBytes) } catch { throw .corrupt(path: path, reason: error.what) }
    }

    static func read(_ descriptor: Int32, at offset: Int, count: Int, path: String) throws(MergeError) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        while done < count {
            let got = bytes.withUnsafeMutableBytes {
                pread(descriptor, $0.baseAddress! + done, count - done, off_t(offset + done))
            }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else {
                throw .unreadable(path: path, reason: got == 0 ? "ends early" : String(cString: strerror(errno)))
            }
            done += got
        }
        return bytes
    }

    /// A reader over section `index` (0 rows, 1 credits, 2 rejects), on its own descriptor.
    func section(_ index: Int) throws(MergeError) -> RunReader {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        return RunReader(descriptor: descriptor, path: path, start: sections[index], end: sections[index + 1])
    }
}

/// `recount merge`: the shards of one run, put back together. Totals are summed exactly;
/// rows, credits and rejects are k-way merged by their report-order keys. Because every
/// request id belongs to exactly one shard (see `RunState`), the result is the single run's.
public struct ShardMerge {
    public let result: ReconcileResult
    public let parameters: RunParameters
    let states: [ShardState]

    public init(directories: [String]) throws(MergeError) {
        guard !directories.isEmpty else { throw .mismatch("no shard directories given") }
        var states: [ShardState] = []
        for directory in directories {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue
            else {
                throw .missing(path: directory)
            }
            states.append(try ShardState(directory: directory))
        }
        let first = states[0].summary
        guard let count = first.parameters.shard?.count else {
            throw .mismatch("\(states[0].path) is not from a --shard run")
        }
        var seen = Set<Int>()
        for state in states {
            guard let shard = state.summary.parameters.shard, shard.count == count else {
                throw .mismatch(
                    "\(state.path) is shard \(state.summary.parameters.shard?.description ?? "none"), expected one of \(count)"
                )
            }
            guard seen.insert(shard.index).inserted else { throw .mismatch("shard \(shard) is given twice") }
            guard Self.sharedParameters(state.summary.parameters) == Self.sharedParameters(first.parameters) else {
                throw .mismatch("\(state.path) was run with other parameters than \(states[0].path)")
            }
            guard state.summary.result.inputs == first.result.inputs else {
                throw .mismatch("\(state.path) read other inputs (paths or sizes) than \(states[0].path)")
            }
            guard state.summary.result.unit?.name == first.result.unit?.name,
                state.summary.result.unit?.scale == first.result.unit?.scale
            else {
                throw .mismatch("\(state.path) used another catalog unit than \(states[0].path)")
            }
        }
        let missing = (0..<count).filter { !seen.contains($0) }
        guard missing.isEmpty else {
            throw .mismatch("shards \(missing.map { "\($0)/\(count)" }.joined(separator: ", ")) are missing")
        }
        self.states = states
        var parameters = first.parameters
        parameters.shard = nil
        self.parameters = parameters
        do { result = try Self.sum(states.map(\.summary.result)) } catch { throw .arithmetic(error) }
        // Each shard checked only its own rejects; the single run checks them all.
        if let limit = parameters.maxRejects, result.rejectCount > limit {
            throw .tooManyRejects(limit: limit, count: result.rejectCount)
        }
    }

    static func sharedParameters(_ parameters: RunParameters) -> [UInt8] {
        var out = SpillEncoder()
        ShardSummary.encode(parameters, shard: false, into: &out)
        return out.bytes
    }

    /// The streams of the merged run, in report order.
    public func records() throws(SpillError) -> (
        rows: any ReportRecords, credits: any ReportRecords, rejects: any ReportRecords
    ) {
        func merged(_ section: Int) throws(SpillError) -> any ReportRecords {
            var readers: [RunReader] = []
            for state in states {
                do { readers.append(try state.section(section)) } catch {
                    throw SpillError(path: state.path, reason: error.description)
                }
            }
            return try SortedRecords(runs: readers)
        }
        return (try merged(0), try merged(1), try merged(2))
    }

    static func sum(_ parts: [ReconcileResult]) throws(MoneyError) -> ReconcileResult {
        var total = ReconcileResult()
        total.unit = parts[0].unit
        total.inputs = parts[0].inputs
        var accounts: [String: AccountTotals] = [:]
        var daily: [DayModel: DailyTotals] = [:]
        for part in parts {
            total.counters.add(part.counters)
            total.warnings.add(part.warnings)
            total.drift.add(part.drift)
            for (klass, totals) in part.classTotals { try total.classTotals[klass, default: ClassTotals()].add(totals) }
            try total.totals.add(part.totals)
            for account in part.accounts {
                try accounts[account.account, default: AccountTotals(account: account.account)].add(account)
            }
            for day in part.daily {
                try daily[
                    DayModel(day: day.day, model: day.model), default: DailyTotals(day: day.day, model: day.model)
                ].add(day)
            }
            for (status, tally) in part.creditTallies {
                try total.creditTallies[status, default: CreditTally()].add(tally)
            }
            total.discrepancyRowCount += part.discrepancyRowCount
            total.rejectCount += part.rejectCount
        }
        total.counters.otherShard = 0  // the merged run is the whole run
        total.accounts = accounts.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }.map { accounts[$0]! }
        total.daily = daily.keys.sorted().map { daily[$0]! }
        return total
    }
}
