import TokenCounter

/// Run parameters echoed into `summary.json`.
public struct RunParameters: Sendable {
    public var command = "reconcile"
    public var basis: BasisPolicy = .auto
    public var tolerance: Rational = .zero
    public var minimumCredit: Rational?
    public var from: Timestamp?
    public var until: Timestamp?
    public var asOf: Timestamp?
    public var shard: Shard?
    public var allRows = false
    public var csvBOM = false
    public var dayOffsetSeconds: Int32 = 0
    /// `--max-rejects`: not printed, but `merge` applies it to the shards' sum.
    public var maxRejects: Int?
    public var pricing: InputFileInfo?
    public var issued: [InputFileInfo] = []
    public init() {}
}

/// Renders a `ReconcileResult` into the report files (SPEC §4). Pure: bytes in, bytes out, so
/// tests can compare them. The per-request files come from `ReportWriter`, which `reconcile`
/// and `merge` drive with streams sorted on disk; `files()` drives it from memory.
public struct ReportFiles {
    public let result: ReconcileResult
    public let parameters: RunParameters
    /// The cell and amount formatting every report shares.
    let rendering: ReportRendering

    public init(result: ReconcileResult, parameters: RunParameters) {
        self.result = result
        self.parameters = parameters
        rendering = ReportRendering(scale: result.unit?.scale ?? 0, unitName: result.unit?.name ?? "")
    }

    func amount(_ value: Rational) -> String { rendering.amount(value) }
    func amountCell(_ value: Rational?) -> CSVWriter.Cell { rendering.amountCell(value) }
    func countCell(_ value: Int?) -> CSVWriter.Cell { rendering.countCell(value) }

    /// Every file of a run held in memory (`result.rows`, `credits`, `rejects` collected), in
    /// the order they are committed (`summary.json` last).
    public func files() -> [(name: String, bytes: [UInt8])] {
        let rows = result.rows.map(rendering.row)
        let credits = result.issuedCredits.map(rendering.credit)
        let rejects = result.rejects.enumerated().map { rendering.reject($1, order: RejectOrder(ledgerItem: $0)) }
        let destination = MemoryDestination()
        do {
            try ReportWriter(result: result, parameters: parameters).write(
                to: destination, rows: ArrayRecords(rows), credits: ArrayRecords(credits), rejects: ArrayRecords(rejects),
                writeState: false)
        } catch {
            preconditionFailure("writing to memory cannot fail: \(error)")
        }
        return destination.files.map { ($0.name, $0.bytes) }
    }

    public static let discrepancyColumns = [
        "request_id", "time", "account", "model", "pricing_version", "class", "cause", "basis",
        "prompt_tokens", "completion_tokens", "billed_prompt_tokens", "billed_completion_tokens",
        "recorded_amount", "expected_amount", "delta", "credit_amount",
        // Beyond the SPEC's columns:
        "debit_pricing_version", "debits", "status", "endpoint", "group", "key", "encoding",
        "recount_prompt_tokens", "recount_completion_tokens", "upstream_prompt_tokens", "upstream_completion_tokens",
        "cached_prompt_tokens", "credit_status", "cause_detail", "source",
    ]

    public func discrepanciesCSV() -> [UInt8] { file("discrepancies.csv") }
    public func creditsCSV() -> [UInt8] { file("credits.csv") }
    public func creditsJSONL() -> String { String(decoding: file("credits.jsonl"), as: UTF8.self) }
    public func rejectsJSONL() -> String { String(decoding: file("rejects.jsonl"), as: UTF8.self) }

    func file(_ name: String) -> [UInt8] { files().first { $0.name == name }!.bytes }

    public func accountsCSV() -> [UInt8] {
        var csv = CSVWriter(header: ["account", "requests", "recorded", "expected", "over", "under", "credits"], bom: parameters.csvBOM)
        for account in result.accounts {
            csv.row([.text(account.account), countCell(account.requests), amountCell(account.recorded),
                     amountCell(account.expected), amountCell(account.over), amountCell(account.under), amountCell(account.credits)])
        }
        return csv.bytes
    }

