import Foundation

/// A value a run sets aside on disk (a sorted run, a join entry, a shard state), written and
/// read by one pair of functions that stand side by side in one extension — so a new field is
/// added to both halves at once, in one place, in the same order.
///
/// The round-trip tests (`SpillCodecTests`) build every conforming type from seeded random
/// values and check that each stored property survives, so a field added to the type but
/// not to its codec fails a test.
protocol SpillCodable {
    func encode(to out: inout SpillEncoder)
    /// `strings` hands back strings the decoder has seen before (`SpillStrings`); a type
    /// that has none to reuse ignores it.
    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt)
}

extension SpillCodable {
    init(from input: inout SpillDecoder) throws(SpillCorrupt) {
        var strings = SpillStrings()
        try self.init(from: &input, strings: &strings)
    }

    /// The value's bytes alone (tests, and callers that frame it themselves).
    var spillBytes: [UInt8] {
        var out = SpillEncoder()
        encode(to: &out)
        return out.bytes
    }
}

extension SpillEncoder {
    mutating func value(_ value: some SpillCodable) { value.encode(to: &self) }
}

extension SpillDecoder {
    mutating func value<T: SpillCodable>(_: T.Type = T.self, strings: inout SpillStrings) throws(SpillCorrupt) -> T {
        try T(from: &self, strings: &strings)
    }

    mutating func value<T: SpillCodable>(_: T.Type = T.self) throws(SpillCorrupt) -> T {
        try T(from: &self)
    }
}

/// Strings the join decodes again and again — an id's own id and account on each of its
/// entries, the few input paths on every one — handed back when the bytes match instead of
/// allocated anew (two to four fewer allocations per request).
struct SpillStrings {
    /// The run's input files (logs and ledger): every `SourceLocation` names one of them.
    var knownFiles: [String] = []
    var requestID: String?
    var account: String?
}

extension SpillDecoder {
    /// A string, or `candidate` itself when it has exactly these bytes.
    mutating func string(reusing candidate: String?) throws(SpillCorrupt) -> String {
        let bytes = try raw()
        if let candidate, Self.same(candidate, bytes) { return candidate }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A string that is one of `known`, handed back without allocating when it is.
    mutating func string(knownAmong known: [String]) throws(SpillCorrupt) -> String {
        let bytes = try raw()
        for candidate in known where Self.same(candidate, bytes) { return candidate }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Whether `string`'s UTF-8 is exactly `bytes` (one `memcmp`; the generic `elementsEqual`
    /// over the UTF-8 view walked them a byte at a time).
    @inline(__always)
    static func same(_ string: String, _ bytes: ArraySlice<UInt8>) -> Bool {
        guard string.utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        var string = string
        return string.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { memcmp(utf8.baseAddress!, $0.baseAddress!, utf8.count) == 0 }
        }
    }

    /// A request id, account or similar, remembered in `slot` for the next entry of the id.
    mutating func repeated(_ slot: inout String?) throws(SpillCorrupt) -> String {
        let value = try string(reusing: slot)
        slot = value
        return value
    }
}
