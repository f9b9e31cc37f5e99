import TokenCounter

/// One column of a per-row report, in one place: its name (the CSV header, and the key of a
/// JSON Lines twin), its CSV cell, and where and how `report.html` shows it.
///
/// To add a column to `discrepancies.csv`, add one entry to `DiscrepancyColumns.all` (the
/// SPEC's columns first, the rest after them, new ones at the end); give it an `html` place to
/// show it in `report.html` as well. The header, every row and the HTML table follow.
struct ReportColumn<Row>: Sendable {
    let name: String
    let cell: @Sendable (Row, ReportRendering) -> CSVWriter.Cell
    /// The value in the file's JSON Lines twin (`credits.jsonl`), where it has one.
    let json: (@Sendable (Row, ReportRendering) -> JSONValue)?
    /// The column in `report.html`'s table, if it shows there; its text is the CSV cell's.
    let html: HTMLColumn?

    init(
        _ name: String, html: HTMLColumn? = nil, json: (@Sendable (Row, ReportRendering) -> JSONValue)? = nil,
        _ cell: @escaping @Sendable (Row, ReportRendering) -> CSVWriter.Cell
    ) {
        self.name = name
        self.cell = cell
        self.json = json
        self.html = html
    }
}

/// A column of one of `report.html`'s tables, as its script reads it (`tableConfig`).
struct HTMLColumn: Sendable {
    let label: String
    /// Where the column stands in the HTML table (which need not be its place in the CSV).
    var position = 0
    var numeric = false
    /// `text` (a search box) or `select` (a pick list), or no filter.
    var filter: String? = nil
    /// Negative values shown as such (the delta).
    var signed = false
    /// Long free text may wrap; every other cell stays on one line and the table scrolls
    /// sideways, so ids and times are never broken mid-word.
    var wraps = false
    /// Wraps at spaces on paper only (an account name: "cyberdyne data (HK) #199"; a time's
    /// date and time of day), where the page's width is fixed: a gateway day's long request
    /// ids and causes leave the detail no room otherwise. On screen it stays on one line.
    var wrapsOnPaper = false
    /// Printed: the columns a reader of the printed page needs first; the rest stay on screen,
    /// so the table fits an A4 landscape page without breaking a cell.
    var printed = true
    /// An amount: shown with thousands separators (the data keeps the plain decimal, for
    /// sorting and copying).
    var grouped = false

    var config: JSONValue {
        .obj(
            [
                ("label", .string(label)), ("numeric", .bool(numeric)), ("filter", .str(filter)),
                ("signed", .bool(signed)),
                ("wrap", .bool(wraps)), ("print", .bool(printed)), ("grouped", .bool(grouped)),
            ] + (wrapsOnPaper ? [("paper_wrap", .bool(true))] : []))
    }
}

extension CSVWriter.Cell {
    /// The text of the cell before CSV quoting and neutralising (what `report.html` shows).
    var text: String {
        switch self {
        case .text(let text), .number(let text): text
        case .empty: ""
        }
    }
}

extension Array {
    /// The CSV header of a table of columns.
    func names<Row>() -> [String] where Element == ReportColumn<Row> { map(\.name) }

    /// A row's CSV cells.
    func cells<Row>(_ row: Row, _ rendering: ReportRendering) -> [CSVWriter.Cell] where Element == ReportColumn<Row> {
        map { $0.cell(row, rendering) }
    }

    /// The columns `report.html` shows, in its order.
    func htmlColumns<Row>() -> [(column: HTMLColumn, cell: @Sendable (Row, ReportRendering) -> CSVWriter.Cell)]
    where Element == ReportColumn<Row> {
        compactMap { column in column.html.map { ($0, column.cell) } }.sorted {
            $0.column.position < $1.column.position
        }
    }
}
