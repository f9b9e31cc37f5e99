/// Ids read from the join's sort, for the workers: their payloads back to back in one array
/// (one allocation per chunk, freed once, where an array per payload and per id cost two or
/// three allocations per request, each freed on another thread than the one that made it).
struct JoinChunk: Sendable {
    var bytes: [UInt8] = []
    /// Where each payload ends in `bytes`; a payload starts where the one before it ends.
    var payloadEnds: [Int] = []
    /// Where each id's payloads end in `payloadEnds`.
    var groupEnds: [Int] = []

    /// The end of the last payload; `bytes` may hold one more, read but not yet placed.
    var endOfPayloads: Int { payloadEnds.last ?? 0 }

    func payloadRange(_ index: Int) -> Range<Int> {
        (index == 0 ? 0 : payloadEnds[index - 1])..<payloadEnds[index]
    }

    func payloadIndices(ofGroup group: Int) -> Range<Int> {
        (group == 0 ? 0 : groupEnds[group - 1])..<groupEnds[group]
    }

    /// The whole ids, moved out; only the bytes after them (a payload read ahead) stay.
    mutating func takeGroups() -> JoinChunk {
        let end = endOfPayloads
        var rest: [UInt8] = []
        rest.reserveCapacity(Swift.max(bytes.capacity, bytes.count - end))
        rest.append(contentsOf: bytes[end...])
        bytes.removeSubrange(end...)
        swap(&rest, &bytes)
        let taken = JoinChunk(bytes: rest, payloadEnds: payloadEnds, groupEnds: groupEnds)
        payloadEnds.removeAll(keepingCapacity: true)
        groupEnds.removeAll(keepingCapacity: true)
        return taken
    }

    /// The payloads from `index` on (an id not closed yet), moved out as one group; the bytes
    /// read after them stay.
    mutating func split(atPayload index: Int) -> JoinChunk {
        let start = index == 0 ? 0 : payloadEnds[index - 1]
        let end = endOfPayloads
        let partial = JoinChunk(
            bytes: Array(bytes[start..<end]), payloadEnds: payloadEnds[index...].map { $0 - start },
            groupEnds: [payloadEnds.count - index])
        bytes.removeSubrange(start..<end)
        payloadEnds.removeSubrange(index...)
        return partial
    }
}
