import Foundation

/// The inputs of a run after resolving the command line's PATHs (SPEC §5).
public struct InputSet: Sendable, Equatable {
    /// Log files in the order they are read (`-` for standard input).
    public var logs: [String]
    /// `pricing.json` found in a PATH directory, if any.
    public var pricing: String?
    /// `debits.jsonl` / `debits.csv` found in a PATH directory, if any.
    public var debits: String?
    /// Files of a PATH directory that look like a debit ledger (a `.csv`, or a name with
    /// "debit" or "ledger" in it) but are not read as one, each with what happens to it: the
    /// command warns, since a ledger under another name is otherwise silently ignored.
    public var ledgerLookalikes: [(path: String, fate: String)] = []

    public static func == (lhs: InputSet, rhs: InputSet) -> Bool {
        lhs.logs == rhs.logs && lhs.pricing == rhs.pricing && lhs.debits == rhs.debits
            && lhs.ledgerLookalikes.map(\.path) == rhs.ledgerLookalikes.map(\.path)
    }
}

public enum InputFiles {
    /// A file's size in bytes, 0 when it cannot be found (for the progress line and the
    /// inputs `summary.json` lists).
    public static func size(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? NSNumber)?.intValue ?? 0
    }

    /// The sizes of `paths` together.
    public static func totalBytes(_ paths: [String]) -> Int { paths.reduce(0) { $0 + size($1) } }

    /// File names a directory supplies as defaults rather than as logs.
    static let ledgerNames: Set<String> = ["debits.jsonl", "debits.jsonl.gz", "debits.csv"]

    /// Resolves PATHs: a file is a log; a directory contributes its `*.jsonl` / `*.jsonl.gz`
    /// files (not recursive, in name order, except the debit ledger) and supplies
    /// `pricing.json` and `debits.jsonl` / `debits.csv` as defaults.
    ///
    /// `ledger` is the `--debits` file when one is given: it is never read as a log, and a
    /// directory holding two default ledgers is then no ambiguity.
    public static func resolve(_ paths: [String], ledger: String? = nil) throws(InputError) -> InputSet {
        let ledgerPath = ledger.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
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
            let logs = names.filter {
                ($0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz")) && !ledgerNames.contains($0)
            }
            .filter { ledgerPath == nil || URL(fileURLWithPath: joined($0)).standardizedFileURL.path != ledgerPath }
            .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard !logs.isEmpty else { throw .noLogs(directory: path) }
            set.logs += logs.map(joined)
            if set.pricing == nil, names.contains("pricing.json") { set.pricing = joined("pricing.json") }
            let ledgers = ["debits.jsonl", "debits.jsonl.gz", "debits.csv"].filter(names.contains)
            guard ledgers.count <= 1 || ledger != nil else { throw .ambiguousLedger(directory: path, names: ledgers) }
            if set.debits == nil, let ledger = ledgers.first { set.debits = joined(ledger) }
            for name in names.sorted() where looksLikeLedger(name) && !ledgerNames.contains(name) {
                if let ledgerPath, URL(fileURLWithPath: joined(name)).standardizedFileURL.path == ledgerPath {
                    continue
                }
                let readAsLog = logs.contains(name)
                set.ledgerLookalikes.append(
                    (
                        joined(name),
                        readAsLog
                            ? "looks like a debit ledger but is read as a log (its lines will be rejected); pass it with --debits FILE"
                            : "looks like a debit ledger but is not read (only debits.jsonl, debits.jsonl.gz or debits.csv are); pass it with --debits FILE"
                    ))
            }
        }
        return set
    }

    /// `--bodies PATH…`: a file is read as it is; a directory gives its `*.jsonl` and
    /// `*.jsonl.gz` files (not recursive, in name order). A missing path stops the run (66).
    public static func resolveBodies(_ paths: [String]) throws(InputError) -> [String] {
        var files: [String] = []
        for path in paths {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw .missing(path: path)
            }
            guard isDirectory.boolValue else { files.append(path); continue }
            let names: [String]
            do { names = try FileManager.default.contentsOfDirectory(atPath: path) } catch {
                throw .unreadable(path: path, reason: "cannot list the directory")
            }
            let found = names.filter { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz") }
                .sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            guard !found.isEmpty else { throw .noLogs(directory: path) }
            files += found.map { path.hasSuffix("/") ? path + $0 : path + "/" + $0 }
        }
        return files
    }

    /// A `.csv`, or a name that says "debit" or "ledger" (`debits-2024-03.jsonl`, `ledger.json`).
    static func looksLikeLedger(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower.hasSuffix(".csv") || lower.contains("debit") || lower.contains("ledger")
    }
}
