import Foundation
import RecountKit
import TestSupport
import Testing

/// `recount reconcile` end to end, in-process: files written, exit statuses, messages.
/// Catalog: 1000 points per USD, `m` at $1/$2 per 1K tokens = 1 / 2 points per token, ceil.
let cliCatalog = """
    {"schema": "recount.pricing/1",
     "unit": {"name": "points", "currency": "USD", "per_currency": "1000", "scale": 0},
     "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "ceil", "minimum_charge": "1",
       "models": {"m": {"input_per_1k": "1", "output_per_1k": "2"}}}]}
    """

final class CLIFixture: ScratchDirectory {
    init() throws {
        try super.init(prefix: "recount-cli")
        try FileManager.default.createDirectory(atPath: directory + "/in", withIntermediateDirectories: true)
    }

    var input: String { directory + "/in" }
    var out: String { directory + "/out" }

    /// `in/pricing.json` plus `in/log.jsonl` with these lines.
    func standard(_ lines: [String], catalog: String = cliCatalog) throws {
        try write("in/pricing.json", catalog)
        try write("in/log.jsonl", lines.map { $0 + "\n" }.joined())
    }

    func reconcile(_ extra: [String] = [], out: String? = nil) -> CapturedRun {
        runRecount(["reconcile", input, "--out", out ?? self.out, "--jobs", "1"] + extra)
    }

    func read(_ name: String, in dir: String? = nil) throws -> String {
        try String(contentsOfFile: (dir ?? out) + "/" + name, encoding: .utf8)
    }

    func files(in dir: String? = nil) throws -> [String: Data] {
        let dir = dir ?? out
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir) where !name.hasPrefix(".") {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return files
    }
}

func cliLine(
    _ id: String, account: String = "alice", amount: String? = "20", status: Int? = nil, extra: String = ""
) -> String {
    var line =
        "{\"id\": \"\(id)\", \"time\": \"2024-01-10T00:00:00Z\", \"account\": \"\(account)\", \"model\": \"m\", \"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 5}"
    if let amount { line += ", \"billed\": {\"amount\": \"\(amount)\"}" }
    if let status { line += ", \"status\": \(status)" }
    if !extra.isEmpty { line += ", " + extra }
    return line + "}"
}

