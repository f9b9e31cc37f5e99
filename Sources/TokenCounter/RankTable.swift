import Foundation

/// Token bytes ↔ rank for one vocabulary, and the byte-pair merge over it.
///
/// Layout (performance notes):
/// - every token's bytes live in one buffer, `offsets[rank] ..< offsets[rank + 1]` (no per-token
///   `Array`, so decoding and verification are a pointer and a length);
/// - 1- and 2-byte strings are looked up directly (`shortRanks`); longer ones in one flat
///   open-addressing table of 16-byte slots, probed linearly. A slot holds the token's first 8
///   bytes as a word beside its length, rank and byte offset, so a lookup of up to 8 bytes — most
///   of the merge's lookups — is decided by the slot alone, one cache line and no pointer chase
///   to the token's bytes; longer tokens compare their remaining bytes. A lookup never allocates
///   (tiktoken uses an FxHashMap<Vec<u8>, Rank> the same way);
/// - the merge works on byte offsets into the piece, like tiktoken's `_byte_pair_merge`, in
///   stack scratch: block minimums of packed keys up to 1 KiB, a heap + linked list beyond.
///
/// All memory is allocated once at load and lives as long as the `Encoding` that owns it
/// (Encodings are cached for the process), so the raw pointers stay valid.
final class RankTable: @unchecked Sendable {
    static let missing = UInt32.max

    /// One entry of the table: `head` is the token's first bytes (at most 8, little-endian,
    /// zero-padded) and `value` is `offset << 32 | length << 20 | rank`. `value == 0` marks an
    /// empty slot (every stored token has at least 3 bytes, so a filled slot never has 0).
    struct Slot {
        var head: UInt64
        var value: UInt64
    }

    let tokenBytes: UnsafeMutableBufferPointer<UInt8>
    /// `rankCount + 1` entries; a rank absent from the file has an empty range.
    let offsets: UnsafeMutableBufferPointer<UInt32>
    let slots: UnsafeMutableBufferPointer<Slot>
    let slotMask: Int
    /// `64 - log2(slots.count)`: a hash's top bits pick its home slot.
    let slotShift: UInt64
    /// A one-hash-pair Bloom filter over the slots' keys: two bits of one 64-bit word per token.
    /// Why: most of the merge's lookups are of pairs that are no token (two thirds on Chinese
    /// text), and each would touch a random line of the 1–4 MB slot table — a miss to memory on
    /// the merge's critical path, since the next merge waits for it. The filter is about 11 bits
    /// per stored token (64–256 KB, stays in the core's L2; twice that measured no faster and
    /// missed L2 more) and answers "not a token" for all but about 3–4% of those pairs; a
    /// "maybe" goes on to the table, so answers stay exact.
    let filter: UnsafeMutableBufferPointer<UInt64>
    /// The table's pointers as one value, for the lookups the merge makes in its loop.
    let lookup: SlotLookup
    /// Ranks of every 1- and 2-byte string, indexed directly (`byte` and `0x100 + b0 << 8 | b1`):
    /// the merge loop starts from byte pairs, so these are its most frequent lookups (256 KB).
    let shortRanks: UnsafeMutableBufferPointer<UInt32>
    /// Ranks of every 3-byte string of the form `1110xxxx 10xxxxxx 10xxxxxx` (one character of
    /// U+0800 ... U+FFFF, the script of CJK text), indexed by its 16 payload bits (256 KB). Why:
    /// merging Chinese text joins each character's bytes before its neighbours, so most of the
    /// merge's 3-byte lookups are one whole character — and, in o200k, usually a token, which
    /// the filter cannot turn away: each cost a probe of the 4 MB slot table, a miss to memory
    /// on the merge's critical path. Every such string has its entry here (`missing` when it is
    /// no token), so the answer is the table's, exactly.
    let charRanks: UnsafeMutableBufferPointer<UInt32>
    let rankCount: Int
    let longestToken: Int
    /// The longest piece `mergeBlocks` takes: `blockPieceBytes`, or 1 (every merge on the heap)
    /// for a vocabulary whose ranks would not fit above the offset in a packed key.
    let blockMergeLimit: Int

