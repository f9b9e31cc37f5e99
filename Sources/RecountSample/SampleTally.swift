import Foundation
import RecountKit
import TokenCounter

/// What a generated sample holds and what `reconcile` must find in it: per-class counts,
/// the causes of over- and undercharges, and the position of every line it must reject.
/// Written as `sample.json` beside the logs (not `*.jsonl`, so `reconcile DIR` ignores it).
public struct SampleTally: Sendable {
    /// A written file: name in the output directory, size, lines.
    public struct File: Sendable, Equatable {
        public let name: String
        public let bytes: Int
        public let lines: Int
    }

    /// A line `reconcile` must reject: `kind` is `log` or `debit`, as in `rejects.jsonl`.
    public struct Reject: Sendable, Equatable {
        public let file: String
        public let line: Int
        public let kind: String
        public let why: String
    }

    public let records: Int
    public let seed: UInt64
    public internal(set) var files: [File] = []
    /// Requests `reconcile` reads (log lines that are not rejected).
    public internal(set) var requests = 0
    public internal(set) var debits = 0
    /// Class name (SPEC §3) → requests (orphans: request ids).
    public internal(set) var classes: [String: Int] = [:]
    public internal(set) var overchargeCauses: [String: Int] = [:]
    public internal(set) var underchargeCauses: [String: Int] = [:]
    public internal(set) var rejects: [Reject] = []
    /// The `realistic` profile's new-api part (`DIR/gateway/`), nil for `classic`.
    var gateway: SampleGateway.Tally?

    init(records: Int, seed: UInt64) {
        self.records = records
        self.seed = seed
        for name in SampleOutcome.Class.allCases { classes[name.rawValue] = 0 }
    }

    /// One phrase for the command's summary line about `DIR/gateway/`, nil without it.
    public var gatewaySummary: String? {
        gateway.map {
            "\(SampleGateway.directoryName)/: \($0.rows) new-api rows for \($0.requests) requests, \($0.bodies) captured bodies, \($0.cases.count) injected gateway cases"
        }
    }

    /// Bytes of the request logs (what a throughput figure divides by).
    public var logBytes: Int {
        files.filter { $0.name.hasSuffix(".jsonl") && $0.name != "debits.jsonl" }.reduce(0) { $0 + $1.bytes }
    }

    mutating func count(_ slot: SampleSlot) {
        debits += slot.debitLines.count - slot.broken.filter(\.ledger).count
        guard let outcome = slot.outcome else { return }
        if outcome.outcomeClass != .orphan_debit { requests += 1 }
        classes[outcome.outcomeClass.rawValue, default: 0] += 1
        if let cause = outcome.cause?.rawValue {
            if outcome.outcomeClass == .overcharge { overchargeCauses[cause, default: 0] += 1 }
            if outcome.outcomeClass == .undercharge { underchargeCauses[cause, default: 0] += 1 }
        }
    }

    /// `sample.json`: one key per line, values compact, keys in a fixed order.
    func manifest() -> String {
        var lines: [(String, JSONValue)] = [
            ("schema", .string("recount.sample/1")),
            ("records", .int(records)),
            ("seed", .number(String(seed))),
            ("day", .string(SampleCatalog.dayText)),
            ("files", Self.filesJSON(files)),
            ("expected", expectedJSON),
            (
                "rejects",
                .array(
                    rejects.map {
                        .fields([
                            ("file", .string($0.file)), ("line", .int($0.line)), ("kind", .string($0.kind)),
                            ("why", .string($0.why)),
                        ])
                    })
            ),
        ]
        if let gateway { lines.append(("gateway", Self.gatewayJSON(gateway))) }
        return "{\n"
            + lines.map { "  " + SampleJSON.string(.string($0.0)) + ": " + SampleJSON.string($0.1) }.joined(
                separator: ",\n") + "\n}\n"
    }

    /// `expected`: what reconcile must find in the classic part of the day.
    var expectedJSON: JSONValue {
        .fields([
            ("requests", .int(requests)), ("debits", .int(debits)),
            ("rejected_log_lines", .int(rejects.filter { $0.kind == "log" }.count)),
            ("rejected_debit_lines", .int(rejects.filter { $0.kind == "debit" }.count)),
            ("classes", Self.counts(classes, order: Self.classOrder)),
            ("overcharge_causes", Self.counts(overchargeCauses, order: Self.causeOrder)),
            ("undercharge_causes", Self.counts(underchargeCauses, order: Self.causeOrder)),
        ])
    }

    /// `gateway`: the new-api part of a realistic day and what reconcile must find in it.
    static func gatewayJSON(_ gateway: SampleGateway.Tally) -> JSONValue {
        .fields([
            ("directory", .string(SampleGateway.directoryName)),
            ("logs", .string(SampleGateway.directoryName + "/" + SampleGateway.logName)),
            ("bodies", .string(SampleGateway.directoryName + "/" + SampleGateway.bodiesPath)),
            ("files", filesJSON(gateway.files)),
            ("rows", .int(gateway.rows)), ("requests", .int(gateway.requests)),
            ("captured_bodies", .int(gateway.bodies)),
            ("rejected_log_lines", .int(0)),
            ("classes", counts(gateway.classes, order: classOrder)),
            ("columns_only_classes", counts(gateway.columnsClasses, order: classOrder)),
            (
                "cases",
                .array(
                    gateway.cases.map {
                        .fields([
                            ("request_id", .string($0.requestID)), ("class", .string($0.outcomeClass)),
                            ("cause", .string($0.cause)),
                            ("detail", .string($0.detail)),
                        ])
                    })
            ),
        ])
    }

    static let classOrder = SampleOutcome.Class.allCases.map(\.rawValue)
    static let causeOrder = SampleOutcome.Cause.allCases.map(\.rawValue)

    /// A count per name, in `order`, names with no count left out.
    static func counts(_ table: [String: Int], order: [String]) -> JSONValue {
        .fields(order.filter { table[$0] != nil }.map { ($0, .int(table[$0]!)) })
    }

    /// Name, bytes and lines of each file written.
    static func filesJSON(_ files: [File]) -> JSONValue {
        .array(
            files.map { .fields([("name", .string($0.name)), ("bytes", .int($0.bytes)), ("lines", .int($0.lines))]) })
    }
}

extension SampleTally {
    /// The line `recount sample` prints: records and seed, the logs' size, debits, the classes
    /// injected, broken lines, the gateway part, where the expected results are.
    public func summaryLine(directory: String) -> String {
        let classes = self.classes.filter { $0.key != "ok" && $0.value > 0 }.sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        let megabytes = Double(logBytes) / 1_000_000
        return "recount sample: \(records) records (seed \(seed)) → \(directory): "
            + "\(String(format: "%.1f", megabytes)) MB of logs in \(SampleGenerator.logFileNames.count) files, \(debits) debits; "
            + "injected \(classes); \(rejects.count) broken lines; "
            + (gatewaySummary.map { $0 + "; " } ?? "") + "expected results in sample.json"
    }
}
