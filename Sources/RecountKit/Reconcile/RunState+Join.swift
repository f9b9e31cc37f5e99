/// The join, in request id order: the engine's `GroupedJoin` reads the sort and hands chunks
/// of ids to the workers (`GroupJoiner`'s rules); their effects land here, in id order.
extension RunState: GroupJoinTarget {
    /// Joins everything set aside, in id order (`GroupedJoin`): the result is the
    /// one-id-at-a-time join's whatever `jobs` is.
    mutating func join(_ records: SortedRecords) throws(ReconcileError) {
        try GroupedJoin(rules: joiner, workers: Workers(jobs: options.jobs)).run(records, into: &self)
    }

    /// A chunk's effects, in id order: its rejects and deliveries to the sink, then its sums;
    /// stops at the chunk's error.
    ///
    /// A chunk's sums are merged whole. Exact sums do not depend on the grouping; only a sum
    /// that overflows exact arithmetic (beyond about 10^38 units) can be found at a different
    /// request than one at a time would, and is reported as "the run's totals".
    mutating func apply(_ chunk: ChunkEffects) throws(ReconcileError) {
        for effects in chunk.groups {
            for item in effects.items {
                switch item {
                case .reject(let reject, let order): try addReject(reject, order: order)
                case .rendered(let rendered): try sink.rendered(rendered)
                case .outcome(let outcome): try deliver(outcome)
                case .request, .orphan:
                    preconditionFailure("a chunk's requests are added up before it is applied")
                }
            }
        }
        do { try totals.merge(chunk.totals) } catch {
            throw .arithmetic(error, at: "the run's totals (request ids up to \(chunk.lastRequestID ?? "the first"))")
        }
        if let failure = chunk.failure { throw failure }
    }

    /// One entry of a large id, applied at once.
    mutating func stream(
        _ bytes: [UInt8], _ range: Range<Int>, into cursor: inout GroupCursor,
        rules joiner: GroupJoiner
    ) throws(ReconcileError) {
        let entry: RequestGroup.Entry?
        do { entry = try cursor.decode(bytes, range) } catch { throw joiner.damaged(error) }
        if let entry { try joiner.step(&cursor, entry, into: &self) }
    }

    mutating func finish(_ cursor: inout GroupCursor, rules joiner: GroupJoiner) throws(ReconcileError) {
        try joiner.finish(&cursor, into: &self)
    }

    /// A whole group at once (`explain`): the same steps as the join.
    mutating func process(_ group: RequestGroup) throws(ReconcileError) {
        let joiner = self.joiner
        var cursor = GroupCursor(knownFiles: joiner.knownFiles)
        cursor.debits = group.debits
        for entry in group.entries { try joiner.step(&cursor, entry, into: &self) }
        try joiner.finish(&cursor, into: &self)
    }
}