    /// Builds the table from `(bytes, rank)` entries already laid out in `tokenBytes`/`offsets`.
    init(tokenBytes: UnsafeMutableBufferPointer<UInt8>, offsets: UnsafeMutableBufferPointer<UInt32>) {
        self.tokenBytes = tokenBytes
        self.offsets = offsets
        rankCount = offsets.count - 1
        var longest = 0
        var stored = 0
        for rank in 0..<rankCount {
            let length = Int(offsets[rank + 1] - offsets[rank])
            longest = max(longest, length)
            if length >= 3 { stored += 1 }
        }
        longestToken = longest
        // The slot's value packs the rank in 20 bits and the length in 12: every published
        // vocabulary (at most 200k ranks, tokens of at most 128 bytes) fits with room to spare.
        precondition(rankCount < 1 << 20 && longest < 1 << 12, "vocabulary too large for RankTable's slot layout")
        // Load factor about 3/4: most lookups that find nothing stop at the filter, so the long
        // probe sequences of a full table are paid only by hits, which stop early; a table half
        // as large as at 3/8 (4 MB for o200k) keeps more of itself in the caches.
        var capacity = 1024
        var bits: UInt64 = 10
        while capacity < stored + stored / 4 {
            capacity <<= 1
            bits += 1
        }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: Slot(head: 0, value: 0))
        slotMask = capacity - 1
        slotShift = 64 - bits
        shortRanks = .allocate(capacity: 0x100 + 0x10000)
        shortRanks.initialize(repeating: Self.missing)
        charRanks = .allocate(capacity: 0x10000)
        charRanks.initialize(repeating: Self.missing)
        var filterWords = 1024
        while filterWords * 64 < stored * 8 { filterWords <<= 1 }
        filter = .allocate(capacity: filterWords)
        filter.initialize(repeating: 0)
        lookup = SlotLookup(
            slots: slots.baseAddress!, mask: capacity - 1, shift: 64 - bits, tokenBytes: tokenBytes.baseAddress!,
            short: shortRanks.baseAddress!, chars: charRanks.baseAddress!, filter: filter.baseAddress!,
            filterMask: filterWords - 1)
        blockMergeLimit = rankCount < 1 << (32 - Self.indexBits) - 1 ? Self.blockPieceBytes : 1
        insertAll()
    }

    /// Inserts every rank in slot order. Hashing all tokens first and bucketing them by the top
    /// bits of their home slot turns 200k random writes over the table into nearly sequential
    /// ones; on the path to the first count this roughly halves the table build. Any insertion
    /// order gives a valid table: lookups probe until an empty slot.
    private func insertAll() {
        let bucketShift = UInt64(max(0, 64 - Int(slotShift) - 10))
        var hashes = [UInt64](repeating: 0, count: rankCount)
        var bucketStarts = [Int](repeating: 0, count: (slots.count >> bucketShift) + 1)
        let base = tokenBytes.baseAddress!
        for rank in 0..<rankCount where offsets[rank + 1] - offsets[rank] >= 3 {
            let hash = Self.hash(base + Int(offsets[rank]), Int(offsets[rank + 1] - offsets[rank]))
            hashes[rank] = hash
            bucketStarts[Int(truncatingIfNeeded: hash >> slotShift) >> bucketShift + 1] += 1
        }
        for bucket in 1..<bucketStarts.count { bucketStarts[bucket] += bucketStarts[bucket - 1] }
        var order = [UInt32](repeating: 0, count: bucketStarts.last!)
        for rank in 0..<rankCount where offsets[rank + 1] - offsets[rank] >= 3 {
            let bucket = Int(truncatingIfNeeded: hashes[rank] >> slotShift) >> bucketShift
            order[bucketStarts[bucket]] = UInt32(rank)
            bucketStarts[bucket] += 1
        }
        for rank in order {
            insert(rank: rank, hash: hashes[Int(rank)])
        }
        for rank in 0..<rankCount {
            let start = Int(offsets[rank])
            switch Int(offsets[rank + 1]) - start {
            case 1: shortRanks[Int(tokenBytes[start])] = UInt32(rank)
            case 2: shortRanks[0x100 + (Int(tokenBytes[start]) << 8 | Int(tokenBytes[start + 1]))] = UInt32(rank)
            case 3:
                let key = UnsafePointer(tokenBytes.baseAddress! + start)
                if SlotLookup.isCharKey(key) { charRanks[SlotLookup.charIndex(key)] = UInt32(rank) }
            default: continue
            }
        }
    }

    deinit {
        tokenBytes.deallocate()
        offsets.deallocate()
        slots.deallocate()
        shortRanks.deallocate()
        charRanks.deallocate()
        filter.deallocate()
    }

    private func insert(rank: UInt32, hash: UInt64) {
        let start = Int(offsets[Int(rank)])
        let length = Int(offsets[Int(rank) + 1]) - start
        let key = UnsafePointer(tokenBytes.baseAddress! + start)
        let value = UInt64(start) << 32 | UInt64(length) << 20 | UInt64(rank)
        var slot = Int(truncatingIfNeeded: hash >> slotShift)
        while slots[slot].value != 0 {
            if slotMatches(slot, key, length) {
                break  // a repeated token: the later line wins, as in tiktoken's dict
            }
            slot = (slot + 1) & slotMask
        }
        slots[slot] = Slot(head: Self.headWord(key, length), value: value)
        filter[Int(truncatingIfNeeded: hash) & (filter.count - 1)] |= SlotLookup.filterBits(hash)
    }

    @inline(__always)
    private func slotMatches(_ slot: Int, _ key: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let entry = slots[slot]
        guard entry.head == Self.headWord(key, length), Int((entry.value >> 20) & 0xFFF) == length else { return false }
        return length <= 8
            || Self.sameBytes(
                UnsafeRawPointer(tokenBytes.baseAddress! + Int(entry.value >> 32) + 8), UnsafeRawPointer(key + 8),
                length - 8)
    }

    /// The first `min(length, 8)` bytes as a little-endian word, zero-padded; reads only the
    /// key's own bytes (two overlapping loads for 4 ... 7).
    @inline(__always)
    static func headWord(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let raw = UnsafeRawPointer(bytes)
        if length >= 8 { return raw.loadUnaligned(as: UInt64.self) }
        if length >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            return low | high << (8 * UInt64(length - 4))
        }
        var word = UInt64(bytes[0])
        if length > 1 { word |= UInt64(bytes[1]) << 8 }
        if length > 2 { word |= UInt64(bytes[2]) << 16 }
        return word
    }

    /// A 64-bit hash of `length` bytes: the head word and length, then 8 bytes at a time (the
    /// last word overlapping the one before it, so nothing past the key is read). One multiply
    /// for keys of up to 8 bytes. The table uses the top bits, `PieceCountCache` the middle ones.
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        hash(bytes, length, head: headWord(bytes, length))
    }

    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int, head: UInt64) -> UInt64 {
        var h = (head &+ UInt64(truncatingIfNeeded: length) &* 0x1F35_A3C5) &* 0x9E37_79B9_7F4A_7C15
        if length > 8 {
            let raw = UnsafeRawPointer(bytes)
            var i = 8
            while i + 8 <= length {
                h = (h ^ (h >> 31) ^ raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
                i += 8
            }
            if i < length {
                h =
                    (h ^ (h >> 31) ^ raw.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self))
                    &* 0xC4CE_B9FE_1A85_EC53
            }
        }
        return h ^ (h >> 32)
    }

    /// Equality of two byte strings of the same length. Performance: keys are short (most under
    /// 8 bytes), where a call to `memcmp` costs more than the comparison; two overlapping word
    /// loads cover 4...8 and 8...16 bytes without reading past either string.
    @inline(__always)
    static func sameBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ length: Int) -> Bool {
        if length >= 8 {
            if length > 16 { return memcmp(a, b, length) == 0 }
            return a.loadUnaligned(as: UInt64.self) == b.loadUnaligned(as: UInt64.self)
                && a.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
                    == b.loadUnaligned(fromByteOffset: length - 8, as: UInt64.self)
        }
        if length >= 4 {
            return a.loadUnaligned(as: UInt32.self) == b.loadUnaligned(as: UInt32.self)
                && a.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
                    == b.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self)
        }
        for i in 0..<length where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self)
        {
            return false
        }
        return true
    }

    /// The rank of exactly these bytes, or `missing`.
    @inline(__always)
    func rank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        lookup.anyRank(key, length)
    }

    /// The rank of exactly these bytes, at least 3 of them (the merge's every lookup after its
    /// first pass: a part joined with its neighbour).
    @inline(__always)
    func longRank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        lookup.rank(key, length)
    }

    /// The rank of exactly these bytes (at least 3 of them) whose `hash` the caller computed.
    @inline(__always)
    func rank(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> UInt32 {
        lookup.find(key, length, head: Self.headWord(key, length), hash: hash)
    }

    /// The bytes of `rank` (empty for a rank the file does not have).
    func bytes(of rank: Int) -> UnsafeBufferPointer<UInt8> {
        guard rank < rankCount else { return UnsafeBufferPointer(start: nil, count: 0) }
        let start = Int(offsets[rank])
        return UnsafeBufferPointer(rebasing: tokenBytes[start..<Int(offsets[rank + 1])])
    }
}

