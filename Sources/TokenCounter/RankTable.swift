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
    /// What `countChars` needs of each such character: see `RankTable+Chars.swift` (256 KB).
    let charUnits: UnsafeMutableBufferPointer<UInt32>
    /// Every token of 3 or 4 bytes (but the characters of `charRanks`) in one word per slot —
    /// `SlotLookup.quadEntry`: its bytes, length and rank — probed linearly (256–512 KB). Why:
    /// those are most of the merge's lookups that find a token (nine in ten on a realistic
    /// day: the syllables of words that are no token, the bytes of mixed scripts), and in the
    /// 1–4 MB slot table each is a miss of the core's cache on the merge's critical path; here
    /// a hit or a miss is one line that stays cached, with no filter before it.
    let quadSlots: UnsafeMutableBufferPointer<UInt64>
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
        charUnits = .allocate(capacity: 0x10000)
        charUnits.initialize(repeating: 0)
        var quads = 0
        for rank in 0..<rankCount where (3...4).contains(offsets[rank + 1] - offsets[rank]) { quads += 1 }
        var quadCapacity = 1024
        var quadBits: UInt64 = 10
        while quadCapacity < quads + quads * 2 / 3 {
            quadCapacity <<= 1
            quadBits += 1
        }
        quadSlots = .allocate(capacity: quadCapacity)
        quadSlots.initialize(repeating: 0)
        var filterWords = 1024
        while filterWords * 64 < stored * 8 { filterWords <<= 1 }
        filter = .allocate(capacity: filterWords)
        filter.initialize(repeating: 0)
        lookup = SlotLookup(
            slots: slots.baseAddress!, mask: capacity - 1, shift: 64 - bits, tokenBytes: tokenBytes.baseAddress!,
            short: shortRanks.baseAddress!, chars: charRanks.baseAddress!, filter: filter.baseAddress!,
            filterMask: filterWords - 1, quad: quadSlots.baseAddress!, quadMask: quadCapacity - 1,
            quadShift: 64 - quadBits)
        blockMergeLimit = rankCount < 1 << (32 - Self.indexBits) - 1 ? Self.blockPieceBytes : 1
        insertAll()
        fillCharUnits()
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
                if SlotLookup.isCharKey(key) {
                    charRanks[SlotLookup.charIndex(key)] = UInt32(rank)
                } else {
                    lookup.insertQuad(key, 3, rank: UInt32(rank))
                }
            case 4: lookup.insertQuad(UnsafePointer(tokenBytes.baseAddress! + start), 4, rank: UInt32(rank))
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
        charUnits.deallocate()
        quadSlots.deallocate()
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
