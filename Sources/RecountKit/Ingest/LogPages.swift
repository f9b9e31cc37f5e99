import TokenCounter

/// The JSON pages a gateway's `GET /api/log/` returns, read as a log (SPEC §2.1 "Pages"): the
/// rows of each page handed on one by one, as the lines of a JSONL row export would be, so a
/// page and the same rows exported by `sqlite3 -json` or `row_to_json` decode identically.
///
/// Two shapes, both `{"success": …, "message": …, "data": …}` (Go's `json.Marshal` of a
/// `gin.H` writes the keys sorted: `data` first):
/// - new-api (`controller/log.go` `GetAllLogs`, `common.PageInfo`): `data` is
///   `{"page", "page_size", "total", "items": [row, …]}`; each row is `model.Log` with
///   `channel` for `channel_id` and `other` a JSON string.
/// - one-api (`controller/log.go` `GetAllLogs`): `data` is the array of rows itself.
///
/// `data` or `items` `null` (Go's nil slice) is a page without rows. A page is one line (the
/// gateway sends it without newlines; `jq -c` makes a pretty-printed one so), and a file holds
/// one page or one page a line. A file is read as pages when its first non-blank line is one:
/// the check is made once per file, so a JSONL log pays nothing for it.
///
/// Numbering: a row's position is its `id` (`logs.id`), as when the database is read, so
/// rejects name the row and input order is id order whatever order the pages came in (the
/// gateway lists newest first); a row without a whole `id` takes the number after the
/// highest so far. A page that is not readable (`success` false, `data` of another shape,
/// broken JSON) is handed on whole, numbered the same way, and rejected by the decoder with
/// the reason (`RecordDecoder`, `LogPage.problem`).
final class LogFileLines: LogLineSource {
    private let reader: LineReader
    /// Whether the file is read as pages (decided by its first non-blank line).
    let readsPages: Bool
    /// Lines read ahead to decide, handed on first.
    private var peeked: [LineReader.Line]
    /// The rows of the page being handed on, last first.
    private var rows: [LineReader.Line] = []
    private(set) var lineNumber = 0
    private(set) var lastNumber = 0

    init(_ reader: LineReader) throws(InputError) {
        self.reader = reader
        var peeked: [LineReader.Line] = []
        var pages = false
        while let line = try reader.next() {
            peeked.append(line)
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            pages = !line.truncated && LogPage.looksLikePage(line.bytes)
            break
        }
        self.peeked = peeked.reversed()
        readsPages = pages
    }

    var bytesRead: Int { reader.bytesRead }

    func next() throws(InputError) -> LineReader.Line? {
        guard readsPages else {
            let line = peeked.isEmpty ? try reader.next() : peeked.popLast()
            if let line {
                lineNumber += 1
                lastNumber = line.number
            }
            return line
        }
        while true {
            if let row = rows.popLast() {
                lineNumber += 1
                return row
            }
            guard let line = peeked.isEmpty ? try reader.next() : peeked.popLast() else { return nil }
            if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard !line.truncated, let page = LogPage.rows(of: line.bytes) else {
                lastNumber += 1
                lineNumber += 1
                return LineReader.Line(number: lastNumber, bytes: line.bytes, truncated: line.truncated)
            }
            var numbered: [LineReader.Line] = []
            numbered.reserveCapacity(page.count)
            for row in page {
                let number = row.id ?? lastNumber + 1
                lastNumber = max(lastNumber, number)
                numbered.append(LineReader.Line(number: number, bytes: Array(line.bytes[row.span]), truncated: false))
            }
            rows = numbered.reversed()
        }
    }
}

/// Where the rows of one `/api/log/` page are in its bytes (a light scan: each row is decoded,
/// and rejected if broken, by `RecordDecoder` like any line).
enum LogPage {
    struct Row {
        let span: Range<Int>
        /// The row's `id`, when it is a whole number from 1 to 2^53.
        let id: Int?
    }

    /// Whether a line starts like a page: an object whose first key is `data`, `success` or
    /// `message` (no log row or `recount.log/1` line starts so).
    static func looksLikePage(_ bytes: [UInt8]) -> Bool {
        var scanner = JSONSpanScanner(bytes)
        scanner.skipWhitespace()
        guard scanner.take(UInt8(ascii: "{")) else { return false }
        scanner.skipWhitespace()
        guard let key = scanner.key() else { return false }
        return key == "data" || key == "success" || key == "message"
    }

    /// The rows of a page, or nil when the line is not a readable page with `success` true.
    static func rows(of bytes: [UInt8]) -> [Row]? {
        var scanner = JSONSpanScanner(bytes)
        var success: Bool?
        var rows: [Row]?
        let read = scanner.members { scanner, key in
            switch key {
            case "success":
                let value = scanner.value()
                success = value.map { bytes[$0].elementsEqual("true".utf8) }
                return value != nil
            case "data":
                if scanner.peek() == UInt8(ascii: "{") {
                    var items: [Row]? = []
                    let read = scanner.members { scanner, key in
                        guard key == "items" else { return scanner.value() != nil }
                        items = scanner.rows()
                        return items != nil
                    }
                    rows = read ? items : nil
                    return read
                }
                rows = scanner.rows()
                return rows != nil
            default:
                return scanner.value() != nil
            }
        }
        scanner.skipWhitespace()
        guard read, scanner.atEnd, success == true else { return nil }
        return rows
    }

