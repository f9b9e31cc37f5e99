import Foundation
import Testing

@testable import RecountKit

/// Rounding modes at their edges, minimum charge, tolerance, prefix keys and fraction
/// multipliers, through the whole pipeline. Expected charges worked by hand (see each comment).
@Suite struct ReconcileRoundingTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let mode: String
        let model: String
        let tokens: Int
        let expected: String
        var testDescription: String { "\(mode) \(model)×\(tokens) → \(expected)" }
    }

    // half: 0.5 points per token; above: 0.501; below: 0.499.
    // 5 × 0.5 = 2.5 (tie), 7 × 0.5 = 3.5 (tie), 5 × 0.501 = 2.505, 5 × 0.499 = 2.495.
    static let cases: [Case] = [
        .init(mode: "ceil", model: "half", tokens: 5, expected: "3"),
        .init(mode: "floor", model: "half", tokens: 5, expected: "2"),
        .init(mode: "half_up", model: "half", tokens: 5, expected: "3"),
        .init(mode: "half_even", model: "half", tokens: 5, expected: "2"),
        .init(mode: "half_away_from_zero", model: "half", tokens: 5, expected: "3"),
        .init(mode: "ceil", model: "half", tokens: 7, expected: "4"),
        .init(mode: "floor", model: "half", tokens: 7, expected: "3"),
        .init(mode: "half_up", model: "half", tokens: 7, expected: "4"),
        .init(mode: "half_even", model: "half", tokens: 7, expected: "4"),
        .init(mode: "half_away_from_zero", model: "half", tokens: 7, expected: "4"),
        .init(mode: "ceil", model: "above", tokens: 5, expected: "3"),
        .init(mode: "floor", model: "above", tokens: 5, expected: "2"),
        .init(mode: "half_up", model: "above", tokens: 5, expected: "3"),
        .init(mode: "half_even", model: "above", tokens: 5, expected: "3"),
        .init(mode: "half_away_from_zero", model: "above", tokens: 5, expected: "3"),
        .init(mode: "ceil", model: "below", tokens: 5, expected: "3"),
        .init(mode: "floor", model: "below", tokens: 5, expected: "2"),
        .init(mode: "half_up", model: "below", tokens: 5, expected: "2"),
        .init(mode: "half_even", model: "below", tokens: 5, expected: "2"),
        .init(mode: "half_away_from_zero", model: "below", tokens: 5, expected: "2"),
        // Exact integers never move: 4 × 0.5 = 2.
        .init(mode: "ceil", model: "half", tokens: 4, expected: "2"),
        .init(mode: "floor", model: "half", tokens: 4, expected: "2"),
    ]

    @Test(arguments: cases)
    func roundingMode(_ c: Case) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: c.model, prompt: c.tokens, completion: 0)])
        let result = try fixture.run(catalogJSON: testCatalogJSON(rounding: c.mode))
        let row = try result.row("r")
        #expect(row.outcomeClass == .missing_charge)
        #expect(row.expected == points(c.expected))
    }

    struct MinimumCase: Sendable {
        let mode: String
        let minimum: String?
        let tokens: Int
        let expected: String
    }

    // tiny: 0.0001 points per token; 10 tokens = 0.001 points.
    @Test(arguments: [
        MinimumCase(mode: "floor", minimum: "1", tokens: 10, expected: "1"),  // floor → 0, positive amount → minimum 1
        MinimumCase(mode: "half_even", minimum: "1", tokens: 10, expected: "1"),
        MinimumCase(mode: "ceil", minimum: "1", tokens: 10, expected: "1"),  // ceil → 1 on its own
        MinimumCase(mode: "floor", minimum: nil, tokens: 10, expected: "0"),  // no minimum set
        MinimumCase(mode: "floor", minimum: "1", tokens: 0, expected: "0"),  // amount 0: no minimum
        MinimumCase(mode: "floor", minimum: "5", tokens: 10, expected: "5"),
    ])
    func minimumCharge(_ c: MinimumCase) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: "tiny", prompt: c.tokens, completion: 0, amount: "0")])
        let result = try fixture.run(catalogJSON: testCatalogJSON(rounding: c.mode, minimum: c.minimum)) {
            $0.allRows = true
        }
        #expect(try result.row("r").expected == points(c.expected))
    }

    @Test func minimumChargeDoesNotApplyToFailedRequests() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: "tiny", prompt: 10, completion: 0, amount: "1", status: 500)])
        let row = try fixture.run(catalogJSON: testCatalogJSON(rounding: "floor")).row("r")
        #expect(row.outcomeClass == .failed_request_charged)
        #expect(row.expected == .zero)
    }

    @Test func failedRequestsChargedWhenTheVersionSaysSo() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", amount: "20", status: 500)])
        let result = try fixture.run(catalogJSON: testCatalogJSON(chargeFailed: true)) { $0.allRows = true }
        let row = try result.row("r")
        #expect(row.outcomeClass == .ok)
        #expect(row.expected == points("20"))
    }

    @Test(arguments: [("19", "ok"), ("21", "ok"), ("22", "overcharge"), ("18", "undercharge"), ("20", "ok")])
    func tolerance(recorded: String, expectedClass: String) throws {
        // expected 20, tolerance 1 (SPEC: |delta| ≤ tolerance is ok): 19…21 ok, 22 and 18 not.
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", amount: recorded)])
        let result = try fixture.run {
            $0.tolerance = points("1"); $0.allRows = true
        }
        let row = try result.row("r")
        #expect(row.outcomeClass.rawValue == expectedClass)
        // 22 − 20, the whole delta.
        if expectedClass == "overcharge" { #expect(row.credits.map(\.amount) == [points("2")]) }
    }

    @Test func toleranceNeverHidesAMissingCharge() throws {
        // tiny at ceil: 10 tokens → 1 point expected, no debit. The tolerance (5) absorbs
        // rounding between a debit and its recomputation; with no debit there is nothing to
        // round, so the request stays missing_charge (SPEC §6).
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: "tiny", prompt: 10, completion: 0)])
        let result = try fixture.run {
            $0.tolerance = points("5"); $0.allRows = true
        }
        let row = try result.row("r")
        #expect(row.outcomeClass == .missing_charge)
        #expect(row.expected == points("1"))
        #expect(result.classTotals[.missing_charge]?.count == 1)
    }

    @Test(
        arguments: [
            ("m", "20"),  // exact key: 10 × 1 + 5 × 2
            ("m-x", "45"),  // m-*: 15 × 3
            ("m-long", "60"),  // m-long*: 15 × 4 (longest prefix wins over m-*)
            ("m-longer-2", "60"),
            ("mm", nil),  // "m" is exact only; no "m*" key
            ("M", nil),  // case-sensitive
        ] as [(String, String?)])
    func prefixMatching(model: String, expected: String?) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: model)])
        let row = try fixture.run().row("r")
        #expect(row.expected == expected.map(points))
        #expect(row.outcomeClass == (expected == nil ? .unpriced_model : .missing_charge))
    }

    @Test(
        arguments: [
            // gpt-3.5-turbo*: $0.002/1K × 1000 points/$ = 0.002 points per token, × 1/3.05.
            (3050, 0, "ceil", "2"),  // 3050 × 0.002 = 6.1; 6.1 / 3.05 = 2 exactly
            (1525, 1525, "ceil", "2"),  // (1525 + 1525) × 0.002 = 6.1 → 2
            (1000, 0, "ceil", "1"),  // 2 / 3.05 = 0.6557… → ceil 1
            (1000, 0, "floor", "1"),  // → floor 0 → minimum charge 1
            (4000, 0, "half_up", "3"),  // 8 / 3.05 = 2.6229… → 3
            (3812, 0, "half_up", "2"),  // 7.624 / 3.05 = 2.49967… → 2 (just below the tie)
            (3813, 0, "half_up", "3"),  // 7.626 / 3.05 = 2.50032… → 3 (just above)
        ] as [(Int, Int, String, String)])
    func fractionMultiplier(prompt: Int, completion: Int, mode: String, expected: String) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", model: "gpt-3.5-turbo-0613", prompt: prompt, completion: completion)])
        let row = try fixture.run(catalogJSON: testCatalogJSON(rounding: mode)).row("r")
        #expect(row.expected == points(expected))
    }

    @Test func groupMultiplierAndUnlistedGroupWarning() throws {
        let fixture = try ReconcileFixture()
        try fixture.log([
            logLine("vip", extra: #""group": "vip""#),  // 20 × 1/2 = 10
            logLine("odd", extra: #""group": "nightly""#),  // unlisted: × 1 = 20, warned
        ])
        let result = try fixture.run()
        #expect(try result.row("vip").expected == points("10"))
        #expect(try result.row("odd").expected == points("20"))
        #expect(result.warnings.unlistedGroups == ["nightly": 1])
    }
}
