import Foundation
import RecountKit
import Testing

/// Which ledger a run reads, said out loud (issue 19): the summary line and `summary.json` name
/// it (or say that each line's `billed.amount` stood in), a directory file that looks like a
/// ledger but is not read is warned about, two default ledgers are a usage error, and a CSV
/// ledger with a wrong header is bad data (65), with a hint for semicolon-separated files.
@Suite struct LedgerChoiceTests {
    func summary(_ f: CLIFixture) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as! [String: Any]
    }

    @Test func summaryNamesTheLedgerUsed() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1", amount: nil)])
        try f.write("in/debits.jsonl", debitJSON("d1", request: "r1", amount: "20") + "\n")
        let run = f.reconcile()
        #expect(run.status == 0)
        #expect(run.out.contains("; ledger \(f.input)/debits.jsonl;"), "\(run.out)")
        let ledger = try #require(try summary(f)["ledger"] as? [String: Any])
        #expect(ledger["path"] as? String == f.input + "/debits.jsonl")
        #expect(ledger["debits_from"] as? String == "ledger")
    }

    @Test func withoutALedgerTheLineSaysBilledAmountStoodIn() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        let run = f.reconcile()
        #expect(run.out.contains("no ledger (each line's billed.amount stood in)"), "\(run.out)")
        let ledger = try #require(try summary(f)["ledger"] as? [String: Any])
        #expect(ledger["path"] is NSNull)
        #expect(ledger["debits_from"] as? String == "billed.amount")
    }

    @Test func aLedgerUnderAnotherNameIsWarnedAbout() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        try f.write("in/ledger-march.csv", "debit_id,request_id,account,amount\nd1,r1,alice,20\n")
        try f.write("in/debits-2024-03.jsonl", debitJSON("d2", request: "r1", amount: "20") + "\n")
        let run = f.reconcile()
        #expect(run.status == 0)
        #expect(run.err.contains("\(f.input)/ledger-march.csv looks like a debit ledger but is not read"), "\(run.err)")
        #expect(
            run.err.contains("\(f.input)/debits-2024-03.jsonl looks like a debit ledger but is read as a log"),
            "\(run.err)")
        #expect(run.err.contains("--debits FILE"))
    }

    @Test func aLedgerGivenWithDebitsInsideTheDirectoryIsNotAlsoReadAsALog() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1", amount: nil)])
        let ledger = try f.write("in/debits-2024-03.jsonl", debitJSON("d1", request: "r1", amount: "20") + "\n")
        let run = f.reconcile(["--debits", ledger])
        #expect(run.status == 0)
        #expect(!run.err.contains("looks like a debit ledger"), "\(run.err)")
        #expect(try f.read("rejects.jsonl") == "")
        #expect(run.out.contains("1 request, no discrepancies"), "\(run.out)")
    }

    @Test func twoDefaultLedgersAreAUsageError() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        try f.write("in/debits.jsonl", debitJSON("d1", request: "r1", amount: "20") + "\n")
        try f.write("in/debits.csv", "debit_id,request_id,account,amount\nd1,r1,alice,20\n")
        let run = f.reconcile()
        #expect(run.status == 64)
        #expect(run.err.contains("debits.jsonl and debits.csv") && run.err.contains("--debits FILE"), "\(run.err)")
        // Naming one settles it.
        #expect(f.reconcile(["--debits", f.input + "/debits.csv"]).status == 0)
    }

    @Test func aCSVLedgerWithAWrongHeaderIsBadData() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        try f.write("in/debits.csv", "id,request,account,amount\nd1,r1,alice,20\n")
        let run = f.reconcile()
        #expect(run.status == 65, "\(run.err)")
        #expect(run.err.contains("debits.csv:1") && run.err.contains("no 'debit_id' column"), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: f.out + "/summary.json"))
    }

    @Test func aSemicolonSeparatedLedgerGetsAHint() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        try f.write("in/debits.csv", "debit_id;request_id;account;amount\nd1;r1;alice;20\n")
        let run = f.reconcile()
        #expect(run.status == 65)
        #expect(run.err.contains("separated by semicolons") && run.err.contains("Comma delimited"), "\(run.err)")
    }

    @Test func summaryLineCountsAlreadyIssuedAndWithheldInTheSingular() throws {
        let f = try CLIFixture()
        // small: 22 − 20 = 2 (withheld under --min-credit 5); big: 30 − 20 = 10; old: 25 − 20 = 5.
        try f.standard([cliLine("small", amount: "22"), cliLine("big", amount: "30"), cliLine("old", amount: "25")])
        #expect(f.reconcile(out: f.directory + "/first").status == 0)
        let first = try f.read("credits.jsonl", in: f.directory + "/first")
        let oldCredit = try #require(first.split(separator: "\n").first { $0.contains("\"request_id\":\"old\"") })
        try f.write("issued.jsonl", String(oldCredit) + "\n")
        let run = f.reconcile(["--min-credit", "5", "--issued", f.directory + "/issued.jsonl"])
        #expect(run.status == 0)
        #expect(
            run.out.contains(
                "; 1 credit = 10 points (1 credit = 5 points already issued, 1 credit = 2 points withheld under --min-credit);"
            ), "\(run.out)")
    }
}

func debitJSON(_ id: String, request: String, account: String = "alice", amount: String) -> String {
    #"{"debit_id": "\#(id)", "request_id": "\#(request)", "account": "\#(account)", "amount": "\#(amount)"}"#
}
