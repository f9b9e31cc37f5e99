import Foundation
import Testing

@testable import RecountKit

/// What the commands print and read, now in the library (issue 16: the CLI only parses, calls,
/// prints). Expected values are written out by hand from the rules in the doc comments.
@Suite struct CommandSupportTests {
    /// Python's `bytes.decode("utf-8", "replace")`: one U+FFFD per maximal invalid subpart
    /// (Unicode §3.9); a U+FFFD the input spelled validly (`EF BF BD`) is not counted.
    @Test func utf8DecodingCountsOnlyReplacedSequences() {
        // "a", a lone 0xFF (one subpart), "b", a valid U+FFFD, then E2 82 (a 3-byte sequence
        // cut short: one maximal subpart) and "x".
        let data = Data([0x61, 0xFF, 0x62, 0xEF, 0xBF, 0xBD, 0xE2, 0x82, 0x78])
        let decoded = CountText.decodeUTF8(data)
        #expect(decoded.text == "a\u{FFFD}b\u{FFFD}\u{FFFD}x")
        #expect(decoded.replacedSequences == 2)
        let plain = CountText.decodeUTF8(Data("plain".utf8))
        #expect(plain.text == "plain" && plain.replacedSequences == 0)
    }

    @Test func summaryLineCountsAndUnits() {
        #expect(SummaryLine.counted(1, "request") == "1 request")
        #expect(SummaryLine.counted(0, "request") == "0 requests")
        #expect(SummaryLine.counted(12, "rejected line") == "12 rejected lines")
        // One unit of a plural unit name is singular; scale 2 prints two decimals.
        #expect(
            SummaryLine.credits(CreditTally(count: 1, amount: .one), unit: "points", scale: 0) == "1 credit = 1 point")
        let tally = CreditTally(count: 3, amount: Rational(1234))
        #expect(SummaryLine.credits(tally, unit: "points", scale: 2) == "3 credits = 1234.00 points")
    }

    /// Worked by hand: 25,000,000 bytes in 2 s is 12.5 MB/s; the other 75,000,000 at that rate
    /// take 6 s. With the total unknown (stdin) or nothing read yet, no ETA.
    @Test func progressTextGivesRateAndTimeLeft() {
        #expect(
            ProgressText.line(bytes: 25_000_000, records: 12_000, totalBytes: 100_000_000, elapsed: 2)
                == "12000 records · 12.5 MB/s · ETA 6s")
        #expect(ProgressText.line(bytes: 1_049_999, records: 7, totalBytes: 0, elapsed: 1) == "7 records · 1.0 MB/s")
        #expect(ProgressText.line(bytes: 0, records: 0, totalBytes: 10, elapsed: 0) == "0 records · 0.0 MB/s")
    }

    @Test func sqliteSourceHasNoLoginAndSaysSo() throws {
        let source = try GatewayLogSource.resolve(url: "sqlite:/tmp/one-api.db", passwordFile: "/nonexistent")
        // A password file given with SQLite is not read (it does not exist here).
        #expect(source.credentials == .clientLibrary)
        let summary = source.summary
        #expect(summary.passwordFrom == "none (an SQLite file has no login)")
        #expect(summary.readMarginSeconds == 3600)
        #expect(!summary.source.isEmpty)
    }

    @Test func gatewayCatalogFileFailures() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "catalog-file-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let missing = directory.appendingPathComponent("settings.json").path
        #expect(throws: GatewayCatalogFile.Failure.self) { try GatewayCatalogFile.settings(file: missing) }
        do {
            _ = try GatewayCatalogFile.settings(file: missing)
        } catch {
            guard case .missing(let message) = error else { Issue.record("expected .missing, got \(error)"); return }
            #expect(message == "\(missing): no such file")
        }
        let notJSON = directory.appendingPathComponent("bad.json")
        try Data("{not json".utf8).write(to: notJSON)
        do {
            _ = try GatewayCatalogFile.settings(file: notJSON.path)
            Issue.record("bad settings read")
        } catch {
            guard case .invalid = error else { Issue.record("expected .invalid, got \(error)"); return }
        }
        // A catalog path that is a directory cannot be snapshotted.
        do {
            _ = try GatewayCatalogFile.readExisting(directory.path)
            Issue.record("a directory read as a catalog")
        } catch {
            #expect(error.description == "\(directory.path): is a directory")
        }
        #expect(try GatewayCatalogFile.readExisting(directory.appendingPathComponent("none.json").path) == nil)
    }
}
