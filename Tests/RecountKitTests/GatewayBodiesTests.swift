import Foundation
import Testing

@testable import RecountKit

/// `--bodies` and `/api/log/` pages (issue 13, SPEC §2.1 "Pages" and §2.10): the same new-api
/// rows read as a JSONL export, as the gateway's `GET /api/log/` pages (new-api and one-api
/// shapes) and with captured bodies joined by request id.
///
/// Token counts of the bodies come from the tiktoken oracle, not from the code under test
/// (`ChatRulesTests`: o200k, the `single-user/gpt-4o` case — one user message "Hello!" — is
/// 3 + 1 + 2 = 6 tokens plus 3 for the reply, 9 in all; "hello world" is 2 tokens). Quotas are
/// the gateway's formula (SPEC §2.6) worked by hand: gpt-4o-mini at model ratio 0.075,
/// completion ratio 4, group 1, rounded half away from zero, at least 1.
@Suite struct GatewayBodiesTests {
    static let other = #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1}"#

    /// A capture as a request/response pair: "Hello!" in (9 tokens), "hello world" out (2).
    static func pair(_ requestID: String, model: String = "gpt-4o-mini") -> String {
        #"{"request_id": "\#(requestID)", "request": {"model": "\#(model)", "messages": [{"role": "user", "content": "Hello!"}]}, "response": {"object": "chat.completion", "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello world"}, "finish_reason": "stop"}]}}"#
    }

    /// The same capture as a `recount.log/1` line keyed by the gateway's request id.
    static func logLineCapture(_ requestID: String) -> String {
        #"{"id": "\#(requestID)", "time": "2024-06-01T00:00:00Z", "account": "alice", "model": "gpt-4o-mini", "request": {"messages": [{"role": "user", "content": "Hello!"}]}, "response": {"choices": [{"message": {"role": "assistant", "content": "hello world"}}]}}"#
    }

    func row(_ id: Int, quota: Int, prompt: Int, completion: Int, requestID: String, type: Int = 2) -> String {
        GatewayReconcileTests.row(
            id, type: type, model: "gpt-4o-mini", quota: quota, prompt: prompt, completion: completion,
            requestID: requestID, other: Self.other)
    }

    func run(
        _ fixture: ReconcileFixture, logs: [String], bodies: [String] = [],
        configure: (inout ReconcileOptions) -> Void = { _ in }
    ) throws -> ReconcileResult {
        try fixture.run(logs: logs, catalogJSON: GatewayReconcileTests.catalog) {
            $0.allRows = true
            $0.bodies = bodies
            $0.jobs = 2
            configure(&$0)
        }
    }

    @Test func aBodyWhoseRecountShowsInflatedTokensIsAnOvercharge() throws {
        // The row says 1009 prompt and 2 completion tokens and charged by them, correctly for
        // its own numbers: (1009 + 2 × 4) × 0.075 = 1017 × 0.075 = 76.275 → 76. Without a body
        // that is `ok`. The body recounts 9 and 2: (9 + 8) × 0.075 = 1.275 → 1. So 75 quota
        // were charged for 1000 prompt tokens that were never sent: `overcharge`, cause
        // `prompt_tokens`, credit 75 — and the request is recounted, not re-priced.
        let fixture = try ReconcileFixture()
        let logs = try fixture.log([row(1, quota: 76, prompt: 1009, completion: 2, requestID: "r-1")])
        let bodies = try fixture.log([Self.pair("r-1")], name: "captures.jsonl")

        let alone = try run(fixture, logs: [logs])
        #expect(try alone.row("r-1").outcomeClass == .ok)
        #expect(alone.counters.repricedRequests == 1 && alone.counters.recountedRequests == 0)

        let joined = try run(fixture, logs: [logs], bodies: [bodies])
        let outcome = try joined.row("r-1")
        #expect(outcome.outcomeClass == .overcharge)
        #expect(outcome.expected == Rational(1) && outcome.recorded == Rational(76))
        #expect(outcome.delta == Rational(75))
        #expect(outcome.credits.map(\.amount) == [Rational(75)])
        #expect(outcome.causes.contains(.prompt_tokens) && !outcome.causes.contains(.completion_tokens))
        #expect(outcome.counts?.prompt == 9 && outcome.counts?.promptSource == .recount)
        #expect(outcome.counts?.billedPrompt == 1009 && outcome.counts?.completion == 2)
        #expect(joined.counters.recountedRequests == 1 && joined.counters.repricedRequests == 0)
        #expect(joined.counters.bodiesJoined == 1 && joined.rejects.isEmpty)
        // The `recount.log/1` shape of the same capture joins the same way.
        let asLogLine = try fixture.log([Self.logLineCapture("r-1")], name: "captures-log.jsonl")
        let again = try run(fixture, logs: [logs], bodies: [asLogLine])
        #expect(try again.row("r-1").delta == Rational(75))
    }

