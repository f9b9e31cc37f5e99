import Foundation
import Testing

@testable import RecountCLI

/// Golden files: `Tests/Fixtures/<dir>/expected/…` hold what a command prints. A mismatch
/// prints a line diff; `RECOUNT_RECORD=1 swift test` rewrites the files instead (then review
/// the change with `git diff` — the README beside the fixtures holds the hand arithmetic the
/// numbers must agree with).
enum Golden {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    static var recording: Bool { ProcessInfo.processInfo.environment["RECOUNT_RECORD"] == "1" }

    static func check(_ actual: String, against file: URL, sourceLocation: SourceLocation = #_sourceLocation) throws {
        if recording {
            try FileManager.default.createDirectory(
                at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(actual.utf8).write(to: file)
            return
        }
        let expected = try String(contentsOf: file, encoding: .utf8)
        if expected != actual {
            let message = "\(file.lastPathComponent) differs (RECOUNT_RECORD=1 re-records):\n" + diff(expected, actual)
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }

    /// A positional line diff: enough to see what changed in a golden file.
    static func diff(_ expected: String, _ actual: String) -> String {
        let old = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let new = actual.split(separator: "\n", omittingEmptySubsequences: false)
        var out: [String] = []
        for index in 0..<max(old.count, new.count) {
            let a = index < old.count ? String(old[index]) : nil
            let b = index < new.count ? String(new[index]) : nil
            guard a != b else { continue }
            out.append("line \(index + 1):")
            if let a { out.append("- " + a) }
            if let b { out.append("+ " + b) }
            if out.count > 60 { out.append("…"); break }
        }
        return out.joined(separator: "\n")
    }
}

@Suite("recount explain golden files")
struct ExplainGoldenTests {
    static let input = Golden.fixtures.appendingPathComponent("explain/input").path
    static let expected = Golden.fixtures.appendingPathComponent("explain/expected")

    /// Runs explain and writes the machine-specific fixture path as `input`.
    static func explain(_ arguments: [String]) -> CapturedRun {
        let run = runRecount(["explain"] + arguments)
        return CapturedRun(
            status: run.status, out: run.out.replacingOccurrences(of: input, with: "input"), err: run.err)
    }

    @Test("text explanation", arguments: ["stream-1", "tools-1", "boundary-1"])
    func text(id: String) throws {
        let run = Self.explain([id, Self.input])
        #expect(run.status == 0, "\(run.err)")
        try Golden.check(run.out, against: Self.expected.appendingPathComponent("\(id).txt"))
    }

    @Test("--json explanation of the request with tools")
    func json() throws {
        let run = Self.explain(["tools-1", Self.input, "--json"])
        #expect(run.status == 0, "\(run.err)")
        try Golden.check(run.out, against: Self.expected.appendingPathComponent("tools-1.json"))
    }

    /// The hand arithmetic of the fixture README, asserted independently of the golden files.
    @Test(
        "expected charges and credits match the README's arithmetic",
        arguments: [("stream-1", "3", "30"), ("tools-1", "108", "27"), ("boundary-1", "1800", "2460")])
    func arithmetic(id: String, expected: String, credit: String) throws {
        let run = Self.explain([id, Self.input, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        #expect(object["expected"] as? String == expected)
        let credits = try #require(object["credits"] as? [[String: Any]])
        #expect(credits.map { $0["amount"] as? String } == [credit])
    }

    @Test("the request exactly at a boundary takes the new version")
    func boundary() throws {
        let run = Self.explain(["boundary-1", Self.input, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(run.out.utf8)) as? [String: Any])
        let version = try #require(object["pricing_version"] as? [String: Any])
        #expect(version["id"] as? String == "2024-03")
        #expect(object["debit_pricing_version"] as? String == "2024-01")
        #expect(object["cause"] as? String == "price_version")
    }

    @Test("an unknown id exits 66 and suggests the nearest ids")
    func notFound() {
        let run = Self.explain(["tools-2", Self.input])
        #expect(run.status == 66)
        #expect(run.out.isEmpty)
        #expect(run.err.contains("request 'tools-2' is not in the logs or the debit ledger; nearest ids: tools-1"))
    }

    @Test("an id only in the ledger is explained as an orphan debit")
    func orphan() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("explain-orphan-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for name in ["logs.jsonl", "pricing.json"] {
            try FileManager.default.copyItem(
                atPath: Self.input + "/" + name, toPath: directory.appendingPathComponent(name).path)
        }
        try Data(
            #"{"debit_id":"d-9","request_id":"ghost","account":"bob","time":"2024-02-01T00:00:00Z","amount":"5"}"#.utf8
        )
        .write(to: directory.appendingPathComponent("debits.jsonl"))
        let run = runRecount(["explain", "ghost", directory.path])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("class             orphan_debit"))
        #expect(run.out.contains("debit             d-9: 5 points"))
    }

    @Test("usage errors exit 64")
    func usage() {
        #expect(runRecount(["explain"]).status == 64)
        #expect(runRecount(["explain", "x", Self.input, "--basis", "nope"]).status == 64)
    }
}
