import Foundation

/// The inputs of a run after resolving the command line's PATHs (SPEC §5).
public struct InputSet: Sendable, Equatable {
    /// Log files in the order they are read (`-` for standard input).
    public var logs: [String]
    /// `pricing.json` found in a PATH directory, if any.
    public var pricing: String?
    /// `debits.jsonl` / `debits.csv` found in a PATH directory, if any.
    public var debits: String?
}

public enum InputFiles {
    /// File names a directory supplies as defaults rather than as logs.
    static let ledgerNames: Set<String> = ["debits.jsonl", "debits.jsonl.gz", "debits.csv"]

    /// Resolves PATHs: a file is a log; a directory contributes its `*.jsonl` / `*.jsonl.gz`
    /// files (not recursive, in name order, except the debit ledger) and supplies
    /// `pricing.json` and `debits.jsonl` / `debits.csv` as defaults.
    public static func resolve(_ paths: [String]) throws(InputError) -> InputSet {
        var set = InputSet(logs: [], pricing: nil, debits: nil)
        let manager = FileManager.default
        for path in paths {
            if path == "-" { set.logs.append(path); continue }
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { throw .missing(path: path) }
            guard isDirectory.boolValue else { set.logs.append(path); continue }
            let names: [String]
            do { names = try manager.contentsOfDirectory(atPath: path) } catch {
                throw .unreadable(path: path, reason: "cannot list the directory")
            }
            let joined = { (name: String) in path.hasSuffix("/") ? path + name : path + "/" + name }
            let logs = names.filter { ($0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz")) && !ledgerNames.contains($0) }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard !logs.isEmpty else { throw .noLogs(directory: path) }
            set.logs += logs.map(joined)
            if set.pricing == nil, names.contains("pricing.json") { set.pricing = joined("pricing.json") }
            if set.debits == nil, let ledger = ["debits.jsonl", "debits.jsonl.gz", "debits.csv"].first(where: names.contains) {
                set.debits = joined(ledger)
            }
        }
        return set
    }
}
