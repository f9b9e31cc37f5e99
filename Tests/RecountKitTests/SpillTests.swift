import Foundation
import Testing

@testable import RecountKit

/// The external sort and the streaming run: whatever the memory budget — everything in
/// memory, or a sorted run written after every record — the reports are the same bytes.
@Suite struct SpillTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test(arguments: [1, 200, 1 << 20])
    func sorterReturnsKeyOrderAndKeepsInsertionOrderForEqualKeys(budget: Int) throws {
        let fixture = try ReconcileFixture()
        let sorter = ExternalSorter(directory: fixture.directory, budget: budget)
        var generator = FuzzRandom(seed: UInt64(budget))
        var added: [(key: [UInt8], payload: [UInt8])] = []
        for index in 0..<3000 {
            // Few distinct keys (so many ties), lengths 0–3, bytes including 0 and 255.
            let key = (0..<Int(generator.next() % 4)).map { _ in [0, 1, 254, 255][Int(generator.next() % 4)] as UInt8 }
            let payload = Array("\(index)".utf8)
            added.append((key, payload))
            try sorter.add(key: key, payload: payload)
        }
        if budget == 1 { #expect(sorter.spilledRuns == 3000) }
        if budget == 1 << 20 { #expect(sorter.spilledRuns == 0) }
        let stream = try sorter.finish()
        var out: [SortedRecord] = []
        while let record = try stream.next() { out.append(record) }
        // Swift's sort is not documented as stable, so the expectation uses the index.
        let expected = added.enumerated().sorted { a, b in
            a.element.key != b.element.key
                ? a.element.key.lexicographicallyPrecedes(b.element.key) : a.offset < b.offset
        }.map(\.element)
        #expect(out.map(\.key) == expected.map(\.key))
        #expect(out.map(\.payload) == expected.map(\.payload))
        // Run files are unlinked at once: nothing is left in the directory.
        #expect(try FileManager.default.contentsOfDirectory(atPath: fixture.directory).isEmpty)
    }

    @Test func sortKeysOrderStringsAndTimesAsTheReportsDo() {
        func key(_ text: String) -> [UInt8] { var k = SortKey(); k.string(text); k.byte(9); return k.bytes }
        let texts = ["", "a", "a\u{0}", "a\u{0}b", "ab", "b", "é", "中"]
        #expect(texts.map(key) == texts.map(key).sorted { $0.lexicographicallyPrecedes($1) })
        func time(_ t: Timestamp?) -> [UInt8] { var k = SortKey(); k.time(t); return k.bytes }
        let times: [Timestamp?] = [
            Timestamp(seconds: -5), Timestamp(seconds: 0), Timestamp(seconds: 0, nanoseconds: 1),
            Timestamp(seconds: 1_700_000_000, offsetSeconds: 28_800), nil,
        ]
        #expect(times.map(time) == times.map(time).sorted { $0.lexicographicallyPrecedes($1) })
        // The offset a time was written with does not change its place.
        #expect(time(Timestamp(seconds: 7, offsetSeconds: 3600)) == time(Timestamp(seconds: 7)))
    }

    /// The sample day, run three ways: in memory; streamed with a generous budget; streamed
    /// with a budget so small that every request, row, credit and reject is its own sorted run.
    @Test func reportsDoNotDependOnTheMemoryBudget() throws {
        let fixture = try ReconcileFixture()
        let sample = Self.root.appendingPathComponent("SampleLogs").path
        let inputs = try InputFiles.resolve([sample])
        let catalog = try PriceCatalog.load(path: inputs.pricing!)
        var options = ReconcileOptions(logs: inputs.logs, catalog: catalog, pricingPath: inputs.pricing!)
        options.debitsPath = inputs.debits
        options.jobs = 2
        options.spillDirectory = fixture.directory
        var parameters = RunParameters()
        parameters.pricing = InputFileInfo(path: inputs.pricing!, kind: "pricing")

        let inMemory = ReportFiles(result: try ReconcilePipeline(options: options).run(), parameters: parameters)
            .files()
        for budget in [1, 64 << 20] {
            options.sortMemoryBytes = budget
            let sink = SpillingSink(unit: catalog.unit, directory: fixture.directory, memory: budget)
            let result = try ReconcilePipeline(options: options).run(into: sink)
            let streams = try sink.finish()
            let destination = MemoryDestination()
            try ReportWriter(result: result, parameters: parameters).write(
                to: destination, rows: streams.rows, credits: streams.credits, rejects: streams.rejects,
                writeState: false)
            let streamed = destination.files.map { ($0.name, $0.bytes) }
            #expect(streamed.map(\.0) == inMemory.map(\.name))
            for ((name, bytes), file) in zip(streamed, inMemory) {
                #expect(bytes == file.bytes, "\(name) with budget \(budget)")
            }
            if budget == 1 { #expect(sink.rows.spilledRuns > 0 && sink.rejects.spilledRuns > 0) }
        }
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: fixture.directory).filter { $0.contains("spill") }
                .isEmpty)
    }

    @Test func requestIDFilterNeverMissesARepeat() {
        var filter = RequestIDFilter()
        let ids = (0..<50_000).map { "req-\($0 * 7919 % 100_003)" }
        var falsePositives = 0
        for id in ids where filter.insert(id) { falsePositives += 1 }
        for id in ids.prefix(1000) {
            let seen = filter.insert(id)
            #expect(seen)
        }
        #expect(falsePositives < 5)
    }
}
