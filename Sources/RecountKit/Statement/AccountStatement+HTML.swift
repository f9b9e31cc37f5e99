import TokenCounter

/// The statement as a page a customer can open or print: static HTML (no script needed — one
/// account's period is small), the report's stylesheet, every value escaped.
extension AccountStatement {
    public func html() -> String {
        func e(_ text: String) -> String { HTMLEscape.text(text) }
        let words = language
        var body = "<h1>\(e(words.title(account)))</h1>\n"
        var meta = [words.period(periodText), words.amountsIn(unitName), words.timesIn(zoneText)]
        meta += conversions.all.map { "\($0.formula) (\(AmountConversion.rounding.rawValue), \($0.scale) decimals)" }
        if let asOf { meta.insert(words.asOf(asOf.rfc3339(offsetSeconds: zoneOffset)), at: 0) }
        body += "<p class=\"meta\">\(e(meta.joined(separator: " · ")))</p>\n<section class=\"cards\">"
        body += cardsHTML()
        body += "</section>\n<h2>\(e(words.requestsHeading))</h2>\n"
        guard !rows.isEmpty else {
            body += "<p class=\"empty\">\(e(words.noRequests))</p>\n"
            return HTMLPage.document(title: words.title(account), body: body, script: nil)
        }
        body += tableHTML()
        if !totals.unpriced.isZero {
            body += "<p class=\"meta\">\(e(words.notRecomputed(moneyText(totals.unpriced))))</p>\n"
        }
        body += "<p class=\"meta\">\(e(words.explanation))</p>\n"
        if !conversions.all.isEmpty {
            body += "<p class=\"meta noprint\">\(e(words.convertedRounding(conversions.all.map(\.name))))</p>\n"
        }
        return HTMLPage.document(title: words.title(account), body: body, script: nil)
    }

    /// An amount with its unit, digits grouped.
    func moneyText(_ value: Rational) -> String { "\(Amounts.grouped(value, scale: scale)) \(unitName)" }

    /// The five cards at the top: requests, charged, recomputed, difference, credits — the
    /// amounts also in the site's unit and `--also-currency`, as the TOTAL row has them.
    func cardsHTML() -> String {
        func e(_ text: String) -> String { HTMLEscape.text(text) }
        let words = language
        let totals = totals
        let money = moneyText
        var body = ""
        func card(_ label: String, _ value: String, sub: String? = nil, valueClass: String? = nil) {
            body +=
                "<div class=\"card\"><div class=\"label\">\(e(label))</div><div class=\"value\(valueClass.map { " " + $0 } ?? "")\">\(e(value))</div>"
            if let sub { body += "<div class=\"sub\">\(e(sub))</div>" }
            body += "</div>"
        }
        card(
            words.requestsCard, Amounts.grouped(text: String(totals.requests)),
            sub: words.tokensSub(
                Amounts.grouped(text: String(totals.promptTokens)),
                Amounts.grouped(text: String(totals.completionTokens))))
        func also(_ column: StatementLanguage.Column) -> String {
            conversions.all.map { conversion in
                let total = convertedTotal(conversion, column)
                return total.isEmpty ? "" : " · " + Amounts.grouped(text: total) + " " + conversion.name
            }.joined()
        }
        // Nothing recomputed (every request unpriced): a dash, not a total of 0.
        let recomputed = hasFigures(.recomputed)
        card(words.chargedCard, money(totals.recorded), sub: words.chargedSub + also(.charged))
        card(
            words.recomputedCard, recomputed ? money(totals.expected) : "—",
            sub: words.recomputedSub + also(.recomputed))
        card(
            words.differenceCard, recomputed ? (totals.delta > .zero ? "+" : "") + money(totals.delta) : "—",
            sub: totals.unpriced.isZero
                ? words.differenceSub : words.differenceSub + "; " + words.notRecomputed(money(totals.unpriced)),
            valueClass: totals.delta > .zero ? "pos" : totals.delta.isNegative ? "neg" : nil)
        card(
            words.creditsCard, money(totals.credits), sub: words.creditsSub(money(totals.creditsIssued)) + also(.credit)
        )
        return body
    }

    /// The table of requests, a row each, and the totals row; the converted columns on screen
    /// only (with them the table is wider than an A4 page; the printed cards carry the totals
    /// in each unit).
    func tableHTML() -> String {
        func e(_ text: String) -> String { HTMLEscape.text(text) }
        let words = language
        let totals = totals
        let columns = StatementLanguage.Column.allCases
        func td(_ column: StatementLanguage.Column, _ text: String, extra: String = "") -> String {
            let numeric = Self.isNumeric(column)
            let shown = numeric ? Amounts.grouped(text: text) : text
            let classes =
                [numeric ? "num" : nil, column == .time ? "time" : nil].compactMap { $0 }.joined(separator: " ") + extra
            return "<td\(classes.isEmpty ? "" : " class=\"\(classes)\"")>\(e(shown))</td>"
        }
        var body = "<div class=\"scroll\"><table class=\"statement\"><thead><tr>"
        for column in columns {
            body += "<th\(Self.isNumeric(column) ? " class=\"num\"" : "")>\(e(words.header(column)))</th>"
        }
        let converted = convertedColumns
        for (conversion, column) in converted {
            body += "<th class=\"num noprint\">\(e(convertedHeader(conversion, column)))</th>"
        }
        body += "</tr></thead>\n<tbody>\n"
        for row in rows {
            body += "<tr>"
            for column in columns {
                var text = cell(column, row)
                var extra = ""
                if column == .difference, let delta = row.delta {
                    if delta > .zero { text = "+" + text; extra = " pos" } else if delta.isNegative { extra = " neg" }
                }
                body += td(column, text, extra: extra)
            }
            for (conversion, column) in converted {
                body += td(column, convertedCell(conversion, column, row), extra: " noprint")
            }
            body += "</tr>\n"
        }
        body += "</tbody>\n<tfoot><tr>"
        for column in columns {
            var text = totalCell(column, totals)
            if column == .difference, totals.delta > .zero { text = "+" + text }
            body += td(column, text)
        }
        for (conversion, column) in converted {
            body += td(column, convertedTotal(conversion, column), extra: " noprint")
        }
        body += "</tr></tfoot></table></div>\n"
        return body
    }

    /// A file-name stem for the account that can never leave the output directory and that a
    /// person can still read: letters and digits of any script kept (`张三工作室`), `.`, `_`, `-`
    /// kept, anything else (`/`, spaces, controls, symbols) becomes `_`; a dot after a dot and
    /// a leading dot replaced (no `..`, no hidden files); at most 48 characters; then `-` and
    /// 8 hex digits of SHA-256 of the raw account, so two accounts that sanitise alike (`a/b`,
    /// `a?b`) never share a file.
    public static func fileStem(for account: String) -> String {
        var safe = ""
        for scalar in account.unicodeScalars.prefix(48) {
            let keep = isLetterOrDigit(scalar) || scalar == "." || scalar == "_" || scalar == "-"
            // No `..` anywhere: a dot right after a dot becomes `_`.
            let doubledDot = scalar == "." && safe.unicodeScalars.last == "."
            safe.unicodeScalars.append(keep && !doubledDot ? scalar : "_")
        }
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        let hash = SHA256.hex(Array(account.utf8)).prefix(8)
        return "statement-" + safe + "-" + hash
    }

    /// Letters and digits (general categories L* and Nd), of any script: never a path
    /// separator, a control, a space, a combining mark or a bidi control.
    static func isLetterOrDigit(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter, .decimalNumber: true
        default: false
        }
    }
}
