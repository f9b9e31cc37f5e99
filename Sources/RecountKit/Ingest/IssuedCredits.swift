import TokenCounter

/// Credit ids issued by earlier runs (`--issued FILE`): a `credits.jsonl` or `credits.csv`.
public enum IssuedCredits {
    public static func read(path: String) throws(InputError) -> (ids: Set<String>, info: InputFileInfo) {
        let reader = LineReader(try openSource(path))
        var ids: Set<String> = []
        var column: Int?
        let csv = path.hasSuffix(".csv")
        while let line = try reader.next() {
            if csv {
                guard case .fields(var fields) = CSVRecord.parse(line.bytes) else { continue }
                if let first = fields.first, first.hasPrefix("\u{FEFF}") { fields[0] = String(first.dropFirst()) }
                guard let index = column else {
                    column = fields.firstIndex(of: "credit_id")
                    if column == nil { throw .unreadable(path: path, reason: "CSV header has no credit_id column") }
                    continue
                }
                if index < fields.count, !fields[index].isEmpty { ids.insert(fields[index]) }
            } else if let value = try? JSONParser.parse(line.bytes), let id = value["credit_id"]?.stringValue {
                ids.insert(id)
            }
        }
        return (ids, InputFileInfo(path: path, kind: "issued", bytes: reader.bytesRead, lines: reader.lineNumber))
    }
}
