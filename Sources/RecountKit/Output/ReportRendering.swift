import TokenCounter

/// Renders one row, credit or reject into the bytes its report lines hold, with its sort key.
///
/// Rendering happens once, where the row is produced; the sorts and `merge` then move finished
/// bytes around and never need the row's structure again. Every value from the logs passes
/// through `CSVWriter` (formula neutralising), `JSONWriter` (escaping) or `KeyMask` here.
public struct ReportRendering: Sendable {
    let scale: Int
    let unitName: String
    /// Every time of a report is written in this offset from UTC: one zone per report (the
    /// platform's, `--day-offset` or the catalog's), whatever offset each log line used — a
    /// one-api row's Unix time and a `+08:00` line then read alike.
    let zoneOffset: Int32
    /// The site's unit and `--also-currency`, each adding columns; none for a plain catalog.
    let conversions: ReportConversions
    let discrepancyColumns: [ReportColumn<RequestOutcome>]
    let discrepancyHTML: [(column: HTMLColumn, cell: @Sendable (RequestOutcome, ReportRendering) -> CSVWriter.Cell)]
    let creditColumns: [ReportColumn<Credit>]

    public init(
        scale: Int, unitName: String, zoneOffset: Int32 = 0, conversions: ReportConversions = ReportConversions()
    ) {
        self.scale = scale
        self.unitName = unitName
        self.zoneOffset = zoneOffset
        self.conversions = conversions
        discrepancyColumns = DiscrepancyColumns.columns(for: conversions)
        discrepancyHTML = discrepancyColumns.htmlColumns()
        creditColumns = CreditColumns.columns(for: conversions)
    }

    /// RFC 3339 in the report's zone.
    func time(_ value: Timestamp?) -> String { value?.rfc3339(offsetSeconds: zoneOffset) ?? "" }
    /// `YYYY-MM-DD HH:MM:SS` in the report's zone: what spreadsheets read as a date and time.
    func localTime(_ value: Timestamp?) -> String { value?.spreadsheetText(offsetSeconds: zoneOffset) ?? "" }

    func amount(_ value: Rational) -> String { Amounts.format(value, scale: scale) }
    func amountCell(_ value: Rational?) -> CSVWriter.Cell { value.map { .number(amount($0)) } ?? .empty }
    func countCell(_ value: Int?) -> CSVWriter.Cell { value.map { .number(String($0)) } ?? .empty }

    /// A `discrepancies.csv` line and the matching `report.html` table row (`DiscrepancyColumns`).
    func row(_ outcome: RequestOutcome) -> SortedRecord {
        let html = JSONWriter.string(htmlRow(outcome)).replacingAll("/", with: "\\/")
        return ReportPayload.record(
            key: ReportOrder.row(outcome),
            parts: [CSVWriter.rowBytes(discrepancyColumns.cells(outcome, self)), Array(html.utf8)])
    }

    /// A `credits.csv` line and the matching `credits.jsonl` line (`CreditColumns`).
    func credit(_ credit: Credit) -> SortedRecord {
        let csv = CSVWriter.rowBytes(creditColumns.cells(credit, self))
        let json = JSONWriter.string(.obj(creditColumns.map { ($0.name, $0.json!(credit, self)) })) + "\n"
        return ReportPayload.record(key: ReportOrder.credit(credit), parts: [csv, Array(json.utf8)])
    }

    /// A `rejects.jsonl` line: the line as read, keys masked and bodies omitted (`Redaction`).
    func reject(_ reject: Reject, order: RejectOrder) -> SortedRecord {
        var pairs: [(String, JSONValue)] = [
            ("kind", .string(reject.kind.rawValue)), ("file", .string(reject.source.file)),
            ("line", .num(reject.source.line)), ("field", .str(reject.field)), ("reason", .string(reject.reason)),
        ]
        switch Redaction.raw(reject.raw, source: reject.source, kind: reject.kind) {
        case .text(let text): pairs.append(("raw", .string(text)))
        case .base64(let text): pairs.append(("raw_base64", .string(text)))
        }
        if reject.rawTruncated { pairs.append(("raw_truncated", .bool(true))) }
        return ReportPayload.record(key: order.key, parts: [Array((JSONWriter.string(.obj(pairs)) + "\n").utf8)])
    }

    /// The credits of a row that this run issues (not those issued before or withheld).
    func issuedCreditTotal(_ row: RequestOutcome) -> Rational {
        row.credits.filter { $0.status == .issued }.reduce(Rational.zero) { (try? $0.adding($1.amount)) ?? $0 }
    }

    /// The row of `report.html`'s discrepancy table: its columns' cells, as text.
    func htmlRow(_ row: RequestOutcome) -> JSONValue {
        .array(discrepancyHTML.map { .string($0.cell(row, self).text) })
    }
}
