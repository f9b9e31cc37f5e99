import Foundation
import TokenCounter

/// `report.html` (SPEC §4): one self-contained page — summary figures, inline SVG charts, and
/// sortable / filterable / paginated tables of discrepancies and accounts.
///
/// Rules it keeps: every logged value is escaped (`HTMLEscape` in markup, `JSONWriter` in the
/// embedded data, `textContent` in the script); no URL at all (no CDN, font or image: the page
/// must open offline and must not tell anyone it was opened); keys masked (`KeyMask`); no
/// prompt or completion text; deterministic bytes (the only time printed is `--as-of`).
public struct HTMLReport {
    public let result: ReconcileResult
    public let parameters: RunParameters
    let scale: Int
    let unitName: String
    /// The site's unit and `--also-currency`: extra table columns and card lines.
    let rendering: ReportRendering

    public init(result: ReconcileResult, parameters: RunParameters) {
        self.result = result
        self.parameters = parameters
        scale = result.unit?.scale ?? 0
        unitName = result.unit?.name ?? "units"
        rendering = ReportRendering(
            scale: scale, unitName: result.unit?.name ?? "", zoneOffset: parameters.dayOffsetSeconds,
            conversions: parameters.conversions(unit: result.unit))
    }

    /// ` · 180,247 points · 18.02 CNY`: a ledger figure in each conversion, for a card.
    func converted(_ value: Rational) -> String {
        rendering.conversions.all.map { conversion in
            " · " + (conversion.shown(value).map { Amounts.grouped($0, scale: conversion.scale) } ?? "")
                + " \(conversion.name)"
        }.joined()
    }

    /// What the converted columns mean, for the discrepancy table's note.
    var conversionNote: String {
        rendering.conversions.all.map { conversion in
            " Columns (\(conversion.name)): \(conversion.formula), rounded \(AmountConversion.rounding.rawValue) to \(conversion.scale) decimals."
        }.joined()
    }

    func amount(_ value: Rational) -> String { Amounts.format(value, scale: scale) }
    /// An amount as the page shows it: with thousands separators (`44,452`).
    func shown(_ value: Rational) -> String { Amounts.grouped(value, scale: scale) }
    func count(_ value: Int) -> String { Amounts.grouped(text: String(value)) }
    func e(_ text: String) -> String { HTMLEscape.text(text) }

    /// The whole page, from a run held in memory (`result.rows`).
    public func render() -> String {
        let parts = documentParts()
        let rows = result.rows.map { String(decoding: ReportWriter.partsOrDie(rendering.row($0))[1], as: UTF8.self) }
        return String(decoding: parts.beforeRows, as: UTF8.self) + rows.joined(separator: ",")
            + String(decoding: parts.afterRows, as: UTF8.self)
    }

    /// The page around the discrepancy rows, which `ReportWriter` streams in between (as the
    /// comma-separated elements of the `discrepancy-rows` JSON array).
    public func documentParts() -> (beforeRows: [UInt8], afterRows: [UInt8]) {
        let marker = "\u{0}rows\u{0}"
        var body = "<h1>Recount reconciliation report</h1>\n"
        body += "<p class=\"meta\">\(e(metaLine()))</p>\n"
        body += summaryCards()
        body += classTable()
        body += charts()
        body += "<h2>Discrepancies</h2>\n"
        body +=
            "<p class=\"meta\">\(parameters.allRows ? "Every request" : "Every request that is not ok"); sorted by start time, then request id. Click a header to sort; amounts in \(e(unitName)); delta = recorded − expected; times in UTC\(e(Timestamp.offsetText(parameters.dayOffsetSeconds))).\(e(conversionNote))</p>\n"
        body += "<div id=\"discrepancies\"></div>\n"
        body += "<h2>Accounts</h2>\n<div id=\"accounts\"></div>\n"
        body += "<script type=\"application/json\" id=\"discrepancy-rows\">[" + marker + "]</script>\n"
        body += HTMLEscape.jsonBlock(id: "account-rows", .array(result.accounts.map(accountRow)))
        body += HTMLEscape.jsonBlock(id: "table-config", tableConfig)
        let page = HTMLPage.document(title: "Recount report", body: body, script: HTMLReportScript.source)
        let halves = page.components(separatedBy: marker)
        precondition(halves.count == 2, "the row marker cannot occur in escaped output")
        return (Array(halves[0].utf8), Array(halves[1].utf8))
    }

