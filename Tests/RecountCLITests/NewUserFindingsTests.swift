import Foundation
import Testing
import RecountKit

/// Findings of a new user's first hour (issue 19), each a test that failed before its fix.
@Suite struct NewUserFindingsTests {
    @Test func sampleRefusesADirectoryWithTheUsersOwnFiles() throws {
        let f = try CLIFixture()
        let mine = "{\"schema\": \"mine\"}"
        try f.write("in/pricing.json", mine)
        let refused = runRecount(["sample", "--records", "20", "--out", f.input, "--jobs", "1"])
        #expect(refused.status == 64)
        #expect(refused.err.contains("is not empty (pricing.json)") && refused.err.contains("--force"), "\(refused.err)")
        #expect(try f.read("pricing.json", in: f.input) == mine)
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.input) == ["pricing.json"])

        let forced = runRecount(["sample", "--records", "20", "--out", f.input, "--jobs", "1", "--force"])
        #expect(forced.status == 0, "\(forced.err)")
        #expect(try f.read("pricing.json", in: f.input) != mine)
    }

    @Test func sampleReplacesAnEarlierSampleWithoutForce() throws {
        let f = try CLIFixture()
        let out = f.directory + "/day"
        #expect(runRecount(["sample", "--records", "20", "--out", out, "--jobs", "1"]).status == 0)
        #expect(runRecount(["sample", "--records", "30", "--out", out, "--jobs", "1"]).status == 0)
        // …but not once something else is beside it.
        try f.write("day/notes.txt", "mine")
        #expect(runRecount(["sample", "--records", "20", "--out", out, "--jobs", "1"]).status == 64)
    }

    @Test(arguments: [
        ("--tolerence", "--tolerance"),
        ("--min-credits", "--min-credit"),
        ("--debit", "--debits"),
        ("--csvbom", "--csv-bom"),
    ])
    func unknownOptionSuggestsTheNearest(_ typed: String, _ meant: String) {
        let run = runRecount(["reconcile", "SampleLogs", typed, "1", "--out", "/nonexistent-recount"])
        #expect(run.status == 64)
        #expect(run.err.contains("unknown option '\(typed)'; did you mean \(meant)?"), "\(run.err)")
    }

    @Test func unknownOptionFarFromAnySuggestsNothing() {
        let run = runRecount(["reconcile", "SampleLogs", "--zzzzqqqq"])
        #expect(run.status == 64)
        #expect(run.err.contains("unknown option '--zzzzqqqq'") && !run.err.contains("did you mean"), "\(run.err)")
    }
}

@Suite struct PlainErrorMessageTests {
    @Test func monthThirteenSaysSo() {
        let run = runRecount(["reconcile", "SampleLogs", "--from", "2024-13-01T00:00:00+08:00", "--out", "/nonexistent-recount"])
        #expect(run.status == 64)
        #expect(run.err.contains("month 13 is out of range"), "\(run.err)")
    }

    @Test(arguments: [
        ("2024-02-30T00:00:00Z", "day 30 is out of range (2024-02 has 29 days)"),
        ("2024-03-01T24:00:00Z", "hour 24 is out of range"),
        ("2024-03-01T00:00:00", "no offset: add Z (UTC) or the zone's offset"),
        ("2024-03-01T00:00:00.1234567890Z", "more than 9 fractional digits"),
        ("March 1st", "expected YYYY-MM-DDTHH:MM:SS"),
    ])
    func timeProblemsInWords(_ text: String, _ problem: String) {
        #expect(Timestamp(rfc3339: text) == nil)
        #expect(Timestamp.rfc3339Problem(text).hasPrefix(problem), "\(Timestamp.rfc3339Problem(text))")
    }

    @Test func catalogJSONErrorGivesLineAndColumn() throws {
        let f = try CLIFixture()
        // Line 3, column 14: the `}` after the stray comma of `  "scale": 0,` (a key was expected).
        let broken = """
        {"schema": "recount.pricing/1",
         "unit": {"name": "points", "currency": "USD", "per_currency": "1000",
          "scale": 0,},
         "versions": []}
        """
        try f.standard([cliLine("r1")], catalog: broken)
        let run = f.reconcile()
        #expect(run.status == 65)
        #expect(run.err.contains("invalid JSON at line 3, column 14"), "\(run.err)")
    }
}
