/// Sort keys whose byte order is the order the reports want, so spilled runs can be merged
/// with `memcmp` and no decoding.
struct SortKey {
    var bytes: [UInt8] = []

    /// Performance: keys are built for every line, debit, row and credit; room for a typical
    /// key up front saves the reallocations of growing it from empty.
    init(capacity: Int = 64) { bytes.reserveCapacity(capacity) }

    /// Byte order of the UTF-8, shorter first: NUL is escaped as `00 FF` and the string ends
    /// with `00 00`, so a prefix sorts before every extension of it.
    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { utf8 in
            if !utf8.contains(0) {
                bytes.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                bytes.append(byte)
                if byte == 0 { bytes.append(0xFF) }
            }
        }
        bytes.append(0)
        bytes.append(0)
    }

    mutating func uint64(_ value: UInt64) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    mutating func int64(_ value: Int64) { uint64(UInt64(bitPattern: value) ^ (1 << 63)) }

    /// An instant (the offset it was written with does not matter); a missing time sorts last.
    mutating func time(_ value: Timestamp?) {
        guard let value else { bytes.append(1); return }
        bytes.append(0)
        int64(value.seconds)
        uint64(UInt64(value.nanoseconds))
    }

    mutating func byte(_ value: UInt8) { bytes.append(value) }
}
