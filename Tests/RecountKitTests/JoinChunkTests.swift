import Foundation
import Testing

@testable import RecountKit

/// The join works ids out in chunks on the workers and streams ids too large for a chunk on the
/// calling thread (`RunState.join`); both must give what one id at a time gives, in id order.
@Suite struct JoinChunkTests {
    @Test func largeIdsStreamAndSmallIdsChunkToTheSameReports() throws {
        let fixture = try ReconcileFixture()
        var logs: [String] = []
        var ledger: [String] = []
        // More ids than one chunk; one id repeated past `groupEntriesMax`, another with more
        // debits than that; the rest one line and one debit each.
        let ids = GroupedJoin<GroupJoiner>.chunkGroups + 300
        let repeats = GroupedJoin<GroupJoiner>.groupEntriesMax + 40
        for i in 0..<ids {
            let id = String(format: "r%05d", i)
            let copies = i == ids / 3 ? repeats : 1
            for _ in 0..<copies { logs.append(LedgerBatchTests.fixtureLine(id, account: "acct\(i % 5)", amount: "20")) }
            let debits = i == 2 * ids / 3 ? repeats : 1
            for d in 0..<debits {
                ledger.append(
                    #"{"debit_id":"d\#(i)-\#(d)","request_id":"\#(id)","account":"acct\#(i % 5)","amount":"\#(i % 4 == 0 ? 25 : 20)"}"#
                )
            }
        }
        let log = fixture.directory + "/day.jsonl", debits = fixture.directory + "/debits.jsonl"
        try (logs.joined(separator: "\n") + "\n").write(toFile: log, atomically: true, encoding: .utf8)
        try (ledger.joined(separator: "\n") + "\n").write(toFile: debits, atomically: true, encoding: .utf8)
        let catalog = try PriceCatalog.load(
            path: SpillTests.root.appendingPathComponent("SampleLogs/pricing.json").path)
        var options = ReconcileOptions(logs: [log], catalog: catalog, pricingPath: "pricing.json")
        options.debitsPath = debits
        options.spillDirectory = fixture.directory
        var parameters = RunParameters()
        parameters.pricing = InputFileInfo(path: "pricing.json", kind: "pricing")

        var reports: [[(name: String, bytes: [UInt8])]] = []
        for jobs in [1, 2] {
            options.jobs = jobs
            let result = try ReconcilePipeline(options: options).run()
            #expect(result.counters.requests == ids)
            #expect(result.counters.logRejected == repeats - 1, "the repeats of one id are rejected")
            #expect(result.rejects.count == repeats - 1)
            #expect(result.classTotals[.duplicate_charge]?.count == 1, "one id is debited \(repeats) times")
            #expect((result.classTotals[.overcharge]?.count ?? 0) > ids / 5, "\(result.classTotals)")
            reports.append(
                ReportFiles(result: result, parameters: parameters).files().map { ($0.name, Array($0.bytes)) })
        }
        for (a, b) in zip(reports[0], reports[1]) { #expect(a.bytes == b.bytes, "\(a.name)") }
    }
}
