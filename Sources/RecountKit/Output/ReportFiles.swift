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
    /// `--gateway-db`: the source without its password, where the password came from, and the
    /// read margin; `summary.json` gets a `gateway_db` object only when there is one.
    public var gatewayDatabase: GatewayDatabaseSummary?
    /// `--also-currency CUR`, resolved against the catalog (`AmountConversion.money`): the
    /// reports add a money figure beside each amount (SPEC §4.1).
    public var alsoCurrency: AmountConversion?
    public init() {}

    /// The conversions of a run's reports: the catalog unit's `unit.site`, then `alsoCurrency`.
    public func conversions(unit: PriceCatalog.Unit?) -> ReportConversions {
        ReportConversions(unit: unit, money: alsoCurrency)
    }
}

/// What `summary.json` says of a `--gateway-db` source (never the password).
public struct GatewayDatabaseSummary: Sendable {
    public var source: String
    public var passwordFrom: String
    public var readMarginSeconds: Int64
    public init(source: String, passwordFrom: String, readMarginSeconds: Int64) {
        self.source = source
        self.passwordFrom = passwordFrom
        self.readMarginSeconds = readMarginSeconds
    }
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
        rendering = ReportRendering(
            scale: result.unit?.scale ?? 0, unitName: result.unit?.name ?? "",
            zoneOffset: parameters.dayOffsetSeconds, conversions: parameters.conversions(unit: result.unit))
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
                to: destination, rows: ArrayRecords(rows), credits: ArrayRecords(credits),
                rejects: ArrayRecords(rejects),
                writeState: false)
        } catch {
            preconditionFailure("writing to memory cannot fail: \(error)")
        }
        return destination.files.map { ($0.name, $0.bytes) }
    }

    /// `discrepancies.csv`'s header (`DiscrepancyColumns`) without conversions.
    public static var discrepancyColumns: [String] { DiscrepancyColumns.all.names() }
    /// This run's `discrepancies.csv` header: with the site-unit / money columns, if any.
    public var discrepancyHeader: [String] { rendering.discrepancyColumns.names() }
    /// This run's `credits.csv` header.
    public var creditHeader: [String] { rendering.creditColumns.names() }

    public func discrepanciesCSV() -> [UInt8] { file("discrepancies.csv") }
    public func creditsCSV() -> [UInt8] { file("credits.csv") }
    public func creditsJSONL() -> String { String(decoding: file("credits.jsonl"), as: UTF8.self) }
    public func rejectsJSONL() -> String { String(decoding: file("rejects.jsonl"), as: UTF8.self) }

    func file(_ name: String) -> [UInt8] { files().first { $0.name == name }!.bytes }

    public func accountsCSV() -> [UInt8] {
        let amounts = ["recorded", "expected", "over", "under", "credits"]
        var csv = CSVWriter(
            header: ["account", "requests"] + amounts + convertedHeader(amounts), bom: parameters.csvBOM)
        for account in result.accounts {
            let figures = [account.recorded, account.expected, account.over, account.under, account.credits]
            csv.row(
                [.text(account.account), countCell(account.requests)] + figures.map(amountCell)
                    + convertedCells(figures))
        }
        return csv.bytes
    }

    public func dailyCSV() -> [UInt8] {
        var csv = CSVWriter(
            header: [
                "day", "model", "requests", "prompt_tokens", "completion_tokens", "tokens", "recorded", "expected",
            ] + convertedHeader(["recorded", "expected"]), bom: parameters.csvBOM)
        for day in result.daily {
            csv.row(
                [
                    .text(day.day), .text(day.model), countCell(day.requests), countCell(day.promptTokens),
                    countCell(day.completionTokens), countCell(day.promptTokens + day.completionTokens),
                    amountCell(day.recorded), amountCell(day.expected),
                ] + convertedCells([day.recorded, day.expected]))
        }
        return csv.bytes
    }

    /// For each conversion, its unit column then `NAME_site` / `NAME_money` per amount column.
    func convertedHeader(_ names: [String]) -> [String] {
        rendering.conversions.all.flatMap { conversion in
            [conversion.kind == .site ? "site_unit" : "money_currency"]
                + names.map { "\($0)_\(conversion.kind.rawValue)" }
        }
    }

    /// The cells of `convertedHeader`: each figure converted and rounded once.
    func convertedCells(_ figures: [Rational]) -> [CSVWriter.Cell] {
        rendering.conversions.all.flatMap { conversion in
            [CSVWriter.Cell.text(conversion.name)] + figures.map { conversion.cell($0) }
        }
    }

    /// `summary.json`'s `site_unit` / `also_currency`: the conversion stated, and the totals in it
    /// (each converted from the exact ledger total and rounded once).
    var conversionsJSON: [(String, JSONValue)] {
        let totals = result.totals
        let net = (try? totals.recorded.subtracting(totals.expected)) ?? .zero
        return rendering.conversions.all.map { conversion in
            var head: [(String, JSONValue)] = [("name", .string(conversion.name))]
            if conversion.kind == .site, let site = result.unit?.site {
                head += [
                    ("currency", .string(site.currency)),
                    ("per_currency", .string(site.perCurrency.decimalString(maxScale: 12))),
                    ("topup_rate", .string(site.topupRate.decimalString(maxScale: 12))),
                ]
            }
            let fields: [(String, JSONValue)] =
                head + [
                    ("per_ledger_unit", .string(conversion.factorText)),
                    ("formula", .string(conversion.formula)), ("scale", .num(conversion.scale)),
                    ("rounding", .string(AmountConversion.rounding.rawValue)),
                    (
                        "totals",
                        .obj([
                            ("recorded", .string(conversion.text(totals.recorded))),
                            ("expected", .string(conversion.text(totals.expected))),
                            ("net_delta", .string(conversion.text(net))),
                            ("credits_issued", .string(conversion.text(result.tally(.issued).amount))),
                        ])
                    ),
                ]
            return (conversion.kind == .site ? "site_unit" : "also_currency", .obj(fields))
        }
    }

    /// `credits.csv`'s header (`CreditColumns`).
    public static var creditColumns: [String] { CreditColumns.all.names() }

    public func summaryJSON() -> String {
        var inputs = result.inputs
        if let pricing = parameters.pricing { inputs.insert(pricing, at: 0) }
        inputs += parameters.issued
        let head: [(String, JSONValue)] = [
            ("schema", .string("recount.summary/1")),
            ("tool", .string("recount \(RecountKit.version)")),
            ("as_of", .str(parameters.asOf?.description)),
            ("parameters", parametersJSON),
            ("unit", unitJSON),
            (
                "inputs",
                .array(
                    inputs.map {
                        .obj([
                            ("path", .string($0.path)), ("kind", .string($0.kind)),
                            ("bytes", .num($0.bytes)), ("lines", .num($0.lines)),
                        ])
                    })
            ),
        ]
        let gatewayDatabase = gatewayDatabaseJSON.map { [("gateway_db", $0)] } ?? []
        var tail: [(String, JSONValue)] = [
            // Which ledger the debits came from, or that each line's `billed.amount` stood in.
            (
                "ledger",
                .obj([
                    ("path", .str(inputs.first { $0.kind == "debits" }?.path)),
                    ("debits_from", .string(inputs.contains { $0.kind == "debits" } ? "ledger" : "billed.amount")),
                ])
            ),
            ("counts", countsJSON),
            ("classes", classesJSON),
            ("totals", totalsJSON),
            ("credits", creditsJSON),
            ("token_drift", tokenDriftJSON),
            ("warnings", warningsJSON),
        ]
        // The site's unit and `--also-currency` (when there are any) right after the totals.
        if let totals = tail.firstIndex(where: { $0.0 == "totals" }) {
            tail.insert(contentsOf: conversionsJSON, at: totals + 1)
        }
        let summary = JSONValue.obj(head + gatewayDatabase + tail)
        return JSONWriter.string(summary, indent: 2) + "\n"
    }

    /// `summary.json`'s `unit`: what the amounts are in.
    var unitJSON: JSONValue {
        let unit = result.unit
        return .obj([
            ("name", .str(unit?.name)), ("currency", .str(unit?.currency)),
            ("per_currency", .str(unit.map { $0.perCurrency.decimalString(maxScale: 12) })),
            ("scale", .num(unit?.scale ?? 0)),
        ])
    }

    /// `summary.json`'s `gateway_db`: the database read (never its password), if one was.
    var gatewayDatabaseJSON: JSONValue? {
        parameters.gatewayDatabase.map { database in
            .obj([
                ("source", .string(database.source)), ("password_from", .string(database.passwordFrom)),
                ("read_margin_seconds", .num(Int(database.readMarginSeconds))),
            ])
        }
    }

    /// `summary.json`'s `counts`: what was read, netted, skipped and written.
    var countsJSON: JSONValue {
        let counters = result.counters
        return .obj(
            [
                ("requests", .num(counters.requests)), ("debits", .num(counters.debits)),
                ("orphan_debits", .num(counters.orphanDebits)),
                ("rejected_log_lines", .num(counters.logRejected)),
                ("rejected_debit_lines", .num(counters.debitsRejected)),
                ("blank_lines", .num(counters.blankLines + counters.debitBlankLines)),
                ("non_request_rows", .num(counters.nonRequestRows)), ("netted_rows", .num(counters.nettedRows)),
                ("recounted_requests", .num(counters.recountedRequests)),
                ("repriced_requests", .num(counters.repricedRequests)),
                ("outside_window", .num(counters.outsideWindow)), ("other_shards", .num(counters.otherShard)),
                ("discrepancy_rows", .num(result.discrepancyRowCount)),
            ] + bodiesJSON)
    }

    /// `summary.json`'s `totals`: recorded, expected and their difference.
    var totalsJSON: JSONValue {
        .obj([
            ("recorded", .string(amount(result.totals.recorded))),
            ("expected", .string(amount(result.totals.expected))),
            (
                "net_delta",
                .string(amount((try? result.totals.recorded.subtracting(result.totals.expected)) ?? .zero))
            ),
        ])
    }

    /// `summary.json`'s `credits`: count and amount by status.
    var creditsJSON: JSONValue {
        func creditTally(_ status: Credit.Status) -> JSONValue {
            let tally = result.tally(status)
            return .obj([("count", .num(tally.count)), ("amount", .string(amount(tally.amount)))])
        }
        return .obj([
            ("issued", creditTally(.issued)), ("already_issued", creditTally(.already_issued)),
            ("withheld", creditTally(.withheld)),
        ])
    }

    /// `summary.json`'s `token_drift`: recounted against upstream-reported tokens.
    var tokenDriftJSON: JSONValue {
        func tally(_ t: TokenDrift.Tally) -> JSONValue {
            .obj([
                ("requests", .num(t.requests)), ("differing", .num(t.differing)),
                ("recount_tokens", .num(t.recountTokens)), ("upstream_tokens", .num(t.upstreamTokens)),
            ])
        }
        return .obj([("prompt", tally(result.drift.prompt)), ("completion", tally(result.drift.completion))])
    }

    /// `summary.json`'s `parameters`: what the run was told.
    var parametersJSON: JSONValue {
        .obj([
            ("basis", .string(parameters.basis.rawValue)),
            ("tolerance", .string(amount(parameters.tolerance))),
            ("min_credit", .str(parameters.minimumCredit.map(amount))),
            ("from", .str(parameters.from?.description)), ("until", .str(parameters.until?.description)),
            ("shard", .str(parameters.shard?.description)), ("all_rows", .bool(parameters.allRows)),
            ("csv_bom", .bool(parameters.csvBOM)),
            ("day_offset", .string(Timestamp.offsetText(parameters.dayOffsetSeconds))),
        ])
    }

    /// `summary.json`'s `classes`: every class, in the SPEC's order, seen or not.
    var classesJSON: JSONValue {
        .obj(
            DiscrepancyClass.allCases.map { klass in
                let totals = result.classTotals[klass] ?? ClassTotals()
                return (
                    klass.rawValue,
                    .obj([
                        ("count", .num(totals.count)), ("recorded", .string(amount(totals.recorded))),
                        ("expected", .string(amount(totals.expected))), ("credits", .string(amount(totals.credits))),
                    ])
                )
            })
    }

    /// `summary.json`'s `counts.bodies`, only when the run read `--bodies` (SPEC §2.10): what
    /// became of every capture line (blank lines aside), `read` = the other three.
    var bodiesJSON: [(String, JSONValue)] {
        guard result.inputs.contains(where: { $0.kind == "bodies" }) else { return [] }
        let counters = result.counters
        return [
            (
                "bodies",
                .obj([
                    (
                        "read",
                        .num(counters.bodiesJoined + counters.bodiesOutsideWindow + counters.bodiesRejected)
                    ),
                    ("joined", .num(counters.bodiesJoined)), ("outside_window", .num(counters.bodiesOutsideWindow)),
                    ("rejected", .num(counters.bodiesRejected)),
                ])
            )
        ]
    }

    /// `summary.json`'s `warnings`: maps in key order.
    var warningsJSON: JSONValue {
        let warnings = result.warnings
        return .obj([
            (
                "unlisted_groups",
                .obj(warnings.unlistedGroups.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })
            ),
            (
                "fallback_encoding_models",
                .obj(warnings.fallbackEncodingModels.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })
            ),
            ("recount_incomplete", .num(warnings.recountIncomplete)),
            (
                "stream_outcomes",
                .obj(warnings.streamOutcomes.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })
            ),
            (
                "stream_end_reasons",
                .obj(warnings.streamEndReasons.sorted { $0.key < $1.key }.map { ($0.key, .num($0.value)) })
            ),
            ("billed_amount_differs_from_ledger", .num(result.counters.billedAmountMismatches)),
        ])
    }
}
