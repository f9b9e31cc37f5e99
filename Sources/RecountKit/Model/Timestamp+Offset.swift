/// UTC offsets as the reports and `--day-offset` write them: `+08:00`, `-05:30`, `Z`.
extension Timestamp {
    static func offsetText(_ seconds: Int32) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(Int(seconds))
        return sign + String(magnitude / 3600).leftPadded(to: 2) + ":" + String(magnitude / 60 % 60).leftPadded(to: 2)
    }

    /// `+08:00` / `-05:30` / `Z` as seconds east of UTC.
    public static func parseOffset(_ text: String) -> Int32? {
        if text == "Z" || text == "z" { return 0 }
        let bytes = Array(text.utf8)
        guard bytes.count == 6, bytes[0] == UInt8(ascii: "+") || bytes[0] == UInt8(ascii: "-"),
            bytes[3] == UInt8(ascii: ":"),
            let hours = Int(String(decoding: bytes[1...2], as: UTF8.self)),
            let minutes = Int(String(decoding: bytes[4...5], as: UTF8.self)), hours < 24, minutes < 60
        else { return nil }
        let magnitude = Int32(hours * 3600 + minutes * 60)
        return bytes[0] == UInt8(ascii: "-") ? -magnitude : magnitude
    }
}
