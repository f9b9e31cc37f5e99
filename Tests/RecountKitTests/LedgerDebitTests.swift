import Foundation
import Testing

@testable import RecountKit

/// Duplicate, orphan and missing debits from a JSONL and a CSV ledger (SPEC §2.2, §6).
@Suite struct LedgerDebitTests {
    static let logs = [logLine("r-ok"), logLine("r-dup"), logLine("r-miss"), "broken", logLine("r-fail", status: 502)]

    static let jsonl = """
        {"debit_id": "d1", "request_id": "r-ok", "account": "alice", "time": "2024-01-10T00:00:01Z", "amount": 20}
        {"debit_id": "d2", "request_id": "r-dup", "account": "alice", "amount": "20.0"}

        {"debit_id": "d3", "request_id": "r-dup", "account": "alice", "amount": 20, "pricing_version": "v1"}
        {"debit_id": "d4", "request_id": "r-ghost", "account": "zed", "amount": 0}
        {"debit_id": "d5", "request_id": "r-fail", "account": "alice", "amount": 0}
        {"debit_id": "d6", "request_id": "r-x", "account": "alice", "amount": -3}
        {"debit_id": "d7", "account": "alice", "amount": 3}
        [1]

        """

    // The same ledger as CSV: BOM before a quoted header, quoted fields with a comma, an escaped
    // quote and a newline in a quoted field, CRLF line ends.
    static let csv =
        "\u{FEFF}\"debit_id\",\"request_id\",\"account\",\"time\",\"amount\",\"pricing_version\"\r\n"
        + "d1,r-ok,alice,2024-01-10T00:00:01Z,20,\r\n"
        + "d2,r-dup,alice,,20.0,\r\n"
        + "\r\n"
        + "d3,r-dup,\"alice\",,\"20\",v1\r\n"
        + "d4,\"r-ghost\",\"zed, \"\"the\"\" \nclient\",,0,\r\n"
        + "d5,r-fail,alice,,0,\r\n"
        + "d6,r-x,alice,,-3,\r\n"
        + "d7,,alice,,3,\r\n"
        + "d8,r-y,alice,,3\r\n"

    @Test(arguments: ["debits.jsonl", "debits.csv"])
    func ledger(name: String) throws {
        let fixture = try ReconcileFixture()
        try fixture.log(Self.logs)
        let debits = try fixture.write(name, name.hasSuffix(".csv") ? Self.csv : Self.jsonl)
        let result = try fixture.run(debits: debits)

        // Dup: two debits of 20 ("20.0" reads exactly as 20); the second is credited.
        let dup = try result.row("r-dup")
        #expect(dup.outcomeClass == .duplicate_charge)
        #expect(dup.credits.map(\.debitID) == ["d3"])
        #expect(dup.credits.map(\.amount) == [points("20")])
        #expect(try result.row("r-miss").outcomeClass == .missing_charge)
        // A debit of 0 is a debit: an orphan, and a failed request "charged" 0 (nothing to credit).
        let ghost = try result.row("r-ghost")
        #expect(ghost.outcomeClass == .orphan_debit)
        #expect(ghost.recorded == .zero)
        #expect(try result.row("r-fail").outcomeClass == .failed_request_charged)
        #expect(result.rows.allSatisfy { $0.requestID != "r-ok" })
        if name.hasSuffix(".csv") { #expect(ghost.account == "zed, \"the\" \nclient") }

        // Rejected ledger lines: negative amount, missing request_id, and (per format) one more.
        let debitRejects = result.rejects.filter { $0.kind == .debit }
        #expect(debitRejects.map(\.source.file).allSatisfy { $0 == debits })
        if name.hasSuffix(".csv") {
            #expect(debitRejects.map(\.source.line) == [9, 10, 11])  // d4 spans lines 6–7
            #expect(debitRejects.map(\.field) == ["amount", "request_id", nil])
        } else {
            #expect(debitRejects.map(\.source.line) == [7, 8, 9])
            #expect(debitRejects.map(\.field) == ["amount", "request_id", nil])
        }
        #expect(result.counters.debitBlankLines == 1)
        // The rejected log line (line 4) is a log reject.
        #expect(result.rejects.filter { $0.kind == .log }.map(\.source.line) == [4])
    }

    @Test func aLedgerLineWhoseRequestWasOutsideTheWindowIsNotAnOrphan() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("early", time: "\"2024-01-05T00:00:00Z\""), logLine("in")])
        let debits = try fixture.write(
            "debits.jsonl",
            debitLine("d1", request: "early", amount: "20") + "\n" + debitLine("d2", request: "in", amount: "20") + "\n"
        )
        let result = try fixture.run(debits: debits) { $0.from = Timestamp(rfc3339: "2024-01-06T00:00:00Z") }
        #expect(result.rows.isEmpty)
        #expect(result.counters.outsideWindow == 1)
    }
}
