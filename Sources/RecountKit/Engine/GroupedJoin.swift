/// The domain's rules for a grouped join: how one group of entries that share a key prefix
/// (one request id) is worked out whole on a worker, and how a chunk of such groups is added
/// up there too. The engine knows nothing of what the entries mean.
protocol GroupJoinRules: Sendable {
    /// The state within one group, when a group too large for a chunk is streamed.
    associatedtype Cursor
    /// One group worked out on a worker.
    associatedtype GroupResult: Sendable
    /// A chunk of groups, worked out and reduced on a worker; applied in key order.
    associatedtype ChunkResult: Sendable
    associatedtype Failure: Error

    /// Group `group` of `chunk`, whole (on a worker).
    func work(_ chunk: JoinChunk, group: Int) -> GroupResult
    /// A chunk's groups, in key order (on the same worker).
    func reduce(_ groups: [GroupResult]) -> ChunkResult
    /// A fresh cursor for a streamed group.
    func cursor() -> Cursor
    /// The error a failed read of the sort becomes.
    func failure(reading error: SpillError) -> Failure
}

/// Where a grouped join's results land, on the thread that reads the sort, in key order.
protocol GroupJoinTarget {
    associatedtype Rules: GroupJoinRules
    /// A chunk's results, worked out on the workers.
    mutating func apply(_ chunk: Rules.ChunkResult) throws(Rules.Failure)
    /// One entry of a streamed (large) group: the payload at `range` of `bytes`.
    mutating func stream(
        _ bytes: [UInt8], _ range: Range<Int>, into cursor: inout Rules.Cursor, rules: Rules) throws(Rules.Failure)
    /// The end of a streamed group.
    mutating func finish(_ cursor: inout Rules.Cursor, rules: Rules) throws(Rules.Failure)
}

/// Joins everything set aside in a sort keyed by `JoinKey`, one group (key prefix) at a time,
/// in key order.
///
/// Groups are read from the sort on this thread and worked out in chunks on the workers
/// (`Rules.work`, then `Rules.reduce`) while this thread applies the previous chunk, in key
/// order — so the result is the one-group-at-a-time join's whatever `jobs` is. A group too
/// large for a chunk is streamed here, once everything before it is applied. A failed read of
/// the sort is raised after the groups read before it are applied (an error those raise comes
/// first, as it would one group at a time).
struct GroupedJoin<Rules: GroupJoinRules> {
    let rules: Rules
    let workers: Workers

    /// A group with more entries or bytes than this is joined one entry at a time on this
    /// thread (a request id repeated on a million lines costs no memory); smaller ones go to
    /// the workers.
    static var groupEntriesMax: Int { 256 }
    static var groupBytesMax: Int { 1 << 20 }
    /// Groups handed to the workers at once (or fewer, when their entries reach `chunkBytes`).
    /// 1,024 keeps the join's peak memory below the log scan's (4,096 cost 20–40 MB more at
    /// 1M records, at the same speed).
    static var chunkGroups: Int { 1024 }
    static var chunkBytes: Int { 16 << 20 }

    func run<Target: GroupJoinTarget>(_ records: SortedRecords, into target: inout Target) throws(Rules.Failure)
    where Target.Rules == Rules {
        var reader = Reader(records: records, rules: rules)
        var inFlight: PendingBatch<Rules.ChunkResult>?
        var pending = reader.next()
        while pending {
            let groupStart = reader.chunk.payloadEnds.count
            let large = reader.readGroup(pending: &pending)
            if reader.failure != nil { break }  // the group may be incomplete: it is not joined
            if !large {
                reader.chunk.groupEnds.append(reader.chunk.payloadEnds.count)
                guard
                    reader.chunk.groupEnds.count >= Self.chunkGroups || reader.chunk.endOfPayloads >= Self.chunkBytes
                else {
                    continue
                }
                try dispatch(&reader.chunk, after: &inFlight, into: &target)
                continue
            }
            try streamLargeGroup(&reader, from: groupStart, pending: &pending, after: &inFlight, into: &target)
            if reader.failure != nil { break }
        }
        if !reader.chunk.groupEnds.isEmpty {
            try dispatch(&reader.chunk, after: &inFlight, into: &target)
        }
        if let last = inFlight { try target.apply(last.takeAll()[0]) }
        if let failure = reader.failure { throw failure }
    }

