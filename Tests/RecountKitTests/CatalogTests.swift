import Testing

@testable import RecountKit

/// A minimal valid catalog with `version` spliced into its versions array.
func catalogText(
    versions: String, unit: String = #"{"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0}"#
) -> String {
    #"{"schema": "recount.pricing/1", "unit": \#(unit), "versions": [\#(versions)]}"#
}

let goodVersion =
    #"{"id": "v1", "effective_from": "2023-06-01T00:00:00+08:00", "exchange_rates": {"USD": "7.1"}, "rounding": "ceil", "models": {"gpt-4": {"input_per_1k": "0.03", "output_per_1k": "0.06"}}}"#

@Suite struct CatalogTests {
    @Test func loadsAndSortsVersionsByEffectiveFrom() throws {
        let c = try catalog(pointsCatalogJSON)
        #expect(c.versions.map(\.id) == ["2023-06", "2024-01"])
        #expect(c.versions[0].effectiveUntil == c.versions[1].effectiveFrom)
        #expect(c.versions[1].effectiveUntil == nil)
        #expect(c.unit.perCurrency == Rational(10_000))
        #expect(c.version(id: "2024-01")?.rounding == .half_even)
    }

    @Test func jsonNumbersAreReadExactly() throws {
        let c = try catalog(
            catalogText(
                versions:
                    #"{"id": "v", "effective_from": 1685548800, "exchange_rates": {"USD": 7.1}, "rounding": "floor", "models": {"m": {"input_per_1k": 0.03, "output_per_1k": 6e-2}}}"#
            ))
        let price = try #require(c.versions.first?.price(forModel: "m")?.price)
        #expect(price.inputPerToken == (try q("0.00003")))
        #expect(price.outputPerToken == (try q("0.00006")))
        #expect(c.versions[0].exchangeRates["USD"] == (try q("7.1")))
    }

    /// (catalog text, JSON path the error must name, words the reason must contain)
    static let invalid: [(String, String, String)] = [
        (#"{"schema": "recount.pricing/2", "unit": {}, "versions": []}"#, "schema", "recount.pricing/1"),
        (
            catalogText(versions: goodVersion + "," + goodVersion.replacingOccurrences(of: "\"v1\"", with: "\"v2\"")),
            "versions[1].effective_from", "same effective_from"
        ),
        (
            catalogText(versions: goodVersion.replacingOccurrences(of: "\"0.03\"", with: "\"-0.03\"")),
            #"versions[0].models["gpt-4"].input_per_1k"#, "negative"
        ),
        (
            catalogText(versions: goodVersion.replacingOccurrences(of: "\"0.03\"", with: "\"0,03\"")),
            #"versions[0].models["gpt-4"].input_per_1k"#, "0,03"
        ),
        (
            catalogText(versions: goodVersion.replacingOccurrences(of: "\"ceil\"", with: "\"round\"")),
            "versions[0].rounding", "unknown rounding mode 'round'"
        ),
        (#"{"schema": "recount.pricing/1", "versions": [\#(goodVersion)]}"#, "unit", "missing"),
        (
            catalogText(
                versions: goodVersion.replacingOccurrences(
                    of: "\"output_per_1k\": \"0.06\"", with: "\"output_per_1k\": \"0.06\", \"currency\": \"EUR\"")),
            #"versions[0].models["gpt-4"].currency"#, "no EUR rate"
        ),
        (
            catalogText(versions: goodVersion.replacingOccurrences(of: "\"gpt-4\"", with: "\"gpt-*-mini\"")),
            #"versions[0].models["gpt-*-mini"]"#, "unreachable"
        ),
        (
            catalogText(versions: goodVersion.replacingOccurrences(of: "input_per_1k", with: "input_per_1K")),
            #"versions[0].models["gpt-4"].input_per_1K"#, "unknown field"
        ),
        (
            catalogText(
                versions: goodVersion.replacingOccurrences(of: "2023-06-01T00:00:00+08:00", with: "2023-06-01")),
            "versions[0].effective_from", "RFC 3339"
        ),
        (
            catalogText(
                versions: goodVersion, unit: #"{"name": "points", "currency": "CNY", "per_currency": "0", "scale": 0}"#),
            "unit.per_currency", "greater than 0"
        ),
        (
            catalogText(
                versions: goodVersion.replacingOccurrences(
                    of: "\"rounding\"", with: "\"minimum_charge\": \"0.5\", \"rounding\"")),
            "versions[0].minimum_charge", "scale 0"
        ),
    ]

    @Test(arguments: invalid)
    func invalidCatalogNamesFileAndPath(_ c: (String, String, String)) {
        do {
            _ = try PriceCatalog.parse(Array(c.0.utf8), source: "prices.json")
            Issue.record("accepted: \(c.0)")
        } catch {
            #expect(error.source == "prices.json")
            #expect(error.path == c.1, "\(error)")
            #expect(error.description.hasPrefix("prices.json: \(c.1): "), "\(error)")
            #expect(error.reason.contains(c.2), "\(error)")
        }
    }

    @Test func loadReportsMissingFile() {
        #expect(throws: CatalogError.self) { try PriceCatalog.load(path: "/nonexistent/pricing.json") }
    }

    @Test func checkListsEveryProblemAndWarnings() {
        let text = catalogText(
            versions: [
                goodVersion.replacingOccurrences(of: "2023-06-01", with: "2024-01-01")
                    .replacingOccurrences(
                        of: "\"models\": {",
                        with: "\"models\": {\"GPT-4\": {\"input_per_1k\": \"1\", \"output_per_1k\": \"1\"}, "),
                goodVersion.replacingOccurrences(of: "\"v1\"", with: "\"v0\"")
                    .replacingOccurrences(
                        of: "\"output_per_1k\": \"0.06\"", with: "\"output_per_1k\": \"0.06\", \"multiplier\": \"x\""
                    )
                    .replacingOccurrences(
                        of: "\"models\": {", with: "\"models\": {\"emb\": {\"input_per_1k\": \"0.0001\"}, "),
            ].joined(separator: ","))
        let report = PriceCheck.check(Array(text.utf8), source: "p.json")
        let found = report.findings.map { "\($0.severity) \($0.path)" }
        #expect(!report.unreadable)
        #expect(found.contains("warning versions[1].effective_from"), "\(found)")  // listed out of order
        #expect(found.contains(#"error versions[1].models["gpt-4"].multiplier"#))  // bad number, still reported
        #expect(found.contains(#"warning versions[1].models["emb"]"#))  // input but no output
        #expect(found.contains(#"warning versions[0].models["gpt-4"]"#))  // differs only in case from GPT-4
        #expect(report.errors == 1 && report.warnings == 3, "\(found)")
        #expect(report.lines.allSatisfy { $0.hasPrefix("p.json: versions[") })
    }
}
