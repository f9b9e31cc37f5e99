/// The statement's two files and the line `recount statement` prints about them.
extension AccountStatement {
    /// `STEM.csv` and `STEM.html` (`fileStem(for:)`) staged in `directory` and committed
    /// together; on a failure neither replaces an earlier statement.
    public func write(to directory: OutputDirectory, csvBOM: Bool) throws(OutputError) {
        let stem = Self.fileStem(for: account)
        do {
            try directory.stage(stem + ".csv", csv(bom: csvBOM))
            try directory.stage(stem + ".html", html())
            try directory.commit()
        } catch {
            directory.discard()
            throw error
        }
    }

    /// `recount statement: N requests, recorded …, expected …, credits …; DIR/STEM.csv and .html`.
    public func summaryLine(outDirectory: String) -> String {
        let totals = totals
        let requests = totals.requests == 1 ? "1 request" : "\(totals.requests) requests"
        // The credits also in the site's unit / --also-currency, as the statement's TOTAL row has them.
        let converted = conversions.all.map { "\(convertedTotal($0, .credit)) \($0.name)" }
        let alsoShown = converted.isEmpty ? "" : " (= " + converted.joined(separator: " = ") + ")"
        return "recount statement: \(requests), recorded \(amount(totals.recorded)) \(unitName), "
            + "expected \(amount(totals.expected)) \(unitName), credits \(amount(totals.credits)) \(unitName)"
            + "\(alsoShown); \(outDirectory)/\(Self.fileStem(for: account)).csv and .html"
    }

    /// A mistyped account's message: none of its requests in the logs, and the nearest
    /// accounts that are (instead of an empty statement that looks like "no requests").
    public static func unknownAccountMessage(_ account: String, among accounts: [String]) -> String {
        var nearest = NearestIDs(target: account, keep: 3)
        for known in accounts { nearest.offer(known) }
        let suggestion =
            nearest.best.isEmpty ? "" : "; nearest: " + nearest.best.map { "'\($0)'" }.joined(separator: ", ")
        return "no requests of account '\(account)' in the logs\(suggestion)"
    }
}
