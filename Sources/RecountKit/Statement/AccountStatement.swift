/// One account's requests over a period, with totals: what support sends the customer
/// (`recount statement`, SPEC §5). Built from a reconcile run's rows, so every figure equals
/// the nightly reports'.
///
/// Rows: the account's requests (every class, `ok` included) and orphan debits taken from it,
/// sorted like every per-request output (`RequestOutcome.precedes`). No prompt text, no key.
public struct AccountStatement: Sendable {
    public let account: String
    public let rows: [RequestOutcome]
    public let unit: PriceCatalog.Unit?
    public let from: Timestamp?
    public let until: Timestamp?
    public let asOf: Timestamp?
    /// The words of the statement.
    public let language: StatementLanguage
    /// Every time is shown in this offset from UTC (the platform's zone), stated in the header.
    public let zoneOffset: Int32
    /// The site's unit (from the catalog's `unit.site`) and `--also-currency`: each adds four
    /// columns after `credit` (charged, recomputed, difference, credit in it), SPEC §4.1.
    public let conversions: ReportConversions

    /// `result` must come from a run with `allRows` (the `ok` rows are part of a statement).
    public init(
        account: String, result: ReconcileResult, from: Timestamp?, until: Timestamp?, asOf: Timestamp? = nil,
        language: StatementLanguage = .en, zoneOffset: Int32 = 0, alsoCurrency: AmountConversion? = nil
    ) {
        self.account = account
        rows = result.rows.filter { $0.account == account }
        unit = result.unit
        self.from = from
        self.until = until
        self.asOf = asOf
        self.language = language
        self.zoneOffset = zoneOffset
        conversions = ReportConversions(unit: result.unit, money: alsoCurrency)
    }

    public struct Totals: Sendable, Equatable {
        public var requests = 0
        public var promptTokens = 0
        public var completionTokens = 0
        public var recorded = Rational.zero
        public var expected = Rational.zero
        /// Σ of the rows' differences: recorded − expected on every row that was recomputed.
        /// The charge of a row that could not be recomputed is in `unpriced`, not here, so the
        /// total adds up to its column.
        public var delta = Rational.zero
        /// Credits of every status (issued now, issued before, withheld).
        public var credits = Rational.zero
        /// Credits issued by the reconciliation these figures come from.
        public var creditsIssued = Rational.zero
        /// Charged on rows with nothing recomputed (an unpriced model, a debit without a
        /// request): part of `delta`, but reviewed by hand, not credited.
        public var unpriced = Rational.zero
    }

    public var totals: Totals {
        var totals = Totals()
        for row in rows {
            if row.outcomeClass != .orphan_debit { totals.requests += 1 }
            totals.promptTokens += row.counts?.prompt ?? 0
            totals.completionTokens += row.counts?.completion ?? 0
            totals.recorded = (try? totals.recorded.adding(row.recorded)) ?? totals.recorded
            totals.expected = (try? totals.expected.adding(row.expected ?? .zero)) ?? totals.expected
            if row.expected == nil { totals.unpriced = (try? totals.unpriced.adding(row.recorded)) ?? totals.unpriced }
            if let delta = row.delta { totals.delta = (try? totals.delta.adding(delta)) ?? totals.delta }
            for credit in row.credits {
                totals.credits = (try? totals.credits.adding(credit.amount)) ?? totals.credits
                if credit.status == .issued {
                    totals.creditsIssued = (try? totals.creditsIssued.adding(credit.amount)) ?? totals.creditsIssued
                }
            }
        }
        return totals
    }

    var scale: Int { unit?.scale ?? 0 }
    var unitName: String { unit?.name ?? "units" }
    func amount(_ value: Rational) -> String { Amounts.format(value, scale: scale) }
    func creditAmount(_ row: RequestOutcome) -> Rational? {
        row.credits.isEmpty ? nil : row.credits.reduce(Rational.zero) { (try? $0.adding($1.amount)) ?? $0 }
    }
    func creditStatus(_ row: RequestOutcome) -> String {
        Set(row.credits.map(\.status.rawValue)).sorted().joined(separator: "+")
    }

    /// The period as printed: `[from, until)`, either end open, in the statement's zone.
    public var periodText: String {
        func time(_ value: Timestamp) -> String { value.rfc3339(offsetSeconds: zoneOffset) }
        switch (from, until, language) {
        case (nil, nil, .en): return "all requests in the logs"
        case (nil, nil, .zh): return "日志中的全部请求"
        case let (from?, nil, .en): return "from \(time(from))"
        case let (from?, nil, .zh): return "自 \(time(from)) 起"
        case let (nil, until?, .en): return "before \(time(until))"
        case let (nil, until?, .zh): return "\(time(until)) 之前"
        case let (from?, until?, _): return "[\(time(from)), \(time(until)))"
        }
    }

    /// `+08:00`, the zone every time of the statement is in.
    public var zoneText: String { Timestamp.offsetText(zoneOffset) }

