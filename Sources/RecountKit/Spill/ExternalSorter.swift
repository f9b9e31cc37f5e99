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
        entries.append(Entry(start: start, keyLength: Int32(keyLength), payloadLength: Int32(entry.count - keyLength + trailer.count)))
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
                    try writer.append(key: UnsafeBufferPointer(rebasing: base[entry.start..<keyEnd]),
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

/// One sorted record as it comes back.
public struct SortedRecord: Sendable {
    public var key: [UInt8]
    public var payload: [UInt8]
}

/// The merged, key-ordered stream of an `ExternalSorter`.
public final class SortedRecords {
    private var memory: (arena: [UInt8], entries: [ExternalSorter.Entry])?
    private var memoryIndex = 0
    private var readers: [RunReader] = []
    /// Min-heap of reader indices by their current record's key (ties: lower run first, which
    /// holds earlier-added records).
    private var heap: [Int] = []
    private var heads: [SortedRecord?] = []

    init(memory: ([UInt8], [ExternalSorter.Entry])) { self.memory = memory }

    init(runs: [RunReader]) throws(SpillError) {
        readers = runs
        heads = []
        for reader in readers { heads.append(try reader.next()) }
        for index in heads.indices {
            if heads[index] != nil { push(index) } else { readers[index].close() }
        }
    }

    /// Descriptors of runs not read to the end (an error, or an early stop) are closed here.
    deinit { for index in heap { readers[index].close() } }

    public func next() throws(SpillError) -> SortedRecord? {
        if let memory {
            guard memoryIndex < memory.entries.count else { return nil }
            let entry = memory.entries[memoryIndex]
            memoryIndex += 1
            let keyEnd = entry.start + Int(entry.keyLength)
            return SortedRecord(key: Array(memory.arena[entry.start..<keyEnd]),
                                payload: Array(memory.arena[keyEnd..<(keyEnd + Int(entry.payloadLength))]))
        }
        guard let top = heap.first else { return nil }
        let record = heads[top]!
        heads[top] = try readers[top].next()
        if heads[top] == nil {
            heap[0] = heap[heap.count - 1]
            heap.removeLast()
            readers[top].close()
        }
        if !heap.isEmpty { siftDown(0) }
        return record
    }

    /// The next record without an array of its own: its key replaces `key`'s contents and its
    /// payload is appended to `payload`. False at the end.
    public func next(key: inout [UInt8], appendingPayloadTo payload: inout [UInt8]) throws(SpillError) -> Bool {
        if let memory {
            guard memoryIndex < memory.entries.count else { return false }
            let entry = memory.entries[memoryIndex]
            memoryIndex += 1
            let keyEnd = entry.start + Int(entry.keyLength)
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: memory.arena[entry.start..<keyEnd])
            payload.append(contentsOf: memory.arena[keyEnd..<(keyEnd + Int(entry.payloadLength))])
            return true
        }
        guard let record = try next() else { return false }
        key.removeAll(keepingCapacity: true)
        key.append(contentsOf: record.key)
        payload.append(contentsOf: record.payload)
        return true
    }

    private func less(_ a: Int, _ b: Int) -> Bool {
        let order = Self.compare(heads[a]!.key, heads[b]!.key)
        return order != 0 ? order < 0 : a < b
    }

    /// Byte order of two keys (memcmp, then the shorter first): the order `ExternalSorter` sorts by.
    static func compare(_ x: [UInt8], _ y: [UInt8]) -> Int {
        x.withUnsafeBufferPointer { x in
            y.withUnsafeBufferPointer { y in
                let common = min(x.count, y.count)
                let order = common == 0 ? 0 : memcmp(x.baseAddress!, y.baseAddress!, common)
                return order != 0 ? Int(order) : x.count - y.count
            }
        }
    }

    private func push(_ index: Int) {
        heap.append(index)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard less(heap[child], heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    private func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1, right = left + 1
            var smallest = parent
            if left < heap.count, less(heap[left], heap[smallest]) { smallest = left }
            if right < heap.count, less(heap[right], heap[smallest]) { smallest = right }
            if smallest == parent { return }
            heap.swapAt(parent, smallest)
            parent = smallest
        }
    }
}