@Suite struct ReconcileCommandTests {
    @Test func writesEveryReportAndOneSummaryLine() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("ok"), cliLine("over", amount: "25"), "nope"])
        let run = f.reconcile()
        #expect(run.status == 0, "\(run.err)")
        #expect(
            Set(try f.files().keys) == [
                "summary.json", "report.html", "discrepancies.csv", "accounts.csv", "daily.csv",
                "credits.jsonl", "credits.csv", "rejects.jsonl",
            ])
        #expect(run.out.split(separator: "\n").count == 1)
        #expect(
            run.out.contains("2 requests") && run.out.contains("overcharge 1")
                && run.out.contains("1 credit = 5 points"))
        #expect(run.out.contains("1 rejected line (rejects.jsonl)"))
        // A line that is not even an object could be the tail of a prompt: its place, not its text.
        let rejects = try f.read("rejects.jsonl")
        #expect(
            rejects.contains("\"line\":3") && rejects.contains(f.input + "/log.jsonl")
                && rejects.contains(#""raw":"[omitted from reports; see \#(f.input)/log.jsonl:3]""#)
                && !rejects.contains("nope"))
    }

    /// A window opening before the catalog's first version (2024-01-01) is said on stderr before
    /// the run; one inside it says nothing.
    @Test func aWindowBeforeTheCatalogIsWarnedAbout() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("r1")])
        let early = f.reconcile(["--from", "2023-12-31T00:00:00+08:00"])
        #expect(early.status == 0)
        #expect(
            early.err.contains(
                "recount: warning: --from 2023-12-31T00:00:00+08:00 is before the catalog's first version 'v1' (in force from 2024-01-01T00:00:00Z)"
            ), "\(early.err)")
        let inside = f.reconcile(["--from", "2024-01-01T00:00:00Z"])
        #expect(inside.status == 0 && !inside.err.contains("warning"), "\(inside.err)")
    }

    @Test func strictExitsOneOnlyWhenThereAreCredits() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("over", amount: "25")])
        #expect(f.reconcile(["--strict"]).status == 1)
        let clean = try CLIFixture()
        try clean.standard([cliLine("ok"), cliLine("under", amount: "3")])
        #expect(clean.reconcile(["--strict"]).status == 0)
    }

    @Test(arguments: [
        ["--bogus"], ["--basis", "nope"], ["--tolerance", "-1"], ["--jobs", "0"], ["--shard", "4/4"],
        ["--from", "2024-01-01"], ["--min-credit", "1/2"], ["--tolerance"],
    ])
    func usageErrorsExit64(flags: [String]) throws {
        let f = try CLIFixture()
        try f.standard([cliLine("ok")])
        let run = f.reconcile(flags)
        #expect(run.status == 64)
        #expect(!run.err.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: f.out + "/summary.json"))
    }

    @Test func brokenCatalogExits65NamingTheFile() throws {
        let f = try CLIFixture()
        try f.standard(
            [cliLine("ok")], catalog: #"{"schema": "recount.pricing/1", "unit": {"name": "p"}, "versions": []}"#)
        let run = f.reconcile()
        #expect(run.status == 65)
        #expect(run.err.contains("pricing.json"))
    }

    @Test func bodiesThatAreNotThereExit66AndAnEmptyDirectoryOfThemToo() throws {
        let f = try CLIFixture()
        try f.standard([
            cliLine("ok", extra: #""request": {"messages": [{"role": "user", "content": "x"}]}"#)
        ])
        let missing = f.reconcile(["--bodies", f.input + "/no-such-captures.jsonl"])
        #expect(missing.status == 66)
        #expect(missing.err.contains("no-such-captures.jsonl"))
        try FileManager.default.createDirectory(atPath: f.input + "/captures", withIntermediateDirectories: true)
        #expect(f.reconcile(["--bodies", f.input + "/captures"]).status == 66)
        // A capture of a line that carries its own body is rejected; the run goes on, and
        // summary.json says what became of the bodies.
        try f.write(
            "in/captures/a.jsonl",
            #"{"request_id": "ok", "request": {"model": "m", "messages": []}, "response": "hi"}"# + "\n")
        let run = f.reconcile(["--bodies", f.input + "/captures"])
        #expect(run.status == 0, "\(run.err)")
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as? [String: Any])
        let counts = try #require(summary["counts"] as? [String: Any])
        #expect(counts["bodies"] as? [String: Int] == ["read": 1, "joined": 0, "outside_window": 0, "rejected": 1])
        let kinds = (summary["inputs"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
        #expect(kinds == ["pricing", "log", "bodies"])
        #expect(try f.read("rejects.jsonl").contains("carries its body"))
    }

    @Test func tooManyRejectsExits65() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("ok"), "x", "y"])
        let run = f.reconcile(["--max-rejects", "1"])
        #expect(run.status == 65)
        #expect(run.err.contains("log.jsonl:3"))
        #expect(f.reconcile(["--max-rejects", "2"]).status == 0)
    }

    @Test func missingInputsExit66() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("ok")])
        let nowhere = f.directory + "/nowhere.jsonl"
        let missingLog = runRecount(["reconcile", nowhere, "--pricing", f.input + "/pricing.json", "--out", f.out])
        #expect(missingLog.status == 66)
        #expect(missingLog.err.contains(nowhere))
        let missingCatalog = f.reconcile(["--pricing", f.directory + "/no-pricing.json"])
        #expect(missingCatalog.status == 66)
        #expect(missingCatalog.err.contains("no-pricing.json"))
        let missingLedger = f.reconcile(["--debits", f.directory + "/no-debits.jsonl"])
        #expect(missingLedger.status == 66)
        #expect(missingLedger.err.contains("no-debits.jsonl"))
    }

    @Test func busyOutputDirectoryExits74AndLeavesItAlone() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("ok")])
        #expect(f.reconcile().status == 0)
        let before = try f.files()
        try f.standard([cliLine("over", amount: "99")])
        do {
            let lock = try OutputDirectory(path: f.out)
            let run = f.reconcile()
            #expect(run.status == 74)
            #expect(run.err.contains(f.out) && run.err.contains("another recount run"))
            #expect(try f.files() == before)
            withExtendedLifetime(lock) {}
        }
        #expect(f.reconcile().status == 0)  // lock released
    }

    @Test func gzipInputAndTruncatedGzip() throws {
        let f = try CLIFixture()
        try f.standard((0..<500).map { cliLine("r\($0)") })
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", f.input + "/log.jsonl"]
        try process.run()
        process.waitUntilExit()
        let run = f.reconcile()
        #expect(run.status == 0)
        #expect(run.out.contains("500 requests"))
        let whole = try Data(contentsOf: URL(fileURLWithPath: f.input + "/log.jsonl.gz"))
        try whole.prefix(whole.count - 12).write(to: URL(fileURLWithPath: f.input + "/log.jsonl.gz"))
        let cut = f.reconcile(out: f.directory + "/out2")
        #expect(cut.status != 0)
        #expect(cut.err.contains("log.jsonl.gz") && cut.err.contains("truncated"))
        #expect(!FileManager.default.fileExists(atPath: f.directory + "/out2/summary.json"))
    }
    // Standard input (`-`) is read from file descriptor 0 by the pipeline, not through
    // `Console`, so it is exercised by scripts/kill_midway_check.sh with the built binary.
}

