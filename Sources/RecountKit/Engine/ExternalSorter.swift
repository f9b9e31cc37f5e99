import Foundation

/// A spill file could not be written or read (a full disk, an unwritable directory).
public struct SpillError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): cannot write temporary sort data: \(reason)" }
}

/// Sorts records too many to hold in memory: (key, payload) pairs are buffered up to a byte
/// budget, sorted by key bytes, and written out as a sorted run; `finish()` merges the runs.
///
/// Why: a day of logs does not fit in a fixed amount of memory, but the reports want it in
/// orders the logs are not in (by request id to meet the ledger, by time for the tables).
/// Memory is the budget plus one read buffer per run, whatever the day's size.
///
/// Run files are unlinked as soon as they are created and read back through the open
/// descriptor, so a run killed by any signal — even SIGKILL — leaves nothing behind.
/// Records with equal keys come back in the order they were added.
final class ExternalSorter {
    let directory: String
    let budget: Int
    private var arena: [UInt8] = []
    private var entries: [Entry] = []
    /// Open run files and their sizes.
    private var runs: [(descriptor: Int32, size: Int)] = []
    private static let counter = Counter()
    /// At most this many runs are open at once; more are merged into one first, so a tiny
    /// budget over a huge input costs extra passes, not thousands of descriptors and buffers.
    static let maxFanIn = 64

    struct Entry {
        var start: Int
        var keyLength: Int32
        var payloadLength: Int32
    }

    init(directory: String, budget: Int) {
        self.directory = directory
        self.budget = max(budget, 1)
    }

    deinit { for run in runs { close(run.descriptor) } }

    /// Records added so far that went to disk, for tests of the spilling path.
    private(set) var spilledRuns = 0

    func add(key: [UInt8], payload: [UInt8]) throws(SpillError) {
        reserveArena()
        entries.append(Entry(start: arena.count, keyLength: Int32(key.count), payloadLength: Int32(payload.count)))
        arena += key
        arena += payload
        try spillIfFull()
    }

    /// The whole budget at once (address space; pages are touched as they fill): growing from
    /// empty would copy the arena at every doubling.
    private func reserveArena() {
        if arena.capacity == 0 { arena.reserveCapacity(min(budget, 1 << 30)) }
    }

    private func spillIfFull() throws(SpillError) {
        if arena.count + entries.count * MemoryLayout<Entry>.stride >= budget { try spill() }
    }

    /// Adds a record whose key is the first `keyLength` bytes of `entry` and whose payload is
    /// the rest of `entry` followed by `trailer`. With `keyTail`, the key's last eight bytes are
    /// that value, big-endian, whatever `entry` holds there (a field only the caller's thread
    /// knows, filled in without a copy of the entry).
    func add(entry: [UInt8], keyLength: Int, keyTail: UInt64? = nil, trailer: [UInt8]) throws(SpillError) {
        reserveArena()
        let start = arena.count
        entries.append(
            Entry(
                start: start, keyLength: Int32(keyLength), payloadLength: Int32(entry.count - keyLength + trailer.count)
            ))
        arena += entry
        if let keyTail {
            precondition(keyLength >= 8, "a key tail needs an eight-byte key")
            withUnsafeBytes(of: keyTail.bigEndian) { tail in
                for index in 0..<8 { arena[start + keyLength - 8 + index] = tail[index] }
            }
        }
        arena += trailer
        try spillIfFull()
    }

    private func sortedEntries() -> [Entry] {
        arena.withUnsafeBufferPointer { base in
            entries.sorted { a, b in
                let order = Self.compare(base, a, b)
                return order != 0 ? order < 0 : a.start < b.start
            }
        }
    }

    private static func compare(_ base: UnsafeBufferPointer<UInt8>, _ a: Entry, _ b: Entry) -> Int32 {
        let common = Int(min(a.keyLength, b.keyLength))
        let order = memcmp(base.baseAddress! + a.start, base.baseAddress! + b.start, common)
        if order != 0 { return order }
        return a.keyLength - b.keyLength
    }

    private func spill() throws(SpillError) {
        guard !entries.isEmpty else { return }
        let sorted = sortedEntries()
        // Straight from the arena: no array per record, and the arena keeps its buffer for
        // the next run (a copy of it alive here would make `removeAll` allocate a new one).
        try arena.withUnsafeBufferPointer { (base) throws(SpillError) in
            try writeRun { (writer) throws(SpillError) in
                for entry in sorted {
                    let keyEnd = entry.start + Int(entry.keyLength)
                    try writer.append(
                        key: UnsafeBufferPointer(rebasing: base[entry.start..<keyEnd]),
                        payload: UnsafeBufferPointer(rebasing: base[keyEnd..<(keyEnd + Int(entry.payloadLength))]))
                }
            }
        }
        spilledRuns += 1
        arena.removeAll(keepingCapacity: true)
        entries.removeAll(keepingCapacity: true)
        if runs.count >= Self.maxFanIn {
            let merged = try SortedRecords(runs: takeReaders())
            try writeRun { (writer) throws(SpillError) in
                while let record = try merged.next() {
                    try record.key.withUnsafeBufferPointer { (key) throws(SpillError) in
                        try record.payload.withUnsafeBufferPointer { (payload) throws(SpillError) in
                            try writer.append(key: key, payload: payload)
                        }
                    }
                }
            }
        }
    }

    /// Writes records, in the order `write` appends them, to a new unlinked run file.
    private func writeRun(_ write: (inout RunWriter) throws(SpillError) -> Void) throws(SpillError) {
        let path = directory + "/.recount-spill-\(Self.counter.next()).tmp-\(getpid())"
        let descriptor = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw SpillError(path: path, reason: String(cString: strerror(errno))) }
        unlink(path)
        var writer = RunWriter(descriptor: descriptor, path: path)
        do {
            try write(&writer)
            try writer.flush()
        } catch {
            close(descriptor)
            throw error
        }
        runs.append((descriptor, writer.written))
    }

    private func takeReaders() -> [RunReader] {
        defer { runs = [] }
        return runs.map { RunReader(descriptor: $0.descriptor, path: directory, start: 0, end: $0.size) }
    }

    /// Every record added, in key order. The sorter is spent afterwards.
    func finish() throws(SpillError) -> SortedRecords {
        if runs.isEmpty {
            let sorted = sortedEntries()
            let stream = SortedRecords(memory: (arena, sorted))
            arena = []
            entries = []
            return stream
        }
        try spill()
        arena = []
        entries = []
        return try SortedRecords(runs: takeReaders())
    }

    final class Counter: @unchecked Sendable {
        private let lock = NSLock()
        private var value = 0
        func next() -> Int {
            lock.lock()
            defer { lock.unlock() }
            value += 1
            return value
        }
    }
}
