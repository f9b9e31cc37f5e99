import Foundation
import Testing

@testable import RecountKit

/// one-api / new-api `logs` rows (SPEC §2.1 Dialects, §6 last rule).
@Suite struct DecoderDialectTests {
    func run(_ lines: [String]) throws -> ReconcileResult {
        let fixture = try ReconcileFixture()
        try fixture.log(lines)
        return try fixture.run { $0.allRows = true }
    }

    @Test func mapsFieldsOntoTheCanonicalRecord() throws {
        // created_at 1706716801 − use_time 2 = 1706716799: one second before v2 (Unix 1706716800),
        // so v1 prices it although the row was written after the boundary. 10 × 1 + 5 × 2 = 20.
        let result = try run([
            #"{"id": 42, "request_id": "req-42", "created_at": 1706716801, "use_time": 2, "user_id": 7, "username": "bob", "token_name": "sk-abcdefghijkl9876", "model_name": "m", "quota": 20, "prompt_tokens": 10, "completion_tokens": 5, "is_stream": true, "group": "vip", "type": 2, "other": "{}"}"#
        ])
        #expect(result.rejects.isEmpty)
        let row = try result.row("req-42")
        #expect(row.account == "bob")
        #expect(row.time == Timestamp(seconds: 1_706_716_799))
        #expect(row.pricingVersion == "v1")
        #expect(row.recorded == points("20"))
        #expect(row.group == "vip")
        #expect(row.expected == points("10"))  // vip × 1/2
        #expect(row.counts?.basisLabel == "billed/billed")
        #expect(row.key == "sk-abcdefghijkl9876")
    }

    @Test func idAndUserIDFallbacks() throws {
        let result = try run([
            #"{"id": 43, "created_at": 1704844800, "user_id": 7, "model_name": "m", "quota": "20", "prompt_tokens": 10, "completion_tokens": 5}"#
        ])
        let row = try result.row("43")
        #expect(row.account == "7")
        #expect(row.outcomeClass == .ok)
        #expect(row.time == Timestamp(seconds: 1_704_844_800))  // use_time absent: 0
    }

    @Test func errorRowsAreFailedRequests() throws {
        let result = try run([
            #"{"id": 44, "created_at": 1704844800, "use_time": 1, "username": "bob", "model_name": "m", "quota": 20, "prompt_tokens": 10, "completion_tokens": 5, "type": 5}"#
        ])
        let row = try result.row("44")
        #expect(row.status == 500)
        #expect(row.outcomeClass == .failed_request_charged)
        #expect(row.credits.map(\.amount) == [points("20")])
    }

    @Test func errorRowWithZeroQuotaIsNoDebit() throws {
        // Every error row of a gateway writes quota 0: nothing was taken, so without a ledger
        // the failed request is `ok` (not `failed_request_charged` with a recorded 0).
        let result = try run([
            #"{"id": 50, "created_at": 1704844800, "username": "bob", "model_name": "m", "quota": 0, "prompt_tokens": 10, "completion_tokens": 0, "type": 5}"#
        ])
        let row = try result.row("50")
        #expect(row.status == 500)
        #expect(row.outcomeClass == .ok)
        #expect(row.debits.isEmpty)
        #expect(
            result.classTotals[.failed_request_charged] == nil
                || result.classTotals[.failed_request_charged]?.count == 0)
    }

    @Test func consumeRowWithZeroQuotaIsAMissingCharge() throws {
        // 10 × 1 + 5 × 2 = 20 points expected; the gateway took nothing.
        let result = try run([
            #"{"id": 51, "created_at": 1704844800, "username": "bob", "model_name": "m", "quota": 0, "prompt_tokens": 10, "completion_tokens": 5, "type": 2}"#
        ])
        let row = try result.row("51")
        #expect(row.outcomeClass == .missing_charge)
        #expect(row.expected == points("20"))
    }

    /// Top-up, manage, system and unknown rows are not requests: skipped and counted, not
    /// rejected (a database day is full of top-ups), whatever else the row lacks.
    @Test(arguments: [0, 1, 3, 4])
    func nonRequestRowTypesAreSkippedAndCounted(type: Int) throws {
        let result = try run([
            "{\"id\": 45, \"created_at\": 1704844800, \"username\": \"bob\", \"model_name\": \"\", \"quota\": 500000, \"type\": \(type)}",
            "{\"id\": 46, \"created_at\": 1704844800, \"user_id\": 3, \"quota\": 1000, \"type\": \(type), \"content\": \"top-up\"}",
        ])
        #expect(result.rows.isEmpty)
        #expect(result.rejects.isEmpty)
        #expect(result.counters.nonRequestRows == 2)
    }

    /// A type the gateways do not write is a reject naming `type`; a refund that names no
    /// request (no `request_id`, no `other.task_id`) has nothing to net into: a reject too.
    @Test func unknownTypesAndUnattachedRefundsAreRejected() throws {
        let result = try run([
            #"{"id": 45, "created_at": 1704844800, "username": "bob", "model_name": "m", "quota": 5, "type": 9}"#,
            #"{"id": 46, "created_at": 1704844800, "username": "bob", "model_name": "m", "quota": 5, "type": 6}"#,
        ])
        #expect(result.rows.isEmpty)
        #expect(result.rejects.map(\.field) == ["type", "request_id"])
        #expect(result.counters.nonRequestRows == 0)
    }

    @Test(arguments: [
        (#"{"id": 46, "created_at": 1704844800, "model_name": "m", "quota": 1}"#, "username"),
        (
            #"{"id": 47, "created_at": 1704844800, "use_time": 1704844801, "username": "b", "model_name": "m", "quota": 1}"#,
            "use_time"
        ),
        (#"{"id": 48, "created_at": "soon", "username": "b", "model_name": "m", "quota": 1}"#, "created_at"),
        (#"{"id": 49, "created_at": 1704844800, "username": "b", "model_name": "m", "quota": -1}"#, "quota"),
        (#"{"created_at": 1704844800, "username": "b", "model_name": "m", "quota": 1}"#, "request_id"),
    ])
    func malformedRowsAreRejected(line: String, field: String) throws {
        let result = try run([line])
        #expect(result.rows.isEmpty)
        #expect(result.rejects.first?.field == field)
    }
}