    /// Rows of every kind the pages must carry unchanged: a request billed right, one whose
    /// quota contradicts its own ratios, one refunded, a top-up (not a request), an error row.
    func rows() -> [String] {
        [
            // (9 + 2 × 4) × 0.075 = 1.275 → 1: ok (its body, below, recounts 9 and 2).
            row(11, quota: 1, prompt: 9, completion: 2, requestID: "ok-1"),
            // (1000 + 500 × 4) × 0.075 = 225; charged 300: overcharge 75, gateway_arithmetic.
            row(12, quota: 300, prompt: 1000, completion: 500, requestID: "over-1"),
            // Charged 300 where 225 was due, then 50 refunded: net 250, credit 25 (SPEC §2.9).
            row(13, quota: 300, prompt: 1000, completion: 500, requestID: "refunded-1"),
            GatewayReconcileTests.row(
                14, type: 6, model: "gpt-4o-mini", quota: 50, requestID: "refunded-1", other: ""),
            GatewayReconcileTests.row(15, type: 1, model: "", quota: 500000, other: ""),
            // An error row with nothing charged: ok.
            GatewayReconcileTests.row(
                16, type: 5, model: "gpt-4o-mini", quota: 0, requestID: "error-1", other: Self.other),
        ]
    }

    typealias Judged = [String: (DiscrepancyClass, Rational?, Rational?)]

    func judged(_ result: ReconcileResult) -> Judged {
        Dictionary(uniqueKeysWithValues: result.rows.map { ($0.requestID, ($0.outcomeClass, $0.expected, $0.delta)) })
    }

    func expectHandWorked(_ judged: Judged) {
        #expect(judged.count == 4)
        #expect(judged["ok-1"]?.0 == .ok && judged["ok-1"]?.1 == Rational(1))
        #expect(judged["over-1"]?.0 == .overcharge && judged["over-1"]?.2 == Rational(75))
        #expect(judged["refunded-1"]?.0 == .overcharge && judged["refunded-1"]?.2 == Rational(25))
        #expect(judged["error-1"]?.0 == .ok)
    }

    /// `rows` as the gateway's `/api/log/` page: new-api's `data.items` (newest first, as
    /// `GetAllLogs` orders them, `channel` for `channel_id`) or one-api's `data` array.
    func page(_ rows: [String], newAPI: Bool) -> String {
        let items = rows.reversed().map { $0.replacingOccurrences(of: "\"channel_id\"", with: "\"channel\"") }
            .joined(separator: ",")
        return newAPI
            ? #"{"data":{"items":[\#(items)],"page":1,"page_size":100,"total":\#(rows.count)},"message":"","success":true}"#
            : #"{"data":[\#(items)],"message":"","success":true}"#
    }

    @Test func theSameRowsAsJSONLAsPagesAndWithBodiesGetTheSameClasses() throws {
        let fixture = try ReconcileFixture()
        let jsonl = try fixture.log(rows())
        let all = rows()
        // new-api: two pages on two lines; one-api: one page, no newline at the end.
        let newAPI = try fixture.write(
            "newapi-pages.json",
            page(Array(all.prefix(3)), newAPI: true) + "\n" + page(Array(all.dropFirst(3)), newAPI: true) + "\n")
        let oneAPI = try fixture.write("oneapi-page.json", page(all, newAPI: false))
        let bodies = try fixture.log([Self.pair("ok-1")], name: "captures.jsonl")

        let fromJSONL = try run(fixture, logs: [jsonl])
        expectHandWorked(judged(fromJSONL))
        #expect(fromJSONL.counters.nonRequestRows == 1 && fromJSONL.counters.nettedRows == 1)
        for path in [newAPI, oneAPI] {
            let fromPages = try run(fixture, logs: [path])
            expectHandWorked(judged(fromPages))
            #expect(fromPages.rejects.isEmpty, "\(fromPages.rejects.map(\.message))")
            #expect(fromPages.counters.nonRequestRows == 1 && fromPages.counters.nettedRows == 1)
            // A row's position is its logs.id, as when the database is read.
            #expect(try fromPages.row("over-1").source == SourceLocation(file: path, line: 12))
        }
        let withBodies = try run(fixture, logs: [newAPI], bodies: [bodies])
        expectHandWorked(judged(withBodies))
        #expect(withBodies.counters.recountedRequests == 1 && withBodies.counters.repricedRequests == 3)
        #expect(try withBodies.row("ok-1").counts?.promptSource == .recount)
    }

