import Foundation
import Testing

@testable import RecountKit

/// `AmountConversion` (SPEC §4.1): the site's unit and `--also-currency`, each figure exact and
/// rounded once, half away from zero. The expected values are worked by hand in each test.
@Suite struct AmountConversionTests {
    /// A one-api quota ledger (500,000 = $1) with `site` and, optionally, `exchange_rates`.
    static func catalog(site: String, rates: String = "") throws -> PriceCatalog {
        let text = """
            {"schema": "recount.pricing/1",
             "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0\(site)},
             "versions": [
               {"id": "old", "effective_from": "2024-01-01T00:00:00Z", "rounding": "half_away_from_zero",
                "exchange_rates": {"EUR": "1.10"}, "models": {"m": {"per_request": "2"}}},
               {"id": "new", "effective_from": "2024-02-01T00:00:00Z", "rounding": "half_away_from_zero",
                \(rates)"models": {"m": {"per_request": "2"}}}]}
            """
        return try PriceCatalog.parse(Array(text.utf8), source: "test")
    }

    static let points =
        #", "site": {"name": "points", "currency": "CNY", "per_currency": "10000", "topup_rate": "7.3"}"#

    static func r(_ text: String) throws -> Rational { try Rational(parsing: text) }

    @Test func siteUnitsAtATopupRate() throws {
        let catalog = try Self.catalog(site: Self.points)
        let site = try #require(AmountConversion.site(of: catalog.unit))
        // 1 quota = 1/500000 $ × 7.3 ¥/$ × 10000 points/¥ = 0.146 points
        #expect(site.factor == (try Self.r("0.146")))
        #expect(site.kind == .site && site.name == "points" && site.scale == 0)
        // 1,234,567 quota × 0.146 = 180,246.782 → 180,247
        #expect(site.text(Rational(1_234_567)) == "180247")
        // 25 quota × 0.146 = 3.65 → 4; −25 → −4 (half away from zero, both signs)
        #expect(site.text(Rational(25)) == "4" && site.text(Rational(-25)) == "-4")
        #expect(
            site.formula
                == "points = quota / 500000 × 7.3 (topup_rate, CNY per USD) × 10000 (points per CNY)")
    }

    @Test func tiesRoundAwayFromZero() throws {
        // "$1 = ¥1": 1/500000 × 1 × 10000 = 0.02 points per quota.
        let catalog = try Self.catalog(
            site: #", "site": {"name": "points", "currency": "CNY", "per_currency": "10000", "topup_rate": "1"}"#)
        let site = try #require(AmountConversion.site(of: catalog.unit))
        #expect(site.factor == (try Self.r("0.02")))
        // 25 × 0.02 = 0.5 → 1 (half_even would give 0); −25 → −1; 75 × 0.02 = 1.5 → 2; 125 → 2.5 → 3
        #expect(site.text(Rational(25)) == "1" && site.text(Rational(-25)) == "-1")
        #expect(site.text(Rational(75)) == "2" && site.text(Rational(125)) == "3")
        // 24 × 0.02 = 0.48 → 0
        #expect(site.text(Rational(24)) == "0")
    }

    @Test func aDiscountedTopupStaysExact() throws {
        // The seed's "1/3.05 of list at 7.1": ¥7.1/3.05 = 142/61 per $1 of quota (a factor with
        // no finite decimal). 1,234,567 quota → 1234567 × 142 × 10000 / (500000 × 61)
        // = 175,308,514 / 3,050 = 57,478.2013… → 57,478 points; CNY 175,308,514 / 30,500,000
        // = 5.74782… → 5.75.
        let catalog = try Self.catalog(
            site: #", "site": {"name": "points", "currency": "CNY", "per_currency": "10000", "topup_rate": "7.1/3.05"}"#
        )
        let site = try #require(AmountConversion.site(of: catalog.unit))
        #expect(site.text(Rational(1_234_567)) == "57478")
        #expect(site.factorText == "71/1525")
        let cny = try AmountConversion.money("CNY", catalog: catalog)
        #expect(cny.text(Rational(1_234_567)) == "5.75")
    }

    @Test func aSiteUnitWithDecimals() throws {
        // A site that sells a yuan balance shown to the fen: 1234567 / 500000 × 7.3 × 1
        // = 18.0246782 → 18.02.
        let catalog = try Self.catalog(
            site:
                #", "site": {"name": "yuan", "currency": "CNY", "per_currency": "1", "topup_rate": "7.3", "scale": 2}"#)
        #expect(catalog.unit.site?.scale == 2)
        let site = try #require(AmountConversion.site(of: catalog.unit))
        #expect(site.text(Rational(1_234_567)) == "18.02")
        #expect(site.text(Rational(0)) == "0.00")
    }

    @Test func money() throws {
        let catalog = try Self.catalog(site: Self.points, rates: #""exchange_rates": {"EUR": "1.08"}, "#)
        // The site's currency, at the top-up rate: 1234567 / 500000 × 7.3 = 18.0246782 → 18.02
        let cny = try AmountConversion.money("CNY", catalog: catalog)
        #expect(cny.factor == (try Self.r("0.0000146")) && cny.scale == 2)
        #expect(cny.text(Rational(1_234_567)) == "18.02")
        // The ledger's currency: 1234567 / 500000 = 2.469134 → 2.47
        let usd = try AmountConversion.money("USD", catalog: catalog)
        #expect(usd.text(Rational(1_234_567)) == "2.47")
        // Another, through the latest version that lists it ("new": 1.08 USD per EUR, not the
        // older 1.10): 2.469134 / 1.08 = 2.286235… → 2.29
        let eur = try AmountConversion.money("EUR", catalog: catalog)
        #expect(eur.text(Rational(1_234_567)) == "2.29")
        #expect(eur.formula.contains("exchange_rates.EUR of version new"))
    }

    @Test func moneyWithoutARateIsAnError() throws {
        let catalog = try Self.catalog(site: Self.points)
        // Only the older version lists EUR: it is used (1.10): 2.469134 / 1.10 = 2.24466… → 2.24
        #expect(try AmountConversion.money("EUR", catalog: catalog).text(Rational(1_234_567)) == "2.24")
        let error = #expect(throws: ConversionError.self) { try AmountConversion.money("JPY", catalog: catalog) }
        let text = error?.description ?? ""
        #expect(text.hasPrefix("--also-currency JPY: "))
        #expect(text.contains("USD") && text.contains("CNY") && text.contains(#""exchange_rates": {"JPY": …}"#))
        // Without a site, CNY is just another currency.
        let plain = try Self.catalog(site: "")
        #expect(AmountConversion.site(of: plain.unit) == nil)
        #expect(throws: ConversionError.self) { try AmountConversion.money("CNY", catalog: plain) }
    }

    @Test func noConversionsLeaveTheColumnsAsTheyWere() {
        #expect(DiscrepancyColumns.columns(for: ReportConversions()).names() == DiscrepancyColumns.all.names())
        #expect(CreditColumns.columns(for: ReportConversions()).names() == CreditColumns.all.names())
        let site = AmountConversion(kind: .site, name: "points", factor: .one, scale: 0, formula: "")
        let money = AmountConversion(kind: .money, name: "CNY", factor: .one, scale: 2, formula: "")
        let both = ReportConversions(site: site, money: money)
        #expect(
            DiscrepancyColumns.columns(for: both).names().suffix(10) == [
                "site_unit", "recorded_site", "expected_site", "delta_site", "credit_site", "money_currency",
                "recorded_money", "expected_money", "delta_money", "credit_money",
            ])
        #expect(
            CreditColumns.columns(for: both).names().suffix(4) == [
                "site_amount", "site_unit", "money_amount", "money_currency",
            ])
    }

    @Test func siteScaleIsCheckedWhenRead() {
        let bad = #", "site": {"name": "p", "currency": "CNY", "per_currency": "1", "topup_rate": "1", "scale": 13}"#
        #expect(throws: CatalogError.self) { try Self.catalog(site: bad) }
    }
}
