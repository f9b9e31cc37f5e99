import Foundation
import Testing

/// `recount prices import` / `recount prices snapshot` end to end (SPEC §2.7, §5).
@Suite struct PricesGatewayCommandTests {
    static let settings = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/gateway/new-api-settings.json").path

    static func directory() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recount-gw-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func importWritesACatalogThatChecksClean() throws {
        let dir = try Self.directory()
        let out = dir + "/pricing.json"
        let run = runRecount([
            "prices", "import", "--settings", Self.settings, "--out", out, "--effective-from", "2026-01-01T00:00:00Z",
            "--unit", "points", "--per-currency", "10000", "--currency", "CNY", "--topup-rate", "7.3",
        ])
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out == "wrote \(out) with version gateway-2026-01-01T00:00:00Z\n")
        // GroupGroupRatio cannot be expressed per using group: said on stderr, not fatal.
        #expect(run.err.contains("warning: GroupGroupRatio"))
        let text = try String(contentsOfFile: out, encoding: .utf8)
        #expect(text.contains(#""site": {"#) && text.contains(#""topup_rate": "7.3""#))
        #expect(runRecount(["prices", "check", out]).status == 0)
    }

    /// `prices snapshot --settings SETTINGS --catalog CATALOG [--effective-from FROM]`.
    func snapshot(_ settings: String, _ catalog: String, from: String? = nil) -> CapturedRun {
        runRecount(
            ["prices", "snapshot", "--settings", settings, "--catalog", catalog]
                + (from.map { ["--effective-from", $0] } ?? []))
    }

    /// The fixture's settings with another `GroupRatio`, written into `dir`: the operator's change.
    func settings(groups: String, in dir: String) throws -> String {
        var options = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.settings)))
                as? [String: Any])
        options["GroupRatio"] = groups
        let changed = dir + "/settings-2.json"
        try JSONSerialization.data(withJSONObject: options).write(to: URL(fileURLWithPath: changed))
        return changed
    }

    func versions(_ catalog: String) throws -> [[String: Any]] {
        let root = try #require(
            try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: catalog))) as? [String: Any])
        return try #require(root["versions"] as? [[String: Any]])
    }

    @Test func snapshotTwiceWithNoChangeAppendsNothingAndAChangeAppendsOne() throws {
        let dir = try Self.directory()
        let catalog = dir + "/pricing.json"
        let first = snapshot(Self.settings, catalog, from: "2026-01-01T00:00:00Z")
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out == "appended version gateway-2026-01-01T00:00:00Z\n")
        let before = try Data(contentsOf: URL(fileURLWithPath: catalog))

        let second = snapshot(Self.settings, catalog, from: "2026-01-02T00:00:00Z")
        #expect(second.status == 0)
        #expect(second.out == "unchanged\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: catalog)) == before)

        // The operator adds a group: exactly one version is appended.
        let changed = try settings(groups: #"{"default": 1, "vip": 1, "svip": 1, "cheap": 0.5}"#, in: dir)
        let third = snapshot(changed, catalog, from: "2026-01-03T00:00:00Z")
        #expect(third.status == 0, "\(third.err)")
        #expect(third.out == "appended version gateway-2026-01-03T00:00:00Z\n")
        #expect(snapshot(changed, catalog, from: "2026-01-04T00:00:00Z").out == "unchanged\n")
        #expect(
            try versions(catalog).map { $0["id"] as? String } == [
                "gateway-2026-01-01T00:00:00Z", "gateway-2026-01-03T00:00:00Z",
            ])
        // No temporary file is left beside the catalog.
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.contains(".tmp-") }.isEmpty)
    }

    /// The platform's zone survives: a version written at `+08:00` stays at `+08:00` (its offset
    /// is reconcile's default day boundary), and a later snapshot taken "now" is written in that
    /// offset too rather than in UTC.
    @Test func theCatalogKeepsThePlatformsOffset() throws {
        let dir = try Self.directory()
        let catalog = dir + "/pricing.json"
        let first = snapshot(Self.settings, catalog, from: "2024-02-01T00:00:00+08:00")
        #expect(first.out == "appended version gateway-2024-02-01T00:00:00+08:00\n", "\(first.err)")
        let now = snapshot(try settings(groups: #"{"default": 1, "vip": 2}"#, in: dir), catalog)
        #expect(now.status == 0, "\(now.err)")
        let starts = try versions(catalog).compactMap { $0["effective_from"] as? String }
        #expect(starts.count == 2 && starts[0] == "2024-02-01T00:00:00+08:00", "\(starts)")
        #expect(starts.last?.hasSuffix("+08:00") == true, "\(starts)")
        #expect(now.out == "appended version gateway-\(starts.last ?? "")\n")
    }

    @Test func usageAndUnavailableSources() throws {
        let dir = try Self.directory()
        #expect(runRecount(["prices", "import", "--settings", Self.settings]).status == 64)
        #expect(
            runRecount([
                "prices", "import", "--settings", Self.settings, "--gateway-db", "postgres://x", "--out",
                dir + "/c.json",
            ]).status == 64)
        #expect(runRecount(["prices", "snapshot", "--settings", Self.settings, "--out", dir + "/c.json"]).status == 64)
        #expect(
            runRecount(["prices", "import", "--settings", Self.settings, "--out", dir + "/c.json", "--unit", "points"])
                .status == 64)
        #expect(
            runRecount(["prices", "import", "--settings", dir + "/missing.json", "--out", dir + "/c.json"]).status == 66
        )
        // A password in the URL is refused (64) without repeating it; an unreachable server is 69.
        let database = runRecount([
            "prices", "import", "--gateway-db", "mysql://u:secret@db/oneapi", "--out", dir + "/c.json",
        ])
        #expect(database.status == 64)
        #expect(!database.err.contains("secret"))
        let closed = runRecount([
            "prices", "import", "--gateway-db", "postgres://u@127.0.0.1:1/oneapi?connect_timeout=2", "--out",
            dir + "/c.json",
        ])
        #expect(closed.status == 69)
        #expect(closed.err.contains("postgres://u@127.0.0.1:1/oneapi"))
        #expect(
            runRecount([
                "prices", "import", "--settings", Self.settings, "--db-password-file", "x", "--out", dir + "/c.json",
            ]).status == 64)
        let bad = dir + "/bad.json"
        try #"{"ModelRatio": "{\"gpt-4o\": \"1.25\"}"}"#.write(toFile: bad, atomically: true, encoding: .utf8)
        let badRun = runRecount(["prices", "import", "--settings", bad, "--out", dir + "/c.json"])
        #expect(badRun.status == 65)
        #expect(badRun.err.contains(#"ModelRatio["gpt-4o"]: expected a number, found string"#))
    }
}