    public func dailyCSV() -> [UInt8] {
        var csv = CSVWriter(header: ["day", "model", "requests", "prompt_tokens", "completion_tokens", "tokens", "recorded", "expected"], bom: parameters.csvBOM)
        for day in result.daily {
            csv.row([.text(day.day), .text(day.model), countCell(day.requests), countCell(day.promptTokens),
                     countCell(day.completionTokens), countCell(day.promptTokens + day.completionTokens),
                     amountCell(day.recorded), amountCell(day.expected)])
        }
        return csv.bytes
    }

    public static let creditColumns = ["credit_id", "account", "request_id", "class", "amount", "unit", "pricing_version", "reason", "debit_id"]

    public func summaryJSON() -> String {
        var classes: [(String, JSONValue)] = []
        for klass in DiscrepancyClass.allCases {
            let totals = result.classTotals[klass] ?? ClassTotals()
            classes.append((klass.rawValue, .obj([
                ("count", .num(totals.count)), ("recorded", .string(amount(totals.recorded))),
                ("expected", .string(amount(totals.expected))), ("credits", .string(amount(totals.credits))),
            ])))
        }
        func creditTally(_ status: Credit.Status) -> JSONValue {
            let tally = result.tally(status)
            return .obj([("count", .num(tally.count)), ("amount", .string(amount(tally.amount)))])
        }
        let counters = result.counters
        let drift = result.drift
        func tally(_ t: TokenDrift.Tally) -> JSONValue {
            .obj([("requests", .num(t.requests)), ("differing", .num(t.differing)),
                  ("recount_tokens", .num(t.recountTokens)), ("upstream_tokens", .num(t.upstreamTokens))])
        }
        var inputs = result.inputs
        if let pricing = parameters.pricing { inputs.insert(pricing, at: 0) }
        inputs += parameters.issued
        let unit = result.unit
        let summary: JSONValue = .obj([
            ("schema", .string("recount.summary/1")),
            ("tool", .string("recount \(RecountKit.version)")),
            ("as_of", .str(parameters.asOf?.description)),
            ("parameters", .obj([
                ("basis", .string(parameters.basis.rawValue)),
                ("tolerance", .string(amount(parameters.tolerance))),
                ("min_credit", .str(parameters.minimumCredit.map(amount))),
                ("from", .str(parameters.from?.description)), ("until", .str(parameters.until?.description)),
                ("shard", .str(parameters.shard?.description)), ("all_rows", .bool(parameters.allRows)),
                ("csv_bom", .bool(parameters.csvBOM)),
                ("day_offset", .string(Timestamp.offsetText(parameters.dayOffsetSeconds))),
            ])),
            ("unit", .obj([("name", .str(unit?.name)), ("currency", .str(unit?.currency)),
                           ("per_currency", .str(unit.map { $0.perCurrency.decimalString(maxScale: 12) })),
                           ("scale", .num(unit?.scale ?? 0))])),
            ("inputs", .array(inputs.map { .obj([("path", .string($0.path)), ("kind", .string($0.kind)),
                                                 ("bytes", .num($0.bytes)), ("lines", .num($0.lines))]) })),
            // Which ledger the debits came from, or that each line's `billed.amount` stood in.
            ("ledger", .obj([("path", .str(inputs.first { $0.kind == "debits" }?.path)),
                             ("debits_from", .string(inputs.contains { $0.kind == "debits" } ? "ledger" : "billed.amount"))])),
            ("counts", .obj([
                ("requests", .num(counters.requests)), ("debits", .num(counters.debits)),
                ("orphan_debits", .num(counters.orphanDebits)),
                ("rejected_log_lines", .num(counters.logRejected)), ("rejected_debit_lines", .num(counters.debitsRejected)),
                ("blank_lines", .num(counters.blankLines + counters.debitBlankLines)),
                ("outside_window", .num(counters.outsideWindow)), ("other_shards", .num(counters.otherShard)),
                ("discrepancy_rows", .num(result.discrepancyRowCount)),
            ])),
            ("classes", .obj(classes)),
            ("totals", .obj([
                ("recorded", .string(amount(result.totals.recorded))),
                ("expected", .string(amount(result.totals.expected))),
                ("net_delta", .string(amount((try? result.totals.recorded.subtracting(result.totals.expected)) ?? .zero))),
            ])),
            ("credits", .obj([("issued", creditTally(.issued)), ("already_issued", creditTally(.already_issued)),
                              ("withheld", creditTally(.withheld))])),
            ("token_drift", .obj([("prompt", tally(drift.prompt)), ("completion", tally(drift.completion))])),
            ("warnings", .obj([
                ("unlisted_groups", .obj(result.warnings.unlistedGroups.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })),
                ("fallback_encoding_models", .obj(result.warnings.fallbackEncodingModels.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })),
                ("recount_incomplete", .num(result.warnings.recountIncomplete)),
                ("billed_amount_differs_from_ledger", .num(counters.billedAmountMismatches)),
            ])),
        ])
        return JSONWriter.string(summary, indent: 2) + "\n"
    }
}

