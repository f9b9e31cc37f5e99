import Dispatch
import Foundation

/// The run's worker threads: `map` spreads pure work over `jobs` threads, `start` does it in
/// the background so the calling thread can do the sequential part of the previous batch
/// meanwhile. Results always come back in index order, so nothing downstream depends on
/// `jobs` or on timing.
struct Workers: Sendable {
    let jobs: Int

    /// Starts `work` over `0 ..< count`: inline with one job, in the background with more.
    func start<Output: Sendable>(
        count: Int, sequences: [Int] = [], bytesRead: Int = 0,
        _ work: @escaping @Sendable (Int) -> Output
    ) -> PendingBatch<Output> {
        let pending = PendingBatch<Output>(sequences: sequences, bytesRead: bytesRead)
        if jobs <= 1 {
            pending.results = (0..<count).map(work)
            pending.done.signal()
        } else {
            DispatchQueue.global().async {
                pending.results = self.map(count, work)
                pending.done.signal()
            }
        }
        return pending
    }

    /// Starts `work` over `0 ..< count` and then `reduce` over the results, both off this
    /// thread when there is more than one job; the batch's one result is `reduce`'s.
    func start<Output: Sendable, Reduced: Sendable>(
        count: Int, _ work: @escaping @Sendable (Int) -> Output,
        reduce: @escaping @Sendable ([Output]) -> Reduced
    ) -> PendingBatch<Reduced> {
        let pending = PendingBatch<Reduced>(sequences: [], bytesRead: 0)
        if jobs <= 1 {
            pending.results = [reduce((0..<count).map(work))]
            pending.done.signal()
        } else {
            DispatchQueue.global().async {
                pending.results = [reduce(self.map(count, work))]
                pending.done.signal()
            }
        }
        return pending
    }

    /// `work` over `0 ..< count` on `jobs` threads; results in index order.
    func map<Output: Sendable>(_ count: Int, _ work: @Sendable (Int) -> Output) -> [Output] {
        let threads = max(1, min(jobs, count))
        if threads == 1 { return (0..<count).map(work) }
        // Items are handed out in small strides from a shared counter, so a worker that drew
        // long prompts does not leave the other idle at the end of the batch.
        let slots = ResultSlots<Output>(count: count)
        let next = ManagedAtomicIndex()
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let start = next.take(16)
                guard start < count else { break }
                for index in start..<min(count, start + 16) { slots.set(index, work(index)) }
            }
        }
        return slots.values()
    }
}

/// A batch being worked on: `results` may be read once `done` is signalled.
final class PendingBatch<Output: Sendable>: @unchecked Sendable {
    let done = DispatchSemaphore(value: 0)
    var results: [Output] = []
    /// For log batches: each line's place in the run, and the bytes read when it was cut.
    let sequences: [Int]
    let bytesRead: Int
    init(sequences: [Int], bytesRead: Int) {
        self.sequences = sequences
        self.bytesRead = bytesRead
    }

    /// Waits for the batch and hands over its results: the batch keeps no reference to them.
    func takeAll() -> [Output] {
        done.wait()
        let taken = results
        results = []
        return taken
    }
}

/// A shared counter for handing out work (a lock is plenty at one call per 16 items).
final class ManagedAtomicIndex: @unchecked Sendable {
    private let lock = NSLock()
    private var value = 0
    func take(_ count: Int) -> Int {
        lock.lock()
        defer { lock.unlock() }
        let start = value
        value += count
        return start
    }
}

/// Per-index result slots for the parallel map: disjoint writes, read after the join.
/// (A raw buffer, not an Array property: concurrent `modify` accesses to one Array would trip
/// exclusivity checking even though the elements are disjoint.)
final class ResultSlots<Output: Sendable>: @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Output?>
    private let count: Int
    private var taken = false
    init(count: Int) {
        self.count = count
        storage = .allocate(capacity: count)
        storage.initialize(repeating: nil, count: count)
    }
    deinit {
        if !taken { storage.deinitialize(count: count) }
        storage.deallocate()
    }
    func set(_ index: Int, _ value: Output) { storage[index] = value }
    /// The results, moved out (a copy would retain, and the slots' deinit release, every
    /// reference in every result: a batch of records holds tens of thousands). Called once.
    func values() -> [Output] {
        precondition(!taken, "results are taken once")
        taken = true
        return (0..<count).map { (storage + $0).move()! }
    }
}
