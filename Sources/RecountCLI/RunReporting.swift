import Foundation
import RecountKit

/// The one line a run prints at the end (for cron mail and humans).
enum SummaryLine {
    static func text(_ result: ReconcileResult, outDirectory: String) -> String {
        let unit = result.unit?.name ?? "units"
        let scale = result.unit?.scale ?? 0
        let notOK = DiscrepancyClass.allCases.filter { $0 != .ok }
            .compactMap { klass -> String? in
                guard let count = result.classTotals[klass]?.count, count > 0 else { return nil }
                return "\(klass.rawValue) \(count)"
            }
        let issued = result.tally(.issued)
        let creditTotal = issued.amount
        let discrepancies = notOK.isEmpty ? "no discrepancies" : notOK.joined(separator: ", ")
        var line = "recount: \(result.counters.requests) requests, \(discrepancies); "
        line += "\(issued.count) credits = \(Amounts.format(creditTotal, scale: scale)) \(unit)"
        let rejected = result.rejectCount
        if rejected > 0 { line += "; \(rejected) rejected lines (rejects.jsonl)" }
        return line + "; reports in \(outDirectory)/"
    }
}

/// `records · MB/s · ETA` on one terminal line, at most a few times a second.
final class ProgressLine: @unchecked Sendable {
    let console: Console
    let totalBytes: Int
    let start = Date()
    var lastDraw = Date.distantPast
    var bytesBefore = 0

    init(console: Console, totalBytes: Int) {
        self.console = console
        self.totalBytes = totalBytes
    }

    func update(bytes: Int, records: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = now
        let elapsed = max(now.timeIntervalSince(start), 0.001)
        let rate = Double(bytes) / elapsed / 1_000_000
        var text = "\r\u{1B}[K\(records) records · \(String(format: "%.1f", rate)) MB/s"
        if totalBytes > 0, bytes > 0, bytes < totalBytes {
            let remaining = Double(totalBytes - bytes) / (Double(bytes) / elapsed)
            text += " · ETA \(Int(remaining))s"
        }
        console.writeError(text)
    }
}
