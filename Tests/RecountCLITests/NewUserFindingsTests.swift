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