    func metaLine() -> String {
        var parts: [String] = []
        let zone = parameters.dayOffsetSeconds
        if let asOf = parameters.asOf { parts.append("as of \(asOf.rfc3339(offsetSeconds: zone))") }
        if let from = parameters.from { parts.append("from \(from.rfc3339(offsetSeconds: zone))") }
        if let until = parameters.until { parts.append("until \(until.rfc3339(offsetSeconds: zone))") }
        parts.append("times in UTC\(Timestamp.offsetText(zone))")
        parts.append("basis \(parameters.basis.rawValue)")
        parts.append("tolerance \(amount(parameters.tolerance)) \(unitName)")
        if let shard = parameters.shard { parts.append("shard \(shard)") }
        let logs = result.inputs.filter { $0.kind == "log" || $0.kind == "gateway-db" }.map(\.path)
        if !logs.isEmpty { parts.append("logs: " + logs.joined(separator: ", ")) }
        return parts.joined(separator: " · ")
    }

    func card(_ label: String, _ value: String, sub: String? = nil, valueClass: String? = nil) -> String {
        var out = "<div class=\"card\"><div class=\"label\">\(e(label))</div>"
        out += "<div class=\"value\(valueClass.map { " " + $0 } ?? "")\">\(e(value))</div>"
        if let sub { out += "<div class=\"sub\">\(e(sub))</div>" }
        return out + "</div>"
    }

    func creditTally(_ status: Credit.Status) -> CreditTally { result.tally(status) }

    func summaryCards() -> String {
        let totals = result.totals
        let net = (try? totals.recorded.subtracting(totals.expected)) ?? .zero
        let issued = creditTally(.issued), already = creditTally(.already_issued), withheld = creditTally(.withheld)
        let notOK = result.discrepancyRowCount
        var out = "<section class=\"cards\">"
        out += card(
            "Requests", count(result.counters.requests),
            sub: "\(count(result.counters.debits)) ledger debits · \(count(result.counters.orphanDebits)) orphan debits"
        )
        out += card(
            "Recounted", count(result.counters.recountedRequests),
            sub: "\(count(result.counters.repricedRequests)) re-priced from reported tokens only")
        let streams = result.warnings.streamOutcomes.filter { $0.key.hasPrefix("incomplete") }
        if !streams.isEmpty || !result.warnings.streamEndReasons.isEmpty {
            let reasons = result.warnings.streamEndReasons.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
            out += card(
                "Streams ended badly", count(streams.values.reduce(0, +)),
                sub: "end reasons: " + (reasons.isEmpty ? "none" : reasons.joined(separator: " · ")))
        }
        out += card("Not ok", count(notOK), sub: "requests and orphans with a discrepancy")
        out += card(
            "Recorded", "\(shown(totals.recorded)) \(unitName)", sub: "sum of debits" + converted(totals.recorded))
        out += card(
            "Expected", "\(shown(totals.expected)) \(unitName)", sub: "recomputed charges" + converted(totals.expected))
        out += card(
            net.isNegative ? "Net under" : "Net over",
            "\(net.isNegative || net.isZero ? "" : "+")\(shown(net)) \(unitName)",
            sub: "recorded − expected" + converted(net), valueClass: net.isNegative ? "neg" : net.isZero ? nil : "pos")
        out += card(
            "Credits issued", "\(shown(issued.amount)) \(unitName)",
            sub: "\(count(issued.count)) credits" + converted(issued.amount))
        out += card(
            "Already issued", "\(shown(already.amount)) \(unitName)", sub: "\(count(already.count)) credits (--issued)")
        out += card(
            "Withheld", "\(shown(withheld.amount)) \(unitName)",
            sub: "\(count(withheld.count)) credits below --min-credit")
        out += card(
            "Rejected lines", count(result.rejectCount),
            sub:
                "\(count(result.counters.logRejected)) log · \(count(result.counters.debitsRejected)) ledger (rejects.jsonl)"
        )
        return out + "</section>\n"
    }

