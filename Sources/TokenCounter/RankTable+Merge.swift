// The byte-pair merge over a `RankTable`: block minimums for pieces up to 1 KiB, a heap beyond.

extension RankTable {
    /// Pieces up to this many bytes merge over block minimums (`mergeBlocks`); longer ones over
    /// a heap (`mergeLong`). Both give tiktoken's merges; the bound keeps the stack scratch small.
    static let blockPieceBytes = 1024
    /// Keys per block of `mergeBlocks` (one 16-lane minimum).
    static let blockKeys = 16
    /// Low bits of a packed key that hold the part's start; the rank sits above them, so the
    /// lowest key is the lowest rank and, among equal ranks, the leftmost part.
    static let indexBits: UInt32 = 14
    /// Keys at or above this have no rank: the pair is not a token (or the part is gone).
    static let noPairKey: UInt32 = UInt32.max << indexBits

    /// Words of scratch that `mergeBlocks` needs for a piece of up to `blockPieceBytes` bytes.
    static let scratchWords = 4 * (blockPieceBytes + blockKeys) + (blockPieceBytes / blockKeys + 8)

    /// Appends the tokens of one piece. Whole-piece lookup first (most pieces of prose and code
    /// are one token); then repeatedly merge the adjacent pair whose concatenation has the lowest
    /// rank, the leftmost on ties (tiktoken's rule).
    ///
    /// `scratch` must hold `scratchWords` words.
    @inline(__always)
    func encodePiece(
        _ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>,
        into tokens: inout TokenSink
    ) {
        tokens.reserve(length)
        let lookup = self.lookup
        if length <= longestToken {
            let whole = lookup.whole(piece, length)
            if whole != Self.missing { return tokens.appendReserved(whole) }
        }
        if length <= blockMergeLimit {
            _ = mergeBlocks(piece, length, scratch: scratch)
            let layout = BlockScratch(scratch)
            var i = 0
            while i < length {
                tokens.appendReserved(layout.partRank[i])
                i = Int(layout.next[i])
            }
        } else {
            let starts = mergeLong(piece, length)
            for i in 0..<(starts.count - 1) {
                let start = Int(starts[i])
                tokens.appendReserved(lookup.anyRank(piece + start, Int(starts[i + 1]) - start))
            }
        }
    }

    /// The number of tokens of one piece, without producing them: 1 for a piece that is a
    /// token, else the remembered count from `cache`, else the merge (then remembered).
    @inline(__always)
    func countPiece(
        _ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>,
        cache: PieceCountCache
    ) -> Int {
        let lookup = self.lookup
        if length <= 2 {
            return lookup.whole(piece, length) != Self.missing ? 1 : length
        }
        if length <= PieceCountCache.packedBytesMax {
            let key = PieceCountCache.packedKey(piece, length)
            if let known = cache.packedCount(key) { return known }
            let count = lookup.whole(piece, length) != Self.missing ? 1 : merge(piece, length, scratch: scratch)
            cache.rememberPacked(key, count: count)
            return count
        }
        let head = Self.headWord(piece, length)
        let hash = Self.hash(piece, length, head: head)
        if length <= longestToken && lookup.find(piece, length, head: head, hash: hash) != Self.missing { return 1 }
        if length > PieceCountCache.pieceBytesMax {
            return merge(piece, length, scratch: scratch)
        }
        if let known = cache.count(piece, length, hash: hash) { return known }
        let count = merge(piece, length, scratch: scratch)
        cache.remember(piece, length, hash: hash, count: count)
        return count
    }

    /// The number of tokens the merge leaves of a piece of at least 2 bytes: a character at a
    /// time for a piece of 3-byte characters where that is exact (`countChars`), else a byte
    /// at a time.
    @inline(__always)
    func merge(_ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>) -> Int {
        if length >= 6 && piece[0] & 0xF0 == 0xE0 {
            let count = countChars(piece, length, scratch: scratch)
            if count >= 0 { return count }
        }
        return length <= blockMergeLimit
            ? mergeBlocks(piece, length, scratch: scratch) : mergeLong(piece, length).count - 1
    }

