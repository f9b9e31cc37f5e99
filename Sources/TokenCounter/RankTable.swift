import Foundation

/// Token bytes ↔ rank for one vocabulary, and the byte-pair merge over it.
///
/// Layout (performance notes):
/// - every token's bytes live in one buffer, `offsets[rank] ..< offsets[rank + 1]` (no per-token
///   `Array`, so decoding and verification are a pointer and a length);
/// - lookup by bytes is one flat open-addressing table of `hashTag << 32 | rank` slots, probed
///   linearly; the 32-bit tag rejects almost every wrong slot before any byte comparison, and a
///   lookup never allocates (tiktoken uses an FxHashMap<Vec<u8>, Rank> the same way);
/// - the merge works on byte offsets into the piece, like tiktoken's `_byte_pair_merge`, in
///   stack scratch for short pieces and a heap + linked list for long ones.
///
/// All memory is allocated once at load and lives as long as the `Encoding` that owns it
/// (Encodings are cached for the process), so the raw pointers stay valid.
final class RankTable: @unchecked Sendable {
    static let missing = UInt32.max
    /// Pieces at least this long merge with the heap (tiktoken 0.13+ switches at 100 bytes too).
    static let longPieceBytes = 100

    let tokenBytes: UnsafeMutableBufferPointer<UInt8>
    /// `rankCount + 1` entries; a rank absent from the file has an empty range.
    let offsets: UnsafeMutableBufferPointer<UInt32>
    let slots: UnsafeMutableBufferPointer<UInt64>
    let slotMask: Int
    /// Ranks of every 1- and 2-byte string, indexed directly (`byte` and `0x100 + b0 << 8 | b1`):
    /// the merge loop starts from byte pairs, so these are its most frequent lookups (256 KB).
    let shortRanks: UnsafeMutableBufferPointer<UInt32>
    let rankCount: Int
    let longestToken: Int

    /// Builds the table from `(bytes, rank)` entries already laid out in `tokenBytes`/`offsets`.
    init(tokenBytes: UnsafeMutableBufferPointer<UInt8>, offsets: UnsafeMutableBufferPointer<UInt32>) {
        self.tokenBytes = tokenBytes
        self.offsets = offsets
        rankCount = offsets.count - 1
        var capacity = 1024
        while capacity < rankCount * 2 { capacity <<= 1 }
        slots = .allocate(capacity: capacity)
        slots.initialize(repeating: .max)
        slotMask = capacity - 1
        shortRanks = .allocate(capacity: 0x100 + 0x10000)
        shortRanks.initialize(repeating: Self.missing)
        var longest = 0
        for rank in 0..<rankCount { longest = max(longest, Int(offsets[rank + 1] - offsets[rank])) }
        longestToken = longest
        insertAll()
    }

