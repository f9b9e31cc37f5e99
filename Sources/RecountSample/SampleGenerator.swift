import Dispatch
import Foundation
import RecountKit
import Synchronization

/// What `recount sample` is asked for.
public struct SampleOptions: Sendable {
    public var records: Int
    public var seed: UInt64
    /// Worker threads; the files are identical for any value.
    public var jobs: Int
    public var directory: String
    public var profile: SampleProfile

    public init(records: Int, seed: UInt64 = 1, jobs: Int = 1, directory: String, profile: SampleProfile = .classic) {
        self.profile = profile
        self.records = records
        self.seed = seed
        self.jobs = jobs
        self.directory = directory
    }
}

/// `recount sample`: writes a realistic generated relay day that `recount reconcile DIR`
/// consumes as it is — `pricing.json`, `debits.jsonl`, four six-hour logs (`*.jsonl`, name
/// order = time order) and `sample.json` (what reconcile must find).
///
/// Stages: build the shared `SampleDay` (catalog, accounts, showcase slots) → for each
/// six-hour file, generate slots in batches on `jobs` threads → append each batch in index
/// order to the log and the ledger → rename the files into place → write `sample.json` last.
/// Batches keep memory bounded (a few MB per thread) whatever `records` is; index order keeps
/// the bytes independent of `jobs`.
public enum SampleGenerator {
    /// Slots generated per batch and thread; large enough to amortise the hand-off, small
    /// enough to keep a batch's lines in a few MB.
    static let slotsPerBatchAndThread = 2048

    public static let logFileNames = (0..<4).map {
        "\(SampleCatalog.dayText).\(String($0 * 6).leftPadded(to: 2))-\(String($0 * 6 + 6).leftPadded(to: 2)).jsonl"
    }

    public static func generate(_ options: SampleOptions) throws(SampleError) -> SampleTally {
        precondition(options.records > 0, "records must be positive")
        let directory = options.directory
        do { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true) } catch {
            throw .cannotCreate(path: directory, reason: "\(error.localizedDescription)")
        }
        let day = SampleDay(seed: options.seed, records: options.records, profile: options.profile)
        var tally = SampleTally(records: options.records, seed: options.seed)
        let path = { (name: String) in directory.hasSuffix("/") ? directory + name : directory + "/" + name }

        let pricing = try SampleFileWriter(path: path("pricing.json"))
        try pricing.append(text: SampleCatalog.text)
        try pricing.finish()
        tally.files.append(.init(name: "pricing.json", bytes: pricing.bytes, lines: 0))

        let ledger = try SampleFileWriter(path: path("debits.jsonl"))
        let jobs = max(1, options.jobs)
        for (file, name) in logFileNames.enumerated() {
            let log = try SampleFileWriter(path: path(name))
            var index = firstSlot(at: Int64(file) * 6 * 3_600_000, day: day)
            let end = firstSlot(at: Int64(file + 1) * 6 * 3_600_000, day: day)
            while index < end {
                let batchEnd = min(end, index + slotsPerBatchAndThread * jobs)
                for slot in slots(index..<batchEnd, day: day, jobs: jobs) {
                    for broken in slot.broken {
                        let (writer, kind) = broken.ledger ? (ledger, "debit") : (log, "log")
                        let fileName = broken.ledger ? "debits.jsonl" : name
                        tally.rejects.append(
                            .init(
                                file: fileName, line: writer.lines + broken.position + 1, kind: kind,
                                why: broken.kind.rawValue))
                    }
                    for line in slot.logLines { try log.append(line: line) }
                    for line in slot.debitLines { try ledger.append(line: line) }
                    tally.count(slot)
                }
                index = batchEnd
            }
            try log.finish()
            tally.files.append(.init(name: name, bytes: log.bytes, lines: log.lines))
        }
        try ledger.finish()
        tally.files.insert(.init(name: "debits.jsonl", bytes: ledger.bytes, lines: ledger.lines), at: 1)

        if options.profile == .realistic {
            tally.gateway = try SampleGateway.generate(
                records: options.records, seed: options.seed, population: day.population,
                directory: directory)
        }
        let manifest = try SampleFileWriter(path: path("sample.json"))
        try manifest.append(text: tally.manifest())
        try manifest.finish()
        return tally
    }

    /// The first slot starting at or after `milliseconds` (slot times never decrease).
    static func firstSlot(at milliseconds: Int64, day: SampleDay) -> Int {
        var low = 0
        var high = day.records
        while low < high {
            let middle = (low + high) / 2
            if day.milliseconds(ofSlot: middle) < milliseconds { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// The slots of `range`, in index order, generated on up to `jobs` threads.
    ///
    /// Workers claim runs of 16 slots from one atomic cursor (slots differ in cost by 100×:
    /// an image request vs a 5,000-token document) and store each slot in its own cell, so
    /// no cell has two writers and the order is the index order by construction.
    static func slots(_ range: Range<Int>, day: SampleDay, jobs: Int) -> [SampleSlot] {
        guard jobs > 1, range.count > 16 else { return range.map { SampleSlot.generate(index: $0, day: day) } }
        let cells = SlotCells(count: range.count)
        let cursor = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: jobs) { _ in
            while true {
                let start = cursor.wrappingAdd(16, ordering: .relaxed).oldValue
                guard start < range.count else { break }
                for offset in start..<min(start + 16, range.count) {
                    cells.store(SampleSlot.generate(index: range.lowerBound + offset, day: day), at: offset)
                }
            }
        }
        return cells.take()
    }
}

/// One cell per slot of a batch, each written by exactly one worker (the one that claimed
/// it) and read only after `concurrentPerform` returns.
private final class SlotCells: @unchecked Sendable {
    private let cells: UnsafeMutableBufferPointer<SampleSlot?>

    init(count: Int) {
        cells = .allocate(capacity: count)
        cells.initialize(repeating: nil)
    }

    deinit {
        cells.deinitialize()
        cells.deallocate()
    }

    func store(_ slot: SampleSlot, at index: Int) { cells[index] = slot }

    func take() -> [SampleSlot] { cells.map { $0! } }
}

extension SampleGenerator {
    /// Files of `directory` that an earlier `recount sample` did not write (nil when the
    /// directory does not exist). A directory holding `sample.json` and only sample files is
    /// an earlier sample, safe to replace.
    public static func foreignFiles(in directory: String) -> [String]? {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return nil }
        let visible = names.filter { !$0.hasPrefix(".") }.sorted()
        guard visible.contains("sample.json") else { return visible }
        let own = Set(["sample.json", "pricing.json", "debits.jsonl", "gateway"] + SampleGenerator.logFileNames)
        return visible.filter { !own.contains($0) }
    }
}
