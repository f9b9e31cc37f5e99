extension Amounts {
    /// `format` with thousands separators (`1,234,567.89`), for pages people read: HTML reports
    /// and statements. CSV and JSON keep plain decimals, which spreadsheets and scripts parse.
    public static func grouped(_ amount: Rational, scale: Int) -> String {
        grouped(text: format(amount, scale: scale))
    }

    /// Groups the integer digits of a plain decimal text by three; anything else is returned
    /// as it is.
    public static func grouped(text: String) -> String {
        var digits = Substring(text)
        var sign = ""
        if let first = digits.first, first == "-" || first == "+" {
            sign = String(first)
            digits = digits.dropFirst()
        }
        let integer = digits.prefix { $0.isASCII && $0.isNumber }
        guard integer.count > 3 else { return text }
        let rest = digits.dropFirst(integer.count)
        var groupedDigits = ""
        for (index, digit) in integer.enumerated() {
            if index > 0, (integer.count - index) % 3 == 0 { groupedDigits.append(",") }
            groupedDigits.append(digit)
        }
        return sign + groupedDigits + rest
    }
}
