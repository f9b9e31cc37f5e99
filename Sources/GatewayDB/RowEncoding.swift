/// One value of a row as a client library hands it over, borrowed for the moment of encoding.
enum Cell {
    case null
    case integer(Int64)
    /// A number in the database's own text form (a REAL, a DECIMAL, a MySQL integer column).
    case number(UnsafeBufferPointer<UInt8>)
    case text(UnsafeBufferPointer<UInt8>)
}

/// Writes rows as the single-line JSON objects PostgreSQL's `row_to_json` and the `sqlite3
/// -json` shell print: the table's columns in table order, integers as numbers, text as
/// strings (so `other` stays a JSON *string*), NULL as `null`, no spaces. Both tools escape
/// strings the same way — `\"`, `\\`, `\b \f \n \r \t`, other controls as lower-case `\u00xx`,
/// everything else (UTF-8 included) as is — and so does this, so a row read from the database
/// and the same row exported by either tool are the same bytes.
struct RowEncoder {
    /// `{"id":`, `,"user_id":`, … one per column.
    private let keyPrefixes: [[UInt8]]

    init(columns: [String]) {
        keyPrefixes = columns.enumerated().map { index, name in
            var prefix: [UInt8] = index == 0 ? [UInt8(ascii: "{")] : [UInt8(ascii: ",")]
            Self.appendString(Array(name.utf8), to: &prefix)
            prefix.append(UInt8(ascii: ":"))
            return prefix
        }
    }

    var columnCount: Int { keyPrefixes.count }

    /// Replaces `line` with the row whose cells `cell(i)` yields.
    func encode(into line: inout [UInt8], cell: (Int, (Cell) -> Void) -> Void) {
        line.removeAll(keepingCapacity: true)
        for index in keyPrefixes.indices {
            line += keyPrefixes[index]
            cell(index) { value in Self.append(value, to: &line) }
        }
        if keyPrefixes.isEmpty { line.append(UInt8(ascii: "{")) }
        line.append(UInt8(ascii: "}"))
    }

    static func append(_ cell: Cell, to line: inout [UInt8]) {
        switch cell {
        case .null: line += "null".utf8
        case .integer(let value): appendInteger(value, to: &line)
        case .number(let bytes): line += bytes
        case .text(let bytes): appendString(bytes, to: &line)
        }
    }

    /// Decimal digits without a `String` in between (most cells of a row are integers).
    static func appendInteger(_ value: Int64, to line: inout [UInt8]) {
        if value < 0 { line.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)  // 32 bytes, room for 20 digits
        var count = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            repeat {
                count += 1
                buffer[32 - count] = UInt8(truncatingIfNeeded: magnitude % 10) + 0x30
                magnitude /= 10
            } while magnitude > 0
            line.append(contentsOf: buffer[(32 - count)...])
        }
    }

    private static let hex = Array("0123456789abcdef".utf8)

    static func appendString(_ bytes: UnsafeBufferPointer<UInt8>, to line: inout [UInt8]) {
        line.append(UInt8(ascii: "\""))
        // Runs of bytes that need no escape are copied whole.
        var runStart = 0
        for index in bytes.indices {
            let byte = bytes[index]
            guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
            if runStart < index { line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            runStart = index + 1
            appendEscape(byte, to: &line)
        }
        if runStart < bytes.count { line.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[runStart...])) }
        line.append(UInt8(ascii: "\""))
    }

    static func appendString(_ bytes: [UInt8], to line: inout [UInt8]) {
        bytes.withUnsafeBufferPointer { appendString($0, to: &line) }
    }

    private static func appendEscape(_ byte: UInt8, to line: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "\""): line += [0x5C, 0x22]
        case UInt8(ascii: "\\"): line += [0x5C, 0x5C]
        case 0x08: line += [0x5C, UInt8(ascii: "b")]
        case 0x0C: line += [0x5C, UInt8(ascii: "f")]
        case 0x0A: line += [0x5C, UInt8(ascii: "n")]
        case 0x0D: line += [0x5C, UInt8(ascii: "r")]
        case 0x09: line += [0x5C, UInt8(ascii: "t")]
        default: line += [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        }
    }
}

/// Parses a decimal integer from a client library's text (a row id).
func parseInt64(_ bytes: UnsafeBufferPointer<UInt8>?) -> Int64? {
    guard let bytes, !bytes.isEmpty else { return nil }
    var value: Int64 = 0
    var negative = false
    for (index, byte) in bytes.enumerated() {
        if index == 0, byte == UInt8(ascii: "-") { negative = true; continue }
        guard (0x30...0x39).contains(byte) else { return nil }
        let (times, o1) = value.multipliedReportingOverflow(by: 10)
        let (sum, o2) = times.addingReportingOverflow(Int64(byte - 0x30))
        if o1 || o2 { return nil }
        value = sum
    }
    return negative ? -value : value
}