// MARK: - Byte-pair merge

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

    /// The number of tokens the merge leaves of a piece of at least 2 bytes.
    @inline(__always)
    func merge(_ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>) -> Int {
        length <= blockMergeLimit ? mergeBlocks(piece, length, scratch: scratch) : mergeLong(piece, length).count - 1
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

/// A lookup in `RankTable.slots` of a key of at least 3 bytes. A value type rather than a
/// method of the class: the optimiser inlines it into the merge loop, where a call (and its
/// register spills) cost as much as the lookup.
struct SlotLookup: @unchecked Sendable {
    let slots: UnsafeMutablePointer<RankTable.Slot>
    let mask: Int
    let shift: UInt64
    let tokenBytes: UnsafeMutablePointer<UInt8>
    /// `RankTable.shortRanks`.
    let short: UnsafeMutablePointer<UInt32>
    /// `RankTable.charRanks`.
    let chars: UnsafeMutablePointer<UInt32>
    /// `RankTable.filter` and its word count minus one.
    let filter: UnsafeMutablePointer<UInt64>
    let filterMask: Int

    /// The two filter bits of a hash (bits the word index and the slot index do not use).
    @inline(__always)
    static func filterBits(_ hash: UInt64) -> UInt64 {
        1 &<< ((hash &>> 32) & 63) | 1 &<< ((hash &>> 38) & 63)
    }

    /// The rank of exactly these bytes (any length), or `missing`.
    @inline(__always)
    func anyRank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        if length <= 2 {
            return length == 2 ? short[0x100 + (Int(key[0]) << 8 | Int(key[1]))] : short[Int(key[0])]
        }
        return rank(key, length)
    }

    /// Whether 3 bytes have the form of one character of U+0800 ... U+FFFF (`charRanks`).
    @inline(__always)
    static func isCharKey(_ key: UnsafePointer<UInt8>) -> Bool {
        key[0] & 0xF0 == 0xE0 && key[1] & 0xC0 == 0x80 && key[2] & 0xC0 == 0x80
    }

    /// The 16 payload bits of such a key: a one-to-one index over all 65,536 of them.
    @inline(__always)
    static func charIndex(_ key: UnsafePointer<UInt8>) -> Int {
        Int(key[0] & 0x0F) << 12 | Int(key[1] & 0x3F) << 6 | Int(key[2] & 0x3F)
    }

    /// The rank of exactly these bytes, at least 3 of them.
    @inline(__always)
    func rank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        if length == 3 && Self.isCharKey(key) { return chars[Self.charIndex(key)] }
        let head = RankTable.headWord(key, length)
        return find(key, length, head: head, hash: RankTable.hash(key, length, head: head))
    }

    /// The filter's answer first (inlined: it decides most of the merge's lookups), then the
    /// table's (a call: it is longer, and needed for about a third of them).
    @inline(__always)
    func find(_ key: UnsafePointer<UInt8>, _ length: Int, head: UInt64, hash: UInt64) -> UInt32 {
        let bits = Self.filterBits(hash)
        if filter[Int(truncatingIfNeeded: hash) & filterMask] & bits != bits { return RankTable.missing }
        return probe(key, length, head: head, hash: hash)
    }

    @inline(never)
    func probe(_ key: UnsafePointer<UInt8>, _ length: Int, head: UInt64, hash: UInt64) -> UInt32 {
        probeInline(key, length, head: head, hash: hash)
    }

    /// The rank of a whole piece (any length), inlined into `countPiece`/`encodePiece`.
    @inline(__always)
    func whole(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        if length <= 2 {
            return length == 2 ? short[0x100 + (Int(key[0]) << 8 | Int(key[1]))] : short[Int(key[0])]
        }
        let head = RankTable.headWord(key, length)
        let hash = RankTable.hash(key, length, head: head)
        let bits = Self.filterBits(hash)
        if filter[Int(truncatingIfNeeded: hash) & filterMask] & bits != bits { return RankTable.missing }
        return probeInline(key, length, head: head, hash: hash)
    }

    @inline(__always)
    func probeInline(_ key: UnsafePointer<UInt8>, _ length: Int, head: UInt64, hash: UInt64) -> UInt32 {
        let lengthBits = UInt64(truncatingIfNeeded: length) << 20
        var slot = Int(truncatingIfNeeded: hash &>> shift)
        while true {
            let entry = slots[slot]
            if entry.value == 0 { return RankTable.missing }
            if entry.head == head && entry.value & 0xFFF0_0000 == lengthBits
                && (length <= 8
                    || RankTable.sameBytes(
                        UnsafeRawPointer(tokenBytes + Int(entry.value &>> 32) + 8), UnsafeRawPointer(key + 8),
                        length - 8))
            {
                return UInt32(truncatingIfNeeded: entry.value & 0xF_FFFF)
            }
            slot = (slot + 1) & mask
        }
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
