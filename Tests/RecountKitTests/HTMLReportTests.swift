import Foundation
import Testing

@testable import RecountKit

/// `report.html` must work offline and never let a logged value become markup.
@Suite("report.html")
struct HTMLReportTests {
    static let evilModel = "gpt-4o<script>alert(1)</script>"
    static let evilAccount = "a\"b'c<d>&e</script>"
    static let evilGroup = "'\"><img src=x onerror=alert(2)>"

    /// A small run whose model, account, key and group are hostile, over the explain fixture's catalog.
    static func report() throws -> (html: String, result: ReconcileResult) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "html-report-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func line(_ object: [String: Any]) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        let lines = [
            try line([
                "id": "x1", "time": "2024-02-01T10:00:00+08:00", "account": evilAccount,
                "key": "sk-<script>0123456789'\"",
                "group": evilGroup, "model": evilModel,
                "request": ["messages": [["role": "user", "content": "SECRET PROMPT <b>bold</b>"]]],
                "response": ["choices": [["message": ["role": "assistant", "content": "SECRET ANSWER"]]]],
                "usage": ["prompt_tokens": 1000, "completion_tokens": 10], "billed": ["amount": "9999"],
            ]),
            try line([
                "id": "x2", "time": "2024-02-02T10:00:00+08:00", "account": "张三", "model": "gpt-4",
                "usage": ["prompt_tokens": 100, "completion_tokens": 10], "billed": ["amount": "1"],
            ]),
            // A logged URL (formula-injection style) must not put a URL into the page's bytes.
            try line([
                "id": "x3", "time": "2024-02-02T11:00:00+08:00", "account": #"=HYPERLINK("http://evil.example/a")"#,
                "model": "gpt-4", "usage": ["prompt_tokens": 100, "completion_tokens": 10],
                "billed": ["amount": "9000"],
            ]),
        ]
        let log = directory.appendingPathComponent("a.jsonl")
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: log)
        let pricing = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/explain/input/pricing.json").path
        let catalog = try PriceCatalog.load(path: pricing)
        var options = ReconcileOptions(logs: [log.path], catalog: catalog, pricingPath: pricing)
        options.allRows = true
        let result = try ReconcilePipeline(options: options).run()
        var parameters = RunParameters()
        parameters.asOf = Timestamp(rfc3339: "2024-03-01T00:00:00+08:00")
        return (HTMLReport(result: result, parameters: parameters).render(), result)
    }

    @Test("the page references no external URL")
    func noExternalURL() throws {
        let html = try Self.report().html.lowercased()
        for forbidden in [
            "http://", "https://", "@import", "src=\"//", "href=\"//", "src='//", "href='//", "<link", "<img",
            "<iframe",
        ] {
            #expect(!html.contains(forbidden), "found \(forbidden)")
        }
        // `url(` only without a scheme would be tolerable; the page uses none at all.
        #expect(!html.contains("url("))
        #expect(html.contains("<meta charset=\"utf-8\">"))
        #expect(html.contains("@media print"))
    }

    @Test("logged values appear escaped, never as markup")
    func escaped() throws {
        let html = try Self.report().html
        #expect(!html.contains("<script>alert"))
        #expect(!html.contains("<img src=x"))
        #expect(!html.contains(Self.evilAccount))
        // Exactly one raw `</script>` per script element: no value closed one early.
        let scripts = html.components(separatedBy: "<script").count - 1
        #expect(html.components(separatedBy: "</script>").count - 1 == scripts)
        // In markup (chart labels), with all five characters escaped:
        #expect(html.contains("a&quot;b&#39;c&lt;d&gt;&amp;e&lt;&#x2F;script&gt;"))
        // In the embedded JSON, < > & as \u escapes:
        #expect(html.contains("gpt-4o\\u003cscript\\u003ealert(1)\\u003c\\/script\\u003e"))
        #expect(html.contains("'\\\"\\u003e\\u003cimg src=x onerror=alert(2)\\u003e"))
        #expect(html.contains("gpt-4o&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"))
        #expect(html.contains("张三"))
    }

    @Test("keys are masked and prompts never appear")
    func privacy() throws {
        let html = try Self.report().html
        #expect(!html.contains("0123456789"))
        #expect(html.contains("sk-…89'\\\""))
        #expect(!html.contains("SECRET"))
    }

    @Test("same result gives the same bytes")
    func deterministic() throws {
        let (html, result) = try Self.report()
        var parameters = RunParameters()
        parameters.asOf = Timestamp(rfc3339: "2024-03-01T00:00:00+08:00")
        #expect(HTMLReport(result: result, parameters: parameters).render() == html)
        // One zone per report: RunParameters' day offset (0 here), so 00:00 +08:00 is 16:00 Z.
        #expect(html.contains("as of 2024-02-29T16:00:00Z"))
        #expect(html.contains("times in UTC+00:00"))
    }

    @Test("report.html is written with the other files, summary.json still last")
    func inReportFiles() throws {
        let (_, result) = try Self.report()
        let names = ReportFiles(result: result, parameters: RunParameters()).files().map(\.name)
        #expect(names.contains("report.html"))
        #expect(names.last == "summary.json")
    }

    @Test("the escaper handles all five characters")
    func escaper() {
        #expect(
            HTMLEscape.text(#"<a href="x">'&'</a>"#) == "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;&#x2F;a&gt;")
    }
}
