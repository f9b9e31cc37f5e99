import TokenCounter

/// The columns of `discrepancies.csv` (SPEC §4.1) and of `report.html`'s discrepancy table.
enum DiscrepancyColumns {
    typealias Column = ReportColumn<RequestOutcome>

    /// In CSV order: the SPEC's columns, then the ones beyond it.
    static let all: [Column] = specified + beyondSpec

    static let specified: [Column] = [
        Column("request_id", html: HTMLColumn(label: "request id", position: 0, filter: "text")) { row, _ in
            .text(row.requestID)
        },
        Column("time") { row, r in .text(r.time(row.time)) },
        Column("account", html: HTMLColumn(label: "account", position: 8, filter: "text", wrapsOnPaper: true)) {
            row, _ in
            .text(row.account)
        },
        Column("model", html: HTMLColumn(label: "model", position: 9, filter: "text")) { row, _ in
            .text(row.model ?? "")
        },
        Column("pricing_version", html: HTMLColumn(label: "version", position: 13, printed: false)) { row, _ in
            .text(row.pricingVersion ?? "")
        },
        Column("class", html: HTMLColumn(label: "class", position: 5, filter: "select")) { row, _ in
            .text(row.outcomeClass.rawValue)
        },
        Column("cause", html: HTMLColumn(label: "cause", position: 6)) { row, _ in .text(row.causeLabel) },
        Column("basis", html: HTMLColumn(label: "basis", position: 12, printed: false)) { row, _ in
            .text(row.counts?.basisLabel ?? "")
        },
        Column("prompt_tokens", html: HTMLColumn(label: "prompt", position: 10, numeric: true, grouped: true)) {
            row, r in r.countCell(row.counts?.prompt)
        },
        Column("completion_tokens", html: HTMLColumn(label: "completion", position: 11, numeric: true, grouped: true)) {
            row, r in
            r.countCell(row.counts?.completion)
        },
        Column("billed_prompt_tokens") { row, r in r.countCell(row.counts?.billedPrompt) },
        Column("billed_completion_tokens") { row, r in r.countCell(row.counts?.billedCompletion) },
        Column("recorded_amount", html: HTMLColumn(label: "recorded", position: 1, numeric: true, grouped: true)) {
            row, r in r.amountCell(row.recorded)
        },
        Column("expected_amount", html: HTMLColumn(label: "expected", position: 2, numeric: true, grouped: true)) {
            row, r in r.amountCell(row.expected)
        },
        Column("delta", html: HTMLColumn(label: "delta", position: 3, numeric: true, signed: true, grouped: true)) {
            row, r in r.amountCell(row.delta)
        },
        Column("credit_amount", html: HTMLColumn(label: "credit", position: 4, numeric: true, grouped: true)) {
            row, r in
            row.credits.isEmpty ? .empty : r.amountCell(r.issuedCreditTotal(row))
        },
    ]

    static let beyondSpec: [Column] = [
        Column("debit_pricing_version") { row, _ in .text(row.debitPricingVersion ?? "") },
        Column("debits") { row, r in r.countCell(row.debits.count) },
        Column("status") { row, r in r.countCell(row.status) },
        Column("endpoint") { row, _ in .text(row.endpoint?.rawValue ?? "") },
        Column("group", html: HTMLColumn(label: "group", position: 14, printed: false)) { row, _ in
            .text(row.group ?? "")
        },
        Column("key", html: HTMLColumn(label: "key", position: 15, printed: false)) { row, _ in
            .text(KeyMask.mask(row.key))
        },
        Column("encoding") { row, _ in .text(row.counts?.encoding?.rawValue ?? "") },
        Column("recount_prompt_tokens") { row, r in r.countCell(row.counts?.recountPrompt) },
        Column("recount_completion_tokens") { row, r in r.countCell(row.counts?.recountCompletion) },
        Column("upstream_prompt_tokens") { row, r in r.countCell(row.counts?.upstreamPrompt) },
        Column("upstream_completion_tokens") { row, r in r.countCell(row.counts?.upstreamCompletion) },
        Column("cached_prompt_tokens") { row, r in r.countCell(row.counts.map(\.cachedPrompt)) },
        Column("credit_status") { row, _ in
            .text(Set(row.credits.map(\.status.rawValue)).sorted().joined(separator: "+"))
        },
        Column("cause_detail", html: HTMLColumn(label: "detail", position: 16, wraps: true)) { row, _ in
            .text(row.causeDetail)
        },
        Column("source") { row, _ in .text(row.source?.description ?? "") },
        // The start time again, in the form Excel and LibreOffice read as a date and time (no
        // `T`, no offset: the zone is `summary.json`'s `day_offset`, and the report's header).
        // On paper the date and the time of day may stand on two lines.
        Column("local_time", html: HTMLColumn(label: "time", position: 7, wrapsOnPaper: true)) { row, r in
            .text(r.localTime(row.time))
        },
    ]

