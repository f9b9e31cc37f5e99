import Foundation
import Testing

@testable import RecountCLI

@Suite("recount statement")
struct StatementCommandTests {
    /// A fresh directory holding the explain fixture's catalog and ledger and the given log lines.
    static func workspace(_ lines: [String]) throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "statement-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(
            at: directory.appendingPathComponent("in"), withIntermediateDirectories: true)
        let input = Golden.fixtures.appendingPathComponent("explain/input")
        try FileManager.default.copyItem(
            at: input.appendingPathComponent("pricing.json"), to: directory.appendingPathComponent("in/pricing.json"))
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(
            to: directory.appendingPathComponent("in/logs.jsonl"))
        return directory
    }

    static let hostile = [
        #"{"id":"p1","time":"2024-02-01T10:00:00+08:00","account":"../../etc/passwd","model":"gpt-4","usage":{"prompt_tokens":1000,"completion_tokens":0},"billed":{"amount":"300"}}"#,
        #"{"id":"s1","time":"2024-02-01T11:00:00+08:00","account":"<script>alert('x')</script>","model":"gpt-4<b>","usage":{"prompt_tokens":1000,"completion_tokens":0},"billed":{"amount":"213"}}"#,
        #"{"id":"o1","time":"2024-02-01T12:00:00+08:00","account":"someone-else","model":"gpt-4","usage":{"prompt_tokens":1000,"completion_tokens":0},"billed":{"amount":"213"}}"#,
    ]

    static func files(in directory: URL) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { !$0.hasPrefix(".") }
            .sorted()
    }

    @Test("an account named ../../etc/passwd writes inside --out only")
    func pathTraversal() throws {
        let directory = try Self.workspace(Self.hostile)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out/deep")
        let run = runRecount([
            "statement", "../../etc/passwd", directory.appendingPathComponent("in").path, "--out", out.path,
        ])
        #expect(run.status == 0, "\(run.err)")
        let written = Self.files(in: out)
        #expect(written.count == 2)
        #expect(written.allSatisfy { $0.hasPrefix("statement-") && !$0.contains("..") })
        // Nothing escaped: the parent directories hold only what they held.
        #expect(Self.files(in: directory.appendingPathComponent("out")) == ["deep"])
        #expect(Self.files(in: directory) == ["in", "out"])
        let csv = try String(
            contentsOf: out.appendingPathComponent(try #require(written.first { $0.hasSuffix(".csv") })),
            encoding: .utf8)
        // Version 2024-01: 1000 × $0.03/1K = 0.03 USD × 7.1 × 10000 = 2130 points expected.
        // Times in the catalog's zone (+08:00), as a spreadsheet reads a date and time.
        #expect(csv.contains("2024-02-01 10:00:00,p1,gpt-4,1000,0,300,2130,-1830,undercharged,"))
        #expect(!csv.contains("s1"))
        #expect(!csv.contains("someone-else"))
        #expect(csv.hasSuffix("TOTAL,1 request,,1000,0,300,2130,-1830,,0\r\n"))
    }

    @Test("a statement with nothing recomputed leaves the recomputed and difference totals blank")
    func nothingRecomputed() throws {
        let directory = try Self.workspace([
            #"{"id":"u1","time":"2024-02-01T10:00:00+08:00","account":"carol","model":"no-such-model","usage":{"prompt_tokens":10,"completion_tokens":5},"billed":{"amount":"300"}}"#
        ])
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let run = runRecount(["statement", "carol", directory.appendingPathComponent("in").path, "--out", out.path])
        #expect(run.status == 0, "\(run.err)")
        let name = try #require(Self.files(in: out).first { $0.hasSuffix(".csv") })
        let csv = try String(contentsOf: out.appendingPathComponent(name), encoding: .utf8)
        // Charged 300, nothing recomputed: blank, not "0" (which would read as "owed nothing").
        #expect(csv.contains("\r\nTOTAL,1 request,,10,5,300,,,,0\r\n"), "\(csv)")
        let page = try String(
            contentsOf: out.appendingPathComponent(name.replacingOccurrences(of: ".csv", with: ".html")),
            encoding: .utf8)
        #expect(page.contains(#"<div class="value">—</div>"#))
    }

    @Test("an account with <script> is escaped in the HTML, and the CSV is BOM-prefixed on request")
    func scriptAccount() throws {
        let directory = try Self.workspace(Self.hostile)
        defer { try? FileManager.default.removeItem(at: directory) }
        let out = directory.appendingPathComponent("out")
        let account = "<script>alert('x')</script>"
        let run = runRecount([
            "statement", account, directory.appendingPathComponent("in").path, "--out", out.path, "--csv-bom",
            "--from", "2024-02-01T00:00:00+08:00", "--until", "2024-02-02T00:00:00+08:00",
        ])
        #expect(run.status == 0, "\(run.err)")
        let written = Self.files(in: out)
        let html = try String(
            contentsOf: out.appendingPathComponent(try #require(written.first { $0.hasSuffix(".html") })),
            encoding: .utf8)
        #expect(!html.contains("<script"))
        #expect(html.contains("Statement for &lt;script&gt;alert(&#39;x&#39;)&lt;&#x2F;script&gt;"))
        #expect(html.contains("gpt-4&lt;b&gt;"))
        #expect(!html.lowercased().contains("http"))
        let csv = try Data(contentsOf: out.appendingPathComponent(try #require(written.first { $0.hasSuffix(".csv") })))
        #expect(Array(csv.prefix(3)) == [0xEF, 0xBB, 0xBF])
        #expect(
            String(decoding: csv, as: UTF8.self).contains(
                ",s1,gpt-4<b>,1000,0,213,,,no price to recompute (under review),"))
    }

    @Test("usage errors: no account, empty account, bad period")
    func usage() {
        #expect(runRecount(["statement"]).status == 64)
        #expect(runRecount(["statement", ""]).status == 64)
        #expect(
            runRecount(["statement", "a", "--from", "2024-02-02T00:00:00Z", "--until", "2024-02-01T00:00:00Z"]).status
                == 64)
        #expect(runRecount(["statement", "a", "/nonexistent/dir"]).status == 66)
    }
}
