import Foundation
import Testing

@testable import RecountKit

/// Every class and every cause of SPEC §3 / §6, with a JSONL ledger. Expected amounts are worked
/// by hand from `testCatalogJSON` (v1 `m`: 1 point per prompt token, 2 per completion token;
/// v2 `m`: 2 and 4), so 10 prompt + 5 completion tokens cost 10 + 10 = 20 points under v1.
@Suite struct ReconcileClassTests {
    static let logs = [
        logLine("r-ok"),
        logLine("r-over"),
        logLine("r-under"),
        logLine("r-fail", status: 500),
        logLine("r-fail-unpriced", model: "nope", status: 503),
        logLine("r-fail-nodebit", status: 429),
        logLine("r-dup"),
        logLine("r-dupover"),
        logLine("r-miss"),
        #"{"id": "r-bad", "time": "yesterday", "account": "alice", "model": "m"}"#,
        logLine("r-unpriced", model: "nope"),
        logLine("r-unpriced-nodebit", model: "nope"),
        logLine("r-unpriced-dup", model: "nope"),
        logLine("r-early", time: "\"2023-12-31T23:59:59Z\""),
        logLine("r-img-nosize", model: "img", extra: #""endpoint": "images.generations", "request": {"n": 1}"#),
        logLine(
            "r-img-badsize", model: "img", extra: #""endpoint": "images.generations", "request": {"size": "512x512"}"#),
        logLine(
            "r-img-hd", model: "img",
            extra: #""endpoint": "images.generations", "request": {"size": "1024x1024", "quality": "hd", "n": 2}"#),
    ]
    static let ledger = [
        debitLine("d-ok", request: "r-ok", amount: "20"),
        debitLine("d-over", request: "r-over", amount: "25"),
        debitLine("d-under", request: "r-under", amount: "\"15\""),
        debitLine("d-fail-1", request: "r-fail", amount: "20"),
        debitLine("d-fail-2", request: "r-fail", amount: "20"),
        debitLine("d-fail-unpriced", request: "r-fail-unpriced", amount: "9"),
        debitLine("d-dup-1", request: "r-dup", amount: "20"),
        debitLine("d-dupover-1", request: "r-dupover", amount: "23"),
        debitLine("d-dup-2", request: "r-dup", amount: "20"),
        debitLine("d-dup-3", request: "r-dup", account: "alice-billing", amount: "7"),
        debitLine("d-dupover-2", request: "r-dupover", amount: "20"),
        debitLine("d-ghost", request: "r-ghost", account: "carol", amount: "11"),
        debitLine("d-bad", request: "r-bad", amount: "20"),
        debitLine("d-unpriced", request: "r-unpriced", amount: "5"),
        debitLine("d-unpriced-dup-1", request: "r-unpriced-dup", amount: "5"),
        debitLine("d-unpriced-dup-2", request: "r-unpriced-dup", amount: "6"),
        debitLine("d-early", request: "r-early", amount: "20"),
        debitLine("d-img-hd", request: "r-img-hd", amount: "160"),
    ]

    func result() throws -> ReconcileResult {
        let fixture = try ReconcileFixture()
        try fixture.log(Self.logs)
        let debits = try fixture.write("debits.jsonl", Self.ledger.joined(separator: "\n") + "\n")
        return try fixture.run(debits: debits)
    }

    @Test func okRequestHasNoRowAndCountsAsOK() throws {
        let result = try result()
        #expect(result.rows.allSatisfy { $0.requestID != "r-ok" })
        #expect(result.classTotals[.ok]?.count == 3)  // r-ok, r-img-hd, and r-fail-nodebit (failed, not debited)
    }

    @Test func overchargeIsCreditedTheDifference() throws {
        let row = try result().row("r-over")
        #expect(row.outcomeClass == .overcharge)
        #expect(row.expected == points("20"))
        #expect(row.delta == points("5"))  // 25 − 20
        #expect(row.credits.map(\.amount) == [points("5")])
        #expect(row.credits.map(\.creditClass) == [.overcharge])
        #expect(row.causeLabel == "rate")
    }

    @Test func underchargeIsNotCredited() throws {
        let row = try result().row("r-under")
        #expect(row.outcomeClass == .undercharge)
        #expect(row.delta == points("-5"))  // 15 − 20
        #expect(row.credits.isEmpty)
    }

    @Test func failedRequestChargedCreditsEveryDebitWhatever() throws {
        let result = try result()
        let failed = try result.row("r-fail")
        // failed + duplicate → failed_request_charged; expected 0; both debits credited in full.
        #expect(failed.outcomeClass == .failed_request_charged)
        #expect(failed.expected == .zero)
        #expect(failed.recorded == points("40"))
        #expect(failed.credits.map(\.amount) == [points("20"), points("20")])
        #expect(Set(failed.credits.map(\.debitID)) == ["d-fail-1", "d-fail-2"])
        // An unpriced model does not matter when the request is not billable.
        let unpriced = try result.row("r-fail-unpriced")
        #expect(unpriced.outcomeClass == .failed_request_charged)
        #expect(unpriced.expected == .zero)
        #expect(unpriced.credits.map(\.amount) == [points("9")])
        #expect(result.rows.allSatisfy { $0.requestID != "r-fail-nodebit" })
    }

    @Test func duplicateChargeCreditsEachExtraDebitToTheDebitedAccount() throws {
        let row = try result().row("r-dup")
        #expect(row.outcomeClass == .duplicate_charge)
        #expect(row.recorded == points("47"))  // 20 + 20 + 7
        let credits = row.credits.sorted { $0.debitID! < $1.debitID! }
        #expect(credits.map(\.debitID) == ["d-dup-2", "d-dup-3"])
        #expect(credits.map(\.amount) == [points("20"), points("7")])
        #expect(credits.map(\.account) == ["alice", "alice-billing"])
        #expect(credits.allSatisfy { $0.creditClass == .duplicate_charge })
    }

    @Test func duplicatesEarliestDebitIsComparedAndItsOverchargeCreditedOnItsOwn() throws {
        let row = try result().row("r-dupover")
        #expect(row.outcomeClass == .duplicate_charge)
        // Ledger order: d-dupover-1 (23) is the earliest; 23 − 20 = 3 overcharge; d-dupover-2 extra.
        let byClass = Dictionary(grouping: row.credits, by: \.creditClass)
        #expect(byClass[.duplicate_charge]?.map(\.amount) == [points("20")])
        #expect(byClass[.duplicate_charge]?.map(\.debitID) == ["d-dupover-2"])
        #expect(byClass[.overcharge]?.map(\.amount) == [points("3")])
        #expect(byClass[.overcharge]?.map(\.debitID) == ["d-dupover-1"])
        #expect(Set(row.credits.map(\.creditID)).count == 2)
    }

    @Test func missingCharge() throws {
        let row = try result().row("r-miss")
        #expect(row.outcomeClass == .missing_charge)
        #expect(row.expected == points("20"))
        #expect(row.recorded == .zero)
        #expect(row.credits.isEmpty)
    }

    @Test func orphanDebitsIncludingOneWhoseLogLineWasRejected() throws {
        let result = try result()
        let ghost = try result.row("r-ghost")
        #expect(ghost.outcomeClass == .orphan_debit)
        #expect(ghost.expected == nil)
        #expect(ghost.recorded == points("11"))
        #expect(ghost.account == "carol")
        let bad = try result.row("r-bad")
        #expect(bad.outcomeClass == .orphan_debit)
        #expect(result.rejects.contains { $0.source.line == 10 && $0.field == "time" })
        #expect(result.counters.orphanDebits == 2)
    }

    @Test(arguments: ["r-unpriced", "r-unpriced-nodebit", "r-early", "r-img-nosize", "r-img-badsize"])
    func unpricedModel(id: String) throws {
        let row = try result().row(id)
        #expect(row.outcomeClass == .unpriced_model)
        #expect(row.expected == nil)
        #expect(row.delta == nil)
        #expect(row.credits.isEmpty)
        #expect(row.causeLabel == "no_price")
    }

    @Test func duplicatedUnpricedRequestIsDuplicateCharge() throws {
        let row = try result().row("r-unpriced-dup")
        #expect(row.outcomeClass == .duplicate_charge)
        #expect(row.expected == nil)
        #expect(row.credits.map(\.amount) == [points("6")])
        #expect(row.credits.map(\.debitID) == ["d-unpriced-dup-2"])
    }

    @Test func imageWithQualityUsesQualitySizeKeyAndN() throws {
        let result = try result()
        // hd 1024x1024 = $0.08 × 2 images × 1000 points/$ = 160 points: ok, no row.
        #expect(result.rows.allSatisfy { $0.requestID != "r-img-hd" })
    }

    @Test func classTotalsAddUp() throws {
        let result = try result()
        let counts = Dictionary(
            uniqueKeysWithValues: DiscrepancyClass.allCases.map { ($0, result.classTotals[$0]?.count ?? 0) })
        #expect(
            counts == [
                .ok: 3, .overcharge: 1, .undercharge: 1, .failed_request_charged: 2, .duplicate_charge: 3,
                .missing_charge: 1, .orphan_debit: 2, .unpriced_model: 5,
            ])
        // Issued credits: 5 + 40 + 9 + 27 + 23 + 6 = 110.
        let issued = result.issuedCredits.reduce(Rational.zero) { try! $0.adding($1.amount) }
        #expect(issued == points("110"))
    }
}

/// Causes (SPEC §3 `cause`), one request each, with the log line's `billed` fields as the debit.
@Suite struct ReconcileCauseTests {
    func row(_ line: String) throws -> RequestOutcome {
        let fixture = try ReconcileFixture()
        try fixture.log([line])
        let result = try fixture.run()
        return try #require(result.rows.first)
    }

    @Test func promptTokens() throws {
        // Billed 12 prompt tokens instead of 10: 12 × 1 + 5 × 2 = 22; expected 20.
        let row = try row(
            logLine("r", extra: #""billed": {"prompt_tokens": 12, "completion_tokens": 5, "amount": "22"}"#))
        #expect(row.outcomeClass == .overcharge)
        #expect(row.causeLabel == "prompt_tokens")
        #expect(row.credits.map(\.amount) == [points("2")])
    }

    @Test func completionTokens() throws {
        // Billed 7 completion tokens: 10 + 7 × 2 = 24; expected 20.
        let row = try row(
            logLine("r", extra: #""billed": {"prompt_tokens": 10, "completion_tokens": 7, "amount": "24"}"#))
        #expect(row.causeLabel == "completion_tokens")
        #expect(row.credits.map(\.amount) == [points("4")])
    }

    @Test func priceVersion() throws {
        // In force on 2024-02-10: v2, 10 × 2 + 5 × 4 = 40. Debited under v1: 20.
        let row = try row(
            logLine(
                "r", time: "\"2024-02-10T00:00:00Z\"", extra: #""billed": {"amount": "20", "pricing_version": "v1"}"#))
        #expect(row.outcomeClass == .undercharge)
        #expect(row.pricingVersion == "v2")
        #expect(row.expected == points("40"))
        #expect(row.causeLabel == "price_version")
    }

    @Test func rounding() throws {
        // half: 5 × 0.5 = 2.5, v1 rounds ceil → 3; the debit 2 is 2.5 rounded down.
        let row = try row(logLine("r", model: "half", prompt: 5, completion: 0, amount: "2"))
        #expect(row.outcomeClass == .undercharge)
        #expect(row.expected == points("3"))
        #expect(row.causeLabel == "rounding")
    }

    @Test func rate() throws {
        let row = try row(logLine("r", amount: "33"))
        #expect(row.outcomeClass == .overcharge)
        #expect(row.causeLabel == "rate")
        #expect(row.credits.map(\.amount) == [points("13")])  // 33 − 20
    }
}