    /// `report.html`'s discrepancy table, in its order.
    static let html = all.htmlColumns()

    /// The columns of a run: `all`, then for each conversion (the site's unit, then
    /// `--also-currency`) its unit and the four amounts in it, so a run without one writes
    /// exactly `all` (SPEC §4.1).
    static func columns(for conversions: ReportConversions) -> [Column] {
        all + conversions.all.flatMap(converted)
    }

    /// `site_unit, recorded_site, expected_site, delta_site, credit_site` (or `money_currency`,
    /// `…_money`): each the ledger figure converted and rounded once.
    static func converted(_ conversion: AmountConversion) -> [Column] {
        let kind = conversion.kind.rawValue
        let first = conversion.kind == .site ? 17 : 21
        func html(_ label: String, _ offset: Int, signed: Bool = false) -> HTMLColumn {
            HTMLColumn(
                label: "\(label) (\(conversion.name))", position: first + offset, numeric: true, signed: signed,
                printed: false, grouped: true)
        }
        return [
            Column(conversion.kind == .site ? "site_unit" : "money_currency") { _, _ in .text(conversion.name) },
            Column("recorded_\(kind)", html: html("recorded", 0)) { row, _ in conversion.cell(row.recorded) },
            Column("expected_\(kind)", html: html("expected", 1)) { row, _ in conversion.cell(row.expected) },
            Column("delta_\(kind)", html: html("delta", 2, signed: true)) { row, _ in conversion.cell(row.delta) },
            Column("credit_\(kind)", html: html("credit", 3)) { row, r in
                row.credits.isEmpty ? .empty : conversion.cell(r.issuedCreditTotal(row))
            },
        ]
    }
}

extension AmountConversion {
    /// A CSV cell of `units` converted and rounded; empty where there is no figure.
    func cell(_ units: Rational?) -> CSVWriter.Cell {
        guard let units, let shown = shown(units) else { return .empty }
        return .number(Amounts.format(shown, scale: scale))
    }
}

/// The columns of `credits.csv`, and the fields of `credits.jsonl` (the same, in the same order).
enum CreditColumns {
    typealias Column = ReportColumn<Credit>

    static let all: [Column] = [
        Column("credit_id", json: { credit, _ in .string(credit.creditID) }) { credit, _ in .text(credit.creditID) },
        Column("account", json: { credit, _ in .string(credit.account) }) { credit, _ in .text(credit.account) },
        Column("request_id", json: { credit, _ in .string(credit.requestID) }) { credit, _ in .text(credit.requestID) },
        Column("class", json: { credit, _ in .string(credit.creditClass.rawValue) }) { credit, _ in
            .text(credit.creditClass.rawValue)
        },
        Column("amount", json: { credit, r in .string(r.amount(credit.amount)) }) { credit, r in
            r.amountCell(credit.amount)
        },
        Column("unit", json: { _, r in .string(r.unitName) }) { _, r in .text(r.unitName) },
        Column("pricing_version", json: { credit, _ in .str(credit.pricingVersion) }) { credit, _ in
            .text(credit.pricingVersion ?? "")
        },
        Column("reason", json: { credit, _ in .string(credit.reason) }) { credit, _ in .text(credit.reason) },
        Column("debit_id", json: { credit, _ in .str(credit.debitID) }) { credit, _ in .text(credit.debitID ?? "") },
    ]

    /// `all`, then for each conversion the credit in it beside its unit (`site_amount`,
    /// `site_unit`; `money_amount`, `money_currency`): what finance pays out, in the site's terms.
    static func columns(for conversions: ReportConversions) -> [Column] {
        all
            + conversions.all.flatMap { conversion -> [Column] in
                let kind = conversion.kind.rawValue
                return [
                    Column("\(kind)_amount", json: { credit, _ in .string(conversion.text(credit.amount)) }) {
                        credit, _ in conversion.cell(credit.amount)
                    },
                    Column(
                        conversion.kind == .site ? "site_unit" : "money_currency",
                        json: { _, _ in .string(conversion.name) }
                    ) { _, _ in .text(conversion.name) },
                ]
            }
    }
}
