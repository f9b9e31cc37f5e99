import Dispatch
import Foundation

extension Encoding {
    /// Counts many texts, spread over every active core; results are in input order.
    public func countBatch(_ texts: [String], specials: SpecialTokenPolicy = .ordinary) -> [Int] {
        countBatch(texts, specials: specials, threads: ProcessInfo.processInfo.activeProcessorCount)
    }

    /// Counts many texts on up to `threads` threads; results are in input order.
    ///
    /// The texts are cut into `threads` contiguous runs of about equal UTF-8 size; each worker
    /// counts its own run into its own slice of the result, so workers share nothing mutable and
    /// the output order is the input order by construction.
    public func countBatch(_ texts: [String], specials: SpecialTokenPolicy = .ordinary, threads: Int) -> [Int] {
        let workers = max(1, min(threads, texts.count))
        guard workers > 1 else { return texts.map { count($0, specials: specials) } }
        let bounds = Self.balancedBounds(texts.map(\.utf8.count), parts: workers)
        var results = [Int](repeating: 0, count: texts.count)
        results.withUnsafeMutableBufferPointer { output in
            let output = UnsafeSendableBuffer(buffer: output)
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in bounds[worker]..<bounds[worker + 1] {
                    output.buffer[index] = count(texts[index], specials: specials)
                }
            }
        }
        return results
    }

    /// `parts + 1` ascending indices cutting `sizes` into runs of about equal total size.
    static func balancedBounds(_ sizes: [Int], parts: Int) -> [Int] {
        let total = max(1, sizes.reduce(0, +))
        var bounds = [0]
        var sum = 0
        for (index, size) in sizes.enumerated() {
            sum += size
            // Close run k once its share of the total is reached (never leaving a run empty of
            // indices when there are enough texts).
            while bounds.count < parts, sum * parts >= total * bounds.count,
                  index + 1 > bounds.last!, sizes.count - (index + 1) >= parts - bounds.count {
                bounds.append(index + 1)
            }
        }
        while bounds.count < parts { bounds.append(sizes.count) }
        bounds.append(sizes.count)
        return bounds
    }
}

/// Disjoint-index writes from `concurrentPerform` workers: each index is written by exactly one
/// worker, and the buffer outlives the `concurrentPerform` call that uses it.
private struct UnsafeSendableBuffer: @unchecked Sendable {
    let buffer: UnsafeMutableBufferPointer<Int>
}
