import Foundation
import Testing

@testable import RecountKit

/// With more than one job a JSONL ledger is parsed in batches on the workers
/// (`ReconcilePipeline.scanLedgerInBatches`); the run must see the same debits, numbered the
/// same, and the same rejects in the same order, as the one-line-at-a-time reader.
@Suite struct LedgerBatchTests {
    /// A ledger longer than three batches, with blank lines, rejects of several kinds and ids
    /// debited twice, against logs that claim some of the ids.
    static func write(_ fixture: ReconcileFixture) throws -> (logs: String, debits: String, blank: Int, rejected: Int) {
        var ledger: [String] = []
        var logs: [String] = []
        var blank = 0, rejected = 0
        let lines = 3 * ReconcilePipeline.ledgerBatchLines + 517
        for i in 0..<lines {
            let id = "r\(i % (lines - 700))"
            switch i % 997 {
            case 5:
                ledger.append("")
                blank += 1
            case 6:
                rejected += 1
                ledger.append("{\"debit_id\":\"d\(i)\",\"request_id\":\"\(id)\",\"account\":\"a\",\"amount\":\"-1\"}")
            case 7:
                rejected += 1
                ledger.append("not json")
            default:
                ledger.append(
                    "{\"debit_id\":\"d\(i)\",\"request_id\":\"\(id)\",\"account\":\"acct\(i % 7)\",\"amount\":\"\(10 + i % 9)\",\"time\":\"2024-02-10T00:00:\(String(format: "%02d", i % 60))Z\"}"
                )
            }
            if i % 3 == 0 && i < lines - 700 {
                logs.append(fixtureLine(id, account: "acct\(i % 7)", amount: String(10 + i % 9)))
            }
        }
        let debits = fixture.directory + "/debits.jsonl"
        let log = fixture.directory + "/day.jsonl"
        try (ledger.joined(separator: "\n") + "\n").write(toFile: debits, atomically: true, encoding: .utf8)
        try (logs.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        return (log, debits, blank, rejected)
    }

    static func fixtureLine(_ id: String, account: String, amount: String) -> String {
        #"{"id":"\#(id)","time":"2024-02-10T08:00:00Z","account":"\#(account)","model":"gpt-4o","request":{"model":"gpt-4o","messages":[{"role":"user","content":"hello \#(id)"}]},"response":{"choices":[{"message":{"role":"assistant","content":"hi"}}],"usage":{"prompt_tokens":9,"completion_tokens":1}},"billed":{"amount":"\#(amount)"}}"#
    }

    @Test func batchedLedgerGivesTheSameRunAsLineByLine() throws {
        let fixture = try ReconcileFixture()
        let (log, debits, blank, rejected) = try Self.write(fixture)
        let catalog = try PriceCatalog.load(
            path: SpillTests.root.appendingPathComponent("SampleLogs/pricing.json").path)
        var options = ReconcileOptions(logs: [log], catalog: catalog, pricingPath: "pricing.json")
        options.debitsPath = debits
        options.spillDirectory = fixture.directory
        options.allRows = true
        var parameters = RunParameters()
        parameters.pricing = InputFileInfo(path: "pricing.json", kind: "pricing")

        options.jobs = 1
        let one = try ReconcilePipeline(options: options).run()
        options.jobs = 2
        let two = try ReconcilePipeline(options: options).run()
        #expect(one.counters.debitsRejected == rejected && rejected > 40)
        #expect(one.counters.debitBlankLines == blank && blank > 20)
        #expect(one.counters.orphanDebits > 0)
        #expect(two.counters == one.counters)
        let files = ReportFiles(result: one, parameters: parameters).files()
        let batched = ReportFiles(result: two, parameters: parameters).files()
        #expect(files.map(\.name) == batched.map(\.name))
        for (a, b) in zip(files, batched) { #expect(a.bytes == b.bytes, "\(a.name)") }
    }
}
