import TokenCounter
/// The statement as a page a customer can open or print: static HTML (no script needed — one
/// account's period is small), the report's stylesheet, every value escaped.
extension AccountStatement {
    public func html() -> String {
        func e(_ text: String) -> String { HTMLEscape.text(text) }
        let totals = totals
        var body = "<h1>Statement for \(e(account))</h1>\n"
        var meta = ["period: \(periodText)", "amounts in \(unitName)"]
        if let asOf { meta.insert("as of \(asOf)", at: 0) }
        body += "<p class=\"meta\">\(e(meta.joined(separator: " · ")))</p>\n<section class=\"cards\">"
        func card(_ label: String, _ value: String, sub: String? = nil, valueClass: String? = nil) {
            body += "<div class=\"card\"><div class=\"label\">\(e(label))</div><div class=\"value\(valueClass.map { " " + $0 } ?? "")\">\(e(value))</div>"
            if let sub { body += "<div class=\"sub\">\(e(sub))</div>" }
            body += "</div>"
        }
        card("Requests", String(totals.requests), sub: "\(totals.promptTokens) prompt + \(totals.completionTokens) completion tokens")
        card("Charged", "\(amount(totals.recorded)) \(unitName)", sub: "recorded debits")
        card("Should have been", "\(amount(totals.expected)) \(unitName)", sub: "recomputed")
        card("Difference", (totals.delta > .zero ? "+" : "") + "\(amount(totals.delta)) \(unitName)",
             sub: totals.unpriced.isZero ? "charged − recomputed"
                : "charged − recomputed; \(amount(totals.unpriced)) \(unitName) of it could not be recomputed",
             valueClass: totals.delta > .zero ? "pos" : totals.delta.isNegative ? "neg" : nil)
        card("Credits", "\(amount(totals.credits)) \(unitName)", sub: "\(amount(totals.creditsIssued)) newly issued")
        body += "</section>\n<h2>Requests</h2>\n"
        guard !rows.isEmpty else {
            body += "<p class=\"empty\">No requests for this account in this period.</p>\n"
            return HTMLPage.document(title: "Statement: \(account)", body: body, script: nil)
        }
        body += "<div class=\"scroll\"><table><thead><tr><th>time</th><th>request id</th><th>model</th><th class=\"num\">prompt</th><th class=\"num\">completion</th>"
        body += "<th class=\"num\">charged</th><th class=\"num\">recomputed</th><th class=\"num\">difference</th><th>class</th><th class=\"num\">credit</th></tr></thead>\n<tbody>\n"
        for row in rows {
            let delta = row.delta
            let deltaClass = delta.map { $0 > .zero ? " pos" : $0.isNegative ? " neg" : "" } ?? ""
            body += "<tr><td>\(e(row.time?.description ?? ""))</td><td>\(e(row.requestID))</td><td>\(e(row.model ?? ""))</td>"
            body += "<td class=\"num\">\(row.counts.map { String($0.prompt) } ?? "")</td><td class=\"num\">\(row.counts.map { String($0.completion) } ?? "")</td>"
            body += "<td class=\"num\">\(e(amount(row.recorded)))</td><td class=\"num\">\(e(row.expected.map(amount) ?? ""))</td>"
            body += "<td class=\"num\(deltaClass)\">\(e(delta.map { ($0 > .zero ? "+" : "") + amount($0) } ?? ""))</td>"
            body += "<td>\(e(row.outcomeClass.rawValue))</td><td class=\"num\">\(e(creditAmount(row).map(amount) ?? ""))</td></tr>\n"
        }
        body += "</tbody>\n<tfoot><tr><td colspan=\"3\">total (\(totals.requests) requests)</td>"
        body += "<td class=\"num\">\(totals.promptTokens)</td><td class=\"num\">\(totals.completionTokens)</td>"
        body += "<td class=\"num\">\(e(amount(totals.recorded)))</td><td class=\"num\">\(e(amount(totals.expected)))</td>"
        body += "<td class=\"num\">\(e((totals.delta > .zero ? "+" : "") + amount(totals.delta)))</td><td></td>"
        body += "<td class=\"num\">\(e(amount(totals.credits)))</td></tr></tfoot></table></div>\n"
        body += "<p class=\"meta\">Charged = what was debited; recomputed = the tokens recounted and priced under the price version in force when each request started. A positive difference on a recomputed request is an overcharge and is credited; a request that could not be recomputed (a model without a price, a debit without a request) counts as charged with nothing recomputed and is reviewed, not credited.</p>\n"
        return HTMLPage.document(title: "Statement: \(account)", body: body, script: nil)
    }

    /// A file-name stem for the account that can never leave the output directory: only
    /// `[A-Za-z0-9._-]` kept (anything else becomes `_`), a dot after a dot and a leading dot
    /// replaced (no `..`, no hidden files), at most 48 characters, then `-` and 8 hex digits of SHA-256 of the raw
    /// account so two accounts that sanitise alike (`a/b`, `a?b`) never share a file.
    public static func fileStem(for account: String) -> String {
        var safe = ""
        for scalar in account.unicodeScalars.prefix(48) {
            let keep = isASCIIAlphanumeric(scalar) || scalar == "." || scalar == "_" || scalar == "-"
            // No `..` anywhere: a dot right after a dot becomes `_`.
            let doubledDot = scalar == "." && safe.unicodeScalars.last == "."
            safe.unicodeScalars.append(keep && !doubledDot ? scalar : "_")
        }
        if safe.hasPrefix(".") { safe = "_" + safe.dropFirst() }
        let hash = SHA256.hex(Array(account.utf8)).prefix(8)
        return "statement-" + safe + "-" + hash
    }

    static func isASCIIAlphanumeric(_ scalar: Unicode.Scalar) -> Bool {
        ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar)
    }
}
