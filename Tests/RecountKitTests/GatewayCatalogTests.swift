import Foundation
import Testing

@testable import RecountKit

/// `prices import` / `prices snapshot` (SPEC §2.7): new-api's settings → a catalog that prices
/// as the gateway does. The fixture is an `options` export with the gateway's own default
/// ratio tables (a subset of `setting/ratio_setting/*.go`); the hand-written catalog states the
/// same prices in list style, worked by hand from the gateway's rules.
@Suite struct GatewayCatalogTests {
    static func fixture(_ name: String) -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gateway/\(name)")
        return Array(FileManager.default.contents(atPath: url.path) ?? Data())
    }

    static let from = Timestamp(rfc3339: "2026-01-01T00:00:00Z")!

    func imported() throws -> PriceCatalog {
        let settings = try GatewaySettings.parse(Self.fixture("new-api-settings.json"), source: "new-api-settings.json")
        let (bytes, _, _) = try GatewayCatalog.document(
            settings, options: GatewayImportOptions(effectiveFrom: Self.from))
        return try PriceCatalog.parse(bytes, source: "imported")
    }

    struct Sample: Sendable, CustomStringConvertible {
        let model: String
        let usage: ChargeUsage
        /// Worked by hand from the gateway's formula, in quota.
        let quota: Int
        var description: String { model }
    }

    static func u(
        _ prompt: Int, _ cached: Int, _ completion: Int, _ configure: (inout ChargeUsage) -> Void = { _ in }
    ) -> ChargeUsage {
        var usage = ChargeUsage(promptTokens: prompt, cachedPromptTokens: cached, completionTokens: completion)
        configure(&usage)
        return usage
    }

    static let samples: [Sample] = [
        // (600 + 400 × 0.5 + 200 × 4) × 1.25 = 1600 × 1.25 = 2000.
        Sample(model: "gpt-4o", usage: u(1000, 400, 200), quota: 2000),
        // (1000 + 500 × 4) × 0.075 = 225.
        Sample(model: "gpt-4o-mini", usage: u(1000, 0, 500), quota: 225),
        // 1 × 0.075 = 0.075 → 0 → the floor of 1.
        Sample(model: "gpt-4o-mini", usage: u(1, 0, 0), quota: 1),
        // Completion ratio locked at 3 for this snapshot: (100 + 100 × 3) × 2.5 = 1000.
        Sample(model: "gpt-4o-2024-05-13", usage: u(100, 0, 100), quota: 1000),
        // Locked completion 5 (the option's 3 is ignored); writes 1000 × 1.25 + 2000 × 2:
        // (100 + 1250 + 4000 + 10 × 5) × 1.5 = 5400 × 1.5 = 8100.
        Sample(
            model: "claude-3-7-sonnet-20250219",
            usage: u(3100, 0, 10) {
                $0.cacheWrite5mTokens = 1000; $0.cacheWrite1hTokens = 2000
            }, quota: 8100),
        // Ratio 0.27 / 2 = 0.135; option completion 4; cache 0.25:
        // (2000 + 8000 × 0.25 + 1000 × 4) × 0.135 = 8000 × 0.135 = 1080.
        Sample(model: "deepseek-chat", usage: u(10000, 8000, 1000), quota: 1080),
        // (100 + 1000 × 2 + 50 × 8) × 2.5 = 6250.
        Sample(model: "gpt-image-1", usage: u(1100, 0, 50) { $0.imageTokens = 1000 }, quota: 6250),
        // Audio ratio 16, audio completion ratio unlisted for this name (the table has
        // "gpt-4o-realtime"), so 1: 100 × 1.25 + 200 × 1.25 × 16 + 50 × 1.25 × 4 + 300 × 1.25 × 16
        // = 125 + 4000 + 250 + 6000 = 10375.
        Sample(
            model: "gpt-4o-audio-preview",
            usage: u(300, 0, 350) {
                $0.audioInputTokens = 200; $0.audioOutputTokens = 300
            }, quota: 10375),
        // In this gateway version the `gpt-` branch of getHardcodedCompletionModelRatio returns
        // (2, unlocked) before its `gpt-3.5` rule (3, locked) is reached, and the option has no
        // entry: completion 2. (1000 + 1000 × 2) × 0.25 = 750.
        Sample(model: "gpt-3.5-turbo", usage: u(1000, 0, 1000), quota: 750),
        // Completion 2.5 / 0.3 = 8.333333333333334 (float64): (1000 + 8333.333333333334) × 0.15
        // = 1400.0000000000001 → 1400.
        Sample(model: "gemini-2.5-flash", usage: u(1000, 0, 1000), quota: 1400),
        // ModelPrice $0.04 per call: 20000 whatever the tokens.
        Sample(model: "dall-e-3", usage: u(50, 0, 0), quota: 20000),
        // ModelPrice wins over ModelRatio for gpt-4-gizmo-*: $0.1 → 50000.
        Sample(model: "gpt-4-gizmo-g-abc123", usage: u(500, 0, 500), quota: 50000),
    ]

    @Test(arguments: samples)
    func importedCatalogPricesAsTheGatewayAndAsTheHandWrittenCatalog(sample: Sample) throws {
        let imported = try imported()
        let hand = try PriceCatalog.parse(
            Self.fixture("hand-written-catalog.json"), source: "hand-written-catalog.json")
        let at = "2026-06-01T00:00:00Z"
        let mine = try charge(sample.usage, model: sample.model, at: at, in: imported)
        let theirs = try charge(sample.usage, model: sample.model, at: at, in: hand)
        #expect(mine.charge == Rational(sample.quota))
        #expect(theirs.charge == Rational(sample.quota))
    }

    @Test func importedEntriesFollowTheGatewaysLookups() throws {
        let version = try imported().versions[0]
        let gizmo = try #require(version.price(forModel: "gpt-4-gizmo-x"))
        let tenCents = try Rational(parsing: "0.1")
        #expect(gizmo.key == "gpt-4-gizmo-*")
        #expect(gizmo.price.perRequest == tenCents)
        // Hard-coded locked completion ratio 5 beats the option's 3: output = 1.5 × 5 / 500000 per token.
        let claude = try #require(version.price(forModel: "claude-3-7-sonnet-20250219")?.price)
        let output = try Rational(parsing: "7.5").divided(by: Rational(500_000))
        #expect(claude.outputPerToken == output)
        #expect(version.rounding == .half_away_from_zero && version.minimumCharge == Rational(1))
        #expect(version.groups == ["default": .one, "vip": .one, "svip": .one])
        #expect(version.price(forModel: "no-such-model") == nil)
    }

    @Test func settingsShapesReadTheSame() throws {
        // The options rows as (key, value), the /api/option/ answer, and objects instead of JSON text.
        let rows = try GatewaySettings(
            optionRows: [("ModelRatio", #"{"gpt-4o": 1.25}"#), ("GroupRatio", #"{"default": 1}"#), ("Theme", "dark")],
            source: "db")
        let api = try GatewaySettings.parse(
            Array(
                #"{"success": true, "message": "", "data": [{"key": "ModelRatio", "value": "{\"gpt-4o\": 1.25}"}, {"key": "GroupRatio", "value": "{\"default\": 1}"}]}"#
                    .utf8), source: "api")
        let objects = try GatewaySettings.parse(
            Array(#"{"ModelRatio": {"gpt-4o": 1.25}, "GroupRatio": {"default": 1}}"#.utf8), source: "file")
        let sqlite = try GatewaySettings.parse(
            Array(
                #"[{"key": "ModelRatio", "value": "{\"gpt-4o\": 1.25}"}, {"key": "GroupRatio", "value": "{\"default\": 1}"}]"#
                    .utf8), source: "sqlite3 -json")
        #expect(rows == api && api == objects && objects == sqlite)
        #expect(rows.modelRatio["gpt-4o"] == (try Rational(parsing: "1.25")))
    }

    @Test(arguments: [
        (#"{"ModelRatio": "{not json"}"#, "ModelRatio", "not JSON"),
        (#"{"ModelRatio": "{\"gpt-4o\": \"1.25\"}"}"#, #"ModelRatio["gpt-4o"]"#, "expected a number, found string"),
        (#"{"ModelRatio": "{\"gpt-4o\": -1}"}"#, #"ModelRatio["gpt-4o"]"#, "negative value -1"),
        (#"{"GroupRatio": 3}"#, "GroupRatio", "expected JSON text or an object, found number"),
        (#"{"GroupGroupRatio": "{\"vip\": 0.9}"}"#, #"GroupGroupRatio["vip"]"#, "expected an object of group → ratio"),
        (#"[1]"#, "[0]", "expected {\"key\": …, \"value\": …}"),
        ("nope", "", "not JSON"),
    ])
    func badSettingsNameTheOption(text: String, path: String, reason: String) throws {
        do {
            _ = try GatewaySettings.parse(Array(text.utf8), source: "s.json")
            Issue.record("expected an error")
        } catch {
            #expect(error.path == path)
            #expect(error.reason.hasPrefix(reason), "\(error.reason)")
        }
    }

    @Test func snapshotAppendsOnlyWhenTheSettingsChange() throws {
        let settings = try GatewaySettings.parse(Self.fixture("new-api-settings.json"), source: "s")
        let first = try GatewayCatalog.snapshot(
            existing: nil, source: "c", settings: settings, options: .init(effectiveFrom: Self.from))
        guard case .appended(let id, let bytes) = first.result else { Issue.record("expected a new catalog"); return }
        #expect(id == "gateway-2026-01-01T00:00:00Z")
        // Same settings a day later: nothing to add.
        let day2 = Timestamp(rfc3339: "2026-01-02T00:00:00Z")!
        let again = try GatewayCatalog.snapshot(
            existing: bytes, source: "c", settings: settings, options: .init(effectiveFrom: day2))
        #expect(again.result == .unchanged(latest: id))
        // gpt-4o's ratio changes: exactly one version appended, the old one kept.
        var changed = settings
        changed.modelRatio["gpt-4o"] = try Rational(parsing: "1.5")
        let third = try GatewayCatalog.snapshot(
            existing: bytes, source: "c", settings: changed, options: .init(effectiveFrom: day2))
        guard case .appended(let newID, let newBytes) = third.result else {
            Issue.record("expected an appended version"); return
        }
        #expect(newID == "gateway-2026-01-02T00:00:00Z")
        let catalog = try PriceCatalog.parse(newBytes, source: "c")
        #expect(catalog.versions.map(\.id) == [id, newID])
        // (1000 + 0) × 1.25 = 1250 on day 1, × 1.5 = 1500 on day 2.
        let usage = ChargeUsage(promptTokens: 1000)
        #expect(try charge(usage, model: "gpt-4o", at: "2026-01-01T12:00:00Z", in: catalog).charge == Rational(1250))
        #expect(try charge(usage, model: "gpt-4o", at: "2026-01-02T12:00:00Z", in: catalog).charge == Rational(1500))
        // And after that, unchanged again.
        let fourth = try GatewayCatalog.snapshot(
            existing: newBytes, source: "c", settings: changed,
            options: .init(effectiveFrom: Timestamp(rfc3339: "2026-01-03T00:00:00Z")!))
        #expect(fourth.result == .unchanged(latest: newID))
        // A change dated before the latest version is refused.
        #expect(throws: GatewayImportError.self) {
            _ = try GatewayCatalog.snapshot(
                existing: newBytes, source: "c", settings: settings, options: .init(effectiveFrom: Self.from))
        }
    }

    @Test func siteUnitIsRecorded() throws {
        // A points site: 10,000 points per CNY, ¥7.3 paid per $1 of quota.
        let site = PriceCatalog.SiteUnit(
            name: "points", currency: "CNY", perCurrency: Rational(10_000), topupRate: try Rational(parsing: "7.3"))
        let settings = try GatewaySettings.parse(Array(#"{"ModelRatio": {"gpt-4o": 1.25}}"#.utf8), source: "s")
        let (bytes, _, _) = try GatewayCatalog.document(settings, options: .init(effectiveFrom: Self.from, site: site))
        let catalog = try PriceCatalog.parse(bytes, source: "c")
        #expect(catalog.unit.site == site)
        // 2000 quota = $0.004 → ¥0.0292 → 292 points.
        let points = try site.amount(ofLedgerUnits: Rational(2000), ledger: catalog.unit)
        let yuan = try site.money(ofLedgerUnits: Rational(2000), ledger: catalog.unit)
        #expect(points == Rational(292))
        #expect(yuan == (try Rational(parsing: "0.0292")))
    }

    /// A `…search-preview` model's web search surcharge is in the gateway's code, not its
    /// settings: the import says so instead of leaving those requests silently unpriced.
    @Test func searchPreviewModelsAreWarnedAbout() throws {
        let settings = try GatewaySettings.parse(
            Array(#"{"ModelRatio": "{\"gpt-4o-mini-search-preview\": 0.075, \"gpt-4o\": 1.25}"}"#.utf8),
            source: "settings.json")
        let (_, warnings) = try GatewayCatalog.version(settings, effectiveFrom: Self.from)
        let search = warnings.filter { $0.contains("web search surcharge") }
        #expect(search.count == 1 && search[0].hasPrefix("gpt-4o-mini-search-preview: "), "\(warnings)")
        let plain = try GatewaySettings.parse(Array(#"{"ModelRatio": "{\"gpt-4o\": 1.25}"}"#.utf8), source: "s")
        #expect(try GatewayCatalog.version(plain, effectiveFrom: Self.from).warnings.isEmpty)
    }
}