    /// tiktoken's `_byte_pair_merge` without its rescan of the whole piece after every merge.
    ///
    /// Parts are named by the byte offset where they start and linked through `next`/`prev`.
    /// `keys[i]` packs the rank of part `i` joined with the part after it above the offset
    /// `i` (`rank << indexBits | i`), so one minimum picks the lowest rank and, on a tie, the
    /// leftmost pair: tiktoken's choice. Keys of parts merged away, and of pairs that are no
    /// token, are at least `noPairKey`. Keys are grouped in blocks of 16 with one minimum each;
    /// a merge changes at most three keys (the merged pair's, its left neighbour's, the removed
    /// part's), so it recomputes at most three block minimums, and finding the next merge scans
    /// `length / 16` block minimums instead of every pair. A piece of up to 16 bytes is one
    /// block, its minimum the answer. Minimums are vector operations over keys stored with the
    /// sign bit flipped (`signFlip`), so that they compare as signed 32-bit lanes: baseline
    /// x86-64 (SSE2) has a signed compare, not an unsigned one. A merge thus costs a few dozen
    /// instructions beside its two rank lookups, at any length up to `blockPieceBytes`.
    ///
    /// Returns the number of tokens; `next` (ending at `length`) and `partRank` of the scratch
    /// describe them, from offset 0. Not inlined: one call per piece costs nothing, and the
    /// loop keeps its registers to itself.
    @inline(never)
    func mergeBlocks(_ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>) -> Int {
        let layout = BlockScratch(scratch)
        let keys = layout.keys, next = layout.next, prev = layout.prev, partRank = layout.partRank
        let blockMins = layout.blockMins
        let short = shortRanks.baseAddress!
        let lookup = self.lookup
        let shift = Self.indexBits
        let flip = Self.signFlip
        let blockCount = (length + Self.blockKeys - 1) / Self.blockKeys
        for i in 0..<(length - 1) {
            let pair = Int(piece[i]) << 8 | Int(piece[i + 1])
            keys[i] = (short[0x100 + pair] << shift | UInt32(i)) ^ flip
            next[i] = UInt32(i + 1)
            prev[i] = UInt32(bitPattern: Int32(i - 1))
            partRank[i] = short[Int(piece[i])]
        }
        next[length - 1] = UInt32(length)
        prev[length - 1] = UInt32(length - 2)
        partRank[length - 1] = short[Int(piece[length - 1])]
        for i in (length - 1)..<(blockCount * Self.blockKeys) { keys[i] = Self.deadKey }
        let single = blockCount == 1
        let scanCount = (blockCount + 7) & ~7
        if !single {
            for block in 0..<blockCount { blockMins[block] = Self.blockMinimum(keys + block * Self.blockKeys) }
            for block in blockCount..<scanCount { blockMins[block] = Self.deadKey }
        }
        let noPair = Int32(bitPattern: Self.noPairKey ^ flip)

        var tokens = length
        while true {
            let top = single ? Self.blockMinimum(keys) : Self.minimum(blockMins, scanCount)
            if Int32(bitPattern: top) >= noPair { break }
            let i = Int(top & ~Self.noPairKey)
            let j = Int(next[i])
            let k = Int(next[j])
            partRank[i] = (top ^ flip) >> shift
            tokens -= 1
            keys[j] = Self.deadKey
            next[i] = UInt32(k)
            if k < length {
                prev[k] = UInt32(i)
                keys[i] = (lookup.rank(piece + i, Int(next[k]) - i) << shift | UInt32(i)) ^ flip
            } else {
                keys[i] = Self.deadKey
            }
            let h = Int(prev[i])
            if i > 0 { keys[h] = (lookup.rank(piece + h, k - h) << shift | UInt32(h)) ^ flip }
            if single { continue }
            let blockI = i / Self.blockKeys
            blockMins[blockI] = Self.blockMinimum(keys + blockI * Self.blockKeys)
            if i > 0 {
                let blockH = h / Self.blockKeys
                if blockH != blockI { blockMins[blockH] = Self.blockMinimum(keys + blockH * Self.blockKeys) }
            }
            let blockJ = j / Self.blockKeys
            if blockJ != blockI { blockMins[blockJ] = Self.blockMinimum(keys + blockJ * Self.blockKeys) }
        }
        return tokens
    }

    /// XORed into stored keys so that signed comparison orders them as unsigned.
    static let signFlip: UInt32 = 0x8000_0000
    /// The stored key of a part merged away (or past the end): above every other.
    static let deadKey: UInt32 = UInt32.max ^ signFlip

    /// The lowest of 16 stored keys.
    @inline(__always)
    static func blockMinimum(_ keys: UnsafeMutablePointer<UInt32>) -> UInt32 {
        let all = UnsafeRawPointer(keys).loadUnaligned(as: SIMD16<Int32>.self)
        let eight = pointwiseMin(all.lowHalf, all.highHalf)
        let four = pointwiseMin(eight.lowHalf, eight.highHalf)
        let two = pointwiseMin(four.lowHalf, four.highHalf)
        return UInt32(bitPattern: min(two[0], two[1]))
    }

