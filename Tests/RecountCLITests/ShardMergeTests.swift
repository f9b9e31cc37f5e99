import Foundation
import RecountKit
import Testing

/// `reconcile --shard K/N` then `merge`: the merged reports are byte-identical to one
/// unsharded run — on the sample, on a 3,000-line day, and on the cases that cross shards
/// (a request id logged under two accounts, a debit booked to another account than its
/// request's, lines outside the window).
@Suite struct ShardMergeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    /// Runs the single run and N shards + merge with the same flags; returns both file sets.
    func singleAndMerged(
        _ f: CLIFixture, input: String, shards: Int, flags: [String]
    ) throws -> (single: [String: Data], merged: [String: Data]) {
        let single = runRecount(["reconcile", input, "--out", f.directory + "/single", "--jobs", "2"] + flags)
        #expect(single.status == 0, "\(single.err)")
        var directories: [String] = []
        for k in 0..<shards {
            let dir = f.directory + "/shard\(k)"
            let run = runRecount(
                ["reconcile", input, "--out", dir, "--shard", "\(k)/\(shards)", "--jobs", "1"] + flags)
            #expect(run.status == 0, "\(run.err)")
            #expect(FileManager.default.fileExists(atPath: dir + "/shard.state"))
            directories.append(dir)
        }
        let merge = runRecount(["merge"] + directories.reversed() + ["--out", f.directory + "/merged"])
        #expect(merge.status == 0, "\(merge.err)")
        #expect(
            merge.out == single.out.replacingOccurrences(of: f.directory + "/single/", with: f.directory + "/merged/"))
        return (try f.files(in: f.directory + "/single"), try f.files(in: f.directory + "/merged"))
    }

    @Test func sampleLogsMergeToTheSingleRun() throws {
        let f = try CLIFixture()
        let sample = Self.root.appendingPathComponent("SampleLogs").path
        let (single, merged) = try singleAndMerged(
            f, input: sample, shards: 3, flags: ["--as-of", "2024-03-02T03:00:00+08:00"])
        #expect(
            single.keys.sorted() == [
                "accounts.csv", "credits.csv", "credits.jsonl", "daily.csv", "discrepancies.csv",
                "rejects.jsonl", "report.html", "summary.json",
            ])
        #expect(merged == single)
        // Each shard holds only part of the rows, so the equality above is not trivial.
        let shardRows = try (0..<3).map {
            try f.read("discrepancies.csv", in: f.directory + "/shard\($0)").split(separator: "\r\n").count - 1
        }
        let singleRows =
            String(decoding: single["discrepancies.csv"]!, as: UTF8.self).split(separator: "\r\n").count - 1
        #expect(shardRows.reduce(0, +) == singleRows)
    }

    @Test func aBusyDayMergesToTheSingleRunWithAllRows() throws {
        let f = try CLIFixture()
        try f.standard(ReconcileDeterminismTests.lines)
        let (single, merged) = try singleAndMerged(f, input: f.input, shards: 3, flags: ["--all-rows", "--csv-bom"])
        #expect(merged == single)
        // Every shard has a share of the 13 accounts' rows, so the equality above is not trivial.
        let shardRows = try (0..<3).map {
            try f.read("discrepancies.csv", in: f.directory + "/shard\($0)").split(separator: "\r\n").count - 1
        }
        #expect(shardRows.allSatisfy { $0 > 100 })
        #expect(single["credits.jsonl"]!.count > 0)
    }

    @Test func requestsThatCrossShardsMergeToTheSingleRun() throws {
        let f = try CLIFixture()
        // Twelve accounts spread over 3 shards; each request id appears once per pattern.
        var lines: [String] = []
        var debits: [String] = []
        for i in 0..<60 {
            let account = "acct\(i % 12)"
            let other = "acct\((i + 5) % 12)"
            let id = "q\(i)"
            let time = i % 10 == 0 ? "2024-01-09T23:00:00Z" : "2024-01-10T00:00:00Z"  // some before --from
            lines.append(
                "{\"id\": \"\(id)\", \"time\": \"\(time)\", \"account\": \"\(account)\", \"model\": \"m\", \"usage\": {\"prompt_tokens\": 10, \"completion_tokens\": 5}}"
            )
            if i % 7 == 0 {  // the same id again, under another account: a duplicate line
                lines.append(
                    "{\"id\": \"\(id)\", \"time\": \"2024-01-10T00:00:00Z\", \"account\": \"\(other)\", \"model\": \"m\"}"
                )
            }
            // The debit is booked to another account every third request.
            let debitAccount = i % 3 == 0 ? other : account
            debits.append(
                "{\"debit_id\": \"d\(i)\", \"request_id\": \"\(id)\", \"account\": \"\(debitAccount)\", \"amount\": \"\(20 + i % 4)\"}"
            )
            if i % 11 == 0 {
                debits.append(
                    "{\"debit_id\": \"d\(i)b\", \"request_id\": \"\(id)\", \"account\": \"\(debitAccount)\", \"amount\": \"20\"}"
                )
            }
        }
        debits.append(
            "{\"debit_id\": \"lost\", \"request_id\": \"nowhere\", \"account\": \"acct3\", \"amount\": \"9\"}")
        lines.append("not json")
        try f.standard(lines)
        try f.write("in/debits.jsonl", debits.map { $0 + "\n" }.joined() + "{broken\n")
        let (single, merged) = try singleAndMerged(
            f, input: f.input, shards: 3, flags: ["--from", "2024-01-10T00:00:00Z"])
        #expect(merged == single)
        let summary = String(decoding: single["summary.json"]!, as: UTF8.self)
        #expect(summary.contains("\"outside_window\": 6"))
        #expect(summary.contains("\"other_shards\": 0"))
        let rejects = String(decoding: single["rejects.jsonl"]!, as: UTF8.self)
        // The ledger line, the log line, 8 repeated ids (q0's first line is outside the window).
        #expect(rejects.split(separator: "\n").count == 1 + 1 + 8)
    }

    @Test func mergeRefusesWhatIsNotOneRun() throws {
        let f = try CLIFixture()
        try f.standard(ReconcileDeterminismTests.lines)
        for k in 0..<2 {
            #expect(
                runRecount(["reconcile", f.input, "--out", f.directory + "/s\(k)", "--shard", "\(k)/2"]).status == 0)
        }
        #expect(
            runRecount(["reconcile", f.input, "--out", f.directory + "/t1", "--shard", "1/2", "--tolerance", "1"])
                .status == 0)
        #expect(runRecount(["reconcile", f.input, "--out", f.directory + "/whole"]).status == 0)

        let missing = runRecount(["merge", f.directory + "/s0", "--out", f.directory + "/m"])
        #expect(missing.status == 65 && missing.err.contains("shards 1/2 are missing"))
        let twice = runRecount(["merge", f.directory + "/s0", f.directory + "/s0", "--out", f.directory + "/m"])
        #expect(twice.status == 65 && twice.err.contains("given twice"))
        let otherFlags = runRecount(["merge", f.directory + "/s0", f.directory + "/t1", "--out", f.directory + "/m"])
        #expect(otherFlags.status == 65 && otherFlags.err.contains("other parameters"))
        let unsharded = runRecount(["merge", f.directory + "/whole", "--out", f.directory + "/m"])
        #expect(unsharded.status == 66 && unsharded.err.contains("shard.state"))
        let nowhere = runRecount(["merge", f.directory + "/nope", f.directory + "/s1", "--out", f.directory + "/m"])
        #expect(nowhere.status == 66)
        try Data("recount.shard-state/1\nnonsense".utf8).write(
            to: URL(fileURLWithPath: f.directory + "/s1/shard.state"))
        let damaged = runRecount(["merge", f.directory + "/s0", f.directory + "/s1", "--out", f.directory + "/m"])
        #expect(damaged.status == 65 && damaged.err.contains("not a usable shard state"))
        #expect(!FileManager.default.fileExists(atPath: f.directory + "/m/summary.json"))
        #expect(runRecount(["merge", f.directory + "/s0", "--out", f.directory + "/s0"]).status == 64)
    }

    /// `--max-rejects` counts the whole run's rejects: shards each under the limit still fail
    /// at `merge` when together they are over it, as the single run fails.
    @Test func maxRejectsHoldsForTheShardsTogether() throws {
        let f = try CLIFixture()
        var lines: [String] = []
        for i in 0..<12 {
            lines.append(cliLine("d\(i)", account: "acct\(i)"))
            lines.append(cliLine("d\(i)", account: "acct\(i)"))  // a repeat: rejected in its account's shard
        }
        try f.standard(lines)
        #expect(
            runRecount(["reconcile", f.input, "--out", f.directory + "/single", "--max-rejects", "6"]).status == 65)
        var statuses: [Int32] = []
        for k in 0..<3 {
            statuses.append(
                runRecount([
                    "reconcile", f.input, "--out", f.directory + "/s\(k)", "--shard", "\(k)/3", "--max-rejects", "6",
                ]).status)
        }
        if statuses.allSatisfy({ $0 == 0 }) {
            let merge = runRecount([
                "merge", f.directory + "/s0", f.directory + "/s1", f.directory + "/s2", "--out", f.directory + "/m",
            ])
            #expect(merge.status == 65 && merge.err.contains("more than --max-rejects 6"), "\(merge.err)")
            #expect(!FileManager.default.fileExists(atPath: f.directory + "/m/summary.json"))
        } else {
            #expect(statuses.contains(65))
        }
    }

    @Test func aShardStateWithAnImpossibleShardIsRefusedNotACrash() throws {
        let f = try CLIFixture()
        try f.standard(ReconcileDeterminismTests.lines)
        #expect(runRecount(["reconcile", f.input, "--out", f.directory + "/s0", "--shard", "0/1"]).status == 0)
        let path = f.directory + "/s0/shard.state"
        var bytes = try Array(Data(contentsOf: URL(fileURLWithPath: path)))
        // The summary's shard is stored as zigzag varints "index count" after a present-flag;
        // find "0/1" (00 02) right after the as-of flag and make the count -1 (01).
        let summaryStart = bytes.count - 40
        var offset = 0
        for i in 0..<8 { offset = offset << 8 | Int(bytes[summaryStart + 3 * 8 + i]) }
        let window = offset..<min(bytes.count, offset + 200)
        let at = try #require(window.first { bytes[$0] == 1 && bytes[$0 + 1] == 0 && bytes[$0 + 2] == 2 })
        bytes[at + 2] = 1
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        let merge = runRecount(["merge", f.directory + "/s0", "--out", f.directory + "/m"])
        #expect(merge.status == 65 && merge.err.contains("bad shard"), "\(merge.err)")
    }
}