/// API keys in reports: `sk-…abcd` (the prefix before the first `-`, an ellipsis, the last 4).
public enum KeyMask {
    public static func mask(_ key: String?) -> String {
        guard let key, !key.isEmpty else { return "" }
        // Keys are ASCII (`sk-…`): the same cut on bytes, with no array of scalars.
        var utf8Key = key
        if let masked = utf8Key.withUTF8({ bytes -> String? in
            guard bytes.allSatisfy({ $0 < 0x80 }) else { return nil }
            guard bytes.count > 8 else { return "…" }
            let dash = bytes.firstIndex(of: UInt8(ascii: "-")).flatMap { $0 <= 6 ? $0 : nil }
            let prefix = dash.map { String(decoding: UnsafeBufferPointer(rebasing: bytes[...$0]), as: UTF8.self) } ?? ""
            return prefix + "…" + String(decoding: UnsafeBufferPointer(rebasing: bytes[(bytes.count - 4)...]), as: UTF8.self)
        }) {
            return masked
        }
        let scalars = Array(key.unicodeScalars)
        guard scalars.count > 8 else { return "…" }
        var prefix = ""
        if let dash = scalars.firstIndex(of: "-"), dash <= 6 { prefix = String(String.UnicodeScalarView(scalars[...dash])) }
        return prefix + "…" + String(String.UnicodeScalarView(scalars.suffix(4)))
    }
}

