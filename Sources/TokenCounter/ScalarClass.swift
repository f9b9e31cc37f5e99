/// The character classes tiktoken's split patterns ask about, per Unicode scalar (Unicode 16.0).
///
/// `\p{L}` is `upper | lower | otherLetter`; o200k's word classes are
/// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]` = `upper | otherLetter | mark` and
/// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]` = `lower | otherLetter | mark`. Marks are *not* letters, so
/// r50k and cl100k treat them as punctuation (`[^\s\p{L}\p{N}]`).
enum ScalarClass: UInt8 {
    case other = 0
    /// `\s`: the White_Space property (U+180E is not in it).
    case whitespace = 1
    /// `\p{N}`: Nd, Nl, No.
    case number = 2
    /// Lu, Lt.
    case upper = 3
    /// Ll.
    case lower = 4
    /// Lm, Lo: in both of o200k's word classes.
    case otherLetter = 5
    /// Mn, Mc, Me: in both of o200k's word classes, not in `\p{L}`.
    case mark = 6
}

/// Scalar → class in two table loads, built once per process from `ScalarClass.rangeTable`.
///
/// Performance: the scanners call this for every non-ASCII scalar, so it must not go through
/// `Unicode.Scalar.Properties` (a binary search per call, and Unicode 17 data besides). A
/// two-level table (256-scalar blocks, identical blocks shared) takes ~90 KB and about a
/// millisecond to build.
struct ScalarClassTable: @unchecked Sendable {
    /// `blockIndex[scalar >> 8]` is the offset of the scalar's block in `blocks`.
    let blockIndex: UnsafeBufferPointer<UInt32>
    let blocks: UnsafeBufferPointer<UInt8>

    /// Lives for the whole process (never deallocated), so its pointers stay valid.
    static let shared = ScalarClassTable(ranges: ScalarClass.rangeTable)

    /// Builds the blocks straight from the sorted ranges. A block inside one range (most of the
    /// code space: unassigned planes, CJK, Hangul, private use) is one of seven shared uniform
    /// blocks; only mixed blocks are filled and deduplicated.
    init(ranges: [UInt32]) {
        var index = [UInt32](repeating: 0, count: 0x1100)
        var storage: [UInt8] = []
        var uniformOffsets = [UInt32?](repeating: nil, count: 8)
        var mixedOffsets: [[UInt8]: UInt32] = [:]
        var block = [UInt8](repeating: 0, count: 256)
        var range = 0  // the range holding the block's first scalar
        func rangeEnd(_ range: Int) -> Int { range + 1 < ranges.count ? Int(ranges[range + 1] >> 3) : 0x110000 }
        for blockNumber in 0..<0x1100 {
            let first = blockNumber << 8
            while rangeEnd(range) <= first { range += 1 }
            let rangeClass = Int(ranges[range] & 7)
            if rangeEnd(range) >= first + 256 {
                if uniformOffsets[rangeClass] == nil {
                    uniformOffsets[rangeClass] = UInt32(storage.count)
                    storage.append(contentsOf: repeatElement(UInt8(rangeClass), count: 256))
                }
                index[blockNumber] = uniformOffsets[rangeClass]!
                continue
            }
            var covering = range
            for offset in 0..<256 {
                while rangeEnd(covering) <= first + offset { covering += 1 }
                block[offset] = UInt8(ranges[covering] & 7)
            }
            if let offset = mixedOffsets[block] {
                index[blockNumber] = offset
            } else {
                let offset = UInt32(storage.count)
                storage.append(contentsOf: block)
                mixedOffsets[block] = offset
                index[blockNumber] = offset
            }
        }
        precondition(index[0] == 0, "block 0 (ASCII) must come first: Scanner reads it directly")
        let indexStorage = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: index.count)
        _ = indexStorage.initialize(from: index)
        let blockStorage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: storage.count)
        _ = blockStorage.initialize(from: storage)
        blockIndex = UnsafeBufferPointer(indexStorage)
        blocks = UnsafeBufferPointer(blockStorage)
    }

    @inline(__always)
    func rawClass(_ scalar: UInt32) -> UInt8 {
        blocks[Int(blockIndex[Int(scalar >> 8)] | (scalar & 0xFF))]
    }

    /// The class of `scalar` (surrogates and values past U+10FFFF: `.other`).
    func callAsFunction(_ scalar: UInt32) -> ScalarClass {
        guard scalar < 0x110000 else { return .other }
        return ScalarClass(rawValue: rawClass(scalar))!
    }
}
