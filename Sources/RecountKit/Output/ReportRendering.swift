import TokenCounter

/// Renders one row, credit or reject into the bytes its report lines hold, with its sort key.
///
/// Rendering happens once, where the row is produced; the sorts and `merge` then move finished
/// bytes around and never need the row's structure again. Every value from the logs passes
/// through `CSVWriter` (formula neutralising), `JSONWriter` (escaping) or `KeyMask` here.
public struct ReportRendering: Sendable {
    let scale: Int
    let unitName: String

    public init(scale: Int, unitName: String) {
        self.scale = scale
        self.unitName = unitName
    }

    func amount(_ value: Rational) -> String { Amounts.format(value, scale: scale) }
    func amountCell(_ value: Rational?) -> CSVWriter.Cell { value.map { .number(amount($0)) } ?? .empty }
    func countCell(_ value: Int?) -> CSVWriter.Cell { value.map { .number(String($0)) } ?? .empty }

    /// A `discrepancies.csv` line and the matching `report.html` table row.
    func row(_ outcome: RequestOutcome) -> SortedRecord {
        let html = JSONWriter.string(htmlRow(outcome)).replacingAll("/", with: "\\/")
        return ReportPayload.record(key: ReportOrder.row(outcome),
                                    parts: [CSVWriter.rowBytes(discrepancyCells(outcome)), Array(html.utf8)])
    }

    /// A `credits.csv` line and the matching `credits.jsonl` line.
    func credit(_ credit: Credit) -> SortedRecord {
        let csv = CSVWriter.rowBytes([
            .text(credit.creditID), .text(credit.account), .text(credit.requestID), .text(credit.creditClass.rawValue),
            amountCell(credit.amount), .text(unitName), .text(credit.pricingVersion ?? ""), .text(credit.reason),
            .text(credit.debitID ?? ""),
        ])
        let json = JSONWriter.string(.obj([
            ("credit_id", .string(credit.creditID)), ("account", .string(credit.account)),
            ("request_id", .string(credit.requestID)), ("class", .string(credit.creditClass.rawValue)),
            ("amount", .string(amount(credit.amount))), ("unit", .string(unitName)),
            ("pricing_version", .str(credit.pricingVersion)), ("reason", .string(credit.reason)),
            ("debit_id", .str(credit.debitID)),
        ])) + "\n"
        return ReportPayload.record(key: ReportOrder.credit(credit), parts: [csv, Array(json.utf8)])
    }

    /// A `rejects.jsonl` line: the line as read, keys masked and bodies omitted (`Redaction`).
    func reject(_ reject: Reject, order: RejectOrder) -> SortedRecord {
        var pairs: [(String, JSONValue)] = [
            ("kind", .string(reject.kind.rawValue)), ("file", .string(reject.source.file)),
            ("line", .num(reject.source.line)), ("field", .str(reject.field)), ("reason", .string(reject.reason)),
        ]
        switch Redaction.raw(reject.raw, source: reject.source) {
        case .text(let text): pairs.append(("raw", .string(text)))
        case .base64(let text): pairs.append(("raw_base64", .string(text)))
        }
        if reject.rawTruncated { pairs.append(("raw_truncated", .bool(true))) }
        return ReportPayload.record(key: order.key, parts: [Array((JSONWriter.string(.obj(pairs)) + "\n").utf8)])
    }

    func discrepancyCells(_ row: RequestOutcome) -> [CSVWriter.Cell] {
        let counts = row.counts
        let statuses = Set(row.credits.map(\.status.rawValue)).sorted().joined(separator: "+")
        return [
            .text(row.requestID), .text(row.time?.description ?? ""), .text(row.account), .text(row.model ?? ""),
            .text(row.pricingVersion ?? ""), .text(row.outcomeClass.rawValue), .text(row.causeLabel),
            .text(counts?.basisLabel ?? ""),
            countCell(counts?.prompt), countCell(counts?.completion),
            countCell(counts?.billedPrompt), countCell(counts?.billedCompletion),
            amountCell(row.recorded), amountCell(row.expected), amountCell(row.delta),
            row.credits.isEmpty ? .empty : amountCell(issuedCreditTotal(row)),
            .text(row.debitPricingVersion ?? ""), countCell(row.debits.count), countCell(row.status),
            .text(row.endpoint?.rawValue ?? ""), .text(row.group ?? ""), .text(KeyMask.mask(row.key)),
            .text(counts?.encoding?.rawValue ?? ""),
            countCell(counts?.recountPrompt), countCell(counts?.recountCompletion),
            countCell(counts?.upstreamPrompt), countCell(counts?.upstreamCompletion),
            countCell(counts.map(\.cachedPrompt)), .text(statuses), .text(row.causeDetail),
            .text(row.source?.description ?? ""),
        ]
    }

    /// The credits of a row that this run issues (not those issued before or withheld).
    func issuedCreditTotal(_ row: RequestOutcome) -> Rational {
        row.credits.filter { $0.status == .issued }.reduce(Rational.zero) { (try? $0.adding($1.amount)) ?? $0 }
    }

    /// The columns of `HTMLReport.discrepancyColumns`, as strings.
    func htmlRow(_ row: RequestOutcome) -> JSONValue {
        let counts = row.counts
        return .array([
            .string(row.requestID), .string(row.time?.description ?? ""), .string(row.account), .string(row.model ?? ""),
            .string(row.outcomeClass.rawValue), .string(row.causeLabel), .string(counts?.basisLabel ?? ""),
            .string(counts.map { String($0.prompt) } ?? ""), .string(counts.map { String($0.completion) } ?? ""),
            .string(amount(row.recorded)), .string(row.expected.map(amount) ?? ""), .string(row.delta.map(amount) ?? ""),
            .string(row.credits.isEmpty ? "" : amount(issuedCreditTotal(row))), .string(row.pricingVersion ?? ""),
            .string(row.group ?? ""), .string(KeyMask.mask(row.key)), .string(row.causeDetail),
        ])
    }
}
