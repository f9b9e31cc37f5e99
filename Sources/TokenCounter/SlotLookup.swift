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
    /// `RankTable.quadSlots`, its slot count minus one, and `64 - log2(slot count)`.
    let quad: UnsafeMutablePointer<UInt64>
    let quadMask: Int
    let quadShift: UInt64

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
        if length <= 4 {
            if length == 3 && Self.isCharKey(key) { return chars[Self.charIndex(key)] }
            let hash = RankTable.hash(key, length, head: RankTable.headWord(key, length))
            let bits = Self.filterBits(hash)
            if filter[Int(truncatingIfNeeded: hash) & filterMask] & bits != bits { return RankTable.missing }
            return quadRank(key, length)
        }
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
        if length <= 4 { return rank(key, length) }
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

    // MARK: - Tokens of 3 and 4 bytes

    /// A 3- or 4-byte key as its table word without the rank: bytes in the low 32 bits, bit
    /// 32 set for 4 bytes, bit 63 set (so no entry is 0, the empty slot).
    @inline(__always)
    static func quadKey(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let bytes =
            length == 4
            ? UInt64(UnsafeRawPointer(key).loadUnaligned(as: UInt32.self)) | 1 << 32
            : UInt64(key[0]) | UInt64(key[1]) << 8 | UInt64(key[2]) << 16
        return bytes | 1 << 63
    }

    /// The key's bits of an entry (`quadKey | rank << 33`).
    static let quadKeyBits: UInt64 = 1 << 63 | 0x1_FFFF_FFFF

    @inline(__always)
    func quadHome(_ word: UInt64) -> Int {
        Int(truncatingIfNeeded: (word &* 0x9E37_79B9_7F4A_7C15) &>> quadShift)
    }

    /// The rank of a 3- or 4-byte key (not a `charRanks` character), or `missing`.
    @inline(__always)
    func quadRank(_ key: UnsafePointer<UInt8>, _ length: Int) -> UInt32 {
        let word = Self.quadKey(key, length)
        var slot = quadHome(word)
        while true {
            let entry = quad[slot]
            if entry & Self.quadKeyBits == word { return UInt32(truncatingIfNeeded: (entry >> 33) & 0xF_FFFF) }
            if entry == 0 { return RankTable.missing }
            slot = (slot + 1) & quadMask
        }
    }

    /// Adds a token (a repeated one: the later rank wins, as in the slot table).
    func insertQuad(_ key: UnsafePointer<UInt8>, _ length: Int, rank: UInt32) {
        let word = Self.quadKey(key, length)
        var slot = quadHome(word)
        while quad[slot] != 0 && quad[slot] & Self.quadKeyBits != word { slot = (slot + 1) & quadMask }
        quad[slot] = word | UInt64(rank) << 33
    }
}
