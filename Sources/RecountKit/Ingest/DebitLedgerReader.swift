import TokenCounter

/// Reads the debit ledger (SPEC §2.2): JSONL, or CSV with a header row. A malformed line is
/// rejected like a log line; the rest is read.
public enum DebitLedgerReader {
    public struct Result: Sendable {
        public var debits: [Debit] = []
        public var rejects: [Reject] = []
        public var blankLines = 0
    }

    /// The whole ledger in memory (`explain`, tests). `reconcile` streams it instead.
    public static func read(path: String) throws(InputError) -> Result {
        let stream = try DebitLedgerStream(path: path)
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

    static func debit(debitID: String, requestID: String, account: String, time: JSONValue?, amount: JSONValue?,
                      pricingVersion: String?, source: SourceLocation, sequence: Int) throws(FieldError) -> Debit {
        guard let amount else { throw FieldError("amount", "required field is missing") }
        var parsedTime: Timestamp?
        if let time { parsedTime = try FieldReader.timestamp(time, field: "time") }
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
    private var pending: (start: Int, raw: [UInt8])?
    private var finished = false

    public init(path: String) throws(InputError) {
        self.path = path
        reader = LineReader(try openSource(path))
        isCSV = path.hasSuffix(".csv")
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
        let source = SourceLocation(file: path, line: line.number)
        if line.bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return .blank }
        if line.truncated {
            return .reject(Reject(kind: .debit, source: source, reason: "line longer than \(LineReader.lineBytesMax) bytes", raw: line.bytes, rawTruncated: true))
        }
        do throws(FieldError) {
            let value: JSONValue
            do { value = try JSONParser.parse(line.bytes) } catch { throw FieldError(nil, error.description) }
            guard case .object(let object) = value else { throw FieldError(nil, "expected a JSON object, found \(value.typeName)") }
            let fields = FieldReader(object)
            return accepted(try DebitLedgerReader.debit(
                debitID: fields.requiredString("debit_id"),
                requestID: fields.requiredString("request_id"),
                account: fields.requiredString("account"),
                time: fields.value("time"),
                amount: fields.value("amount"),
                pricingVersion: fields.optionalString("pricing_version"),
                source: source, sequence: debits))
        } catch {
            return .reject(Reject(kind: .debit, source: source, field: error.field, reason: error.reason, raw: line.bytes))
        }
    }

    private func nextCSV() throws(InputError) -> Item? {
        guard let line = try reader.next() else {
            finished = true
            if let open = pending {
                pending = nil
                return .reject(Reject(kind: .debit, source: SourceLocation(file: path, line: open.start), reason: "unterminated quoted field", raw: open.raw))
            }
            return nil
        }
        // A quoted field may hold a newline: join physical lines until the quotes balance.
        var raw = line.bytes
        // A UTF-8 BOM (Excel's "CSV UTF-8") precedes the header; it must go before parsing,
        // or a quoted first header field reads as a quote inside an unquoted field.
        if line.number == 1, raw.starts(with: [0xEF, 0xBB, 0xBF]) { raw.removeFirst(3) }
        var firstLine = line.number
        if let open = pending {
            raw = open.raw + [0x0A] + line.bytes
            firstLine = open.start
            pending = nil
        }
        let source = SourceLocation(file: path, line: firstLine)
        if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { return .blank }
        let fields: [String]
        switch CSVRecord.parse(raw) {
        case .incomplete:
            pending = (firstLine, raw)
            return nil
        case .invalid(let reason):
            return .reject(Reject(kind: .debit, source: source, reason: reason, raw: raw))
        case .fields(let parsed):
            fields = parsed
        }
        guard let columns = header else {
            let names = fields.map { $0.trimmingASCIISpaces() }
            for required in ["debit_id", "request_id", "account", "amount"] where !names.contains(required) {
                throw .unreadable(path: path, reason: "CSV header has no '\(required)' column (header: \(names.joined(separator: ",")))")
            }
            header = names
            return nil
        }
        guard fields.count == columns.count else {
            return .reject(Reject(kind: .debit, source: source, reason: "expected \(columns.count) fields, found \(fields.count)", raw: raw))
        }
        var row: [String: String] = [:]
        for (name, value) in zip(columns, fields) { row[name] = value }
        func required(_ name: String) throws(FieldError) -> String {
            guard let value = row[name], !value.isEmpty else { throw FieldError(name, "required field is empty") }
            return value
        }
        do {
            return accepted(try DebitLedgerReader.debit(
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
                guard let text = String(validating: field, as: UTF8.self) else { return .invalid("field \(fields.count + 1) is not valid UTF-8") }
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
        guard let text = String(validating: field, as: UTF8.self) else { return .invalid("field \(fields.count + 1) is not valid UTF-8") }
        fields.append(text)
        return .fields(fields)
    }
}