    /// Why a page yields no rows, for the reject of the line (`RecordDecoder`): `success`
    /// false (the gateway's message), or `data` not the rows of either gateway.
    static func problem(_ object: JSONObject) -> FieldError {
        if object["success"]?.boolValue != true {
            let message = object["message"]?.stringValue ?? ""
            return FieldError(
                "success",
                "an /api/log/ page that reports a failure"
                    + (message.isEmpty ? "" : ": '\(message.prefix(200))'") + " (no rows read from it)")
        }
        return FieldError(
            "data",
            "an /api/log/ page whose data is neither the rows (one-api) nor {\"items\": rows} (new-api)")
    }
}

/// A minimal JSON scanner over bytes: finds where values are, does not build them. Strings
/// are followed through their escapes; objects and arrays by nesting (at most
/// `JSONParser.depthMax` deep).
struct JSONSpanScanner {
    let bytes: [UInt8]
    var position = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var atEnd: Bool { position == bytes.count }

    func peek() -> UInt8? { position < bytes.count ? bytes[position] : nil }

    mutating func skipWhitespace() {
        while position < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[position]) { position += 1 }
    }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek() == byte else { return false }
        position += 1
        return true
    }

    /// A string's span (quotes included), or nil when it does not end.
    mutating func string() -> Range<Int>? {
        let start = position
        guard take(UInt8(ascii: "\"")) else { return nil }
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""):
                position += 1
                return start..<position
            case UInt8(ascii: "\\"): position += 2
            default: position += 1
            }
        }
        return nil
    }

    /// An object key as text (escapes left as written: the keys looked for have none).
    mutating func key() -> String? {
        guard let span = string() else { return nil }
        return String(decoding: bytes[(span.lowerBound + 1)..<(span.upperBound - 1)], as: UTF8.self)
    }

    /// The span of the value here (after whitespace), or nil when it is not one.
    mutating func value(depth: Int = 0) -> Range<Int>? {
        skipWhitespace()
        let start = position
        guard let first = peek(), depth < JSONParser.depthMax else { return nil }
        switch first {
        case UInt8(ascii: "\""):
            return string()
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            let close = first == UInt8(ascii: "{") ? UInt8(ascii: "}") : UInt8(ascii: "]")
            position += 1
            skipWhitespace()
            if take(close) { return start..<position }
            while true {
                if first == UInt8(ascii: "{") {
                    skipWhitespace()
                    guard string() != nil else { return nil }
                    skipWhitespace()
                    guard take(UInt8(ascii: ":")) else { return nil }
                }
                guard value(depth: depth + 1) != nil else { return nil }
                skipWhitespace()
                if take(close) { return start..<position }
                guard take(UInt8(ascii: ",")) else { return nil }
            }
        default:
            // A number or a literal: up to the next delimiter.
            while position < bytes.count, !",]} \t\r\n".utf8.contains(bytes[position]) { position += 1 }
            return position > start ? start..<position : nil
        }
    }

    /// Walks an object's members, calling `member` with the scanner at each value (which it
    /// must consume); false when the object is broken or `member` says so.
    mutating func members(_ member: (inout JSONSpanScanner, String) -> Bool) -> Bool {
        skipWhitespace()
        guard take(UInt8(ascii: "{")) else { return false }
        skipWhitespace()
        if take(UInt8(ascii: "}")) { return true }
        while true {
            skipWhitespace()
            guard let key = key() else { return false }
            skipWhitespace()
            guard take(UInt8(ascii: ":")) else { return false }
            skipWhitespace()
            guard member(&self, key) else { return false }
            skipWhitespace()
            if take(UInt8(ascii: "}")) { return true }
            guard take(UInt8(ascii: ",")) else { return false }
        }
    }

    /// An array of rows (`null` is none): each element's span and `id`.
    mutating func rows() -> [LogPage.Row]? {
        skipWhitespace()
        if bytes[position...].starts(with: "null".utf8) {
            position += 4
            return []
        }
        guard take(UInt8(ascii: "[")) else { return nil }
        var rows: [LogPage.Row] = []
        skipWhitespace()
        if take(UInt8(ascii: "]")) { return rows }
        while true {
            skipWhitespace()
            let start = position
            var id: Int?
            let read: Bool
            if peek() == UInt8(ascii: "{") {
                read = members { scanner, key in
                    guard let span = scanner.value() else { return false }
                    if key == "id", let number = Int(String(decoding: scanner.bytes[span], as: UTF8.self)),
                        number >= 1, number <= 1 << 53
                    {
                        id = number
                    }
                    return true
                }
            } else {
                read = value() != nil
            }
            guard read else { return nil }
            rows.append(LogPage.Row(span: start..<position, id: id))
            skipWhitespace()
            if take(UInt8(ascii: "]")) { return rows }
            guard take(UInt8(ascii: ",")) else { return nil }
        }
    }
}
