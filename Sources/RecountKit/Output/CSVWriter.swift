/// RFC 4180 CSV for finance: every field quoted when it needs to be, CRLF line ends, UTF-8
/// (optionally with a BOM so Excel detects it).
///
/// Text cells that come from the logs are neutralised against formula injection: a cell that
/// starts with `=`, `+`, `-`, `@`, tab or CR gets a leading `'`, which Excel and LibreOffice
/// show as text. Numeric cells the tool itself formats (amounts, counts) are written as they
/// are, so a negative delta stays a number.
public struct CSVWriter {
    public enum Cell {
        /// A value from the logs or the ledger: neutralised and quoted as needed.
        case text(String)
        /// A number Recount formatted (`-12.50`, `2130`): written verbatim.
        case number(String)
        case empty
    }

    public private(set) var bytes: [UInt8] = []

    public init(header: [String], bom: Bool) {
        if bom { bytes += [0xEF, 0xBB, 0xBF] }
        row(header.map { .text($0) })
    }

    public mutating func row(_ cells: [Cell]) { Self.encode(cells, into: &bytes) }

    /// One record, CRLF-terminated: what `row` appends.
    public static func rowBytes(_ cells: [Cell]) -> [UInt8] {
        var bytes: [UInt8] = []
        encode(cells, into: &bytes)
        return bytes
    }

    static func encode(_ cells: [Cell], into bytes: inout [UInt8]) {
        for (index, cell) in cells.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            switch cell {
            case .empty: break
            case .number(let text): bytes += text.utf8
            case .text(let text): bytes += Self.field(text).utf8
            }
        }
        bytes += [0x0D, 0x0A]
    }

    static let formulaStarts: Set<Character> = ["=", "+", "-", "@", "\t", "\r"]

    /// Neutralises, then quotes if the field holds a comma, quote, CR or LF.
    public static func field(_ value: String) -> String {
        var text = value
        if let first = text.unicodeScalars.first, formulaStarts.contains(Character(first)) { text = "'" + text }
        // Scalars, not Characters: `,` or `"` followed by a combining mark is one Character that
        // equals neither, yet the file holds the bare byte, which would split or break the row.
        if text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
            var quoted = String.UnicodeScalarView()
            quoted.append("\"")
            for scalar in text.unicodeScalars {
                if scalar == "\"" { quoted.append("\"") }
                quoted.append(scalar)
            }
            quoted.append("\"")
            return String(quoted)
        }
        return text
    }
}
