import Foundation
import RecountKit
import TokenCounter

extension SampleGateway {
    /// One request's main `logs` row while its fields are drawn: first what every kind shares
    /// (account, times, request id, the base of `other`), then what its kind adds (model, token
    /// counts, ratios, surcharges). The draws are made in one fixed order, so a seed gives the
    /// same day byte for byte; a new draw goes after the others, never between them.
    struct RowDraft {
        /// The kind drawn; a `rateGroup` with no discounted account to ignore becomes `rateModel`.
        let kind: Kind
        let account: SamplePopulation.Account
        let groupRatio: String
        let startMilliseconds: Int64
        let startSeconds: Int64
        let useTime: Int
        let createdAt: Int
        let id: String
        var modelName = ""
        var prompt = 0
        var completion = 0
        var other: [(String, JSONValue)]
        var stream: Bool
        /// new-api's log type: 2 a consumption, 5 an error.
        var type = 2
        /// A quota not replayed from `other` (errors: 0; tasks: the pre-consumed estimate).
        var quotaOverride: Int?
        var content = ""
        var capture: JSONValue?
        /// A task's settlement, written some requests later.
        var laterRows: [JSONValue] = []

        /// The shared part: account and group, start time, `use_time`, the request id, the base
        /// of `other` and whether it streamed.
        init(index: Int, count: Int, kind drawn: Kind, population: SamplePopulation, _ rng: inout SampleRandom) {
            var kind = drawn
            var account = population.account(&rng)
            if kind == .rateGroup {
                // A user of a discounted group: the case is that the gateway ignored the discount.
                for _ in 0..<64 where account.group == "default" { account = population.account(&rng) }
                if account.group == "default" { kind = .rateModel }
            }
            self.kind = kind
            self.account = account
            groupRatio = ["default": "1", "vip": "0.8", "svip": "0.6"][account.group] ?? "1"
            startMilliseconds =
                Int64(index) * SampleCatalog.dayMilliseconds / Int64(count)
                + Int64(rng.below(Int(max(1, SampleCatalog.dayMilliseconds / Int64(count)))))
            useTime = kind == .task ? rng.int(30...300) : rng.int(1...40)
            startSeconds = SampleCatalog.dayStartSeconds + startMilliseconds / 1000
            createdAt = Int(startSeconds) + useTime
            let clock = startMilliseconds / 1000
            func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
            let timeString = "\(SampleCatalog.dayTag)\(two(clock / 3600))\(two(clock / 60 % 60))\(two(clock % 60))"
            id = "\(timeString)\(rng.hex(4))-\(kind.columnsOnly ? "c" : "o")-\(rng.hex(6))"
            other = [
                ("admin_info", .fields([("use_channel", .array([.string(String(rng.int(1...12)))]))])),
                ("frt", .int(rng.int(180...4_000))),
            ]
            stream = rng.chance(250)
        }

        /// What the kind adds to the row.
        mutating func drawKind(refundTask: Bool?, _ rng: inout SampleRandom) {
            switch kind {
            case .text, .arithmetic, .rateModel, .rateCompletion, .rateGroup, .streamIncomplete, .cached, .lostCache:
                drawText(&rng)
            case .anthropic: drawAnthropic(&rng)
            case .image: drawImage(&rng)
            case .audio: drawAudio(&rng)
            case .webSearch: drawWebSearch(&rng)
            case .fixedPrice: drawFixedPrice(&rng)
            case .error: drawError(&rng)
            case .task: drawTask(refundTask: refundTask, &rng)
            }
        }

        /// Token counts of a row without a captured body.
        mutating func drawTokens(_ rng: inout SampleRandom) {
            prompt = 30 + rng.skewed(6_000)
            completion = 1 + rng.skewed(1_500)
        }

        /// A text model's ratios as the row carries them; a `rate` case overrides one.
        mutating func addRatios(
            _ model: TextModel, modelRatio: String? = nil, completionRatio: String? = nil, group: String? = nil
        ) {
            other += [
                ("model_ratio", number(modelRatio ?? model.modelRatio)),
                ("completion_ratio", number(completionRatio ?? model.completionRatio)),
                ("group_ratio", number(group ?? groupRatio)), ("model_price", number("-1")),
                ("user_group_ratio", number("-1")),
            ]
        }

