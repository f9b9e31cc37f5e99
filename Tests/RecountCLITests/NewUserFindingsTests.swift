import Foundation
import RecountKit
import Testing

/// Findings of a new user's first hour (issue 19), each a test that failed before its fix.
@Suite struct NewUserFindingsTests {
    @Test func sampleRefusesADirectoryWithTheUsersOwnFiles() throws {
        let f = try CLIFixture()
        let mine = "{\"schema\": \"mine\"}"
        try f.write("in/pricing.json", mine)
        let refused = runRecount(["sample", "--records", "20", "--out", f.input, "--jobs", "1"])
        #expect(refused.status == 64)
        #expect(
            refused.err.contains("is not empty (pricing.json)") && refused.err.contains("--force"), "\(refused.err)")
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

    @Test(arguments: [["statement", "acme-corp"], ["explain", "req-0001"]])
    func withoutAPathOutsideTheRepositoryItSaysToNameTheLogs(_ command: [String]) throws {
        let f = try CLIFixture()
        let run = try RecountProcess(command, in: f.directory, workingDirectory: f.directory).wait()
        #expect(run.status == 66)
        #expect(
            run.err.contains("no log PATH given, and there is no ./SampleLogs here")
                && run.err.contains("name the log directory"),
            "\(run.err)")
    }

    @Test func unknownOptionFarFromAnySuggestsNothing() {
        let run = runRecount(["reconcile", "SampleLogs", "--zzzzqqqq"])
        #expect(run.status == 64)
        #expect(run.err.contains("unknown option '--zzzzqqqq'") && !run.err.contains("did you mean"), "\(run.err)")
    }
}

@Suite struct PlainErrorMessageTests {
    @Test func monthThirteenSaysSo() {
        let run = runRecount([
            "reconcile", "SampleLogs", "--from", "2024-13-01T00:00:00+08:00", "--out", "/nonexistent-recount",
        ])
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

/// One zone per report (issue 19): a one-api row's Unix time and a `+08:00` line read alike, in
/// the platform's zone, and `local_time` is the form spreadsheets read as a date.
@Suite struct ReportZoneTests {
    @Test func unixAndOffsetTimesShareTheReportsZone() throws {
        let f = try CLIFixture()
        // 1704844800 = 2024-01-10T00:00:00Z = 08:00 at +08:00 (worked by hand: 19,732 days × 86,400).
        let oneAPI =
            #"{"id": 7, "request_id": "row", "created_at": 1704844800, "username": "alice", "model_name": "m", "quota": 25, "prompt_tokens": 10, "completion_tokens": 5, "type": 2}"#
        let canonical = cliLine("line", amount: "25", extra: #""stream": false"#).replacingOccurrences(
            of: "2024-01-10T00:00:00Z", with: "2024-01-10T09:30:00+08:00")
        try f.standard([oneAPI, canonical])
        #expect(f.reconcile(["--day-offset", "+08:00"]).status == 0)
        let records = parseCSV(try f.read("discrepancies.csv"))
        let header = try #require(records.first)
        let time = try #require(header.firstIndex(of: "time")),
            local = try #require(header.firstIndex(of: "local_time"))
        let byID = Dictionary(uniqueKeysWithValues: records.dropFirst().map { ($0[0], $0) })
        #expect(byID["row"]?[time] == "2024-01-10T08:00:00+08:00")
        #expect(byID["row"]?[local] == "2024-01-10 08:00:00")
        #expect(byID["line"]?[time] == "2024-01-10T09:30:00+08:00")
        #expect(byID["line"]?[local] == "2024-01-10 09:30:00")
        #expect(try f.read("report.html").contains("times in UTC+08:00"))
    }

    @Test func explainShowsAUnixRowInThePlatformsZone() {
        // SampleLogs' one-api row: created_at 1709290805 − use_time 5 = 1709290800 = 2024-03-01T11:00:00Z,
        // 19:00 at the catalog's +08:00.
        let run = runRecount(["explain", "oneapi-7f3a", "SampleLogs"])
        #expect(run.status == 0, "\(run.err)")
        #expect(
            run.out.contains("time              2024-03-01T19:00:00+08:00 (logged as 2024-03-01T11:00:00Z)"),
            "\(run.out)")
    }
}