/// Buffered writes of `[varint key length][key][varint payload length][payload]`.
struct RunWriter {
    let descriptor: Int32
    let path: String
    var buffer: [UInt8] = []
    /// Bytes handed to the file so far (flushed or not).
    private(set) var written = 0

    init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
        buffer.reserveCapacity(1 << 20)
    }

    mutating func append(key: UnsafeBufferPointer<UInt8>, payload: UnsafeBufferPointer<UInt8>) throws(SpillError) {
        let before = buffer.count
        appendVarint(key.count)
        buffer.append(contentsOf: key)
        appendVarint(payload.count)
        buffer.append(contentsOf: payload)
        written += buffer.count - before
        if buffer.count >= 1 << 20 { try flush() }
    }

    /// The same varint as `SpillEncoder.uint`.
    private mutating func appendVarint(_ value: Int) {
        var value = UInt64(value)
        while value >= 0x80 {
            buffer.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        buffer.append(UInt8(value))
    }

    mutating func flush() throws(SpillError) {
        var offset = 0
        while offset < buffer.count {
            let done = buffer.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            if done < 0 {
                if errno == EINTR { continue }
                throw SpillError(path: path, reason: String(cString: strerror(errno)))
            }
            offset += done
        }
        buffer.removeAll(keepingCapacity: true)
    }
}

/// Reads one sorted run (or one section of a shard state file) back through a 64 KiB buffer —
/// small, because a merge holds one per run.
final class RunReader {
    static let chunkBytes = 1 << 16
    let descriptor: Int32
    let path: String
    private var buffer: [UInt8] = []
    private var position = 0
    private var exhausted = false
    /// The next byte to read from the file, and where this run ends.
    private var fileOffset: Int
    private let end: Int

    private var closed = false

    func close() {
        guard !closed else { return }
        closed = true
        Foundation.close(descriptor)
    }

    init(descriptor: Int32, path: String, start: Int = 0, end: Int = .max) {
        self.descriptor = descriptor
        self.path = path
        fileOffset = start
        self.end = end
        buffer.reserveCapacity(2 * Self.chunkBytes)
    }

    /// Makes at least `count` bytes available from `position`; false at a clean end of file.
    private func fill(_ count: Int) throws(SpillError) -> Bool {
        while buffer.count - position < count {
            if exhausted { return false }
            if position > 0 {
                buffer.removeFirst(position)
                position = 0
            }
            let chunk = min(max(Self.chunkBytes, count), end - fileOffset)
            if chunk <= 0 {
                exhausted = true
                continue
            }
            let oldCount = buffer.count
            buffer += repeatElement(0, count: chunk)
            let offset = fileOffset
            let got = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress! + oldCount, chunk, off_t(offset)) }
            if got < 0 {
                buffer.removeLast(chunk)
                if errno == EINTR { continue }
                throw SpillError(path: path, reason: String(cString: strerror(errno)))
            }
            buffer.removeLast(chunk - got)
            fileOffset += got
            if got == 0 { exhausted = true }
        }
        return true
    }

    private func varint() throws(SpillError) -> Int? {
        var value = 0
        var shift = 0
        while true {
            guard try fill(1) else {
                if shift == 0 { return nil }
                throw SpillError(path: path, reason: "sorted run ends inside a record")
            }
            let byte = buffer[position]
            position += 1
            value |= Int(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
            guard shift < 63 else { throw SpillError(path: path, reason: "sorted run is damaged") }
        }
    }

    private func bytes(_ count: Int) throws(SpillError) -> [UInt8] {
        guard try fill(count) else { throw SpillError(path: path, reason: "sorted run ends inside a record") }
        defer { position += count }
        return Array(buffer[position..<(position + count)])
    }

    func next() throws(SpillError) -> SortedRecord? {
        guard let keyLength = try varint() else { return nil }
        let key = try bytes(keyLength)
        guard let payloadLength = try varint() else { throw SpillError(path: path, reason: "sorted run ends inside a record") }
        return SortedRecord(key: key, payload: try bytes(payloadLength))
    }
}