    @Test func malformedPagesAreRejectedWithTheirReason() throws {
        let fixture = try ReconcileFixture()
        let good = page([row(21, quota: 1, prompt: 9, completion: 2, requestID: "good")], newAPI: true)
        let file = try fixture.write(
            "pages.json",
            [
                good,
                #"{"data":null,"message":"","success":true}"#,  // no rows: nothing to reject
                #"{"message":"无权进行此操作，未登录且未提供 access token","success":false}"#,
                #"{"data":{"items":"rows"},"message":"","success":true}"#,
                #"{"data":[{"id":22,"created_at":"yesterday","type":2,"model_name":"m","quota":1}, 7],"message":"","success":true}"#,
                #"{"data":[{"id":23,"#,
            ].joined(separator: "\n") + "\n")
        let result = try run(fixture, logs: [file])
        #expect(result.rows.map(\.requestID) == ["good"])
        let reasons = result.rejects.map { "\($0.field ?? "-"): \($0.reason)" }
        #expect(result.rejects.count == 5, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("success: an /api/log/ page that reports a failure: '无权进行此操作") })
        #expect(reasons.contains { $0.hasPrefix("data: an /api/log/ page whose data is neither") })
        #expect(reasons.contains { $0.hasPrefix("created_at:") })  // the row, rejected on its own
        #expect(reasons.contains { $0.contains("expected a JSON object, found number") })
        #expect(reasons.contains { $0.contains("invalid JSON") })  // the cut-off page, whole
        // The bad row is named by its id; a page without rows by the number after the highest.
        #expect(result.rejects.contains { $0.source.line == 22 && $0.field == "created_at" })
        #expect(result.rejects.allSatisfy { $0.kind == .log })
    }

    @Test func aPagesRowsAreItsItemsByteForByteAndACutPageHasNone() throws {
        // Strings with escaped quotes, braces and brackets inside, nested objects, spaces.
        let items = [
            #"{"id": 7, "other": "{\"a\":[1,{\"b\":\"}]\"}]}", "content": "x \\\" ] } y"}"#,
            #"{ "nested" : { "id" : 3 } , "id" : 8 }"#,
            #"{"id": "9"}"#,
        ]
        let text =
            #"{"data": {"items": [ \#(items.joined(separator: " , ")) ], "total": 3}, "message": "", "success": true}"#
        let bytes = Array(text.utf8)
        let rows = try #require(LogPage.rows(of: bytes))
        #expect(rows.map { String(decoding: bytes[$0.span], as: UTF8.self) } == items)
        // The page's own id, not a nested one; a string id is no id.
        #expect(rows.map(\.id) == [7, 8, nil])
        // Every proper prefix of the page is no page: a cut-off download is rejected whole.
        for end in 0..<bytes.count {
            #expect(LogPage.rows(of: Array(bytes[..<end])) == nil, "prefix of \(end) bytes")
        }
        // `success` false, or `data` neither shape: no rows.
        #expect(LogPage.rows(of: Array(#"{"data":[],"message":"no","success":false}"#.utf8)) == nil)
        #expect(LogPage.rows(of: Array(#"{"data":{"items":5},"success":true}"#.utf8)) == nil)
        #expect(LogPage.rows(of: Array(#"{"data":null,"success":true}"#.utf8))?.isEmpty == true)
    }

