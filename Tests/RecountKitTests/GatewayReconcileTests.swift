import Foundation
import Testing

@testable import RecountKit

/// new-api rows through the whole pipeline (decode → charge from `other` → join → class),
/// each billed right and billed wrong. Expected quotas are worked by hand in the comments from
/// the gateway's formula (SPEC §2.6, `service/text_quota.go`), in quota (500,000 = $1), never
/// from Recount's output; the catalog prices each model with the ratios its rows record.
@Suite struct GatewayReconcileTests {
    static let catalog = """
        {"schema": "recount.pricing/1", "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0},
         "versions": [{"id": "v1", "effective_from": "2024-01-01T00:00:00Z", "rounding": "half_away_from_zero",
           "minimum_charge": "1", "groups": {"default": "1", "vip": "0.8"}, "models": {
             "gpt-4o": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"},
             "gpt-4o-mini": {"model_ratio": "0.075", "completion_ratio": "4"},
             "gpt-4o-search-preview": {"model_ratio": "1.25", "completion_ratio": "4", "per_call": {"web_search": "0.025"}},
             "claude-sonnet-4": {"model_ratio": "1.5", "completion_ratio": "5", "cache_ratio": "0.1", "cache_creation_ratio": "1.25"},
             "gpt-image-1": {"model_ratio": "2.5", "completion_ratio": "8", "image_ratio": "2"},
             "gpt-4o-audio-preview": {"model_ratio": "1.25", "completion_ratio": "4", "audio_ratio": "16", "audio_completion_ratio": "2"},
             "sora-2": {"model_price": "0.1"}
           }}]}
        """

    /// A new-api `logs` row as `sqlite3 -json` prints it; `other` is a JSON string, as stored.
    static func row(
        _ id: Int, type: Int = 2, model: String, quota: Int, prompt: Int = 0, completion: Int = 0,
        requestID: String? = nil, other: String, stream: Bool = false
    ) -> String {
        let escaped = other.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        let request = requestID.map { ", \"request_id\": \"\($0)\"" } ?? ""
        return
            "{\"id\": \(id), \"user_id\": 1, \"created_at\": 1717200000, \"type\": \(type), \"content\": \"\", \"username\": \"alice\", \"token_name\": \"k\", \"model_name\": \"\(model)\", \"quota\": \(quota), \"prompt_tokens\": \(prompt), \"completion_tokens\": \(completion), \"use_time\": 2, \"is_stream\": \(stream), \"channel_id\": 3, \"group\": \"default\"\(request), \"other\": \"\(escaped)\"}"
    }

    func run(_ lines: [String]) throws -> ReconcileResult {
        let fixture = try ReconcileFixture()
        try fixture.log(lines)
        return try fixture.run(catalogJSON: Self.catalog) { $0.allRows = true }
    }

    @Test func cachedRead() throws {
        // gpt-4o, 1000 prompt of which 400 read from cache at 0.5, 200 completion at 4, ratio 1.25:
        // (600 + 400 × 0.5 + 200 × 4) × 1.25 = (600 + 200 + 800) × 1.25 = 2000.
        // Billed 2250 = (1000 + 800) × 1.25: the cache discount was lost, overcharged 250.
        let other =
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#
        let result = try run([
            Self.row(1, model: "gpt-4o", quota: 2000, prompt: 1000, completion: 200, requestID: "right", other: other),
            Self.row(2, model: "gpt-4o", quota: 2250, prompt: 1000, completion: 200, requestID: "lost", other: other),
        ])
        let right = try result.row("right"), lost = try result.row("lost")
        #expect(right.outcomeClass == .ok && right.expected == Rational(2000))
        #expect(lost.outcomeClass == .overcharge && lost.expected == Rational(2000))
        #expect(lost.credits.map(\.amount) == [Rational(250)])
        // The row's own ratios give 2000, not 2250: the gateway computed wrong.
        #expect(lost.causes == [.gateway_arithmetic])
        #expect(lost.causeDetail.contains("quota 2250, but the row's own ratios give 2000"))
        #expect(right.causes.isEmpty)
    }

