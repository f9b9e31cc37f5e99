import Foundation
import Testing

@testable import RecountKit

/// A failure between staging and commit leaves the previous reports intact and no temp files.
@Suite struct OutputAtomicTests {
    func listing(_ dir: String) throws -> [String: Data] {
        var files: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir)
        where name != ".recount.lock" && name != "blocker" {
            files[name] = try Data(contentsOf: URL(fileURLWithPath: dir + "/" + name))
        }
        return files
    }

    @Test func failedCommitKeepsPreviousReportsAndRemovesTemporaries() throws {
        let fixture = try ReconcileFixture()
        let dir = fixture.path("out")
        do {
            let output = try OutputDirectory(path: dir)
            try output.stage("a.csv", "old a\n")
            try output.stage("summary.json", "old summary\n")
            try output.commit()
        }
        let before = try listing(dir)
        do {
            let output = try OutputDirectory(path: dir)
            try output.stage("a.csv", "new a\n")
            // A directory where summary.json should go: rename(2) over it fails.
            try FileManager.default.createDirectory(atPath: dir + "/blocker", withIntermediateDirectories: false)
            try output.stage("blocker", "cannot replace a directory\n")
            try output.stage("summary.json", "new summary\n")
            #expect(throws: OutputError.self) { try output.commit() }
            output.discard()
        }
        var after = try listing(dir)
        after["blocker"] = nil
        // a.csv was renamed before the failure (each file is whole, old or new); summary.json,
        // renamed last, still describes the old set; no temporary is left behind.
        #expect(after["summary.json"] == before["summary.json"])
        #expect(after.keys.allSatisfy { !$0.hasPrefix(".") })
        #expect(after["a.csv"] == Data("new a\n".utf8) || after["a.csv"] == before["a.csv"])
    }

    @Test func failedStageLeavesEverythingAsItWas() throws {
        let fixture = try ReconcileFixture()
        let dir = fixture.path("out")
        do {
            let output = try OutputDirectory(path: dir)
            try output.stage("a.csv", "old\n")
            try output.commit()
        }
        let before = try listing(dir)
        do {
            let output = try OutputDirectory(path: dir)
            try output.stage("a.csv", "new\n")
            chmod(dir, 0o500)  // no new temporary can be created
            defer { chmod(dir, 0o755) }
            if getuid() != 0 { #expect(throws: OutputError.self) { try output.stage("b.csv", "new\n") } }
            output.discard()
        }
        #expect(try listing(dir) == before)
    }
}

@Suite struct OutputStaleTemporaryTests {
    @Test func temporariesOfAKilledRunAreRemovedByTheNextRun() throws {
        let fixture = try ReconcileFixture()
        let dir = fixture.path("out")
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try fixture.write("out/.summary.json.tmp-12345", "half a fil")
        try fixture.write("out/summary.json", "kept\n")
        let output = try OutputDirectory(path: dir)
        #expect(!FileManager.default.fileExists(atPath: dir + "/.summary.json.tmp-12345"))
        #expect(FileManager.default.fileExists(atPath: dir + "/summary.json"))
        withExtendedLifetime(output) {}
    }
}
