/// The progress a long run shows on a terminal's stderr — `records · MB/s · ETA` — as text: the
/// CLI keeps the clock and the terminal, so this stays a pure function of what it is given.
public enum ProgressText {
    /// `12000 records · 41.7 MB/s · ETA 9s` after `bytes` of `totalBytes` in `elapsed` seconds
    /// (no ETA when the total is unknown, as for stdin, or nothing is read yet).
    public static func line(bytes: Int, records: Int, totalBytes: Int, elapsed: Double) -> String {
        let seconds = max(elapsed, 0.001)
        let tenthsOfMBPerSecond = Int((Double(bytes) / seconds / 100_000).rounded())
        var text = "\(records) records · \(tenthsOfMBPerSecond / 10).\(tenthsOfMBPerSecond % 10) MB/s"
        if totalBytes > 0, bytes > 0, bytes < totalBytes {
            let remaining = Double(totalBytes - bytes) / (Double(bytes) / seconds)
            text += " · ETA \(Int(remaining))s"
        }
        return text
    }
}
