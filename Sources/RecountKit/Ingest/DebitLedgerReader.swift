import TokenCounter

/// Reads the debit ledger (SPEC §2.2): JSONL, or CSV with a header row. A malformed line is
/// rejected like a log line; the rest is read.
public enum DebitLedgerReader {
    public struct Result: Sendable {
        public var debits: [Debit] = []
        public var rejects: [Reject] = []
        public var blankLines = 0
    }

    /// A quoted field may span lines, but not more than this many or this many bytes: past
    /// that its opening line is rejected as an unterminated quote and the lines after it are
    /// read again as records of their own. Without the bound one stray `"` swallowed the rest
    /// of the ledger into a single reject, re-parsing the growing record at every line
    /// (quadratic: a large ledger never finished).
    static let quotedFieldLinesMax = 64
    static let quotedFieldBytesMax = 1 << 20

    /// The whole ledger in memory (`explain`, tests). `reconcile` streams it instead.
    public static func read(path: String) throws(InputError) -> Result {
        try collect(DebitLedgerStream(path: path))
    }

    /// The ledger from an open reader (tests and fuzzing feed bytes from memory).
    static func readCSV(_ reader: LineReader, path: String) throws(InputError) -> Result {
        try collect(DebitLedgerStream(reader: reader, path: path, csv: true))
    }

    static func readJSONL(_ reader: LineReader, path: String) throws(InputError) -> Result {
        try collect(DebitLedgerStream(reader: reader, path: path, csv: false))
    }

    static func collect(_ stream: DebitLedgerStream) throws(InputError) -> Result {
        var result = Result()
        while let item = try stream.next() {
            switch item {
            case .debit(let debit): result.debits.append(debit)
            case .reject(let reject): result.rejects.append(reject)
            case .blank: result.blankLines += 1
            }
        }
        return result
    }

    static func debit(
        debitID: String, requestID: String, account: String, time: JSONValue?, amount: JSONValue?,
        pricingVersion: String?, source: SourceLocation, sequence: Int
    ) throws(FieldError) -> Debit {
        guard let amount else { throw FieldError("amount", "required field is missing") }
        var parsedTime: Timestamp?
        if let time { parsedTime = try FieldReader.timestamp(time, field: "time", text: .rfc3339OrUnixDigits) }
        return Debit(
            debitID: debitID, requestID: requestID, account: account,
            time: parsedTime,
            amount: try FieldReader.amount(amount, field: "amount"),
            pricingVersion: pricingVersion.flatMap { $0.isEmpty ? nil : $0 },
            source: source, sequence: sequence)
    }
}

/// The ledger one line (or one CSV record) at a time, so a ledger of any size is read in
/// constant memory. `sequence` numbers the debits in ledger order.
public final class DebitLedgerStream {
    public enum Item: Sendable {
        case debit(Debit)
        case reject(Reject)
        case blank
    }

    let path: String
    let reader: LineReader
    let isCSV: Bool
    private var debits = 0
    private var header: [String]?
    private var finished = false

    public init(path: String) throws(InputError) {
        self.path = path
        reader = LineReader(try openSource(path))
        isCSV = path.hasSuffix(".csv")
    }

    init(reader: LineReader, path: String, csv: Bool) {
        self.path = path
        self.reader = reader
        isCSV = csv
    }

    /// Bytes and physical lines read so far.
    public var bytesRead: Int { reader.bytesRead }
    public var lineNumber: Int { reader.lineNumber }

    public func next() throws(InputError) -> Item? {
        while !finished {
            if let item = isCSV ? try nextCSV() : try nextJSONL() { return item }
        }
        return nil
    }

    private func accepted(_ debit: Debit) -> Item {
        debits += 1
        return .debit(debit)
    }

    /// One line's item; nil for a line that yields nothing yet (a CSV header or an open quote).
    private func nextJSONL() throws(InputError) -> Item? {
        guard let line = try reader.next() else {
            finished = true
            return nil
        }
        return numbered(Self.parseJSONL(line, path: path))
    }

    /// True for JSONL, where every line is a record of its own: `reconcile` then reads lines
    /// with `nextLine()`, parses a batch of them at once on its worker threads with
    /// `parseJSONL(_:path:)`, and numbers the debits in order with `numbered(_:)` — the same
    /// items `next()` gives. (A CSV record may span lines, so CSV is read with `next()`.)
    public var readsLinesIndependently: Bool { !isCSV }

