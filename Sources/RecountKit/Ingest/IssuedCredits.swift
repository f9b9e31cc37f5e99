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
                // Strip a BOM before parsing (see DebitLedgerReader.readCSV).
                var bytes = line.bytes
                if line.number == 1, bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
                guard case .fields(let fields) = CSVRecord.parse(bytes) else { continue }
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

extension IssuedCredits {
    /// The ids of every `--issued` file, and each file as `summary.json` lists it.
    public static func read(paths: [String]) throws(InputError) -> (ids: Set<String>, files: [InputFileInfo]) {
        var ids: Set<String> = []
        var files: [InputFileInfo] = []
        for path in paths {
            let issued = try read(path: path)
            ids.formUnion(issued.ids)
            files.append(issued.info)
        }
        return (ids, files)
    }
}