    func classTable() -> String {
        var out =
            "<h2>By class</h2>\n<div class=\"scroll\"><table><thead><tr><th>class</th><th class=\"num\">rows</th><th class=\"num\">recorded</th>"
        out += "<th class=\"num\">expected</th><th class=\"num\">credits issued</th></tr></thead><tbody>"
        for klass in DiscrepancyClass.allCases {
            guard let totals = result.classTotals[klass], totals.count > 0 else { continue }
            out +=
                "<tr><td>\(e(klass.rawValue))</td><td class=\"num\">\(count(totals.count))</td><td class=\"num\">\(e(shown(totals.recorded)))</td>"
            out +=
                "<td class=\"num\">\(e(shown(totals.expected)))</td><td class=\"num\">\(e(shown(totals.credits)))</td></tr>"
        }
        out +=
            "</tbody><tfoot><tr><td>total</td><td class=\"num\">\(count(result.totals.count))</td><td class=\"num\">\(e(shown(result.totals.recorded)))</td>"
        out +=
            "<td class=\"num\">\(e(shown(result.totals.expected)))</td><td class=\"num\">\(e(shown(result.totals.credits)))</td></tr></tfoot></table></div>\n"
        return out
    }

    static let recordedColor = "#d9822b"
    static let expectedColor = "#2b6cb0"

    func charts() -> String {
        let format = { (value: Rational) in self.shown(value) }
        var out = "<h2>Charts</h2>\n<div class=\"charts\">\n"

        out += perDayOrPerModel(format: format)

        // Amount by class. `ok` is left out: its bar would dwarf the classes finance looks at
        // (on the sample, 26,987 ok points against 87 undercharged); it is in the table above.
        let classes = DiscrepancyClass.allCases.filter { $0 != .ok && (result.classTotals[$0]?.count ?? 0) > 0 }
        out += figure(
            "Amount by class, not ok (\(unitName))",
            SVGChart.bars(
                labels: classes.map(\.rawValue),
                series: [
                    .init(
                        name: "recorded", color: Self.recordedColor,
                        values: classes.map { result.classTotals[$0]!.recorded }),
                    .init(
                        name: "expected", color: Self.expectedColor,
                        values: classes.map { result.classTotals[$0]!.expected }),
                ], format: format), note: "ok rows are left out (see the table above).")

        // Top accounts by overcharge.
        let top = result.accounts.filter { $0.over > .zero }
            .sorted {
                $0.over != $1.over ? $0.over > $1.over : $0.account.utf8.lexicographicallyPrecedes($1.account.utf8)
            }
            .prefix(10)
        out += figure(
            "Top accounts by overcharge (\(unitName))",
            SVGChart.bars(
                labels: top.map(\.account),
                series: [
                    .init(name: "over", color: "#c53030", values: top.map(\.over))
                ], format: format), note: "Sum of positive deltas (and orphan debits) per account; the 10 largest.")

        // Token drift: recount vs upstream per model.
        let drift = result.drift.byModel.sorted {
            $0.value.upstreamTokens != $1.value.upstreamTokens
                ? $0.value.upstreamTokens > $1.value.upstreamTokens
                : $0.key.utf8.lexicographicallyPrecedes($1.key.utf8)
        }.prefix(10)
        let p = result.drift.prompt, c = result.drift.completion
        out += figure(
            "Token drift: recount vs upstream usage (tokens)",
            SVGChart.bars(
                labels: drift.map(\.key),
                series: [
                    .init(name: "upstream", color: "#6b46c1", values: drift.map { Rational($0.value.upstreamTokens) }),
                    .init(name: "recount", color: "#38a169", values: drift.map { Rational($0.value.recountTokens) }),
                ], format: { $0.decimalString(maxScale: 0) }),
            note:
                "Where both exist. Prompt: \(p.differing) of \(p.requests) requests differ (\(p.recountTokens) recounted vs \(p.upstreamTokens) upstream). Completion: \(c.differing) of \(c.requests) differ (\(c.recountTokens) vs \(c.upstreamTokens))."
        )
        return out + "</div>\n"
    }