    /// A row's cell, as text, for both the CSV and the HTML (amounts plain; the HTML groups them).
    func cell(_ column: StatementLanguage.Column, _ row: RequestOutcome) -> String {
        switch column {
        case .time: row.time?.spreadsheetText(offsetSeconds: zoneOffset) ?? ""
        case .requestID: row.requestID
        case .model: row.model ?? ""
        case .promptTokens: row.counts.map { String($0.prompt) } ?? ""
        case .completionTokens: row.counts.map { String($0.completion) } ?? ""
        case .charged: amount(row.recorded)
        case .recomputed: row.expected.map(amount) ?? ""
        case .difference: row.delta.map(amount) ?? ""
        case .result: language.words(row.outcomeClass)
        case .credit: creditAmount(row).map(amount) ?? ""
        }
    }

    /// Whether any row has a figure in the column: a TOTAL of "recomputed 0" under a column of
    /// blanks (every request unpriced) would read as "you should have paid nothing".
    func hasFigures(_ column: StatementLanguage.Column) -> Bool {
        rows.contains { figure(column, $0) != nil }
    }

    /// The TOTAL row's cell: every number column is the sum of the column above it (blank
    /// under a recomputed or difference column with no figure in it).
    func totalCell(_ column: StatementLanguage.Column, _ totals: Totals) -> String {
        if column == .recomputed || column == .difference, !hasFigures(column) { return "" }
        return switch column {
        case .time: language.total
        case .requestID: language.requestsCount(totals.requests)
        case .model, .result: ""
        case .promptTokens: String(totals.promptTokens)
        case .completionTokens: String(totals.completionTokens)
        case .charged: amount(totals.recorded)
        case .recomputed: amount(totals.expected)
        case .difference: amount(totals.delta)
        case .credit: amount(totals.credits)
        }
    }

    static func isNumeric(_ column: StatementLanguage.Column) -> Bool {
        switch column {
        case .promptTokens, .completionTokens, .charged, .recomputed, .difference, .credit: true
        case .time, .requestID, .model, .result: false
        }
    }

    /// The columns after `credit`: for each conversion, the four amount columns in it.
    var convertedColumns: [(conversion: AmountConversion, column: StatementLanguage.Column)] {
        conversions.all.flatMap { conversion in
            Self.convertible.map { (conversion, $0) }
        }
    }

    static let convertible: [StatementLanguage.Column] = [.charged, .recomputed, .difference, .credit]

    /// The ledger figure of a row behind an amount column.
    func figure(_ column: StatementLanguage.Column, _ row: RequestOutcome) -> Rational? {
        switch column {
        case .charged: row.recorded
        case .recomputed: row.expected
        case .difference: row.delta
        case .credit: creditAmount(row)
        default: nil
        }
    }

    /// A row's converted cell: its ledger figure converted and rounded once.
    func convertedCell(
        _ conversion: AmountConversion, _ column: StatementLanguage.Column, _ row: RequestOutcome
    )
        -> String
    {
        figure(column, row).map(conversion.text) ?? ""
    }

    /// The TOTAL of a converted column: the sum of the rounded figures above it, so the
    /// column adds up as the customer checks it (it may differ from converting the ledger
    /// total by the rounding of each row; `summary.json` converts the exact total).
    public func convertedTotal(_ conversion: AmountConversion, _ column: StatementLanguage.Column) -> String {
        if column == .recomputed || column == .difference, !hasFigures(column) { return "" }
        var sum = Rational.zero
        for row in rows {
            if let value = figure(column, row).flatMap(conversion.shown) { sum = (try? sum.adding(value)) ?? sum }
        }
        return Amounts.format(sum, scale: conversion.scale)
    }

    /// `charged (points)`, `已扣费（points）`.
    func convertedHeader(_ conversion: AmountConversion, _ column: StatementLanguage.Column) -> String {
        language == .en
            ? "\(language.header(column)) (\(conversion.name))" : "\(language.header(column))（\(conversion.name)）"
    }

    /// RFC 4180 via `CSVWriter` (formula injection neutralised), the same headers as the HTML,
    /// a final TOTAL row that adds up to its columns and, when some charge could not be
    /// recomputed, a row saying how much.
    public func csv(bom: Bool) -> [UInt8] {
        let columns = StatementLanguage.Column.allCases
        let converted = convertedColumns
        var csv = CSVWriter(
            header: columns.map(language.header) + converted.map { convertedHeader($0.conversion, $0.column) },
            bom: bom)
        func cells(_ text: (StatementLanguage.Column) -> String) -> [CSVWriter.Cell] {
            columns.map { column in
                let value = text(column)
                if value.isEmpty { return .empty }
                return Self.isNumeric(column) ? .number(value) : .text(value)
            }
        }
        func numbers(_ texts: [String]) -> [CSVWriter.Cell] { texts.map { $0.isEmpty ? .empty : .number($0) } }
        for row in rows {
            csv.row(cells { cell($0, row) } + numbers(converted.map { convertedCell($0.conversion, $0.column, row) }))
        }
        let totals = totals
        csv.row(cells { totalCell($0, totals) } + numbers(converted.map { convertedTotal($0.conversion, $0.column) }))
        if !totals.unpriced.isZero {
            csv.row(
                [.text(language.notRecomputed("\(amount(totals.unpriced)) \(unitName)"))]
                    + Array(repeating: .empty, count: columns.count + converted.count - 1))
        }
        return csv.bytes
    }
}
