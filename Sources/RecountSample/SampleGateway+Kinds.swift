import Foundation
import RecountKit
import TokenCounter

extension SampleGateway.RowDraft {
    /// An Anthropic row: `usage_semantic` anthropic, cache reads and 5-minute writes.
    mutating func drawAnthropic(_ rng: inout SampleRandom) {
        modelName = "claude-3-5-sonnet-20241022"
        prompt = 5 + rng.skewed(800)
        completion = 1 + rng.skewed(1_200)
        let read = rng.chance(700) ? 1_024 + rng.skewed(20_000) : 0
        let written = rng.chance(400) ? 1_024 + rng.skewed(8_000) : 0
        other += [
            ("model_ratio", SampleGateway.number("1.5")), ("completion_ratio", SampleGateway.number("5")),
            ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_price", SampleGateway.number("-1")), ("user_group_ratio", SampleGateway.number("-1")),
            ("usage_semantic", .string("anthropic")),
            ("claude", .bool(true)), ("cache_tokens", .int(read)), ("cache_ratio", SampleGateway.number("0.1")),
            ("cache_creation_tokens", .int(written)), ("cache_creation_ratio", SampleGateway.number("1.25")),
            ("cache_creation_tokens_5m", .int(written)), ("cache_creation_ratio_5m", SampleGateway.number("1.25")),
            ("cache_write_tokens", .int(written)),
        ]
    }

    /// An image-output row (`image_output` tokens at `image_ratio`).
    mutating func drawImage(_ rng: inout SampleRandom) {
        modelName = "gpt-image-1"
        let image = 272 + rng.below(4) * 1_024
        prompt = image + 10 + rng.skewed(300)
        completion = 1_056 * rng.int(1...4)
        other += [
            ("model_ratio", SampleGateway.number("2.5")), ("completion_ratio", SampleGateway.number("8")),
            ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_price", SampleGateway.number("-1")), ("user_group_ratio", SampleGateway.number("-1")),
            ("image", .bool(true)),
            ("image_ratio", SampleGateway.number("2")), ("image_output", .int(image)),
        ]
    }

    /// An audio row: text and audio tokens in and out, `audio_ratio` and `audio_completion_ratio`.
    mutating func drawAudio(_ rng: inout SampleRandom) {
        modelName = "gpt-4o-audio-preview"
        let textIn = 20 + rng.skewed(800), textOut = 5 + rng.skewed(300)
        let audioIn = rng.skewed(3_000), audioOut = 50 + rng.skewed(4_000)
        prompt = textIn + audioIn
        completion = textOut + audioOut
        other += [
            ("model_ratio", SampleGateway.number("1.25")), ("completion_ratio", SampleGateway.number("4")),
            ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_price", SampleGateway.number("-1")), ("audio", .bool(true)), ("text_input", .int(textIn)),
            ("text_output", .int(textOut)),
            ("audio_input", .int(audioIn)), ("audio_output", .int(audioOut)),
            ("audio_ratio", SampleGateway.number("16")),
            ("audio_completion_ratio", SampleGateway.number("2")),
        ]
    }

    /// A search-model row with a web-search surcharge per call.
    mutating func drawWebSearch(_ rng: inout SampleRandom) {
        modelName = "gpt-4o-mini-search-preview"
        drawTokens(&rng)
        other += [
            ("model_ratio", SampleGateway.number("0.075")), ("completion_ratio", SampleGateway.number("4")),
            ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_price", SampleGateway.number("-1")), ("user_group_ratio", SampleGateway.number("-1")),
            ("web_search", .bool(true)),
            ("web_search_call_count", .int(rng.int(1...3))), ("web_search_price", SampleGateway.number("25")),
        ]
    }

    /// A fixed-price row (`model_price`, USD per request), never streamed.
    mutating func drawFixedPrice(_ rng: inout SampleRandom) {
        modelName = "dall-e-3"
        prompt = 10 + rng.skewed(200)
        other += [
            ("model_ratio", SampleGateway.number("0")), ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_price", SampleGateway.number("0.04")),
            ("user_group_ratio", SampleGateway.number("-1")),
        ]
        stream = false
    }

    /// An error row (type 5, quota 0): what new-api logs for a failed upstream call.
    mutating func drawError(_ rng: inout SampleRandom) {
        modelName = SampleGateway.textModels[rng.weighted(SampleGateway.textModels.map(\.1))].0.name
        type = 5
        quotaOverride = 0
        content =
            [
                "upstream error: status code 502", "do request failed: context deadline exceeded",
                "当前分组上游负载已饱和，请稍后再试",
            ][rng.below(3)]
        other = [
            ("admin_info", .fields([("use_channel", .array([.string("7")]))])),
            ("error_code", .string("upstream_error")),
            ("status_code", .int(502)),
        ]
    }

    /// A video task (type 2 at a pre-consumed estimate) and its settlement some requests later:
    /// a further debit when it cost more, a refund (type 6) when less.
    mutating func drawTask(refundTask: Bool?, _ rng: inout SampleRandom) {
        modelName = "kling-v1-6"
        stream = false
        // Submitted at an estimate; settled later at the real price: a delta (type 2) when
        // it cost more, a refund (type 6) when less.
        let expected = SampleGateway.taskQuota(groupRatio)
        // Above every group's price (a refund follows) or below every one (a delta follows).
        let preConsumed = refundTask ?? rng.chance(500) ? 200_000 : 100_000
        let taskID = "task_" + rng.hex(16)
        let base: [(String, JSONValue)] = [
            ("model_price", SampleGateway.number("0.35")), ("group_ratio", SampleGateway.number(groupRatio)),
            ("model_ratio", SampleGateway.number("0")), ("task_id", .string(taskID)),
        ]
        other = base
        quotaOverride = preConsumed
        let delta = expected - preConsumed
        if delta != 0 {
            let settlement = SampleGateway.otherText(
                base + [
                    ("pre_consumed", .int(preConsumed)), ("actual_quota", .int(expected)),
                    ("quota_delta", .int(delta)),
                ])
            laterRows.append(
                SampleGateway.row(
                    id: id, type: delta > 0 ? 2 : 6, createdAt: createdAt + 60 + rng.below(600), useTime: 0,
                    account: account, model: modelName, quota: abs(delta), prompt: 0, completion: 0,
                    stream: false, other: settlement,
                    content: delta > 0 ? "任务 \(taskID) 补扣费" : "任务 \(taskID) 退还多扣额度", &rng))
        }
    }
}