    /// Inserts every rank in slot order. Hashing all tokens first and bucketing them by the top
    /// bits of their home slot turns 200k random writes over the table into nearly sequential
    /// ones; on the path to the first count this roughly halves the table build. Any insertion
    /// order gives a valid table: lookups probe until an empty slot.
    private func insertAll() {
        var capacityBits = 0
        while 1 << capacityBits < slots.count { capacityBits += 1 }
        let bucketShift = max(0, capacityBits - 10)
        var hashes = [UInt64](repeating: 0, count: rankCount)
        var bucketStarts = [Int](repeating: 0, count: (slots.count >> bucketShift) + 1)
        let base = tokenBytes.baseAddress!
        for rank in 0..<rankCount where offsets[rank + 1] > offsets[rank] {
            let hash = Self.hash(base + Int(offsets[rank]), Int(offsets[rank + 1] - offsets[rank]))
            hashes[rank] = hash
            bucketStarts[(Int(truncatingIfNeeded: hash) & slotMask) >> bucketShift + 1] += 1
        }
        for bucket in 1..<bucketStarts.count { bucketStarts[bucket] += bucketStarts[bucket - 1] }
        var order = [UInt32](repeating: 0, count: bucketStarts.last!)
        for rank in 0..<rankCount where offsets[rank + 1] > offsets[rank] {
            let bucket = (Int(truncatingIfNeeded: hashes[rank]) & slotMask) >> bucketShift
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
            default: continue
            }
        }
    }

    deinit {
        tokenBytes.deallocate()
        offsets.deallocate()
        slots.deallocate()
        shortRanks.deallocate()
    }

    private func insert(rank: UInt32, hash: UInt64) {
        let start = Int(offsets[Int(rank)])
        let length = Int(offsets[Int(rank) + 1]) - start
        let key = UnsafePointer(tokenBytes.baseAddress! + start)
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while slots[slot] != .max {
            let existing = UInt32(truncatingIfNeeded: slots[slot])
            if slots[slot] & 0xFFFF_FFFF_0000_0000 == tag && equals(rank: existing, key, length) {
                break  // a repeated token: the later line wins, as in tiktoken's dict
            }
            slot = (slot + 1) & slotMask
        }
        slots[slot] = tag | UInt64(rank)
    }

    /// A 64-bit hash of `length` bytes, read 8 at a time.
    @inline(__always)
    static func hash(_ bytes: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        var h = UInt64(truncatingIfNeeded: length) &* 0x9E37_79B9_7F4A_7C15
        var i = 0
        while i + 8 <= length {
            h = (h ^ UnsafeRawPointer(bytes + i).loadUnaligned(as: UInt64.self)) &* 0xFF51_AFD7_ED55_8CCD
            h ^= h >> 32
            i += 8
        }
        if i < length {
            var word: UInt64 = 0
            var shift: UInt64 = 0
            while i < length {
                word |= UInt64(bytes[i]) << shift
                shift += 8
                i += 1
            }
            h = (h ^ word) &* 0xC4CE_B9FE_1A85_EC53
        }
        h ^= h >> 29
        h = h &* 0xFF51_AFD7_ED55_8CCD
        return h ^ (h >> 32)
    }

    @inline(__always)
    private func equals(rank: UInt32, _ key: UnsafePointer<UInt8>, _ length: Int) -> Bool {
        let start = Int(offsets[Int(rank)])
        guard Int(offsets[Int(rank) + 1]) - start == length else { return false }
        return Self.sameBytes(UnsafeRawPointer(tokenBytes.baseAddress! + start), UnsafeRawPointer(key), length)
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
        for i in 0..<length where a.load(fromByteOffset: i, as: UInt8.self) != b.load(fromByteOffset: i, as: UInt8.self) {
            return false
        }
        return true
    }

    /// The rank of exactly these bytes, or `missing`.
    @inline(__always)
    func rank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        if length <= 2 {
            return length == 2
                ? shortRanks[0x100 + (Int(key[0]) << 8 | Int(key[1]))] : shortRanks[Int(key[0])]
        }
        return rank(key, length, hash: Self.hash(key, length))
    }

    /// The rank of exactly these bytes (at least 3 of them) whose `hash` the caller computed.
    @inline(__always)
    func rank(_ key: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> UInt32 {
        let tag = hash & 0xFFFF_FFFF_0000_0000
        var slot = Int(truncatingIfNeeded: hash) & slotMask
        while true {
            let entry = slots[slot]
            if entry == .max { return Self.missing }
            if entry & 0xFFFF_FFFF_0000_0000 == tag {
                let rank = UInt32(truncatingIfNeeded: entry)
                if equals(rank: rank, key, length) { return rank }
            }
            slot = (slot + 1) & slotMask
        }
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
    /// Appends the tokens of one piece. Whole-piece lookup first (most pieces of prose and code
    /// are one token); then repeatedly merge the adjacent pair whose concatenation has the lowest
    /// rank, the leftmost on ties (tiktoken's rule).
    ///
    /// `scratch` must hold `2 * (longPieceBytes + 1)` words.
    @inline(__always)
    func encodePiece(
        _ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>,
        into tokens: inout [Token]
    ) {
        if length <= longestToken {
            let whole = rank(piece, length)
            if whole != Self.missing { return tokens.append(whole) }
        }
        if length < Self.longPieceBytes {
            let parts = mergeShort(piece, length, scratch: scratch)
            for i in 0..<parts {
                let start = Int(scratch[i])
                tokens.append(rank(piece + start, Int(scratch[i + 1]) - start))
            }
        } else {
            let starts = mergeLong(piece, length)
            for i in 0..<(starts.count - 1) {
                let start = Int(starts[i])
                tokens.append(rank(piece + start, Int(starts[i + 1]) - start))
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
        if length <= 2 {
            return rank(piece, length) != Self.missing ? 1 : mergeShort(piece, length, scratch: scratch)
        }
        if length <= PieceCountCache.packedBytesMax {
            let key = PieceCountCache.packedKey(piece, length)
            if let known = cache.packedCount(key) { return known }
            let hash = Self.hash(piece, length)
            let count = rank(piece, length, hash: hash) != Self.missing ? 1 : mergeShort(piece, length, scratch: scratch)
            cache.rememberPacked(key, count: count)
            return count
        }
        let hash = Self.hash(piece, length)
        if length <= longestToken && rank(piece, length, hash: hash) != Self.missing { return 1 }
        if length > PieceCountCache.pieceBytesMax {
            return mergeLong(piece, length).count - 1
        }
        if let known = cache.count(piece, length, hash: hash) { return known }
        let count = length < Self.longPieceBytes
            ? mergeShort(piece, length, scratch: scratch) : mergeLong(piece, length).count - 1
        cache.remember(piece, length, hash: hash, count: count)
        return count
    }

    /// tiktoken's `_byte_pair_merge`: `starts[i]` is where part `i` begins and `ranks[i]` the rank
    /// of part `i` joined with part `i + 1`. Each round scans for the lowest rank (strict `<`, so
    /// the leftmost wins), refreshes the two ranks around it and removes one part. O(n·m), fast
    /// because n < 100 and the arrays sit in one cache-resident scratch block.
    ///
    /// Returns the number of tokens `n`; their starts are left in `scratch[0 ... n]`
    /// (`scratch[n] == length`).
    @inline(__always)
    func mergeShort(_ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>) -> Int {
        let starts = scratch
        let ranks = scratch + (Self.longPieceBytes + 1)
        for i in 0...length { starts[i] = UInt32(i) }
        for i in 0..<(length - 1) { ranks[i] = rank(piece + i, 2) }
        ranks[length - 1] = Self.missing
        var parts = length + 1  // the last entry only marks the end
        while parts > 2 {
            var best = Self.missing
            var index = 0
            for i in 0..<(parts - 2) where ranks[i] < best {
                best = ranks[i]
                index = i
            }
            guard best != Self.missing else { break }
            let spanStart = Int(starts[index])
            ranks[index] = index + 3 < parts
                ? rank(piece + spanStart, Int(starts[index + 3]) - spanStart) : Self.missing
            if index > 0 {
                let previous = Int(starts[index - 1])
                ranks[index - 1] = rank(piece + previous, Int(starts[index + 2]) - previous)
            }
            // Remove part index + 1.
            (starts + index + 1).update(from: starts + index + 2, count: parts - index - 2)
            (ranks + index + 1).update(from: ranks + index + 2, count: parts - index - 2)
            parts -= 1
        }
        return parts - 1
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