    /// The lowest of `count` stored keys (a multiple of 8).
    @inline(__always)
    static func minimum(_ keys: UnsafeMutablePointer<UInt32>, _ count: Int) -> UInt32 {
        var lowest = UnsafeRawPointer(keys).loadUnaligned(as: SIMD8<Int32>.self)
        var offset = 8
        while offset < count {
            lowest = pointwiseMin(lowest, UnsafeRawPointer(keys + offset).loadUnaligned(as: SIMD8<Int32>.self))
            offset += 8
        }
        let four = pointwiseMin(lowest.lowHalf, lowest.highHalf)
        let two = pointwiseMin(four.lowHalf, four.highHalf)
        return UInt32(bitPattern: min(two[0], two[1]))
    }

    /// The same merges for long pieces (10,000 repeated characters must not be quadratic):
    /// a min-heap of `rank << 32 | start`, so the lowest rank and then the leftmost start comes
    /// first, as in tiktoken's `_byte_pair_merge_large`; parts are a linked list over byte
    /// offsets, and an entry whose rank no longer matches its part's current pair is stale and
    /// skipped. O(n log n). Returns the token starts followed by `length`.
    func mergeLong(_ piece: UnsafePointer<UInt8>, _ length: Int) -> [Int32] {
        // next[i]: start of the part after the part starting at i (length at the end).
        var next = [Int32](repeating: 0, count: length)
        var prev = [Int32](repeating: -1, count: length)
        var pairRank = [UInt32](repeating: Self.missing, count: length)
        var heap = MinHeap(capacity: length * 2)
        for i in 0..<length {
            next[i] = Int32(i + 1)
            prev[i] = Int32(i - 1)
        }
        for i in 0..<(length - 1) {
            let r = rank(piece + i, 2)
            pairRank[i] = r
            if r != Self.missing { heap.push(UInt64(r) << 32 | UInt64(i)) }
        }
        while let top = heap.pop() {
            let r = UInt32(truncatingIfNeeded: top >> 32)
            let i = Int(UInt32(truncatingIfNeeded: top))
            guard pairRank[i] == r else { continue }  // stale or merged away
            let j = Int(next[i])
            let k = Int(next[j])  // start of the part after the merged one, or length
            pairRank[j] = Self.missing
            next[i] = Int32(k)
            if k < length { prev[k] = Int32(i) }
            if k < length {
                let newRank = rank(piece + i, Int(next[k]) - i)
                pairRank[i] = newRank
                if newRank != Self.missing { heap.push(UInt64(newRank) << 32 | UInt64(i)) }
            } else {
                pairRank[i] = Self.missing
            }
            let h = Int(prev[i])
            if h >= 0 {
                let newRank = rank(piece + h, k - h)
                pairRank[h] = newRank
                if newRank != Self.missing { heap.push(UInt64(newRank) << 32 | UInt64(h)) }
            }
        }
        var starts: [Int32] = [0]
        var i = 0
        while i < length {
            i = Int(next[i])
            starts.append(Int32(i))
        }
        return starts
    }
}

/// Where `RankTable.mergeBlocks` keeps its arrays inside the caller's scratch.
struct BlockScratch {
    let keys: UnsafeMutablePointer<UInt32>
    let next: UnsafeMutablePointer<UInt32>
    let prev: UnsafeMutablePointer<UInt32>
    let partRank: UnsafeMutablePointer<UInt32>
    let blockMins: UnsafeMutablePointer<UInt32>

    @inline(__always)
    init(_ scratch: UnsafeMutablePointer<UInt32>) {
        let words = RankTable.blockPieceBytes + RankTable.blockKeys
        keys = scratch
        next = scratch + words
        prev = scratch + 2 * words
        partRank = scratch + 3 * words
        blockMins = scratch + 4 * words
    }
}

/// A binary min-heap of packed `rank << 32 | start` keys.
struct MinHeap {
    private var items: [UInt64] = []

    init(capacity: Int) { items.reserveCapacity(capacity) }

    mutating func push(_ item: UInt64) {
        items.append(item)
        var child = items.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            child = parent
        }
    }

    mutating func pop() -> UInt64? {
        guard let top = items.first else { return nil }
        let last = items.removeLast()
        guard !items.isEmpty else { return top }
        items[0] = last
        var parent = 0
        while true {
            let left = 2 * parent + 1
            guard left < items.count else { break }
            let right = left + 1
            let child = right < items.count && items[right] < items[left] ? right : left
            guard items[child] < items[parent] else { break }
            items.swapAt(child, parent)
            parent = child
        }
        return top
    }
}