    /// The next physical line, unparsed (JSONL; see `readsLinesIndependently`).
    func nextLine() throws(InputError) -> LineReader.Line? {
        try reader.next()
    }

    /// A debit's place in the ledger: `sequence` set from the debits accepted so far.
    func numbered(_ item: Item) -> Item {
        guard case .debit(let debit) = item else { return item }
        return accepted(
            Debit(
                debitID: debit.debitID, requestID: debit.requestID, account: debit.account,
                time: debit.time, amount: debit.amount, pricingVersion: debit.pricingVersion,
                source: debit.source, sequence: debits))
    }

    /// The next debit's `sequence`, counted as accepted (what `numbered` does, for a debit
    /// whose join entry was encoded on a worker).
    func nextSequence() -> Int {
        defer { debits += 1 }
        return debits
    }

    /// One JSONL line's item, pure (safe on any thread); a debit's `sequence` is left 0 for
    /// `numbered(_:)`.
    static func parseJSONL(_ line: LineReader.Line, path: String) -> Item {
        let source = SourceLocation(file: path, line: line.number)
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        if line.truncated {
            return .reject(
                Reject(
                    kind: .debit, source: source, reason: "line longer than \(LineReader.lineBytesMax) bytes",
                    raw: line.bytes, rawTruncated: true))
        }
        do throws(FieldError) {
            let value: JSONValue
            do { value = try JSONParser.parse(line.bytes) } catch { throw FieldError(nil, error.description) }
            guard case .object(let object) = value else {
                throw FieldError(nil, "expected a JSON object, found \(value.typeName)")
            }
            let fields = FieldReader(object)
            return .debit(
                try DebitLedgerReader.debit(
                    debitID: fields.requiredString("debit_id"),
                    requestID: fields.requiredString("request_id"),
                    account: fields.requiredString("account"),
                    time: fields.value("time"),
                    amount: fields.value("amount"),
                    pricingVersion: fields.optionalString("pricing_version"),
                    source: source, sequence: 0))
        } catch {
            return .reject(
                Reject(kind: .debit, source: source, field: error.field, reason: error.reason, raw: line.bytes))
        }
    }

    /// The physical lines of a CSV record whose quoted field is still open, and lines to read
    /// again after an unterminated quote was given up (in order).
    private var pendingLines: [LineReader.Line] = []
    private var replay: [LineReader.Line] = []

    /// Gives up an open quote: its first line is rejected, the lines after it are read again.
    private func unterminated() -> Item {
        let first = pendingLines[0]
        replay = Array(pendingLines.dropFirst()) + replay
        pendingLines = []
        return .reject(
            Reject(
                kind: .debit, source: SourceLocation(file: path, line: first.number),
                reason:
                    "unterminated quoted field (no closing quote within \(DebitLedgerReader.quotedFieldLinesMax) lines)",
                raw: first.bytes))
    }

    private func nextCSV() throws(InputError) -> Item? {
        let next: LineReader.Line?
        if replay.isEmpty { next = try reader.next() } else { next = replay.removeFirst() }
        guard let line = next else {
            if pendingLines.isEmpty {
                finished = true
                return nil
            }
            return unterminated()
        }
        if line.truncated {
            if !pendingLines.isEmpty {
                replay.insert(line, at: 0)
                return unterminated()
            }
            return .reject(
                Reject(
                    kind: .debit, source: SourceLocation(file: path, line: line.number),
                    reason: "line longer than \(LineReader.lineBytesMax) bytes", raw: line.bytes, rawTruncated: true))
        }
        // A quoted field may hold a newline: join physical lines until the quotes balance.
        // (`LineReader` has already dropped a UTF-8 BOM before the header: Excel's "CSV UTF-8".)
        let firstLine = pendingLines.first?.number ?? line.number
        var raw: [UInt8] = []
        for part in pendingLines { raw += part.bytes + [0x0A] }
        raw += line.bytes
        let source = SourceLocation(file: path, line: firstLine)
        if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        let fields: [String]
        switch CSVRecord.parse(raw) {
        case .incomplete:
            pendingLines.append(line)
            if pendingLines.count > DebitLedgerReader.quotedFieldLinesMax
                || raw.count > DebitLedgerReader.quotedFieldBytesMax
            {
                return unterminated()
            }
            return nil
        case .invalid(let reason):
            pendingLines = []
            return .reject(Reject(kind: .debit, source: source, reason: reason, raw: raw))
        case .fields(let parsed):
            pendingLines = []
            fields = parsed
        }
        guard let columns = header else {
            header = try csvHeader(fields, line: source.line)
            return nil
        }
        return csvDebit(fields, columns: columns, source: source, raw: raw)
    }

