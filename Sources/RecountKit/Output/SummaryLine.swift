import Foundation

/// The one line a run prints at the end (for cron mail and humans): requests and classes,
/// credits issued beside those already issued (`--issued`) and withheld (`--min-credit`), the
/// debits' source (which ledger, or that each line's `billed.amount` stood in), rejects.
/// Credits are also given in the site's unit and `--also-currency` (`conversions`).
public enum SummaryLine {
    public static func text(
        _ result: ReconcileResult, outDirectory: String, conversions: ReportConversions = ReportConversions()
    ) -> String {
        let unit = result.unit?.name ?? "units"
        let scale = result.unit?.scale ?? 0
        let notOK = DiscrepancyClass.allCases.filter { $0 != .ok }
            .compactMap { klass -> String? in
                guard let count = result.classTotals[klass]?.count, count > 0 else { return nil }
                return "\(klass.rawValue) \(count)"
            }
        let discrepancies = notOK.isEmpty ? "no discrepancies" : notOK.joined(separator: ", ")
        var line = "recount: \(counted(result.counters.requests, "request")), \(discrepancies); "
        line += credits(result.tally(.issued), unit: unit, scale: scale)
        let shown = conversions.all.map { "\($0.text(result.tally(.issued).amount)) \($0.name)" }
        if !shown.isEmpty { line += " (= " + shown.joined(separator: " = ") + ")" }
        var besides: [String] = []
        let already = result.tally(.already_issued)
        if already.count > 0 { besides.append("\(credits(already, unit: unit, scale: scale)) already issued") }
        let withheld = result.tally(.withheld)
        if withheld.count > 0 {
            besides.append("\(credits(withheld, unit: unit, scale: scale)) withheld under --min-credit")
        }
        if !besides.isEmpty { line += " (" + besides.joined(separator: ", ") + ")" }
        if let ledger = result.inputs.first(where: { $0.kind == "debits" }) {
            line += "; ledger \(ledger.path)"
        } else {
            line += "; no ledger (each line's billed.amount stood in)"
        }
        if result.counters.requests > 0 {
            // Recounted from bodies, or re-priced from the reported / the row's own counts only.
            line +=
                "; \(result.counters.recountedRequests) recounted, \(result.counters.repricedRequests) re-priced from reported tokens"
        }
        let rejected = result.rejectCount
        if rejected > 0 { line += "; \(counted(rejected, "rejected line")) (rejects.jsonl)" }
        return line + "; reports in \(outDirectory)/"
    }

    public static func credits(_ tally: CreditTally, unit: String, scale: Int) -> String {
        let amount = Amounts.format(tally.amount, scale: scale)
        let unitName = tally.amount == Rational(1) && unit.hasSuffix("s") ? String(unit.dropLast()) : unit
        return "\(counted(tally.count, "credit")) = \(amount) \(unitName)"
    }

    /// "1 request", "2 requests".
    public static func counted(_ count: Int, _ noun: String) -> String {
        count == 1 ? "1 \(noun)" : "\(count) \(noun)s"
    }
}
