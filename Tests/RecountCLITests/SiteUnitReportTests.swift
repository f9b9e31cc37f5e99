import Foundation
import Testing

/// Reports in the site's unit (`unit.site`) and `--also-currency` (SPEC §4.1), end to end.
///
/// Every expected figure is worked by hand from the documented formulas:
///   site units = units / unit.per_currency × topup_rate × site.per_currency
///   money      = units / unit.per_currency (× topup_rate for the site's currency,
///                / exchange_rates[CUR] for another)
/// each rounded once, half away from zero, to 0 decimals (points) or the currency's ISO 4217
/// minor unit (money: 2 for CNY and USD, 0 for JPY, 3 for KWD).
@Suite struct SiteUnitReportTests {
    /// A one-api quota ledger (500,000 = $1) under a site that sells points (1 CNY = 10,000)
    /// at ¥`topup` per $1; model `m` costs a fixed $2 a request = 1,000,000 quota.
    static func catalog(topup: String, rates: String = "") -> String {
        """
        {"schema": "recount.pricing/1",
         "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0,
                  "site": {"name": "points", "currency": "CNY", "per_currency": "10000", "topup_rate": "\(topup)"}},
         "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "half_away_from_zero",
           \(rates)"models": {"m": {"per_request": "2"}}}]}
        """
    }

    /// Billed 1,234,567 quota for a request that costs 1,000,000: overcharged by 234,567.
    static let overcharged = cliLine("r1", amount: "1234567")

