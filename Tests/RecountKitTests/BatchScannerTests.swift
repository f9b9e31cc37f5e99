import Testing

@testable import RecountKit

/// The engine's batch loop: every item scanned once, in order, in batches that respect both
/// limits, whether the batches overlap the scan or not, across several sources.
@Suite struct BatchScannerTests {
    @Test(arguments: [false, true])
    func everyItemOnceInOrderWithinTheLimits(overlaps: Bool) throws {
        // Three sources; sizes 0–9 (so the byte limit cuts some batches before the item limit).
        let sources: [[Int]] = [Array(0..<1000), [], Array(1000..<1037)]
        let size = { (item: Int) in item * 7 % 10 }
        var scanner = BatchScanner<Int>(itemsMax: 16, bytesMax: 60, overlaps: overlaps)
        var scanned: [Int] = []
        var batchSizes: [(items: Int, bytes: Int)] = []
        let workers = Workers(jobs: overlaps ? 2 : 1)
        func scan(_ pending: PendingBatch<Int>) { scanned += pending.takeAll() }
        for source in sources {
            var iterator = source.makeIterator()
            scanner.scan(
                next: { iterator.next() }, bytes: size,
                start: { batch in
                    batchSizes.append((batch.count, batch.map(size).reduce(0, +)))
                    return workers.start(count: batch.count) { batch[$0] * 2 }
                }, scan: scan)
        }
        scanner.finish(scan: scan)
        #expect(scanned == sources.joined().map { $0 * 2 })
        for batch in batchSizes {
            #expect(batch.items >= 1 && batch.items <= 16)
            // A batch ends at the item that reaches the byte limit: at most one item (< 10 bytes) past it.
            #expect(batch.bytes < 60 + 10)
        }
        // 1,000 items of 4.5 bytes on average: the byte limit (60) cuts batches before 16 items.
        #expect(batchSizes.count > 1000 / 16 + 1)
    }
}
