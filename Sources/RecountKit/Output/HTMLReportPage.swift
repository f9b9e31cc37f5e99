import TokenCounter

/// HTML text escaping for every value that reaches a page. Logged values (models, accounts,
/// keys, groups, causes) are attacker-controlled: a model named `<script>` or an account named
/// `x" onmouseover="…` must stay text. All five of `& < > " '` are escaped, so the result is
/// safe in element content *and* in single- or double-quoted attribute values. `/` is escaped
/// too (`&#x2F;`), so a logged value such as `=HYPERLINK("http://evil.example")` never puts a
/// URL into the page's bytes: "the page holds no URL" stays checkable with a plain grep.
public enum HTMLEscape {
    public static func text(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "/": out += "&#x2F;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// JSON for a `<script type="application/json">` block: `JSONWriter` already writes `<`,
    /// `>` and `&` as `\u003c`… so no value can close the script element or open a comment.
    /// `/` is written `\/` (valid JSON, parsed back to `/`): `/` occurs in JSON text only
    /// inside strings, and this keeps logged URLs out of the page's bytes, as in `text`.
    public static func jsonBlock(id: String, _ value: JSONValue) -> String {
        let json = JSONWriter.string(value).replacingAll("/", with: "\\/")
        return "<script type=\"application/json\" id=\"\(text(id))\">" + json + "</script>\n"
    }
}

/// The shell shared by `report.html` and statements: one self-contained document (inline CSS,
/// inline SVG, inline JS; no URL of any kind, so it works offline and leaks nothing), UTF-8,
/// a system font stack that covers Chinese, and print rules that drop the controls.
enum HTMLPage {
    static func document(title: String, body: String, script: String?) -> String {
        var out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        out += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        out += "<title>\(HTMLEscape.text(title))</title>\n<style>\n\(style)</style>\n</head>\n<body>\n"
        out += body
        if let script { out += "<script>\n\(script)</script>\n" }
        out += "</body>\n</html>\n"
        return out
    }

    static let style = """
        :root { --fg: #1d2330; --muted: #5b6475; --line: #d9dde5; --bg: #ffffff; --panel: #f5f7fa;
                --rec: #d9822b; --exp: #2b6cb0; --bad: #c53030; --good: #2f855a; }
        * { box-sizing: border-box; }
        body { margin: 0 auto; max-width: 1360px; padding: 24px; color: var(--fg); background: var(--bg);
               font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "PingFang SC", "Hiragino Sans GB",
                     "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC", "WenQuanYi Micro Hei", sans-serif; }
        h1 { font-size: 22px; margin: 0 0 4px; }
        h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
        .meta { color: var(--muted); margin: 0 0 16px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fill, minmax(190px, 1fr)); gap: 10px; }
        .card { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; }
        .card .label { color: var(--muted); font-size: 12px; }
        .card .value { font-size: 19px; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap; }
        .card .sub { color: var(--muted); font-size: 12px; }
        .pos { color: var(--bad); } .neg { color: var(--good); }
        .charts { display: grid; grid-template-columns: repeat(auto-fill, minmax(520px, 1fr)); gap: 16px; }
        figure { margin: 0; background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: 10px; }
        figcaption { font-weight: 600; margin-bottom: 6px; }
        figure .note { color: var(--muted); font-size: 12px; margin-top: 4px; }
        svg { display: block; width: 100%; height: auto; }
        svg text { font: 11px system-ui, -apple-system, "Segoe UI", "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif; fill: var(--fg); }
        .legend span { display: inline-block; width: 10px; height: 10px; margin: 0 4px 0 10px; vertical-align: middle; }
        table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
        th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left; vertical-align: top; }
        th { background: var(--panel); position: sticky; top: 0; cursor: pointer; user-select: none; white-space: nowrap; }
        th.num, td.num { text-align: right; }
        td { white-space: nowrap; }
        td.wrap { white-space: normal; min-width: 280px; overflow-wrap: normal; word-break: normal; color: var(--muted); }
        .word { white-space: nowrap; }
        .scroll { overflow-x: auto; max-width: 100%; }
        table + .meta, .scroll + .meta { margin-top: 12px; }
        tfoot td { font-weight: 600; border-top: 2px solid var(--fg); }
        .controls { display: flex; flex-wrap: wrap; gap: 8px; align-items: center; margin: 8px 0; }
        .controls input, .controls select, .controls button { font: inherit; padding: 3px 6px; }
        .pager { color: var(--muted); }
        .empty { color: var(--muted); font-style: italic; }
        @page { size: A4 landscape; margin: 10mm; }
        @media print {
          /* A4 landscape: 277 mm of line. Cells never break inside a word: ids, times and
             amounts stay on one line (the columns a reader of paper needs come first, the
             rest are screen-only: .noprint); only the free-text detail and the account wrap,
             at spaces. */
          body { max-width: none; padding: 0; font-size: 10px; }
          .controls, .pager button, .noprint { display: none; }
          .cards { grid-template-columns: repeat(5, 1fr); }
          .card .value { font-size: 15px; }
          .charts { grid-template-columns: 1fr 1fr; }
          figure, .card, tr { break-inside: avoid; }
          th { position: static; }
          th, td { padding: 2px 4px; }
          .scroll { overflow: visible; }
          td { white-space: nowrap; }
          td.wrap, td.paperwrap { white-space: normal; min-width: 0; overflow-wrap: normal; word-break: normal; hyphens: none; }
          a { color: inherit; text-decoration: none; }
        }

        """
}