    /// The CSV's rows as header → value, by request id (or the first column).
    func table(_ text: String) throws -> [[String: String]] {
        let rows = parseCSV(text)
        let header = try #require(rows.first)
        return rows.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    @Test func siteUnitAndCNYAtTheTopupRate() throws {
        let f = try CLIFixture()
        try f.standard([Self.overcharged], catalog: Self.catalog(topup: "7.3"))
        let run = f.reconcile(["--also-currency", "CNY"])
        #expect(run.status == 0, "\(run.err)")
        // points: 1234567 / 500000 × 7.3 × 10000 = 1234567 × 0.146 = 180,246.782 → 180,247
        //         1000000 × 0.146 = 146,000;  delta 234567 × 0.146 = 34,246.782 → 34,247
        // CNY:    1234567 / 500000 × 7.3 = 18.0246782 → 18.02;  1000000 → 14.60;
        //         234567 / 500000 × 7.3 = 3.4246782 → 3.42
        let row = try #require(try table(f.read("discrepancies.csv")).first)
        #expect(row["recorded_amount"] == "1234567" && row["delta"] == "234567")
        #expect(row["site_unit"] == "points")
        #expect(row["recorded_site"] == "180247")
        #expect(row["expected_site"] == "146000")
        #expect(row["delta_site"] == "34247")
        #expect(row["credit_site"] == "34247")
        #expect(row["money_currency"] == "CNY")
        #expect(row["recorded_money"] == "18.02")
        #expect(row["expected_money"] == "14.60")
        #expect(row["delta_money"] == "3.42")
        #expect(row["credit_money"] == "3.42")

        // credits.csv: what finance pays out, the site-unit amount next to the ledger's.
        let credit = try #require(try table(f.read("credits.csv")).first)
        #expect(credit["amount"] == "234567" && credit["unit"] == "quota")
        #expect(credit["site_amount"] == "34247" && credit["site_unit"] == "points")
        #expect(credit["money_amount"] == "3.42" && credit["money_currency"] == "CNY")
        let jsonl = try #require(
            try JSONSerialization.jsonObject(with: Data(f.read("credits.jsonl").utf8)) as? [String: Any])
        #expect(jsonl["site_amount"] as? String == "34247" && jsonl["money_amount"] as? String == "3.42")

        let account = try #require(try table(f.read("accounts.csv")).first)
        #expect(account["recorded_site"] == "180247" && account["over_site"] == "34247")
        #expect(account["credits_money"] == "3.42")

        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as? [String: Any])
        let site = try #require(summary["site_unit"] as? [String: Any])
        #expect(site["name"] as? String == "points" && site["topup_rate"] as? String == "7.3")
        // 7.3 × 10000 / 500000 = 0.146 points per quota
        #expect(site["per_ledger_unit"] as? String == "0.146")
        #expect(site["rounding"] as? String == "half_away_from_zero" && site["scale"] as? Int == 0)
        let siteTotals = try #require(site["totals"] as? [String: String])
        #expect(
            siteTotals == ["recorded": "180247", "expected": "146000", "net_delta": "34247", "credits_issued": "34247"])
        let money = try #require(summary["also_currency"] as? [String: Any])
        // 7.3 / 500000 = 0.0000146 CNY per quota
        #expect(money["name"] as? String == "CNY" && money["per_ledger_unit"] as? String == "0.0000146")
        #expect((money["totals"] as? [String: String])?["recorded"] == "18.02")

        // The summary line: the credits in each unit.
        #expect(run.out.contains("1 credit = 234567 quota (= 34247 points = 3.42 CNY)"), "\(run.out)")

        // report.html: the table's extra columns and the cards' converted lines.
        let html = try f.read("report.html")
        #expect(html.contains("recorded (points)") && html.contains("180,247 points"))
        #expect(html.contains("× 7.3 (topup_rate, CNY per USD) × 10000 (points per CNY), rounded half_away_from_zero"))
        // The accounts table: recorded, expected and credits in points and in CNY, as accounts.csv.
        #expect(html.contains(#""label":"credits (points)""#) && html.contains(#""label":"credits (CNY)""#))
        let rows = try #require(html.components(separatedBy: #"id="account-rows">"#).dropFirst().first)
        let accounts = try #require(
            try JSONSerialization.jsonObject(with: Data(rows.prefix { $0 != "<" }.utf8)) as? [[String]])
        #expect(
            accounts == [
                [
                    "alice", "1", "1234567", "1000000", "234567", "0", "234567", "180247", "146000", "34247", "18.02",
                    "14.60", "3.42",
                ]
            ])
    }

    @Test func theLedgerCurrencyAndAnExchangeRate() throws {
        let f = try CLIFixture()
        try f.standard(
            [Self.overcharged], catalog: Self.catalog(topup: "7.3", rates: #""exchange_rates": {"EUR": "1.08"}, "#))
        // USD, the ledger's own currency: 1234567 / 500000 = 2.469134 → 2.47; 234567 / 500000 = 0.469134 → 0.47
        #expect(f.reconcile(["--also-currency", "usd"]).status == 0)
        var row = try #require(try table(f.read("discrepancies.csv")).first)
        #expect(row["money_currency"] == "USD" && row["recorded_money"] == "2.47" && row["expected_money"] == "2.00")
        #expect(row["delta_money"] == "0.47")
        #expect(row["recorded_site"] == "180247")  // the site's unit is there anyway

        // EUR through exchange_rates (USD per EUR): 2.469134 / 1.08 = 2.28623… → 2.29;
        // 0.469134 / 1.08 = 0.43438… → 0.43
        #expect(f.reconcile(["--also-currency", "EUR"]).status == 0)
        row = try #require(try table(f.read("discrepancies.csv")).first)
        #expect(row["money_currency"] == "EUR" && row["recorded_money"] == "2.29" && row["delta_money"] == "0.43")
        let summary = try f.read("summary.json")
        #expect(summary.contains("exchange_rates.EUR of version v1"))
    }

    @Test func moneyHasItsCurrencysMinorUnit() throws {
        let f = try CLIFixture()
        try f.standard(
            [Self.overcharged],
            catalog: Self.catalog(topup: "7.3", rates: #""exchange_rates": {"JPY": "0.0064", "KWD": "3.25"}, "#))
        // JPY (ISO 4217: no minor unit), 0.0064 USD per yen: 2.469134 / 0.0064 = 385.8021… → 386;
        // 2 / 0.0064 = 312.5 → 313 (half away from zero); 0.469134 / 0.0064 = 73.3021… → 73
        #expect(f.reconcile(["--also-currency", "JPY"]).status == 0)
        var row = try #require(try table(f.read("discrepancies.csv")).first)
        #expect(row["recorded_money"] == "386" && row["expected_money"] == "313" && row["delta_money"] == "73")
        // KWD (three decimals), 3.25 USD per dinar: 2.469134 / 3.25 = 0.759733… → 0.760;
        // 2 / 3.25 = 0.615384… → 0.615; 0.469134 / 3.25 = 0.144348… → 0.144
        #expect(f.reconcile(["--also-currency", "KWD"]).status == 0)
        row = try #require(try table(f.read("discrepancies.csv")).first)
        #expect(row["recorded_money"] == "0.760" && row["expected_money"] == "0.615" && row["delta_money"] == "0.144")
    }

    @Test func aDollarForAYuanPromotion() throws {
        // "$1 = ¥1": topup_rate 1, so a point is 1/10000 of the CNY a $ of quota cost:
        // 0.02 points per quota.
        let f = try CLIFixture()
        try f.standard(
            [Self.overcharged, cliLine("r2", amount: "999975")], catalog: Self.catalog(topup: "1"))
        #expect(f.reconcile(["--all-rows", "--also-currency", "CNY"]).status == 0)
        let rows = Dictionary(
            uniqueKeysWithValues: try table(f.read("discrepancies.csv")).map { ($0["request_id"] ?? "", $0) })
        // r1: 1234567 × 0.02 = 24,691.34 → 24,691; 1000000 → 20,000; 234567 × 0.02 = 4,691.34 → 4,691
        //     CNY 1234567 / 500000 × 1 = 2.469134 → 2.47
        #expect(rows["r1"]?["recorded_site"] == "24691" && rows["r1"]?["expected_site"] == "20000")
        #expect(rows["r1"]?["delta_site"] == "4691" && rows["r1"]?["recorded_money"] == "2.47")
        // r2: billed 999,975 of 1,000,000 (undercharged by 25). Each figure is rounded on its own,
        // half away from zero: 999975 × 0.02 = 19,999.5 → 20,000; delta −25 × 0.02 = −0.5 → −1
        // (so here recorded_site − expected_site = 0 while delta_site = −1: documented).
        #expect(rows["r2"]?["recorded_site"] == "20000" && rows["r2"]?["expected_site"] == "20000")
        #expect(rows["r2"]?["delta_site"] == "-1")
        // CNY: −25 / 500000 = −0.00005 → 0.00 (a zero has no sign)
        #expect(rows["r2"]?["delta_money"] == "0.00")
    }

    @Test func aCurrencyTheCatalogCannotConvertToIsAUsageError() throws {
        let f = try CLIFixture()
        try f.standard([Self.overcharged], catalog: Self.catalog(topup: "7.3"))
        let run = f.reconcile(["--also-currency", "EUR"])
        #expect(run.status == 64)
        // It names the currency, what the catalog can convert to, and what is missing.
        #expect(run.err.contains("--also-currency EUR"))
        #expect(run.err.contains("USD") && run.err.contains("CNY") && run.err.contains("exchange_rates"))
        #expect(!FileManager.default.fileExists(atPath: f.out + "/summary.json"))
        #expect(f.reconcile(["--also-currency", "EURO"]).status == 64)
        let statement = runRecount(["statement", "alice", f.input, "--out", f.out, "--also-currency", "EUR"])
        #expect(statement.status == 64)
        let explain = runRecount(["explain", "r1", f.input, "--also-currency", "EUR"])
        #expect(explain.status == 64)
    }

    @Test func aStatementInPointsAddsUp() throws {
        let f = try CLIFixture()
        try f.standard(
            [Self.overcharged, cliLine("r2", amount: "999975")], catalog: Self.catalog(topup: "1"))
        let run = runRecount(["statement", "alice", f.input, "--out", f.out, "--also-currency", "CNY"])
        #expect(run.status == 0, "\(run.err)")
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: f.out).first { $0.hasSuffix(".csv") })
        let rows = parseCSV(try f.read(name))
        let header = try #require(rows.first)
        #expect(
            header.suffix(8) == [
                "charged (points)", "recomputed (points)", "difference (points)", "credit (points)",
                "charged (CNY)", "recomputed (CNY)", "difference (CNY)", "credit (CNY)",
            ])
        // r1 then r2 (by time, then id), then TOTAL — the sum of the rounded figures above:
        // charged 24,691 + 20,000 = 44,691; recomputed 20,000 + 20,000 = 40,000;
        // difference 4,691 + (−1) = 4,690; credit 4,691 (r2 has none).
        #expect(rows[1].suffix(8).prefix(4) == ["24691", "20000", "4691", "4691"])
        #expect(rows[2].suffix(8).prefix(4) == ["20000", "20000", "-1", ""])
        #expect(rows[3].suffix(8).prefix(4) == ["44691", "40000", "4690", "4691"])
        // CNY: 2.47 + 2.00 (999975 / 500000 = 1.99995 → 2.00) = 4.47
        #expect(rows[3].suffix(4).first == "4.47")
        // The page's cards say the same totals as the TOTAL row.
        let page = try f.read(name.replacingOccurrences(of: ".csv", with: ".html"))
        #expect(page.contains("recorded debits · 44,691 points · 4.47 CNY"))
        // Row r2's difference (−1) is not its charged minus recomputed (0): the page says why.
        #expect(page.contains("Each figure in points, CNY is converted from the exact figure and rounded on its own"))
        // The credit: 4,691 points; 234567 / 500000 × 1 = 0.469134 → 0.47 CNY.
        #expect(run.out.contains("(= 4691 points = 0.47 CNY)"), "\(run.out)")
    }

    @Test func explainShowsTheSiteUnitAndTheCurrency() throws {
        let f = try CLIFixture()
        try f.standard([Self.overcharged], catalog: Self.catalog(topup: "7.3"))
        let text = runRecount(["explain", "r1", f.input, "--also-currency", "CNY"])
        #expect(text.status == 0, "\(text.err)")
        #expect(text.out.contains("1234567 quota (= 180247 points = 18.02 CNY)"), "\(text.out)")
        let json = runRecount(["explain", "r1", f.input, "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.out.utf8)) as? [String: Any])
        let site = try #require(object["site_unit"] as? [String: Any])
        #expect(site["recorded"] as? String == "180247" && site["delta"] as? String == "34247")
        #expect(object["also_currency"] == nil)
    }

    @Test func shardsWithTheSiteUnitAndACurrencyMergeIntoOneRun() throws {
        let f = try CLIFixture()
        let lines = (1...6).map { cliLine("r\($0)", account: "acct\($0)", amount: String(1_000_000 + $0 * 12_345)) }
        try f.standard(lines, catalog: Self.catalog(topup: "7.3"))
        let single = f.reconcile(["--also-currency", "CNY"], out: f.path("single"))
        #expect(single.status == 0, "\(single.err)")
        for k in 0..<2 {
            let shard = f.reconcile(["--also-currency", "CNY", "--shard", "\(k)/2"], out: f.path("s\(k)"))
            #expect(shard.status == 0, "\(shard.err)")
        }
        let merge = runRecount(["merge", f.path("s0"), f.path("s1"), "--out", f.path("merged")])
        #expect(merge.status == 0, "\(merge.err)")
        #expect(try f.files(in: f.path("merged")) == (try f.files(in: f.path("single"))))
        #expect(try f.read("credits.csv", in: f.path("merged")).contains("money_currency"))
        // A shard shown in another currency is not part of the same run.
        #expect(f.reconcile(["--also-currency", "USD", "--shard", "1/2"], out: f.path("s1")).status == 0)
        #expect(runRecount(["merge", f.path("s0"), f.path("s1"), "--out", f.path("m2")]).status == 65)
    }

    /// `a / b` rounded half away from zero, in integers: the test's own rounding, independent
    /// of Recount's `Rational`.
    static func roundHalfAway(_ a: Int, _ b: Int) -> Int {
        let q = (2 * abs(a) + b) / (2 * b)
        return a < 0 ? -q : q
    }

    /// Cents as a 2-decimal text (`1802` → `18.02`).
    static func cents(_ value: Int) -> String {
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        return sign + String(magnitude / 100) + "." + (magnitude % 100 < 10 ? "0" : "") + String(magnitude % 100)
    }

    /// `prices import` with a site unit, then `reconcile` of the realistic sample's gateway day
    /// (`recount sample --profile realistic`, `DIR/gateway/`): every row shows its quota in
    /// points and CNY by the formula, worked here in integers.
    @Test func importedSiteUnitOnTheRealisticGatewayDay() throws {
        let f = try CLIFixture()
        let sample = runRecount([
            "sample", "--records", "300", "--seed", "7", "--profile", "realistic", "--out", f.input, "--jobs", "1",
        ])
        #expect(sample.status == 0, "\(sample.err)")
        // The gateway's ratio settings, as its options table holds them (the day's own ratios).
        let settings = try f.write(
            "settings.json",
            """
            {"ModelRatio": {"gpt-4o-mini": 0.075, "gpt-4o": 1.25, "gpt-4.1": 1, "deepseek-chat": 0.135,
                            "claude-3-5-sonnet-20241022": 1.5, "gpt-image-1": 2.5, "gpt-4o-audio-preview": 1.25},
             "CompletionRatio": {"gpt-4o-mini": 4, "gpt-4o": 4, "gpt-4.1": 4, "deepseek-chat": 2,
                                 "claude-3-5-sonnet-20241022": 5, "gpt-image-1": 8, "gpt-4o-audio-preview": 4},
             "CacheRatio": {"gpt-4o-mini": 0.5, "gpt-4o": 0.5, "gpt-4.1": 0.25, "deepseek-chat": 0.1,
                            "claude-3-5-sonnet-20241022": 0.1},
             "CreateCacheRatio": {"claude-3-5-sonnet-20241022": 1.25}, "ImageRatio": {"gpt-image-1": 2},
             "AudioRatio": {"gpt-4o-audio-preview": 16}, "AudioCompletionRatio": {"gpt-4o-audio-preview": 2},
             "ModelPrice": {"dall-e-3": 0.04, "kling-v1-6": 0.35},
             "GroupRatio": {"default": 1, "vip": 0.8, "svip": 0.6}}
            """)
        let catalog = f.path("imported.json")
        let imported = runRecount([
            "prices", "import", "--settings", settings, "--out", catalog, "--effective-from",
            "2024-02-01T00:00:00+08:00",
            "--unit", "points", "--per-currency", "10000", "--currency", "CNY", "--topup-rate", "7.3",
        ])
        #expect(imported.status == 0, "\(imported.err)")
        let run = runRecount([
            "reconcile", f.input + "/gateway", "--pricing", catalog, "--all-rows", "--out", f.out, "--jobs", "1",
            "--also-currency", "CNY",
        ])
        #expect(run.status == 0, "\(run.err)")
        let rows = try table(f.read("discrepancies.csv"))
        #expect(rows.count > 100)
        // points = quota / 500000 × 7.3 × 10000 = quota × 146 / 1000;
        // CNY cents = quota / 500000 × 7.3 × 100 = quota × 73 / 50000.
        var checked = 0
        for row in rows {
            #expect(row["site_unit"] == "points" && row["money_currency"] == "CNY")
            for (ledger, site, money) in [
                ("recorded_amount", "recorded_site", "recorded_money"),
                ("expected_amount", "expected_site", "expected_money"), ("delta", "delta_site", "delta_money"),
            ] {
                guard let text = row[ledger], !text.isEmpty else {
                    #expect(row[site] == "" && row[money] == "")
                    continue
                }
                let quota = try #require(Int(text), "\(ledger) \(text) is not whole quota")
                #expect(row[site] == String(Self.roundHalfAway(quota * 146, 1000)), "\(row["request_id"] ?? "")")
                #expect(row[money] == Self.cents(Self.roundHalfAway(quota * 73, 50000)), "\(row["request_id"] ?? "")")
                checked += 1
            }
        }
        #expect(checked > 200)
        // summary.json: the totals converted from the exact quota totals.
        let summary = try #require(
            try JSONSerialization.jsonObject(with: Data(f.read("summary.json").utf8)) as? [String: Any])
        let totals = try #require(summary["totals"] as? [String: String])
        let recorded = try #require(Int(totals["recorded"] ?? ""))
        let site = try #require((summary["site_unit"] as? [String: Any])?["totals"] as? [String: String])
        #expect(site["recorded"] == String(Self.roundHalfAway(recorded * 146, 1000)))
        let money = try #require((summary["also_currency"] as? [String: Any])?["totals"] as? [String: String])
        #expect(money["recorded"] == Self.cents(Self.roundHalfAway(recorded * 73, 50000)))
    }
}