    /// Recorded vs expected per day; for a run of one day (a nightly run) a single pair of bars
    /// says nothing, so per model within that day instead (the twelve largest by recorded).
    func perDayOrPerModel(format: (Rational) -> String) -> String {
        var days: [String] = []
        var recorded: [Rational] = []
        var expected: [Rational] = []
        for row in result.daily {
            if days.last != row.day {
                days.append(row.day)
                recorded.append(.zero)
                expected.append(.zero)
            }
            recorded[recorded.count - 1] =
                (try? recorded[recorded.count - 1].adding(row.recorded)) ?? recorded[recorded.count - 1]
            expected[expected.count - 1] =
                (try? expected[expected.count - 1].adding(row.expected)) ?? expected[expected.count - 1]
        }
        let zone = "UTC\(Timestamp.offsetText(parameters.dayOffsetSeconds))"
        guard days.count == 1 else {
            return figure(
                "Recorded vs expected per day (\(unitName))",
                SVGChart.columns(
                    categories: days,
                    series: [
                        .init(name: "recorded", color: Self.recordedColor, values: recorded),
                        .init(name: "expected", color: Self.expectedColor, values: expected),
                    ], format: format),
                note: "Day boundary at \(zone). Bar lengths are display ratios; hover a bar for its exact amount.")
        }
        let models = result.daily.sorted {
            $0.recorded != $1.recorded
                ? $0.recorded > $1.recorded : $0.model.utf8.lexicographicallyPrecedes($1.model.utf8)
        }.prefix(12)
        return figure(
            "Recorded vs expected per model, \(days[0]) (\(unitName))",
            SVGChart.bars(
                labels: models.map(\.model),
                series: [
                    .init(name: "recorded", color: Self.recordedColor, values: models.map(\.recorded)),
                    .init(name: "expected", color: Self.expectedColor, values: models.map(\.expected)),
                ], format: format),
            note: "One day (\(zone)): the twelve models with the most recorded; daily.csv has every model.")
    }

    func figure(_ caption: String, _ content: String, note: String?) -> String {
        "<figure><figcaption>\(e(caption))</figcaption>\(content)\(note.map { "<div class=\"note\">\(e($0))</div>" } ?? "")</figure>\n"
    }

    static let accountColumns: [HTMLColumn] = [
        HTMLColumn(label: "account", filter: "text"), HTMLColumn(label: "requests", numeric: true),
        HTMLColumn(label: "recorded", numeric: true, grouped: true),
        HTMLColumn(label: "expected", numeric: true, grouped: true),
        HTMLColumn(label: "over", numeric: true, grouped: true),
        HTMLColumn(label: "under", numeric: true, grouped: true),
        HTMLColumn(label: "credits", numeric: true, grouped: true),
    ]

    /// The figures finance reads per account — recorded, expected, credits — in each conversion
    /// (site unit, `--also-currency`; `accounts.csv` has over and under converted too); on
    /// screen only, as in the discrepancy table, so the printed page keeps the ledger's unit.
    var accountConversionColumns: [HTMLColumn] {
        rendering.conversions.all.flatMap { conversion in
            ["recorded", "expected", "credits"].map {
                HTMLColumn(label: "\($0) (\(conversion.name))", numeric: true, printed: false, grouped: true)
            }
        }
    }

    var tableConfig: JSONValue {
        func columns(_ list: [HTMLColumn]) -> JSONValue { .array(list.map(\.config)) }
        return .array([
            .obj([
                ("root", .string("discrepancies")), ("data", .string("discrepancy-rows")),
                ("columns", columns(rendering.discrepancyHTML.map(\.column))),
            ]),
            .obj([
                ("root", .string("accounts")), ("data", .string("account-rows")),
                ("columns", columns(Self.accountColumns + accountConversionColumns)),
                ("sort", .num(4)), ("dir", .num(-1)),
            ]),
        ])
    }

    func accountRow(_ account: AccountTotals) -> JSONValue {
        .array(
            [
                .string(account.account), .string(String(account.requests)), .string(amount(account.recorded)),
                .string(amount(account.expected)), .string(amount(account.over)), .string(amount(account.under)),
                .string(amount(account.credits)),
            ]
                + rendering.conversions.all.flatMap { conversion in
                    [account.recorded, account.expected, account.credits].map { .string(conversion.text($0)) }
                })
    }
}
