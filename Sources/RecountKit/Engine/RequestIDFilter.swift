/// A fixed-size Bloom filter of request ids (8 MiB, 3 probes in one 64-byte block): no false
/// negatives, so every repeated id is flagged; about 1 in 8,000 first sightings are flagged too
/// at a million ids, which only costs keeping that line's bytes a little longer.
struct RequestIDFilter {
    static let bitCount = 1 << 26
    private var words = [UInt64](repeating: 0, count: bitCount / 64)

    /// Adds `id`; true when it may have been added before.
    mutating func insert(_ id: String) -> Bool {
        var utf8 = id
        return utf8.withUTF8 { insert(idKey: $0) }
    }

    /// Adds the id whose bytes (its UTF-8, or any one-to-one encoding of it such as its sort
    /// key) are `idKey`; true when it may have been added before.
    mutating func insert(idKey bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3 }
        // Blocked: all three bits in one 512-bit block (one cache line, where three spread-out
        // bits cost three misses into 8 MiB on the scan's sequential path), at a slightly
        // higher false-positive rate.
        let block = Int(Self.mix(hash &+ 0x9E37_79B9_7F4A_7C15) % UInt64(Self.bitCount / 512)) * 8
        let bits = Self.mix(hash &+ 0x3C6E_F372_FE94_F82A)
        var present = true
        for probe in 0..<3 {
            let bit = Int(truncatingIfNeeded: bits >> UInt64(9 * probe)) & 511
            let word = block + (bit >> 6)
            let mask: UInt64 = 1 << UInt64(bit & 63)
            if words[word] & mask == 0 {
                present = false
                words[word] |= mask
            }
        }
        return present
    }

    /// SplitMix64's finalizer.
    private static func mix(_ value: UInt64) -> UInt64 {
        var mixed = value
        mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
        mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
        return mixed ^ (mixed >> 31)
    }
}
