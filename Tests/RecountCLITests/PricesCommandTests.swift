import Foundation
import Testing

@Suite struct PricesCommandTests {
    static func fixture(_ name: String) -> String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/pricing/\(name)").path
    }

    static func temporary(_ contents: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent(
            "recount-prices-\(UUID().uuidString).json"
        ).path
        try contents.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func flagsExactlyTheSeedPagesWrongFigures() {
        let file = Self.fixture("points-site.json")
        let run = runRecount(["prices", "check", file])
        #expect(run.status == 1)
        let lines = run.out.split(separator: "\n").map(String.init)
        // Worked by hand (rate 7.1, 10,000 points per CNY):
        //   gpt-4 input $0.03/1K → ¥0.213 → 2130 points → 2.13 per token; the page prints 0.231, 2310, 2.31.
        //   gpt-4 output $0.06/1K → ¥0.426 → 4260 → 4.26: all correct, not listed.
        //   gpt-3.5 $0.002 × 7.1 = ¥0.0142 list (correct); × 1/3.05 = ¥0.0046557… → 0.005 at 3
        //   decimals ≠ 0.004 (in and out); per token 0.0465… points → 0 ≠ 40.
        let expected = [
            #"versions[0].models["gpt-3.5-turbo*"].published.input_currency_per_1k: published 0.004, computed 0.005"#,
            #"versions[0].models["gpt-3.5-turbo*"].published.output_currency_per_1k: published 0.004, computed 0.005"#,
            #"versions[0].models["gpt-3.5-turbo*"].published.units_per_token: published 40, computed 0"#,
            #"versions[0].models["gpt-4"].published.input_list_currency_per_1k: published 0.231, computed 0.213"#,
            #"versions[0].models["gpt-4"].published.input_currency_per_1k: published 0.231, computed 0.213"#,
            #"versions[0].models["gpt-4"].published.input_units_per_1k: published 2310, computed 2130"#,
            #"versions[0].models["gpt-4"].published.input_units_per_token: published 2.31, computed 2.13"#,
        ]
        #expect(lines.count == expected.count + 1)
        for (line, want) in zip(lines, expected) {
            #expect(line.hasPrefix("\(file): \(want)"), "\(line)")
        }
        #expect(!run.out.contains("output_units_per_1k"))
        #expect(lines.last == "\(file): 7 errors, 0 warnings (13 published figures checked, 7 wrong)")
    }

    @Test func cleanCatalogExits0() {
        let file = Self.fixture("points-site-corrected.json")
        let run = runRecount(["prices", "check", file])
        #expect(run.status == 0)
        #expect(run.out == "\(file): OK (13 published figures checked, 0 wrong)\n")
    }

    @Test func notACatalogExits65() throws {
        for contents in ["{not json", "[1, 2]", #"{"schema": "recount.pricing/2", "versions": []}"#] {
            let path = try Self.temporary(contents)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let run = runRecount(["prices", "check", path])
            #expect(run.status == 65, "\(contents)")
            #expect(run.out.contains(path))
        }
    }

    @Test func schemaErrorsAreFindingsWithPaths() throws {
        let path = try Self.temporary(
            """
            {"schema": "recount.pricing/1", "unit": {"name": "points", "currency": "CNY", "per_currency": "10000", "scale": 0},
             "versions": [{"id": "a", "effective_from": "2023-06-01T00:00:00Z", "rounding": "ceil",
                           "models": {"gpt-4": {"input_per_1k": "-0.03", "output_per_1k": "0.06"}}}]}
            """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let run = runRecount(["prices", "check", path])
        #expect(run.status == 1)
        #expect(run.out.contains(#"versions[0].models["gpt-4"].input_per_1k: negative value -0.03"#))
    }

    @Test func missingFileExits66() {
        let run = runRecount(["prices", "check", "/nonexistent/pricing.json"])
        #expect(run.status == 66)
        #expect(run.err.contains("/nonexistent/pricing.json"))
    }

    @Test(arguments: [
        ["prices"], ["prices", "verify", "x.json"], ["prices", "check"], ["prices", "check", "a", "b"],
    ])
    func usageErrorsExit64(argv: [String]) {
        #expect(runRecount(argv).status == 64)
    }
}
