import ArgumentParsing
import Foundation
import RecountKit

/// `ProgressText` redrawn on one terminal line, at most four times a second.
final class ProgressLine: @unchecked Sendable {
    let console: Console
    let totalBytes: Int
    let start = Date()
    var lastDraw = Date.distantPast

    init(console: Console, totalBytes: Int) {
        self.console = console
        self.totalBytes = totalBytes
    }

    func update(bytes: Int, records: Int) {
        let now = Date()
        guard now.timeIntervalSince(lastDraw) > 0.25 else { return }
        lastDraw = now
        let text = ProgressText.line(
            bytes: bytes, records: records, totalBytes: totalBytes, elapsed: now.timeIntervalSince(start))
        console.writeError("\r\u{1B}[K" + text)
    }
}
