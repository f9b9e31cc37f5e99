import Foundation
import Testing

@testable import RecountKit

@Suite("explain agrees with reconcile")
struct ExplainTests {
    static let input = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/explain/input").path

    static func options() throws -> ReconcileOptions {
        let catalog = try PriceCatalog.load(path: input + "/pricing.json")
        var options = ReconcileOptions(
            logs: [input + "/logs.jsonl"], catalog: catalog, pricingPath: input + "/pricing.json")
        options.debitsPath = input + "/debits.jsonl"
        options.allRows = true
        return options
    }

    /// The whole point of sharing the stages: every figure explain shows is the reconcile row's.
    @Test("each request's explanation equals its reconcile row")
    func sameNumbers() throws {
        let options = try Self.options()
        let result = try ReconcilePipeline(options: options).run()
        #expect(result.rows.count == 3)
        for row in result.rows {
            let explained = try RequestExplainer(options: options).explain(requestID: row.requestID).outcome
            #expect(explained.expected == row.expected)
            #expect(explained.recorded == row.recorded)
            #expect(explained.delta == row.delta)
            #expect(explained.outcomeClass == row.outcomeClass)
            #expect(explained.causeLabel == row.causeLabel)
            #expect(explained.counts == row.counts)
            #expect(explained.credits == row.credits)
        }
    }

    @Test("the byte prefilter looks for the id raw and JSON-escaped")
    func needles() {
        let forms = RequestExplainer.needles(for: "a\"/中").map { String(decoding: $0, as: UTF8.self) }
        #expect(forms.contains("a\\\"/中"))
        #expect(forms.contains("a\\\"\\/\\u4e2d"))
        #expect(forms.contains("a\\\"/\\u4E2D"))
        #expect(RequestExplainer.contains(Array("xx\"id\":\"r1\"".utf8), Array("r1".utf8)))
        #expect(!RequestExplainer.contains(Array("r".utf8), Array("r1".utf8)))
    }

    @Test("an id written with \\u escapes is still found (slow pass)")
    func escapedID() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("explain-escaped-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let log = directory.appendingPathComponent("a.jsonl")
        try Data(
            #"{"id":"\u0072\u0031","time":"2024-02-01T00:00:00+08:00","account":"a","model":"gpt-4","billed":{"amount":"1"}}"#
                .utf8
        ).write(to: log)
        var options = try Self.options()
        options.logs = [log.path]
        options.debitsPath = nil
        let explanation = try RequestExplainer(options: options).explain(requestID: "r1")
        #expect(explanation.outcome.recorded == Rational(1))
    }

    @Test("nearest ids: shared prefix first, then edit distance, bounded")
    func nearest() {
        var nearest = NearestIDs(target: "req-1234", keep: 2)
        for id in ["zzz", "req-1243", "req-9", "req-12345", "abc-1234"] { nearest.offer(id) }
        #expect(nearest.best == ["req-12345", "req-1243"])
    }
}