extension KeyMask {
    /// A rejected line as written to `rejects.jsonl`: every API key in it masked, because the
    /// SPEC masks keys "in every report" and a rejected line is often one with a key in it.
    /// Masks each `sk-…` run of key characters (`[A-Za-z0-9_-]`, more than 8 in all), and, when
    /// the line is a JSON object, the exact text of its `key` / `token_name` values. Works on
    /// bytes, so lines that are not UTF-8 are masked too. Only the key changes: the rest of
    /// the line stays as read, so the reject can still be found and fixed.
    public static func redact(_ raw: [UInt8]) -> [UInt8] {
        var secrets: [[UInt8]] = []
        if case .object(let object)? = try? JSONParser.parse(raw) {
            for field in ["key", "token_name"] {
                if let value = object[field]?.stringValue, value.unicodeScalars.count > 8 { secrets.append(Array(value.utf8)) }
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        func isKeyByte(_ byte: UInt8) -> Bool {
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x5F || byte == 0x2D
        }
        scan: while index < raw.count {
            for secret in secrets where raw[index...].starts(with: secret) {
                out += Array(mask(String(decoding: secret, as: UTF8.self)).utf8)
                index += secret.count
                continue scan
            }
            if raw[index...].starts(with: [0x73, 0x6B, 0x2D]), index == 0 || !isKeyByte(raw[index - 1]) {
                var end = index + 3
                while end < raw.count, isKeyByte(raw[end]) { end += 1 }
                if end - index > 8 {
                    out += Array(mask(String(decoding: raw[index..<end], as: UTF8.self)).utf8)
                    index = end
                    continue
                }
            }
            out.append(raw[index])
            index += 1
        }
        return out
    }
}

enum Base64Encoding {
    static func encode(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        var index = 0
        while index + 2 < bytes.count {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8 | UInt32(bytes[index + 2])
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], table[Int(n & 63)]]
            index += 3
        }
        let rest = bytes.count - index
        if rest == 1 {
            let n = UInt32(bytes[index]) << 16
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], UInt8(ascii: "="), UInt8(ascii: "=")]
        } else if rest == 2 {
            let n = UInt32(bytes[index]) << 16 | UInt32(bytes[index + 1]) << 8
            out += [table[Int(n >> 18)], table[Int(n >> 12 & 63)], table[Int(n >> 6 & 63)], UInt8(ascii: "=")]
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Timestamp {
    static func offsetText(_ seconds: Int32) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(Int(seconds))
        return sign + String(magnitude / 3600).leftPadded(to: 2) + ":" + String(magnitude / 60 % 60).leftPadded(to: 2)
    }

    /// `+08:00` / `-05:30` / `Z` as seconds east of UTC.
    public static func parseOffset(_ text: String) -> Int32? {
        if text == "Z" || text == "z" { return 0 }
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"), bytes[3] == UInt8(ascii: ":"),
              let hours = Int(String(decoding: bytes[1...2], as: UTF8.self)),
              let minutes = Int(String(decoding: bytes[4...5], as: UTF8.self)), hours < 24, minutes < 60 else { return nil }
        let magnitude = Int32(hours * 3600 + minutes * 60)
        return bytes[0] == UInt8(ascii: "-") ? -magnitude : magnitude
    }
}

/// What a rejected line may show in a report. `rejects.jsonl` keeps the line so nothing is lost,
/// but reports never carry a full API key or a prompt (SPEC §4): in a line that parses as a
/// JSON object, `request` and `response` are replaced by a pointer to the original line and
/// `key` / `token_name` are masked; anywhere else, `sk-…` key-like runs are masked in the text.
public enum Redaction {
    public enum Raw: Equatable { case text(String), base64(String) }

    public static func raw(_ bytes: [UInt8], source: SourceLocation) -> Raw {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            // Not UTF-8: the bytes as read (keys masked on the bytes), so nothing is lost.
            return .base64(Base64Encoding.encode(KeyMask.redact(bytes)))
        }
        guard case .object(var object)? = try? JSONParser.parse(bytes) else { return .text(maskKeyLikeRuns(text)) }
        for field in ["request", "response"] where object[field] != nil {
            object[field] = .string("[omitted from reports; see \(source)]")
        }
        for field in ["key", "token_name"] {
            if case .string(let key)? = object[field] { object[field] = .string(KeyMask.mask(key)) }
        }
        return .text(maskKeyLikeRuns(JSONWriter.string(.object(object))))
    }

    /// Masks `sk-` followed by 8 or more key characters (letters, digits, `-`, `_`).
    public static func maskKeyLikeRuns(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_")
        }
        while index < scalars.count {
            if index + 3 <= scalars.count, scalars[index] == "s", scalars[index + 1] == "k", scalars[index + 2] == "-" {
                var end = index + 3
                while end < scalars.count, isKeyScalar(scalars[end]) { end += 1 }
                if end - index - 3 >= 8 {
                    out.append(contentsOf: KeyMask.mask(String(String.UnicodeScalarView(scalars[index..<end]))).unicodeScalars)
                    index = end
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }
}