    @Test func aRowIsItsOwnDebitUnderItsLogsID() throws {
        // Row 2 is debited its quota 2250 (`logs.id` 2 names the debit), 250 over the 2000 due.
        // The overcharge credit hangs on the request alone (a log's own debit has no ledger id).
        let other =
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#
        let result = try run([
            Self.row(2, model: "gpt-4o", quota: 2250, prompt: 1000, completion: 200, requestID: "lost", other: other)
        ])
        let lost = try result.row("lost")
        #expect(lost.debits.map(\.debitID) == ["2"])
        #expect(lost.credits.map(\.debitID) == ["2"])
        #expect(
            lost.credits.map(\.creditID)
                == [Credit.id(requestID: "lost", creditClass: .overcharge, debitID: nil)])
    }

    @Test func rateNamesTheRatioThatDiffersFromTheCatalog() throws {
        // The gateway applied model_ratio 2.5 where the catalog's version says 1.25, and computed
        // right from it: (600 + 400 × 0.5 + 200 × 4) × 2.5 = 1600 × 2.5 = 4000 against the
        // catalog's 2000: overcharged 2000, cause rate naming model_ratio and both values, and no
        // gateway_arithmetic (its quota matches its own ratios).
        let other =
            #"{"model_ratio":2.5,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#
        let result = try run([
            Self.row(1, model: "gpt-4o", quota: 4000, prompt: 1000, completion: 200, requestID: "r", other: other)
        ])
        let row = try result.row("r")
        #expect(row.outcomeClass == .overcharge && row.delta == Rational(2000))
        #expect(row.causes == [.rate])
        #expect(row.causeDetail.contains("model_ratio: row 2.5, catalog 1.25"))
    }

    @Test func streamIncompleteOnALocalEstimateIsShownEvenWhenTheChargeAgrees() throws {
        // A stream that timed out, billed on the gateway's local count: 1000 + 500 at 0.075 / 4 =
        // 225, as billed, so `ok` — but the 500 completion tokens are an estimate of partial
        // text, which support must see: cause stream_incomplete with the end reason, and the row
        // is in discrepancies.csv. A stream that ended `done` gets nothing.
        let local =
            #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1,"stream_status":{"status":"error","end_reason":"timeout","error_count":1},"admin_info":{"local_count_tokens":true,"usage_billing_path":"local"}}"#
        let done =
            #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1,"stream_status":{"status":"ok","end_reason":"done"}}"#
        let fixture = try ReconcileFixture()
        try fixture.log([
            Self.row(
                1, model: "gpt-4o-mini", quota: 225, prompt: 1000, completion: 500, requestID: "cut", other: local,
                stream: true),
            Self.row(
                2, model: "gpt-4o-mini", quota: 225, prompt: 1000, completion: 500, requestID: "whole", other: done,
                stream: true),
        ])
        let result = try fixture.run(catalogJSON: Self.catalog)
        let cut = try result.row("cut")
        #expect(cut.outcomeClass == .ok && cut.causes == [.stream_incomplete])
        #expect(cut.causeDetail.contains("stream ended 'timeout'"))
        #expect(result.rows.map(\.requestID) == ["cut"])  // without --all-rows: only the finding's row
        #expect(result.warnings.streamEndReasons == ["timeout": 1, "done": 1])
        #expect(result.warnings.streamOutcomes == ["incomplete_local_estimate": 1, "complete": 1])
        #expect(result.counters.repricedRequests == 2 && result.counters.recountedRequests == 0)
        let csv = String(
            decoding: try #require(
                ReportFiles(result: result, parameters: RunParameters()).files()
                    .first { $0.name == "discrepancies.csv" }
            ).bytes, as: UTF8.self)
        #expect(csv.contains("stream_incomplete"))
    }

    @Test func anthropicSemantics() throws {
        // usage_semantic anthropic: prompt_tokens 200 excludes the 3000 cached tokens.
        // (200 + 3000 × 0.1 + 100 × 5) × 1.5 = (200 + 300 + 500) × 1.5 = 1500.
        // Billed 5550 = (200 + 3000 + 500) × 1.5: the cached tokens at full price, overcharged 4050.
        let other =
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"cache_tokens":3000,"cache_ratio":0.1,"usage_semantic":"anthropic","claude":true}"#
        let result = try run([
            Self.row(
                1, model: "claude-sonnet-4", quota: 1500, prompt: 200, completion: 100, requestID: "right", other: other
            ),
            Self.row(
                2, model: "claude-sonnet-4", quota: 5550, prompt: 200, completion: 100, requestID: "full", other: other),
        ])
        #expect(try result.row("right").outcomeClass == .ok)
        #expect(try result.row("right").expected == Rational(1500))
        #expect(try result.row("full").outcomeClass == .overcharge)
        #expect(try result.row("full").credits.map(\.amount) == [Rational(4050)])
    }

    @Test func cacheWritesFiveMinutesAndOneHour() throws {
        // Anthropic usage: 100 uncached prompt, writes 1000 for 5 min at 1.25 and 2000 for 1 h at
        // 1.25 × 1.6 = 2, 10 completion at 5, ratio 1.5:
        // (100 + 1000 × 1.25 + 2000 × 2 + 10 × 5) × 1.5 = (100 + 1250 + 4000 + 50) × 1.5 = 8100.
        // Billed 5850 = (100 + 3000 × 1.25 + 50) × 1.5 = 3900 × 1.5: the 1 h writes at the 5 min
        // ratio, undercharged 2250.
        let other =
            #"{"model_ratio":1.5,"completion_ratio":5,"group_ratio":1,"model_price":-1,"usage_semantic":"anthropic","cache_creation_tokens":3000,"cache_creation_ratio":1.25,"cache_creation_tokens_5m":1000,"cache_creation_ratio_5m":1.25,"cache_creation_tokens_1h":2000,"cache_creation_ratio_1h":2}"#
        let result = try run([
            Self.row(
                1, model: "claude-sonnet-4", quota: 8100, prompt: 100, completion: 10, requestID: "right", other: other),
            Self.row(
                2, model: "claude-sonnet-4", quota: 5850, prompt: 100, completion: 10, requestID: "flat", other: other),
        ])
        #expect(try result.row("right").outcomeClass == .ok)
        #expect(try result.row("right").expected == Rational(8100))
        #expect(try result.row("flat").outcomeClass == .undercharge)
        #expect(try result.row("flat").delta == Rational(-2250))
    }

    @Test func imageOutput() throws {
        // gpt-image-1: 1000 of 1100 prompt tokens are image tokens at image_ratio 2, 50 completion
        // at 8, ratio 2.5: (100 + 1000 × 2 + 50 × 8) × 2.5 = 2500 × 2.5 = 6250.
        // Billed 3750 = (1100 + 400) × 2.5: images as text, undercharged 2500.
        let other =
            #"{"model_ratio":2.5,"completion_ratio":8,"group_ratio":1,"model_price":-1,"image":true,"image_ratio":2,"image_output":1000}"#
        let result = try run([
            Self.row(
                1, model: "gpt-image-1", quota: 6250, prompt: 1100, completion: 50, requestID: "right", other: other),
            Self.row(
                2, model: "gpt-image-1", quota: 3750, prompt: 1100, completion: 50, requestID: "text", other: other),
        ])
        #expect(try result.row("right").outcomeClass == .ok)
        #expect(try result.row("text").outcomeClass == .undercharge)
        #expect(try result.row("text").delta == Rational(-2500))
    }

    @Test func audio() throws {
        // calculateAudioQuota: text 100 in / 50 out, audio 200 in / 300 out, ratio 1.25, completion
        // 4, audio 16, audio completion 2: (100 + 50 × 4 + 200 × 16 + 300 × 16 × 2) × 1.25
        // = (100 + 200 + 3200 + 9600) × 1.25 = 13100 × 1.25 = 16375.
        // Billed 2125 = (300 + 350 × 4) × 1.25: audio as text, undercharged 14250.
        let other =
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"audio":true,"text_input":100,"text_output":50,"audio_input":200,"audio_output":300,"audio_ratio":16,"audio_completion_ratio":2}"#
        let result = try run([
            Self.row(
                1, model: "gpt-4o-audio-preview", quota: 16375, prompt: 300, completion: 350, requestID: "right",
                other: other),
            Self.row(
                2, model: "gpt-4o-audio-preview", quota: 2125, prompt: 300, completion: 350, requestID: "text",
                other: other),
        ])
        #expect(try result.row("right").outcomeClass == .ok)
        #expect(try result.row("right").expected == Rational(16375))
        #expect(try result.row("text").outcomeClass == .undercharge)
        #expect(try result.row("text").delta == Rational(-14250))
    }

    @Test func perCallSurcharge() throws {
        // 100 prompt + 50 completion at 1.25 / 4: (100 + 200) × 1.25 = 375; one web search at
        // $25 per 1,000 calls: 25 / 1000 × 1 × 500000 = 12500; quota 12875.
        // Billed 25375: the search charged twice, overcharged 12500.
        let other =
            #"{"model_ratio":1.25,"completion_ratio":4,"group_ratio":1,"model_price":-1,"web_search":true,"web_search_call_count":1,"web_search_price":25}"#
        let result = try run([
            Self.row(
                1, model: "gpt-4o-search-preview", quota: 12875, prompt: 100, completion: 50, requestID: "right",
                other: other),
            Self.row(
                2, model: "gpt-4o-search-preview", quota: 25375, prompt: 100, completion: 50, requestID: "twice",
                other: other),
        ])
        #expect(try result.row("right").outcomeClass == .ok)
        #expect(try result.row("right").expected == Rational(12875))
        #expect(try result.row("twice").outcomeClass == .overcharge)
        #expect(try result.row("twice").credits.map(\.amount) == [Rational(12500)])
    }

    @Test func refundNetsAnOverchargeCreditedOnce() throws {
        // gpt-4o-mini 1000 + 500 at 0.075 / 4: (1000 + 2000) × 0.075 = 225.
        // "part": debited 300, the gateway refunded 50 → net 250: overcharged 25, credited 25
        // (not 75: the refund already gave 50 back). "full": refunded 75 → net 225: ok, no credit.
        let other = #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1}"#
        let result = try run([
            Self.row(
                1, model: "gpt-4o-mini", quota: 300, prompt: 1000, completion: 500, requestID: "part", other: other),
            Self.row(
                2, model: "gpt-4o-mini", quota: 300, prompt: 1000, completion: 500, requestID: "full", other: other),
            Self.row(3, type: 6, model: "gpt-4o-mini", quota: 50, requestID: "part", other: ""),
            Self.row(4, type: 6, model: "gpt-4o-mini", quota: 75, requestID: "full", other: ""),
        ])
        let part = try result.row("part"), full = try result.row("full")
        #expect(part.outcomeClass == .overcharge && part.recorded == Rational(250) && part.delta == Rational(25))
        #expect(part.credits.map(\.amount) == [Rational(25)])
        #expect(full.outcomeClass == .ok && full.recorded == Rational(225) && full.credits.isEmpty)
        #expect(result.rejects.isEmpty)
        #expect(result.counters.nettedRows == 2 && result.counters.requests == 2)
    }

    @Test func taskWithALaterDelta() throws {
        // sora-2 at $0.1 per call: 0.1 × 500000 = 50000. The task pre-consumed 60000; its settlement
        // row's delta −10000 (actual 50000 − pre-consumed 60000) nets it to 50000: ok.
        // Task 8's settlement added +5000 instead: net 65000, overcharged 15000.
        func submit(_ id: Int, _ task: String) -> String {
            Self.row(
                id, model: "sora-2", quota: 60000, requestID: "sub-\(id)",
                other: #"{"model_price":0.1,"group_ratio":1,"task_id":"\#(task)"}"#)
        }
        func settle(_ id: Int, _ task: String, delta: Int) -> String {
            Self.row(
                id, model: "sora-2", quota: delta,
                other:
                    #"{"task_id":"\#(task)","pre_consumed":60000,"actual_quota":\#(60000 + delta),"quota_delta":\#(delta)}"#
            )
        }
        let result = try run([
            submit(1, "t7"), submit(2, "t8"), settle(3, "t7", delta: -10000), settle(4, "t8", delta: 5000),
        ])
        let right = try result.row("task:t7"), wrong = try result.row("task:t8")
        #expect(right.outcomeClass == .ok && right.recorded == Rational(50000) && right.expected == Rational(50000))
        #expect(wrong.outcomeClass == .overcharge && wrong.credits.map(\.amount) == [Rational(15000)])
        #expect(result.rejects.isEmpty)
        // explain finds the task by its id and nets the same rows.
        let fixture = try ReconcileFixture()
        try fixture.log([
            submit(1, "t7"), submit(2, "t8"), settle(3, "t7", delta: -10000), settle(4, "t8", delta: 5000),
        ])
        let pricing = try fixture.write("pricing.json", Self.catalog)
        let options = ReconcileOptions(
            logs: [fixture.path("log.jsonl")], catalog: try PriceCatalog.load(path: pricing), pricingPath: pricing)
        let explained = try RequestExplainer(options: options).explain(requestID: "task:t8").outcome
        #expect(explained.recorded == Rational(65000) && explained.outcomeClass == .overcharge)
    }

    @Test func aNegativeQuotaIsARejectExceptOnATaskSettlementRow() throws {
        let result = try run([
            Self.row(
                1, model: "gpt-4o-mini", quota: -5, prompt: 1, requestID: "neg",
                other: #"{"model_ratio":0.075,"group_ratio":1,"model_price":-1}"#),
            Self.row(2, type: 6, model: "gpt-4o-mini", quota: -5, requestID: "neg-refund", other: ""),
        ])
        #expect(result.rows.isEmpty)
        #expect(result.rejects.map(\.field) == ["quota", "quota"])
    }

    /// `explain` shows the row's ratios beside the catalog's and the gateway's replayed quota,
    /// and equals the reconcile row, refund included. The row: gpt-4o at model_ratio 2.5 (the
    /// catalog says 1.25), quota 4100 where its own ratios give (600 + 200 + 800) × 2.5 = 4000;
    /// refunded 100, so net 4000 against the catalog's 2000: overcharged 2000, credited once.
    @Test func explainShowsTheRowsRatiosAndTheReplay() throws {
        let other =
            #"{"model_ratio":2.5,"completion_ratio":4,"group_ratio":1,"model_price":-1,"cache_tokens":400,"cache_ratio":0.5}"#
        let fixture = try ReconcileFixture()
        let lines = [
            Self.row(7, model: "gpt-4o", quota: 4100, prompt: 1000, completion: 200, requestID: "r", other: other),
            Self.row(8, type: 6, model: "gpt-4o", quota: 100, requestID: "r", other: ""),
        ]
        try fixture.log(lines)
        let result = try fixture.run(catalogJSON: Self.catalog)
        let row = try result.row("r")
        #expect(
            row.outcomeClass == .overcharge && row.recorded == Rational(4000)
                && row.credits.map(\.amount) == [Rational(2000)])
        #expect(row.causes == [.gateway_arithmetic, .rate])
        let pricing = try fixture.write("pricing.json", Self.catalog)
        let options = ReconcileOptions(
            logs: [fixture.path("log.jsonl")], catalog: try PriceCatalog.load(path: pricing), pricingPath: pricing)
        let explanation = try RequestExplainer(options: options).explain(requestID: "r")
        #expect(explanation.outcome.recorded == row.recorded && explanation.outcome.causeDetail == row.causeDetail)
        let ratios = Dictionary(uniqueKeysWithValues: explanation.gatewayRatios.map { ($0.name, ($0.row, $0.catalog)) })
        #expect(ratios["model_ratio"]?.0 == points("2.5") && ratios["model_ratio"]?.1 == points("1.25"))
        #expect(ratios["completion_ratio"]?.0 == Rational(4) && ratios["completion_ratio"]?.1 == Rational(4))
        #expect(explanation.gatewayReplay?.quota == 4000)
        let text = explanation.text()
        #expect(text.contains("DIFFERS"))
        #expect(text.contains("the row wrote 4100: INCONSISTENT"))
        #expect(explanation.json().contains("\"replay\""))
        // The row's number from the admin page explains its request: the request row's logs.id
        // (7) and the refund's (8) both give request r, refund netted.
        for rowID in ["7", "8"] {
            let byRow = try RequestExplainer(options: options).explain(requestID: rowID).outcome
            #expect(byRow.requestID == "r" && byRow.recorded == row.recorded, "logs.id \(rowID)")
        }
        do {
            _ = try RequestExplainer(options: options).explain(requestID: "9")
            Issue.record("logs.id 9 is not in the log")
        } catch {
            guard case .notFound = error else { Issue.record("expected notFound, got \(error)"); return }
        }
    }

    /// A short row number is on many a rejected line (a time's seconds, an amount): the row it
    /// numbers is explained, and a rejected line is the id's only when the id is one of its values.
    @Test func aShortRowNumberIsNotTakenForARejectedLinesTime() throws {
        let other = #"{"model_ratio":0.075,"completion_ratio":4,"group_ratio":1,"model_price":-1}"#
        let fixture = try ReconcileFixture()
        try fixture.log([
            #"{"id": "broken", "time": "2024-06-01T00:00:07Z", "account": "#,
            Self.row(7, model: "gpt-4o-mini", quota: 225, prompt: 1000, completion: 500, requestID: "r", other: other),
            #"{"id": "8", "time": "never", "account": "a", "model": "m"}"#,
        ])
        let pricing = try fixture.write("pricing.json", Self.catalog)
        let options = ReconcileOptions(
            logs: [fixture.path("log.jsonl")], catalog: try PriceCatalog.load(path: pricing), pricingPath: pricing)
        // (1000 + 500 × 4) × 0.075 = 225: ok.
        let byRow = try RequestExplainer(options: options).explain(requestID: "7").outcome
        #expect(byRow.requestID == "r" && byRow.outcomeClass == .ok)
        do {
            _ = try RequestExplainer(options: options).explain(requestID: "8")
            Issue.record("id 8 is on a rejected line")
        } catch {
            guard case .rejected(_, let reject) = error else { Issue.record("expected rejected, got \(error)"); return }
            #expect(reject.source.line == 3)
        }
    }

    /// An `other` that does not say how the row was priced (no `model_price`) is not compared
    /// with the catalog: `{"model_ratio":0,"group_ratio":1,"frt":400}` on a row billed 225 =
    /// (1000 + 500 × 4) × 0.075 is `ok` with no cause.
    @Test func anOtherWithoutItsPricingModeIsNotCompared() throws {
        let result = try run([
            Self.row(
                1, model: "gpt-4o-mini", quota: 225, prompt: 1000, completion: 500, requestID: "r",
                other: #"{"model_ratio":0,"group_ratio":1,"frt":400}"#)
        ])
        let row = try result.row("r")
        #expect(row.outcomeClass == .ok && row.causes.isEmpty)
    }
}
