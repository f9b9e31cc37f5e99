import Testing

@testable import RecountKit

/// The column tables (`DiscrepancyColumns`, `CreditColumns`) against the SPEC's column lists
/// (§4, written out here) and `report.html`'s table.
@Suite struct ReportColumnTests {
    @Test func discrepanciesStartWithTheSpecColumnsInOrder() {
        let spec = [
            "request_id", "time", "account", "model", "pricing_version", "class", "cause", "basis", "prompt_tokens",
            "completion_tokens", "billed_prompt_tokens", "billed_completion_tokens", "recorded_amount",
            "expected_amount", "delta", "credit_amount",
        ]
        #expect(Array(ReportFiles.discrepancyColumns.prefix(spec.count)) == spec)
        #expect(Set(ReportFiles.discrepancyColumns).count == ReportFiles.discrepancyColumns.count, "a name used twice")
    }

    @Test func creditsStartWithTheSpecColumnsInOrder() {
        let spec = ["credit_id", "account", "request_id", "class", "amount", "unit", "pricing_version", "reason"]
        #expect(Array(ReportFiles.creditColumns.prefix(spec.count)) == spec)
        #expect(
            CreditColumns.all.allSatisfy { $0.json != nil }, "every credits.csv column is a credits.jsonl field too")
    }

    /// Each place in the HTML table is taken by exactly one column, and the table shows the
    /// columns a reader sorts and filters by.
    @Test func htmlPlacesAreOneEach() {
        let places = DiscrepancyColumns.all.compactMap(\.html?.position)
        #expect(places.sorted() == Array(0..<places.count))
        // Money first (issue 19: at 1400 px the amounts were off screen to the right).
        #expect(
            DiscrepancyColumns.html.map(\.column.label) == [
                "request id", "recorded", "expected", "delta", "credit", "class", "cause", "time", "account", "model",
                "prompt",
                "completion", "basis", "version", "group", "key", "detail",
            ])
        #expect(
            DiscrepancyColumns.html.filter { !$0.column.printed }.map(\.column.label) == [
                "basis", "version", "group", "key",
            ])
        #expect(DiscrepancyColumns.html.filter(\.column.wraps).map(\.column.label) == ["detail"])
    }
}
