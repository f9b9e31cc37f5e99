/// Join keys: the request id, then 0 for a debit or 1 for a log line, then the debit's (or
/// line's) sequence — so one id's debits come first in ledger order, then its lines in input
/// order, and the lines can be handled one at a time.
enum JoinKey {
    /// The tag byte and the 8-byte sequence after the id.
    static let suffixLength = 9

    static func debit(requestID: String, sequence: Int) -> SortKey { key(requestID, tag: 0, sequence, capacity: 64) }

    /// A log line's (`tag` 1) or debit's (`tag` 0) key at the start of an encoder, for its
    /// payload to follow in the same array.
    static func entry(requestID: String, tag: UInt8, sequence: Int, capacity: Int) -> SpillEncoder {
        var encoder = SpillEncoder(capacity: 0)
        encoder.bytes = key(requestID, tag: tag, sequence, capacity: capacity).bytes
        return encoder
    }

    private static func key(_ requestID: String, tag: UInt8, _ sequence: Int, capacity: Int) -> SortKey {
        var key = SortKey(capacity: capacity)
        key.string(requestID)
        key.byte(tag)
        key.uint64(UInt64(sequence))
        return key
    }
}
