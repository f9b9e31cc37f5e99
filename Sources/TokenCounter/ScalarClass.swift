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
/// two-level table (256-scalar blocks, identical blocks shared) takes ~90 KB and ~1 ms to build.
struct ScalarClassTable: @unchecked Sendable {
    /// `blockIndex[scalar >> 8]` is the offset of the scalar's block in `blocks`.
    let blockIndex: UnsafeBufferPointer<UInt32>
    let blocks: UnsafeBufferPointer<UInt8>

    /// Lives for the whole process (never deallocated), so its pointers stay valid.
    static let shared = ScalarClassTable(ranges: ScalarClass.rangeTable)

    init(ranges: [UInt32]) {
        var flat = [UInt8](repeating: 0, count: 0x110000)
        for (position, entry) in ranges.enumerated() {
            let start = Int(entry >> 3)
            let end = position + 1 < ranges.count ? Int(ranges[position + 1] >> 3) : 0x110000
            precondition(start < end && end <= 0x110000, "ScalarClass.rangeTable is not ascending")
            for scalar in start..<end { flat[scalar] = UInt8(entry & 7) }
        }
        var blockOffsets: [ArraySlice<UInt8>: UInt32] = [:]
        var shared: [UInt8] = []
        var index = [UInt32](repeating: 0, count: 0x1100)
        for block in 0..<0x1100 {
            let content = flat[(block << 8)..<((block + 1) << 8)]
            if let offset = blockOffsets[content] {
                index[block] = offset
            } else {
                let offset = UInt32(shared.count)
                shared.append(contentsOf: content)
                blockOffsets[content] = offset
                index[block] = offset
            }
        }
        let indexStorage = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: index.count)
        _ = indexStorage.initialize(from: index)
        let blockStorage = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: shared.count)
        _ = blockStorage.initialize(from: shared)
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