@Suite struct ReconcileDeterminismTests {
    static let lines =
        (0..<3000).map { i in
            cliLine(
                String(format: "r%04d", (i * 7919) % 3000), account: "acct\(i % 13)", amount: String(18 + i % 5),
                status: i % 97 == 0 ? 500 : nil, extra: "\"key\": \"sk-live-\(i)abcdefghijklmnop\"")
        } + ["garbage", cliLine("r0001")]

    @Test func twoRunsAndJobsOneVersusTwoAreByteIdentical() throws {
        let f = try CLIFixture()
        try f.standard(Self.lines)
        let flags = ["--as-of", "2024-01-11T00:00:00Z", "--all-rows"]
        #expect(f.reconcile(flags).status == 0)
        let first = try f.files()
        #expect(runRecount(["reconcile", f.input, "--out", f.directory + "/b", "--jobs", "1"] + flags).status == 0)
        #expect(runRecount(["reconcile", f.input, "--out", f.directory + "/c", "--jobs", "2"] + flags).status == 0)
        #expect(try f.files(in: f.directory + "/b") == first)
        #expect(try f.files(in: f.directory + "/c") == first)
        #expect(first["credits.jsonl"]!.count > 0)
    }
}

@Suite struct ReconcileIdempotencyTests {
    @Test func rerunWithIssuedIssuesNothing() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("over", amount: "25"), cliLine("fail", status: 500), cliLine("ok")])
        #expect(f.reconcile().status == 0)
        let issued = try f.read("credits.jsonl")
        #expect(issued.split(separator: "\n").count == 2)
        try f.write("credits-run1.jsonl", issued)
        let rerun = f.reconcile(
            ["--issued", f.directory + "/credits-run1.jsonl", "--strict"], out: f.directory + "/out2")
        #expect(rerun.status == 0)  // nothing left to credit
        #expect(try f.read("credits.jsonl", in: f.directory + "/out2") == "")
        let summary =
            try JSONSerialization.jsonObject(with: Data(f.read("summary.json", in: f.directory + "/out2").utf8))
            as! [String: Any]
        let credits = summary["credits"] as! [String: [String: Any]]
        #expect(credits["issued"]?["count"] as? Int == 0)
        #expect(credits["already_issued"]?["count"] as? Int == 2)
        #expect(credits["already_issued"]?["amount"] as? String == "25")  // 5 + 20
        // The same ids from credits.csv work too.
        let viaCSV = f.reconcile(["--issued", f.out + "/credits.csv"], out: f.directory + "/out3")
        #expect(viaCSV.status == 0)
        #expect(try f.read("credits.jsonl", in: f.directory + "/out3") == "")
    }

    @Test func minCreditWithholds() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("small", amount: "22"), cliLine("big", amount: "30")])
        #expect(f.reconcile(["--min-credit", "5"]).status == 0)
        let credits = try f.read("credits.jsonl")
        #expect(credits.contains("\"request_id\":\"big\"") && !credits.contains("\"request_id\":\"small\""))
        let summary = try f.read("summary.json")
        #expect(summary.contains("\"withheld\": {\n      \"count\": 1,\n      \"amount\": \"2\""))
    }
}
