/// The batch loop, written once: items are read here a batch at a time (up to `itemsMax`
/// items or `bytesMax` bytes, so days of long lines stay in bounded memory), each batch is
/// started on the workers, and the batch before it is scanned here, in order, while they work.
///
/// With `overlaps` off (one job), each batch is scanned as soon as it is started; with it on,
/// batch N+1 is worked on while this thread scans batch N and reads N+2's items — the
/// sequential work overlaps the parallel work. A batch still in flight after one source stays
/// in flight for the next; `finish` scans it.
struct BatchScanner<Output: Sendable> {
    let itemsMax: Int
    let bytesMax: Int
    let overlaps: Bool
    private var inFlight: PendingBatch<Output>?

    init(itemsMax: Int, bytesMax: Int, overlaps: Bool) {
        self.itemsMax = itemsMax
        self.bytesMax = bytesMax
        self.overlaps = overlaps
    }

    /// Reads `next` to its end, a batch at a time.
    mutating func scan<Item, Failure: Error>(
        next: () throws(Failure) -> Item?, bytes: (Item) -> Int, start: ([Item]) -> PendingBatch<Output>,
        scan: (PendingBatch<Output>) throws(Failure) -> Void
    ) throws(Failure) {
        var batch: [Item] = []
        var batchBytes = 0
        while true {
            let item = try next()
            if let item {
                batchBytes += bytes(item)
                batch.append(item)
            }
            if batch.count == itemsMax || batchBytes >= bytesMax || (item == nil && !batch.isEmpty) {
                let pending = start(batch)
                if let previous = inFlight { try scan(previous) }
                inFlight = pending
                if !overlaps {
                    try scan(pending)
                    inFlight = nil
                }
                batch.removeAll(keepingCapacity: true)
                batchBytes = 0
            }
            if item == nil { break }
        }
    }

    /// Scans the batch still in flight, if any.
    mutating func finish<Failure: Error>(scan: (PendingBatch<Output>) throws(Failure) -> Void) throws(Failure) {
        if let last = inFlight { try scan(last) }
        inFlight = nil
    }
}
