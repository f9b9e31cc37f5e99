import Foundation
import RecountKit
import Testing

/// The two rules `SPEC.md` §6 settled (issue 18), end to end through the CLI.
@Suite struct SpecSixRulesTests {
    /// `cliCatalog`: `m` costs 1 point per prompt token, ceil, minimum 1. One prompt token and no
    /// completion is 1 point; with no `billed` field and no ledger the request has no debit.
    static let tinyUndebited =
        #"{"id": "tiny", "time": "2024-01-10T00:00:00Z", "account": "alice", "model": "m", "usage": {"prompt_tokens": 1, "completion_tokens": 0}}"#

    @Test func undebitedRequestIsMissingChargeWhateverTheTolerance() throws {
        let f = try CLIFixture()
        try f.standard([Self.tinyUndebited, cliLine("debited", amount: "20")])
        let run = f.reconcile(["--tolerance", "5"])
        #expect(run.status == 0)

        let summary = try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as! [String: Any]
        let classes = summary["classes"] as! [String: [String: Any]]
        #expect(classes["missing_charge"]?["count"] as? Int == 1)
        #expect(classes["missing_charge"]?["expected"] as? String == "1")
        #expect(classes["ok"]?["count"] as? Int == 1)  // "debited": 20 = 10 × 1 + 5 × 2

        let rows = try f.read("discrepancies.csv").split(whereSeparator: \.isNewline)
        let tiny = try #require(rows.first { $0.hasPrefix("tiny,") })
        #expect(tiny.contains(",missing_charge,"))

        // accounts.csv: alice, 2 requests, recorded 20, expected 21, over 0, under 1, credits 0.
        let accounts = try f.read("accounts.csv").split(whereSeparator: \.isNewline)
        #expect(accounts.contains("alice,2,20,21,0,1,0"))

        let html = try f.read("report.html")
        #expect(html.contains("missing_charge"))
        #expect((run.out + run.err).contains("missing_charge 1"))
    }

    @Test func digitStringTimeRejectsTheLineNamingTheField() throws {
        let f = try CLIFixture()
        let digits =
            #"{"id": "digits", "time": "1720084877", "account": "alice", "model": "m", "usage": {"prompt_tokens": 1, "completion_tokens": 0}, "billed": {"amount": "1"}}"#
        let number =
            #"{"id": "number", "time": 1720084877, "account": "alice", "model": "m", "usage": {"prompt_tokens": 1, "completion_tokens": 0}, "billed": {"amount": "1"}}"#
        try f.standard([digits, number])
        #expect(f.reconcile().status == 0)

        let rejects = try f.read("rejects.jsonl").split(separator: "\n")
        #expect(rejects.count == 1)
        let reject = try JSONSerialization.jsonObject(with: Data(rejects[0].utf8)) as! [String: Any]
        #expect(reject["field"] as? String == "time")
        #expect(reject["line"] as? Int == 1)
        let reason = try #require(reject["reason"] as? String)
        #expect(reason.contains("string of digits") && reason.contains("RFC 3339"))

        // The JSON number is Unix seconds and is read.
        let summary = try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as! [String: Any]
        let classes = summary["classes"] as! [String: [String: Any]]
        #expect(classes["ok"]?["count"] as? Int == 1)
    }

    @Test func ledgerCSVTimeMayStillBeUnixDigits() throws {
        // A CSV cell is text whatever it holds: the ledger's optional `time` keeps accepting
        // Unix digits there (the §6 rule is about a log line's required `time`).
        let f = try CLIFixture()
        try f.standard([cliLine("r1", amount: nil)])
        try f.write("in/debits.csv", "debit_id,request_id,account,time,amount\nd1,r1,alice,1704844800,20\n")
        #expect(f.reconcile().status == 0)
        #expect(try f.read("rejects.jsonl") == "")
        let summary = try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as! [String: Any]
        let classes = summary["classes"] as! [String: [String: Any]]
        #expect(classes["ok"]?["count"] as? Int == 1)
    }
}
