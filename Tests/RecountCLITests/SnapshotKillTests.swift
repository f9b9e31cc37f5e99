import Foundation
import Testing

/// A `prices snapshot` killed (SIGKILL: no handler runs) between writing its temporary file and
/// renaming it leaves the catalog as it was (SPEC §2.7). The kill point is a place in the
/// program, not a moment: `RECOUNT_TEST_PAUSE_BEFORE_RENAME` makes the process stop there.
@Suite struct SnapshotKillTests {
    static let settings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gateway/new-api-settings.json").path

    @Test func aSnapshotKilledBeforeTheRenameLeavesTheCatalogAsItWas() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("recount-kill-\(UUID().uuidString)")
            .path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let catalog = dir + "/pricing.json"
        let first = runRecount([
            "prices", "snapshot", "--settings", Self.settings, "--catalog", catalog, "--effective-from",
            "2026-01-01T00:00:00Z",
        ])
        #expect(first.status == 0, "\(first.err)")
        let before = try Data(contentsOf: URL(fileURLWithPath: catalog))

        // Changed settings, so the snapshot has a version to append and a catalog to rewrite.
        var options = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.settings)))
                as? [String: Any])
        options["GroupRatio"] = #"{"default": 1, "vip": 1, "svip": 1, "cheap": 0.5}"#
        let changed = dir + "/settings-2.json"
        try JSONSerialization.data(withJSONObject: options).write(to: URL(fileURLWithPath: changed))

        let marker = dir + "/staged"
        let process = try RecountProcess(
            [
                "prices", "snapshot", "--settings", changed, "--catalog", catalog, "--effective-from",
                "2026-01-02T00:00:00Z",
            ], in: dir, shell: "export RECOUNT_TEST_PAUSE_BEFORE_RENAME='\(marker)'")
        #expect(eventually { FileManager.default.fileExists(atPath: marker) }, "the snapshot never staged its file")
        let temporary = dir + "/.pricing.json.tmp-\(process.pid)"
        // The temporary file is complete (the new version in it) and the catalog is untouched.
        let staged = try String(contentsOfFile: temporary, encoding: .utf8)
        #expect(staged.contains("gateway-2026-01-02T00:00:00Z"))
        #expect(try Data(contentsOf: URL(fileURLWithPath: catalog)) == before)

        kill(process.pid, SIGKILL)
        let killed = process.wait()
        #expect(!killed.exited && killed.status == SIGKILL)

        // The catalog's bytes are as they were; nothing else is under its name.
        #expect(try Data(contentsOf: URL(fileURLWithPath: catalog)) == before)
        #expect(!killed.out.contains("appended"))
        let names = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(names.filter { $0.hasPrefix("pricing.json") } == ["pricing.json"])
        // SIGKILL runs no handler: the temporary file stays (documented) ...
        #expect(names.contains(".pricing.json.tmp-\(process.pid)"))

        // ... and the next snapshot removes it, even one that finds nothing to append ...
        let unchanged = runRecount([
            "prices", "snapshot", "--settings", Self.settings, "--catalog", catalog, "--effective-from",
            "2026-01-02T00:00:00Z",
        ])
        #expect(unchanged.status == 0 && unchanged.out == "unchanged\n", "\(unchanged.err)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }.isEmpty)
        #expect(try Data(contentsOf: URL(fileURLWithPath: catalog)) == before)

        // ... and the change the killed one did not record is appended by the next run.
        let again = runRecount([
            "prices", "snapshot", "--settings", changed, "--catalog", catalog, "--effective-from",
            "2026-01-02T00:00:00Z",
        ])
        #expect(again.status == 0, "\(again.err)")
        #expect(again.out == "appended version gateway-2026-01-02T00:00:00Z\n")
        let after = try FileManager.default.contentsOfDirectory(atPath: dir)
        #expect(after.filter { $0.contains(".tmp-") }.isEmpty)
    }
}
