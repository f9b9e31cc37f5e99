import TokenCounter

/// A compact binary encoding for what a run sets aside on disk (sorted runs, shard state).
///
/// Why not JSON: a busy day spills millions of records, and each would be written once and
/// read once; varints and length-prefixed strings are several times smaller and faster, and
/// the files never leave the run (shard state files go only to `recount merge` of the same
/// version, which checks the format tag first).
struct SpillEncoder {
    var bytes: [UInt8] = []

    init(capacity: Int = 256) { bytes.reserveCapacity(capacity) }

    @inline(__always)
    mutating func uint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value >>= 7
        }
        bytes.append(UInt8(value))
    }

    /// Zigzag, so small negative numbers stay small.
    @inline(__always)
    mutating func int(_ value: Int) {
        let wide = Int64(value)
        uint(UInt64(bitPattern: (wide << 1) ^ (wide >> 63)))
    }

    @inline(__always)
    mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }

    mutating func raw(_ value: some Collection<UInt8>) {
        uint(UInt64(value.count))
        bytes += value
    }

    mutating func string(_ value: String) {
        var value = value
        value.withUTF8 { raw($0) }
    }

    mutating func optional<T>(_ value: T?, _ write: (inout SpillEncoder, T) -> Void) {
        guard let value else { bytes.append(0); return }
        bytes.append(1)
        write(&self, value)
    }

    mutating func optionalString(_ value: String?) { optional(value) { $0.string($1) } }
    mutating func optionalInt(_ value: Int?) { optional(value) { $0.int($1) } }

    mutating func int128(_ value: Int128) {
        let bits = UInt128(bitPattern: value)
        uint(UInt64(truncatingIfNeeded: bits >> 64))
        uint(UInt64(truncatingIfNeeded: bits))
    }

    mutating func rational(_ value: Rational) {
        int128(value.numerator)
        int128(value.denominator)
    }

    mutating func timestamp(_ value: Timestamp) {
        withUnsafeBytes(of: value.seconds.bigEndian) { bytes.append(contentsOf: $0) }
        int(Int(value.nanoseconds))
        int(Int(value.offsetSeconds))
    }

    mutating func array<T>(_ values: [T], _ write: (inout SpillEncoder, T) -> Void) {
        uint(UInt64(values.count))
        for value in values { write(&self, value) }
    }
}

/// A spill or state file that does not decode: a bug, a disk error, or (for `merge`) a file
/// that is not a shard state of this version.
struct SpillCorrupt: Error, Sendable {
    let what: String
}

/// Reads what `SpillEncoder` wrote, bounds-checked: a short or damaged record throws rather
/// than traps.
struct SpillDecoder {
    let bytes: [UInt8]
    var index: Int
    let end: Int

    init(_ bytes: [UInt8], from start: Int = 0, to end: Int? = nil) {
        self.bytes = bytes
        index = start
        self.end = end ?? bytes.count
    }

    var isAtEnd: Bool { index >= end }

    @inline(__always)
    mutating func byte() throws(SpillCorrupt) -> UInt8 {
        guard index < end else { throw SpillCorrupt(what: "record ends early") }
        defer { index += 1 }
        return bytes[index]
    }

    @inline(__always)
    mutating func uint() throws(SpillCorrupt) -> UInt64 {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let byte = try byte()
            guard shift < 64 else { throw SpillCorrupt(what: "varint too long") }
            value |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return value }
            shift += 7
        }
    }

    @inline(__always)
    mutating func int() throws(SpillCorrupt) -> Int {
        let zigzag = try uint()
        return Int(Int64(bitPattern: (zigzag >> 1) ^ (0 &- (zigzag & 1))))
    }

    @inline(__always)
    mutating func count() throws(SpillCorrupt) -> Int {
        let value = try uint()
        guard value <= UInt64(end - index) else { throw SpillCorrupt(what: "length runs past the record") }
        return Int(value)
    }

    @inline(__always)
    mutating func bool() throws(SpillCorrupt) -> Bool {
        switch try byte() {
        case 0: false
        case 1: true
        default: throw SpillCorrupt(what: "bad flag")
        }
    }

    @inline(__always)
    mutating func raw() throws(SpillCorrupt) -> ArraySlice<UInt8> {
        let length = try count()
        guard length <= end - index else { throw SpillCorrupt(what: "bytes run past the record") }
        defer { index += length }
        return bytes[index..<(index + length)]
    }

    mutating func string() throws(SpillCorrupt) -> String {
        String(decoding: try raw(), as: UTF8.self)
    }

    mutating func optional<T>(_ read: (inout SpillDecoder) throws(SpillCorrupt) -> T) throws(SpillCorrupt) -> T? {
        try bool() ? try read(&self) : nil
    }

    mutating func optionalString() throws(SpillCorrupt) -> String? {
        try optional { decoder throws(SpillCorrupt) in try decoder.string() }
    }
    mutating func optionalInt() throws(SpillCorrupt) -> Int? {
        try optional { decoder throws(SpillCorrupt) in try decoder.int() }
    }

    mutating func int128() throws(SpillCorrupt) -> Int128 {
        let high = try uint()
        let low = try uint()
        return Int128(bitPattern: UInt128(high) << 64 | UInt128(low))
    }

    mutating func rational() throws(SpillCorrupt) -> Rational {
        let numerator = try int128()
        let denominator = try int128()
        guard let value = try? Rational(numerator: numerator, denominator: denominator),
            value.numerator == numerator, value.denominator == denominator
        else {
            throw SpillCorrupt(what: "bad rational \(numerator)/\(denominator) at byte \(index)")
        }
        return value
    }

    mutating func timestamp() throws(SpillCorrupt) -> Timestamp {
        guard end - index >= 8 else { throw SpillCorrupt(what: "record ends early") }
        var seconds: UInt64 = 0
        for _ in 0..<8 { seconds = seconds << 8 | UInt64(bytes[index]); index += 1 }
        let nanoseconds = try int()
        let offset = try int()
        guard (0..<1_000_000_000).contains(nanoseconds), (-86_399...86_399).contains(offset) else {
            throw SpillCorrupt(what: "bad time")
        }
        return Timestamp(
            seconds: Int64(bitPattern: seconds), nanoseconds: Int32(nanoseconds), offsetSeconds: Int32(offset))
    }

    mutating func array<T>(_ read: (inout SpillDecoder) throws(SpillCorrupt) -> T) throws(SpillCorrupt) -> [T] {
        let count = try count()
        guard count <= end - index else { throw SpillCorrupt(what: "array longer than its record") }
        var values: [T] = []
        values.reserveCapacity(count)
        for _ in 0..<count { values.append(try read(&self)) }
        return values
    }

    mutating func enumeration<E: RawRepresentable>(_: E.Type) throws(SpillCorrupt) -> E where E.RawValue == String {
        guard let value = E(rawValue: try string()) else { throw SpillCorrupt(what: "unknown \(E.self)") }
        return value
    }
}