    @Test func bodiesTheJoinCannotUseAreRejectedAndTheRowIsRepriced() throws {
        let fixture = try ReconcileFixture()
        let logs = try fixture.log([
            row(31, quota: 76, prompt: 1009, completion: 2, requestID: "twice"),
            row(32, quota: 76, prompt: 1009, completion: 2, requestID: "other-model"),
            GatewayReconcileTests.row(
                33, type: 6, model: "gpt-4o-mini", quota: 10, requestID: "refund-only", other: ""),
        ])
        let bodies = try fixture.log(
            [
                Self.pair("twice"),
                Self.pair("twice"),  // a second body for the id
                Self.pair("other-model", model: "gpt-4o"),  // not the row's model
                Self.pair("no-such-row"),
                Self.pair("refund-only"),
                "",  // blank: nothing
                "not json",
                #"{"request": {"model": "gpt-4o-mini", "messages": []}}"#,  // no id
                #"{"request_id": "x", "request": {"messages": []}}"#,  // no model
                #"{"request_id": "x", "model": "gpt-4o-mini", "request": "hi"}"#,  // request not an object
                #"{"request_id": "x", "model": "gpt-4o-mini"}"#,  // nothing to recount
            ], name: "captures.jsonl")
        let result = try run(fixture, logs: [logs], bodies: [bodies])
        // The first body of `twice` is joined: 76 charged where 1 was due.
        #expect(try result.row("twice").delta == Rational(75))
        // The body of another model is not joined: the row stands on its own tokens, ok.
        let mismatched = try result.row("other-model")
        #expect(mismatched.outcomeClass == .ok && mismatched.counts?.promptSource == .billed)
        #expect(result.counters.bodiesJoined == 1 && result.counters.bodiesRejected == 9)
        let bodyRejects = result.rejects.filter { $0.kind == .body }
        #expect(bodyRejects.count == 9)
        #expect(bodyRejects.allSatisfy { $0.raw.isEmpty && $0.source.file == bodies })
        let reasons = bodyRejects.map(\.reason)
        #expect(reasons.contains { $0.hasPrefix("a second body for this request id") })
        #expect(reasons.contains { $0.contains("the body's model 'gpt-4o' is not the row's 'gpt-4o-mini'") })
        #expect(reasons.contains { $0.hasPrefix("no gateway row with this request id") })
        #expect(reasons.contains { $0.hasPrefix("the id has no request row in the run") })
        #expect(bodyRejects.contains { $0.field == "request_id" && $0.reason.contains("neither request_id nor id") })
        #expect(bodyRejects.contains { $0.field == "model" })
        #expect(bodyRejects.contains { $0.field == "request" && $0.reason.contains("expected an object") })
        #expect(bodyRejects.contains { $0.reason.contains("neither request nor response") })
        // Rejected at line 2 (the second `twice`), after every log line in reject order.
        #expect(bodyRejects.contains { $0.source.line == 2 && $0.reason.hasPrefix("a second body") })
    }

    @Test func aJoinedBodyDecidesAStreamBilledOnTheLocalEstimate() throws {
        // A stream that timed out, billed on the gateway's local count of 9 + 2 tokens:
        // (9 + 8) × 0.075 = 1.275 → 1. Alone, the estimate is flagged (stream_incomplete, ok).
        // With its body recounting the same 9 and 2, the recount decides: ok, no cause; with a
        // body of a longer reply the estimate would have been an undercharge, found as such.
        let local =
            #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1,"stream_status":{"status":"error","end_reason":"timeout","error_count":1},"admin_info":{"local_count_tokens":true,"usage_billing_path":"local"}}"#
        let fixture = try ReconcileFixture()
        let logs = try fixture.log([
            GatewayReconcileTests.row(
                1, model: "gpt-4o-mini", quota: 1, prompt: 9, completion: 2, requestID: "cut", other: local,
                stream: true)
        ])
        let bodies = try fixture.log([Self.pair("cut")], name: "captures.jsonl")
        let alone = try run(fixture, logs: [logs])
        #expect(try alone.row("cut").causes == [.stream_incomplete])
        let joined = try run(fixture, logs: [logs], bodies: [bodies])
        let row = try joined.row("cut")
        #expect(row.outcomeClass == .ok && row.causes.isEmpty && row.counts?.completionSource == .recount)
    }

    @Test func explainJoinsTheBodyAsReconcileDoes() throws {
        // The inflated row of the first test: explain shows the body's message and the same
        // numbers (expected 1, delta 75) as reconcile.
        let fixture = try ReconcileFixture()
        let logs = try fixture.log([row(1, quota: 76, prompt: 1009, completion: 2, requestID: "r-1")])
        let bodies = try fixture.log([Self.pair("r-2"), Self.pair("r-1")], name: "captures.jsonl")
        let pricing = try fixture.write("pricing.json", GatewayReconcileTests.catalog)
        var options = ReconcileOptions(
            logs: [logs], catalog: try PriceCatalog.load(path: pricing), pricingPath: pricing)
        options.bodies = [bodies]
        let explanation = try RequestExplainer(options: options).explain(requestID: "r-1")
        #expect(explanation.outcome.expected == Rational(1) && explanation.outcome.delta == Rational(75))
        #expect(explanation.outcome.counts?.promptSource == .recount)
        #expect(explanation.record?.request?["messages"] != nil)
        #expect(explanation.text().contains("Hello!"))
    }

    @Test func aBodyOfARowOutsideTheWindowIsCountedNotRejected() throws {
        // The row starts at 1717200000 − 2 (use_time): before --from, so it is another day's.
        let fixture = try ReconcileFixture()
        let logs = try fixture.log([row(41, quota: 76, prompt: 1009, completion: 2, requestID: "early")])
        let bodies = try fixture.log([Self.pair("early")], name: "captures.jsonl")
        let result = try run(fixture, logs: [logs], bodies: [bodies]) {
            $0.from = Timestamp(seconds: 1_717_200_000)
        }
        #expect(result.rows.isEmpty && result.rejects.isEmpty)
        #expect(result.counters.bodiesOutsideWindow == 1 && result.counters.outsideWindow == 1)
    }
}
