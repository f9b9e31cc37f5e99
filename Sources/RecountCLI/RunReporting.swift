import ArgumentParsing
import Foundation
import RecountKit

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
