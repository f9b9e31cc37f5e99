import Foundation
import Testing

@testable import RecountKit

/// SPEC §6 "Lines and debits": rejects carry file and 1-based physical line; nothing is dropped.
@Suite struct IngestRejectTests {
    @Test func crlfBlankLinesAndLastLineWithoutNewline() throws {
        let fixture = try ReconcileFixture()
        let text =
            logLine("a", amount: "20") + "\r\n"  // line 1
            + "\r\n"  // line 2: blank
            + "   \t \r\n"  // line 3: whitespace only
            + "not json\r\n"  // line 4: rejected
            + logLine("b", amount: "20")  // line 5: no newline at the end
        let path = try fixture.write("log.jsonl", text)
        let result = try fixture.run { $0.allRows = true }
        #expect(result.rows.map(\.requestID).sorted() == ["a", "b"])
        #expect(result.counters.blankLines == 2)
        let reject = try #require(result.rejects.first)
        #expect(result.rejects.count == 1)
        #expect(reject.source == SourceLocation(file: path, line: 4))
        #expect(reject.raw == Array("not json".utf8))  // CR not part of the raw line
        #expect(try result.row("b").source?.line == 5)
        #expect(result.inputs.first?.lines == 5)
    }

    struct RejectCase: Sendable, CustomTestStringConvertible {
        let line: String
        let field: String?
        var testDescription: String { line }
    }

    @Test(arguments: [
        RejectCase(line: "[1, 2]", field: nil),
        RejectCase(line: "\"just a string\"", field: nil),
        RejectCase(line: "{\"id\": \"x\"", field: nil),
        RejectCase(line: #"{"id": 7, "time": 1704844800, "account": "a", "model": "m"}"#, field: "id"),
        RejectCase(line: #"{"id": "", "time": 1704844800, "account": "a", "model": "m"}"#, field: "id"),
        RejectCase(line: #"{"time": 1704844800, "account": "a", "model": "m"}"#, field: "id"),
        RejectCase(line: #"{"id": "x", "time": 1704844800, "model": "m"}"#, field: "account"),
        RejectCase(line: #"{"id": "x", "time": 1704844800, "account": 5, "model": "m"}"#, field: "account"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "billed": {"amount": "-1"}}"#,
            field: "billed.amount"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "billed": {"amount": -0.5}}"#,
            field: "billed.amount"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "billed": {"amount": "1/3"}}"#,
            field: "billed.amount"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "status": "ok"}"#, field: "status"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "status": 200.5}"#, field: "status"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "usage": {"prompt_tokens": -3}}"#,
            field: "usage.prompt_tokens"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "stream": "yes"}"#, field: "stream"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "endpoint": "moderations"}"#,
            field: "endpoint"),
        RejectCase(
            line: #"{"id": "x", "time": 1704844800, "account": "a", "model": "m", "response": 5}"#, field: "response"),
    ])
    func rejectedLine(_ c: RejectCase) throws {
        let fixture = try ReconcileFixture()
        let path = try fixture.log([logLine("first"), c.line, logLine("last")])
        let result = try fixture.run()
        #expect(result.counters.requests == 2)
        let reject = try #require(result.rejects.first)
        #expect(reject.source == SourceLocation(file: path, line: 2))
        #expect(reject.field == c.field)
        #expect(reject.raw == Array(c.line.utf8))
        #expect(!reject.reason.isEmpty)
    }

    @Test func invalidUTF8IsRejectedNotDropped() throws {
        let fixture = try ReconcileFixture()
        var bytes = Array((logLine("a") + "\n").utf8)
        let bad =
            Array(#"{"id": "b", "time": 1704844800, "account": "a"#.utf8) + [0xFF, 0xFE]
            + Array(#"", "model": "m"}"#.utf8)
        bytes += bad + [0x0A]
        try fixture.write("log.jsonl", bytes: bytes)
        let result = try fixture.run()
        let reject = try #require(result.rejects.first)
        #expect(reject.source.line == 2)
        #expect(reject.raw == bad)
        #expect(result.counters.requests == 1)
    }

    @Test func numericStringsAreAccepted() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([
            #"{"id": "n", "time": 1704844800, "account": "a", "model": "m", "status": "500", "usage": {"prompt_tokens": "10", "completion_tokens": " 5 "}, "billed": {"amount": 20, "prompt_tokens": "10"}}"#
        ])
        let result = try fixture.run()
        #expect(result.rejects.isEmpty)
        let row = try result.row("n")
        #expect(row.status == 500)
        #expect(row.outcomeClass == .failed_request_charged)
        #expect(row.counts?.prompt == 10 && row.counts?.completion == 5)
    }

    @Test func nullMeansAbsent() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([
            #"{"id": "n", "time": 1704844800, "account": "a", "model": "m", "status": null, "key": null, "group": null, "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "billed": null}"#
        ])
        let result = try fixture.run()
        #expect(result.rejects.isEmpty)
        #expect(try result.row("n").outcomeClass == .missing_charge)
    }

    @Test func duplicateRequestIDRejectsTheLaterLineWithItsRawText() throws {
        let fixture = try ReconcileFixture()
        let later = logLine("dup", amount: "99")
        let path = try fixture.log([logLine("dup", amount: "20"), logLine("other", amount: "20"), later])
        let result = try fixture.run { $0.allRows = true }
        let row = try result.row("dup")
        #expect(row.recorded == points("20"))  // the first line is the request
        let reject = try #require(result.rejects.first)
        #expect(reject.source == SourceLocation(file: path, line: 3))
        #expect(reject.raw == Array(later.utf8))
        #expect(reject.reason.contains("duplicate request id"))
    }

    @Test func duplicateRequestIDAcrossFiles() throws {
        let fixture = try ReconcileFixture()
        let a = try fixture.log([logLine("x", amount: "20")], name: "a.jsonl")
        let b = try fixture.log([logLine("y", amount: "20"), logLine("x", amount: "20")], name: "b.jsonl")
        let result = try fixture.run(logs: [a, b])
        #expect(result.rejects.map(\.source) == [SourceLocation(file: b, line: 2)])
    }

    @Test func maxRejectsStopsTheRun() throws {
        let fixture = try ReconcileFixture()
        try fixture.log(["x", "y", logLine("a"), "z"])
        #expect(throws: ReconcileError.self) { try fixture.run { $0.maxRejects = 2 } }
        let ok = try fixture.run { $0.maxRejects = 3 }
        #expect(ok.rejects.count == 3)
    }

    @Test func gzipLogIsReadAndATruncatedOneIsAnError() throws {
        let fixture = try ReconcileFixture()
        let plain = try fixture.log((0..<2000).map { logLine("g\($0)", amount: "20") }, name: "big.jsonl")
        try gzip(plain)
        let result = try fixture.run(logs: [plain + ".gz"])
        #expect(result.counters.requests == 2000)
        #expect(result.rejects.isEmpty)
        // Cut the compressed file in half: an error naming the file, never a short result.
        let whole = try Data(contentsOf: URL(fileURLWithPath: plain + ".gz"))
        let cut = try fixture.write("cut.jsonl.gz", bytes: Array(whole.prefix(whole.count / 2)))
        #expect {
            _ = try fixture.run(logs: [cut])
        } throws: { error in
            guard case .input(.corruptGzip(let path, _)) = error as? ReconcileError else { return false }
            return path == cut
        }
    }
}

/// Compresses `path` to `path.gz` with the system gzip (keeping the original).
func gzip(_ path: String) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/bin/gzip")
    process.arguments = ["-k", "-f", path]
    try process.run()
    process.waitUntilExit()
    #expect(process.terminationStatus == 0)
}
