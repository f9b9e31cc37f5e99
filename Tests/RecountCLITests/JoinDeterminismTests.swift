import Foundation
import Testing

@testable import RecountKit

/// `reconcile` as the nightly job runs it (rows and credits rendered on the join's workers,
/// sorted on disk), on a day that crosses join chunks and holds ids too large for a chunk:
/// `--jobs 1` and `--jobs 2` write the same bytes, with credits issued before (`--issued`) and
/// withheld (`--min-credit`), and stop at the same reject with `--max-rejects`.
@Suite struct JoinDeterminismTests {
    static let ids = GroupedJoin<GroupJoiner>.chunkGroups + 400
    static let repeated = ids / 3, debitedOften = 2 * ids / 3
    static let large = GroupedJoin<GroupJoiner>.groupEntriesMax + 44

    static func write(_ f: CLIFixture) throws {
        var logs: [String] = [], ledger: [String] = []
        for i in 0..<ids {
            let id = String(format: "r%05d", i)
            let account = ["alice", "bob", "carol"][i % 3]
            for _ in 0..<(i == repeated ? large : 1) { logs.append(cliLine(id, account: account)) }
            let amount = i % 7 == 0 ? "25" : i % 11 == 0 ? "21" : "20"
            for d in 0..<(i == debitedOften ? large : 1) {
                ledger.append(
                    #"{"debit_id":"d\#(i)-\#(d)","request_id":"\#(id)","account":"\#(account)","amount":"\#(amount)"}"#)
            }
        }
        ledger.append(#"{"debit_id":"orphan","request_id":"nobody","account":"bob","amount":"3"}"#)
        try f.standard(logs)
        try f.write("in/debits.jsonl", ledger.joined(separator: "\n") + "\n")
    }

    @Test func chunkedJoinIsTheSameForAnyJobs() throws {
        let f = try CLIFixture()
        try Self.write(f)
        let first = f.reconcile()
        #expect(first.status == 0, "\(first.err)")
        // Every third credit of the first run counts as issued before.
        let credits = try f.read("credits.jsonl").split(separator: "\n")
        #expect(credits.count > Self.ids / 7)
        try f.write(
            "issued.jsonl", credits.enumerated().filter { $0.offset % 3 == 0 }.map { $0.element + "\n" }.joined())
        let flags = ["--issued", f.directory + "/issued.jsonl", "--min-credit", "2", "--all-rows"]
        var outputs: [[String: Data]] = []
        for jobs in ["1", "2"] {
            let dir = f.directory + "/jobs" + jobs
            let run = runRecount(["reconcile", f.input, "--out", dir, "--jobs", jobs] + flags)
            #expect(run.status == 0, "\(run.err)")
            outputs.append(try f.files(in: dir))
        }
        #expect(outputs[0] == outputs[1])
        let summary = String(decoding: outputs[0]["summary.json"] ?? Data(), as: UTF8.self)
        #expect(summary.contains("\"already_issued\""), "\(summary.prefix(400))")
        #expect(summary.contains("\"withheld\""))
        let rejects = String(decoding: outputs[0]["rejects.jsonl"] ?? Data(), as: UTF8.self)
        #expect(rejects.split(separator: "\n").count == Self.large - 1)
        let rows = String(decoding: outputs[0]["discrepancies.csv"] ?? Data(), as: UTF8.self)
        #expect(
            rows.contains(String(format: "r%05d", Self.debitedOften)) && rows.contains("duplicate_charge")
                && rows.contains("orphan_debit"))
    }

    @Test func maxRejectsStopsAtTheSameLineForAnyJobs() throws {
        let f = try CLIFixture()
        try Self.write(f)
        let runs = ["1", "2"].map { jobs in
            runRecount([
                "reconcile", f.input, "--out", f.directory + "/out" + jobs, "--jobs", jobs, "--max-rejects", "40",
            ])
        }
        #expect(runs[0].status == 65)
        #expect(runs[1].status == runs[0].status)
        #expect(runs[1].err == runs[0].err)
        #expect(runs[0].err.contains("log.jsonl:"), "\(runs[0].err)")
    }
}
