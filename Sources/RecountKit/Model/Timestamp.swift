/// An instant, exact to the nanosecond, with the UTC offset it was written in.
///
/// Request start times select the price version, so a request 1 ms before a boundary must
/// compare as before it: no `Double`, no `Date` rounding. Ordering ignores the offset.
public struct Timestamp: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Whole seconds since 1970-01-01T00:00:00Z.
    public let seconds: Int64
    /// 0 ..< 1_000_000_000.
    public let nanoseconds: Int32
    /// The offset the time was written with, in seconds east of UTC (0 for Unix numbers).
    public let offsetSeconds: Int32

    public init(seconds: Int64, nanoseconds: Int32 = 0, offsetSeconds: Int32 = 0) {
        self.seconds = seconds
        self.nanoseconds = nanoseconds
        self.offsetSeconds = offsetSeconds
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        (lhs.seconds, lhs.nanoseconds) < (rhs.seconds, rhs.nanoseconds)
    }

    public static func == (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.seconds == rhs.seconds && lhs.nanoseconds == rhs.nanoseconds
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(seconds)
        hasher.combine(nanoseconds)
    }

    /// Unix time numbers: below 10^11 are seconds, from 10^11 on milliseconds (SPEC §6).
    /// Accepts integer text or a decimal with up to 9 fractional digits (seconds) / 6 (ms).
    public init?(unixNumber text: String) {
        guard let parsed = DecimalText(text), !parsed.negative, parsed.exponent == 0 else { return nil }
        guard parsed.integer.count <= 15 else { return nil }
        let whole = Int64(parsed.integer) ?? 0
        let fraction = parsed.fraction
        if whole >= 100_000_000_000 {
            // milliseconds: move three fractional digits into the seconds' fraction.
            guard fraction.count <= 6 else { return nil }
            let seconds = whole / 1000
            let millis = whole % 1000
            let nanosText = (String(millis).leftPadded(to: 3) + fraction).rightPadded(to: 9)
            self.init(seconds: seconds, nanoseconds: Int32(nanosText)!)
        } else {
            guard fraction.count <= 9 else { return nil }
            self.init(seconds: whole, nanoseconds: Int32(fraction.rightPadded(to: 9))!)
        }
    }

    /// RFC 3339: `2024-03-01T08:00:00.123+08:00`, `…Z`; `t`/`z` and a space for `T` accepted.
    /// The offset is required (SPEC §2.1: "with offset").
    public init?(rfc3339 text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self(rfc3339Bytes: $0) }) else { return nil }
        self = parsed
    }

    /// Why `text` is not an RFC 3339 time, in words a user can act on ("month 13 is out of
    /// range"). Only for error messages: the parser itself stays a single pass.
    public static func rfc3339Problem(_ text: String) -> String {
        let b = Array(text.utf8)
        func number(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for byte in b[start..<(start + count)] {
                guard byte >= 0x30, byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        let shape = "expected YYYY-MM-DDTHH:MM:SS[.fraction] and Z or ±HH:MM, e.g. 2024-03-01T00:00:00+08:00"
        guard b.count >= 19, let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
            let hour = number(11, 2), let minute = number(14, 2), let second = number(17, 2)
        else { return shape }
        if !(1...12).contains(month) { return "month \(month) is out of range (1–12)" }
        let days = daysIn(month: month, year: year)
        if day < 1 || day > days {
            return "day \(day) is out of range (\(year)-\(String(month).leftPadded(to: 2)) has \(days) days)"
        }
        if hour > 23 { return "hour \(hour) is out of range (0–23)" }
        if minute > 59 { return "minute \(minute) is out of range (0–59)" }
        if second > 60 { return "second \(second) is out of range (0–60)" }
        var index = 19
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index] >= 0x30, b[index] <= 0x39 { index += 1 }
            if index - start > 9 { return "more than 9 fractional digits" }
            if index == start { return "no digits after the decimal point" }
        }
        if index == b.count { return "no offset: add Z (UTC) or the zone's offset, e.g. +08:00" }
        return shape
    }

    /// `init?(rfc3339:)` over the text's UTF-8 in place (it runs for every line and debit).
    private init?(rfc3339Bytes b: UnsafeBufferPointer<UInt8>) {
        func digits(_ start: Int, _ count: Int) -> Int? {
            guard start + count <= b.count else { return nil }
            var value = 0
            for index in start..<(start + count) {
                let d = b[index] &- 0x30
                guard d < 10 else { return nil }
                value = value * 10 + Int(d)
            }
            return value
        }
        guard b.count >= 20,
            let year = digits(0, 4), b[4] == UInt8(ascii: "-"),
            let month = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let day = digits(8, 2),
            [UInt8(ascii: "T"), UInt8(ascii: "t"), UInt8(ascii: " ")].contains(b[10]),
            let hour = digits(11, 2), b[13] == UInt8(ascii: ":"),
            let minute = digits(14, 2), b[16] == UInt8(ascii: ":"),
            let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= Self.daysIn(month: month, year: year),
            hour < 24, minute < 60, second < 61
        else { return nil }
        var index = 19
        var nanos = 0
        if index < b.count, b[index] == UInt8(ascii: ".") {
            index += 1
            let start = index
            while index < b.count, b[index] &- 0x30 < 10 { index += 1 }
            let count = index - start
            guard count >= 1, count <= 9, let fraction = digits(start, count) else { return nil }
            nanos = fraction
            for _ in count..<9 { nanos *= 10 }
        }
        guard index < b.count else { return nil }
        var offset = 0
        switch b[index] {
        case UInt8(ascii: "Z"), UInt8(ascii: "z"):
            index += 1
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let sign = b[index] == UInt8(ascii: "-") ? -1 : 1
            guard let oh = digits(index + 1, 2), index + 3 < b.count, b[index + 3] == UInt8(ascii: ":"),
                let om = digits(index + 4, 2), oh < 24, om < 60
            else { return nil }
            offset = sign * (oh * 3600 + om * 60)
            index += 6
        default:
            return nil
        }
        guard index == b.count else { return nil }
        // A leap second (":60") is read as the last instant of that minute plus one second,
        // which is what a POSIX clock would have written next.
        let days = Self.daysFromCivil(year: year, month: month, day: day)
        let local = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second)
        self.init(seconds: local - Int64(offset), nanoseconds: Int32(nanos), offsetSeconds: Int32(offset))
    }

    /// The civil date (in the given offset) as `YYYY-MM-DD`.
    public func day(offsetSeconds offset: Int32) -> String {
        let local = seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let (y, m, d) = Self.civilFromDays(Int(days))
        guard (0...9999).contains(y) else {
            return "\(String(y).leftPadded(to: 4))-\(String(m).leftPadded(to: 2))-\(String(d).leftPadded(to: 2))"
        }
        // Performance: this runs for every request (the daily totals' key); ten ASCII bytes
        // make a small string, with no interpolation buffers.
        return String(unsafeUninitializedCapacity: 10) { text in
            func put(_ value: Int, _ width: Int, at start: Int) {
                var value = value
                for index in stride(from: start + width - 1, through: start, by: -1) {
                    text[index] = UInt8(ascii: "0") + UInt8(value % 10)
                    value /= 10
                }
            }
            put(y, 4, at: 0)
            text[4] = UInt8(ascii: "-")
            put(m, 2, at: 5)
            text[7] = UInt8(ascii: "-")
            put(d, 2, at: 8)
            return 10
        }
    }

    /// RFC 3339 in the offset it was written with; fraction only when non-zero, trimmed to
    /// milliseconds / microseconds / nanoseconds as needed.
    public var description: String { rfc3339(offsetSeconds: offsetSeconds) }

    public func rfc3339(offsetSeconds offset: Int32) -> String {
        let local = seconds + Int64(offset)
        let days = local >= 0 ? local / 86_400 : (local - 86_399) / 86_400
        let secondOfDay = Int(local - days * 86_400)
        let (y, m, d) = Self.civilFromDays(Int(days))
        var text = "\(String(y).leftPadded(to: 4))-\(String(m).leftPadded(to: 2))-\(String(d).leftPadded(to: 2))T"
        text +=
            "\(String(secondOfDay / 3600).leftPadded(to: 2)):\(String(secondOfDay / 60 % 60).leftPadded(to: 2)):\(String(secondOfDay % 60).leftPadded(to: 2))"
        if nanoseconds != 0 {
            var digits = String(nanoseconds).leftPadded(to: 9)
            while digits.count > 3, digits.hasSuffix("000") { digits.removeLast(3) }
            text += "." + digits
        }
        if offset == 0 { return text + "Z" }
        let sign = offset < 0 ? "-" : "+"
        let magnitude = abs(Int(offset))
        return text + sign + String(magnitude / 3600).leftPadded(to: 2) + ":"
            + String(magnitude / 60 % 60).leftPadded(to: 2)
    }

    /// `YYYY-MM-DD HH:MM:SS` (milliseconds when non-zero) in the given offset, with no zone:
    /// the form Excel and LibreOffice read as a date and time (they do not read RFC 3339's `T`
    /// and offset). The offset is stated once, in the report's header.
    public func spreadsheetText(offsetSeconds offset: Int32) -> String {
        let rfc = rfc3339(offsetSeconds: offset)
        var text = rfc.replacingOccurrences(of: "T", with: " ")
        if let zone = text.firstIndex(where: { $0 == "Z" || $0 == "+" })
            ?? text.lastIndex(of: "-").flatMap({ $0 > text.index(text.startIndex, offsetBy: 10) ? $0 : nil })
        {
            text = String(text[..<zone])
        }
        if let dot = text.firstIndex(of: ".") {
            let fraction = text[text.index(after: dot)...].prefix(3)
            text = String(text[..<dot]) + (Int(fraction) == 0 ? "" : "." + fraction)
        }
        return text
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civilFromDays(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

/// The parts of a decimal literal (`-12.5e3`), for exact readers of numbers.
struct DecimalText {
    var negative: Bool
    /// The digits before the point; "0" when there are none (`.5`).
    var integer: String
    /// The digits after the point; empty when there is no point.
    var fraction: String
    var exponent: Int

    init?(_ text: String) {
        var text = text
        guard
            let parts = text.withUTF8({ bytes -> (Bool, String, String, Int)? in
                guard let digits = DecimalDigits(bytes) else { return nil }
                let integer = String(decoding: UnsafeBufferPointer(rebasing: bytes[digits.integer]), as: UTF8.self)
                let fraction = String(decoding: UnsafeBufferPointer(rebasing: bytes[digits.fraction]), as: UTF8.self)
                return (digits.negative, integer.isEmpty ? "0" : integer, fraction, digits.exponent)
            })
        else { return nil }
        (negative, integer, fraction, exponent) = parts
    }
}

/// Where the parts of a decimal literal lie in its UTF-8 bytes: an optional sign, digits with
/// at most one point (a digit on at least one side of it, and after it if there is one), then
/// optionally `e` or `E` and an exponent `Int(_:)` reads (optional sign, digits) within ±1000.
///
/// Bytes, not `Character`s: only ASCII can be part of a literal (any other byte makes the text
/// not one), and reading amounts and counts through `Character` and `Substring` cost 2% of
/// `recount reconcile` CPU on the day benchmark.
struct DecimalDigits {
    var negative: Bool
    /// The digits before the point (possibly none).
    var integer: Range<Int>
    /// The digits after the point (none when there is no point).
    var fraction: Range<Int>
    var exponent: Int

    init?(_ bytes: UnsafeBufferPointer<UInt8>) {
        var index = 0
        negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { index = 1 }
        var end = bytes.count
        exponent = 0
        if let e = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            guard let value = Self.exponent(UnsafeBufferPointer(rebasing: bytes[(e + 1)...])) else { return nil }
            exponent = value
            end = e
        }
        let start = index
        var point: Int?
        while index < end {
            if bytes[index] == UInt8(ascii: ".") {
                guard point == nil else { return nil }
                point = index
            } else if bytes[index] &- UInt8(ascii: "0") >= 10 {
                return nil
            }
            index += 1
        }
        integer = start..<(point ?? end)
        fraction = point.map { ($0 + 1)..<end } ?? end..<end
        guard !(integer.isEmpty && fraction.isEmpty), point == nil || !fraction.isEmpty else { return nil }
    }

    /// The exponent's value, or nil when it is not an optional sign and digits or is outside
    /// ±1000. Reading stops past 1000, so a huge exponent ("1e-9223372036854775808", found by
    /// fuzzing) can neither overflow nor trap.
    private static func exponent(_ bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        var index = 0
        let negative = bytes.first == UInt8(ascii: "-")
        if negative || bytes.first == UInt8(ascii: "+") { index = 1 }
        guard index < bytes.count else { return nil }
        var value = 0
        while index < bytes.count {
            let digit = bytes[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            value = value * 10 + Int(digit)
            guard value <= 1000 else { return nil }
            index += 1
        }
        return negative ? -value : value
    }
}