        /// A chat row of a text model (and its injected variants): counts from a captured body
        /// or drawn, the ratios, the cache, the stream's outcome.
        mutating func drawText(_ rng: inout SampleRandom) {
            let model = textModels[rng.weighted(textModels.map(\.1))].0
            modelName = model.name
            // Bodies only where the row's tokens stay the body's recount: the other kinds raise
            // the prompt or completion below (a rate case needs tokens enough to show, a cached
            // one a prompt past 1,024), which would make the body say the row was inflated.
            if rng.chance(200), kind == .text || kind == .arithmetic {
                let (body, counts) = SampleGateway.body(
                    id: id, model: model.name, account: account, start: startMilliseconds, &rng)
                capture = body
                (prompt, completion) = counts
            } else {
                drawTokens(&rng)
            }
            if kind == .rateCompletion { completion = max(completion, 200) }
            if kind == .rateModel || kind == .rateGroup { prompt = max(prompt, 400) }
            switch kind {
            case .rateModel: addRatios(model, modelRatio: model.driftedModelRatio)
            case .rateCompletion: addRatios(model, completionRatio: "5")
            case .rateGroup: addRatios(model, group: "1")
            default: addRatios(model)
            }
            addCache(model, &rng)
            addStreamStatus(&rng)
            content = "模型倍率 \(model.modelRatio)，补全倍率 \(model.completionRatio)，分组倍率 \(groupRatio)"
        }

        /// Cached prompt tokens (a `lostCache` case bills them at ratio 1); other text rows
        /// carry `cache_tokens` 0.
        mutating func addCache(_ model: TextModel, _ rng: inout SampleRandom) {
            guard kind == .cached || kind == .lostCache else {
                other += [("cache_tokens", .int(0)), ("cache_ratio", number(model.cacheRatio))]
                return
            }
            prompt = max(prompt, 1_100)
            let cached = 1_024 + 128 * rng.below((prompt - 1_024) / 128 + 1)
            other += [
                ("cache_tokens", .int(min(cached, prompt))),
                ("cache_ratio", number(kind == .lostCache ? "1" : model.cacheRatio)),
            ]
        }

        /// A stream's `stream_status` and billing path: an unfinished one billed on the local
        /// count (`streamIncomplete`), or one billed on the upstream's usage that ended well or not.
        mutating func addStreamStatus(_ rng: inout SampleRandom) {
            if kind == .streamIncomplete {
                stream = true
                completion = 1 + rng.below(120)
                other.removeAll { $0.0 == "admin_info" }
                other += [
                    (
                        "stream_status",
                        .fields([
                            ("end_error", .string(rng.chance(500) ? "context canceled" : "stream read timeout")),
                            ("end_reason", .string(rng.chance(500) ? "client_gone" : "timeout")),
                            ("error_count", .int(1)), ("status", .string("error")),
                        ])
                    ),
                    (
                        "admin_info",
                        .fields([
                            ("local_count_tokens", .bool(true)), ("usage_billing_path", .string("local")),
                            ("use_channel", .array([.string("3")])),
                        ])
                    ),
                ]
            } else if stream {
                // Most streams end well; some end badly but are billed on the upstream's usage
                // (not an estimate: no finding).
                let bad = rng.chance(80)
                other.append(
                    (
                        "stream_status",
                        .fields(
                            bad
                                ? [
                                    ("end_reason", .string("timeout")), ("error_count", .int(1)),
                                    ("status", .string("error")),
                                ]
                                : [("end_reason", .string("done")), ("status", .string("ok"))])
                    ))
                other.removeAll { $0.0 == "admin_info" }
                other.append(
                    (
                        "admin_info",
                        .fields([
                            ("usage_billing_path", .string("billing-usage-openai")),
                            ("use_channel", .array([.string("5")])),
                        ])
                    ))
            }
        }
    }
}