    /// The header's column names, which must include the four required ones.
    private func csvHeader(_ fields: [String], line: Int) throws(InputError) -> [String] {
        let names = fields.map { $0.trimmingASCIISpaces() }
        for required in ["debit_id", "request_id", "account", "amount"] where !names.contains(required) {
            // European Excel saves "CSV" with semicolons: one field holding them all.
            let semicolons = names.count == 1 && names[0].contains(";")
            let hint =
                semicolons
                ? "; the header is separated by semicolons — save the ledger as comma-separated CSV (in Excel: \"CSV UTF-8 (Comma delimited)\")"
                : "; the header needs debit_id, request_id, account, amount (time and pricing_version optional)"
            let shown = String(names.joined(separator: ",").prefix(200))
            throw .malformed(
                path: path, line: line,
                reason: "ledger CSV header has no '\(required)' column (header: \(shown))\(hint)")
        }
        return names
    }

    /// One data row by the header's names: a debit, or a reject naming the field at fault.
    private func csvDebit(_ fields: [String], columns: [String], source: SourceLocation, raw: [UInt8]) -> Item {
        guard fields.count == columns.count else {
            return .reject(
                Reject(
                    kind: .debit, source: source, reason: "expected \(columns.count) fields, found \(fields.count)",
                    raw: raw))
        }
        var row: [String: String] = [:]
        for (name, value) in zip(columns, fields) { row[name] = value }
        func required(_ name: String) throws(FieldError) -> String {
            guard let value = row[name], !value.isEmpty else { throw FieldError(name, "required field is empty") }
            return value
        }
        do {
            return accepted(
                try DebitLedgerReader.debit(
                    debitID: required("debit_id"), requestID: required("request_id"), account: required("account"),
                    time: row["time"].flatMap { $0.isEmpty ? nil : .string($0) },
                    amount: .string(try required("amount")),
                    pricingVersion: row["pricing_version"],
                    source: source, sequence: debits))
        } catch {
            return .reject(Reject(kind: .debit, source: source, field: error.field, reason: error.reason, raw: raw))
        }
    }
}

/// One RFC 4180 record.
enum CSVRecord {
    case fields([String])
    /// A quoted field is still open at the end of the bytes (it continues on the next line).
    case incomplete
    case invalid(String)

    static func parse(_ bytes: [UInt8]) -> CSVRecord {
        var fields: [String] = []
        var field: [UInt8] = []
        var index = 0
        var quoted = false
        var fieldStart = true
        while index < bytes.count {
            let byte = bytes[index]
            if quoted {
                if byte == 0x22 {
                    if index + 1 < bytes.count, bytes[index + 1] == 0x22 { field.append(0x22); index += 2; continue }
                    quoted = false
                    index += 1
                    if index < bytes.count, bytes[index] != 0x2C { return .invalid("text after a closing quote") }
                    continue
                }
                field.append(byte)
            } else if byte == 0x22, fieldStart {
                quoted = true
            } else if byte == 0x2C {
                guard let text = String(validating: field, as: UTF8.self) else {
                    return .invalid("field \(fields.count + 1) is not valid UTF-8")
                }
                fields.append(text)
                field = []
                fieldStart = true
                index += 1
                continue
            } else if byte == 0x22 {
                return .invalid("a quote inside an unquoted field")
            } else {
                field.append(byte)
            }
            fieldStart = false
            index += 1
        }
        if quoted { return .incomplete }
        guard let text = String(validating: field, as: UTF8.self) else {
            return .invalid("field \(fields.count + 1) is not valid UTF-8")
        }
        fields.append(text)
        return .fields(fields)
    }
}
