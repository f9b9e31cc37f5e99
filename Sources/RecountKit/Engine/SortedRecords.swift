import Foundation

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
            return SortedRecord(
                key: Array(memory.arena[entry.start..<keyEnd]),
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