    /// The sort as the join reads it: the record read last (its key here, its payload at the
    /// end of `chunk`), the id of the group being read, and the first failed read.
    struct Reader {
        let records: SortedRecords
        let rules: Rules
        var key: [UInt8] = []
        var idKey: [UInt8] = []
        var chunk = JoinChunk()
        var failure: Rules.Failure?

        /// Reads the next record; false at the end of the sort or once a read has failed.
        @inline(__always)
        mutating func next() -> Bool {
            guard failure == nil else { return false }
            do { return try records.next(key: &key, appendingPayloadTo: &chunk.bytes) } catch {
                failure = rules.failure(reading: error)
                return false
            }
        }

        /// Whether the record read last has the group's id.
        var sameID: Bool {
            key.count - JoinKey.suffixLength == idKey.count && key.starts(with: idKey)
        }

        /// Reads into `chunk` the group the record read last starts. True when the group grows
        /// too large for a chunk: its entries so far are in `chunk`, and the record read last
        /// (when `pending`) is its next entry.
        @inline(__always)
        mutating func readGroup(pending: inout Bool) -> Bool {
            idKey.removeAll(keepingCapacity: true)
            idKey.append(contentsOf: key[..<(key.count - JoinKey.suffixLength)])
            let groupStart = chunk.payloadEnds.count
            let groupStartByte = chunk.endOfPayloads
            chunk.payloadEnds.append(chunk.bytes.count)
            pending = next()
            while pending, sameID {
                if chunk.payloadEnds.count - groupStart >= GroupedJoin.groupEntriesMax
                    || chunk.endOfPayloads - groupStartByte >= GroupedJoin.groupBytesMax
                {
                    return true
                }
                chunk.payloadEnds.append(chunk.bytes.count)
                pending = next()
            }
            return false
        }
    }

    /// A large group: the chunk before it goes to the workers; its entries so far, and the rest
    /// as they are read, are joined here one at a time (not finished if a read fails).
    private func streamLargeGroup<Target: GroupJoinTarget>(
        _ reader: inout Reader, from groupStart: Int, pending: inout Bool,
        after inFlight: inout PendingBatch<Rules.ChunkResult>?, into target: inout Target
    ) throws(Rules.Failure) where Target.Rules == Rules {
        let partial = reader.chunk.split(atPayload: groupStart)
        try dispatch(&reader.chunk, after: &inFlight, into: &target)
        if let previous = inFlight { try target.apply(previous.takeAll()[0]) }
        inFlight = nil
        var cursor = rules.cursor()
        for index in partial.payloadEnds.indices {
            try target.stream(partial.bytes, partial.payloadRange(index), into: &cursor, rules: rules)
        }
        // `chunk` now holds only the payload just read (`split` kept it): stream while the
        // group lasts, each payload dropped once joined.
        while pending, reader.sameID {
            try target.stream(reader.chunk.bytes, 0..<reader.chunk.bytes.count, into: &cursor, rules: rules)
            reader.chunk.bytes.removeAll(keepingCapacity: true)
            pending = reader.next()
        }
        guard reader.failure == nil else { return }
        try target.finish(&cursor, rules: rules)
    }

    /// Hands `chunk`'s whole groups (if any) to the workers, keeping in it only the bytes read
    /// past them; then applies the chunk in flight before it.
    private func dispatch<Target: GroupJoinTarget>(
        _ chunk: inout JoinChunk, after inFlight: inout PendingBatch<Rules.ChunkResult>?,
        into target: inout Target
    ) throws(Rules.Failure) where Target.Rules == Rules {
        guard !chunk.groupEnds.isEmpty else { return }
        let groups = chunk.takeGroups()
        let rules = self.rules
        let started = workers.start(count: groups.groupEnds.count) {
            rules.work(groups, group: $0)
        } reduce: {
            rules.reduce($0)
        }
        if let previous = inFlight { try target.apply(previous.takeAll()[0]) }
        inFlight = started
    }
}
