import Foundation
import RecountKit
import TokenCounter

/// The new-api part of a `realistic` day: `DIR/gateway/`, a relay's own `logs` table exported
/// as JSON lines, with its own quota catalog, and the bodies an operator captured for some
/// requests (issues 13 and 15).
///
/// - `gateway/pricing.json`: the gateway's ratios as a `recount.pricing/1` catalog in quota
///   (500,000 = $1, `half_away_from_zero`, minimum 1), the catalog `prices import` would write.
/// - `gateway/logs.jsonl`: rows in new-api's `logs` shape (`model/log.go` columns, `other` a JSON
///   string with keys sorted as Go's `json.Marshal` of a map writes them): text rows, cached reads,
///   Anthropic rows (`usage_semantic`, cache reads and writes), image-output and audio rows, web
///   search surcharges, fixed-price rows, streams with `stream_status` and `admin_info`,
///   error rows (type 5), async tasks whose settlement comes later as a delta (type 2) or a
///   refund (type 6). Every quota is `GatewayQuota.replay` of the row's own `other` — the
///   gateway's formula — except where a case below is injected.
/// - `gateway/bodies/captures.jsonl`: `recount.log/1` lines keyed by the row's `request_id`
///   (what a capturing proxy keyed by `X-Oneapi-Request-Id` writes); the row's token counts are
///   the recount of that body, so a joined recount agrees with the row. They carry no `usage`
///   (the recount is the count), so `reconcile --bodies` counts their requests as recounted.
///
/// Injected (each listed in `sample.json` with request id, class and cause): a quota that
/// contradicts the row's own ratios (`gateway_arithmetic`), ratios that differ from the
/// catalog (`rate`, naming model, completion or group ratio), an unfinished stream billed on
/// the gateway's local count (`stream_incomplete`, class `ok`: the charge matches the count,
/// the count is an estimate), a lost cache discount (`cache_ratio` 1: `rate`, an overcharge).
///
/// Request ids are new-api's time string + `-c-` or `-o-` + hex: `c` marks a row a
/// reconcile reading only the row's columns (tokens, quota, group) prices exactly as the
/// gateway's formula does, `o` one whose charge rests on `other` (cache, image, audio,
/// surcharges, refunds, tasks) — so a test can check the first kind before `other` is wired in.
enum SampleGateway {
    static let directoryName = "gateway"
    static let logName = "logs.jsonl"
    static let bodiesPath = "bodies/captures.jsonl"

    static let catalogText = """
        {
          "schema": "recount.pricing/1",
          "unit": {"name": "quota", "currency": "USD", "per_currency": "500000", "scale": 0},
          "versions": [
            {
              "id": "gateway-2024-02",
              "effective_from": "2024-02-01T00:00:00+08:00",
              "rounding": "half_away_from_zero",
              "minimum_charge": "1",
              "charge_failed_requests": false,
              "groups": {"default": "1", "vip": "0.8", "svip": "0.6"},
              "models": {
                "gpt-4o-mini": {"model_ratio": "0.075", "completion_ratio": "4", "cache_ratio": "0.5"},
                "gpt-4o": {"model_ratio": "1.25", "completion_ratio": "4", "cache_ratio": "0.5"},
                "gpt-4.1": {"model_ratio": "1", "completion_ratio": "4", "cache_ratio": "0.25"},
                "deepseek-chat": {"model_ratio": "0.135", "completion_ratio": "2", "cache_ratio": "0.1"},
                "claude-3-5-sonnet-20241022": {"model_ratio": "1.5", "completion_ratio": "5", "cache_ratio": "0.1", "cache_creation_ratio": "1.25"},
                "gpt-image-1": {"model_ratio": "2.5", "completion_ratio": "8", "image_ratio": "2"},
                "gpt-4o-audio-preview": {"model_ratio": "1.25", "completion_ratio": "4", "audio_ratio": "16", "audio_completion_ratio": "2"},
                "gpt-4o-mini-search-preview": {"model_ratio": "0.075", "completion_ratio": "4", "per_call": {"web_search": "0.025"}},
                "dall-e-3": {"model_price": "0.04"},
                "kling-v1-6": {"model_price": "0.35"}
              }
            }
          ]
        }

        """

    static func loadCatalog() -> PriceCatalog {
        do { return try PriceCatalog.parse(Array(catalogText.utf8), source: "gateway/pricing.json") } catch {
            preconditionFailure("the embedded gateway catalog is invalid: \(error)")
        }
    }

    /// The ratios each text model's rows carry (as Go prints the float64s).
    struct TextModel {
        let name: String
        let modelRatio: String
        let completionRatio: String
        let cacheRatio: String
        /// The ratio a `rate` case writes instead (the gateway's settings drifted).
        let driftedModelRatio: String
    }

    static let textModels: [(TextModel, Int)] = [
        (
            TextModel(
                name: "gpt-4o-mini", modelRatio: "0.075", completionRatio: "4", cacheRatio: "0.5",
                driftedModelRatio: "0.1"), 45
        ),
        (
            TextModel(
                name: "gpt-4o", modelRatio: "1.25", completionRatio: "4", cacheRatio: "0.5", driftedModelRatio: "1.5"),
            30
        ),
        (
            TextModel(
                name: "gpt-4.1", modelRatio: "1", completionRatio: "4", cacheRatio: "0.25", driftedModelRatio: "1.25"),
            15
        ),
        (
            TextModel(
                name: "deepseek-chat", modelRatio: "0.135", completionRatio: "2", cacheRatio: "0.1",
                driftedModelRatio: "0.27"), 10
        ),
    ]

    /// What one generated request is.
    enum Kind: String, CaseIterable {
        case text, cached, anthropic, image, audio, webSearch, fixedPrice, error, task
        // Injected:
        case arithmetic, rateModel, rateCompletion, rateGroup, streamIncomplete, lostCache

        var injected: Bool {
            [.arithmetic, .rateModel, .rateCompletion, .rateGroup, .streamIncomplete, .lostCache].contains(self)
        }
        /// Whether a reconcile reading only the row's columns prices it as the gateway does.
        var columnsOnly: Bool {
            [.text, .fixedPrice, .error, .arithmetic, .rateModel, .rateCompletion, .rateGroup, .streamIncomplete]
                .contains(self)
        }
    }

    /// Per mille of requests, the rest `text`.
    static let weights: [(Kind, Int)] = [
        (.cached, 200), (.anthropic, 80), (.image, 30), (.audio, 30), (.webSearch, 40), (.fixedPrice, 30), (.error, 30),
        (.task, 30), (.arithmetic, 6), (.rateModel, 3), (.rateCompletion, 3), (.rateGroup, 3), (.streamIncomplete, 6),
        (.lostCache, 6),
    ]

    /// Every injected kind at least twice, even in a small sample: (kind, per 10,000 of the requests).
    static let showcase: [(Kind, Int)] = [
        (.arithmetic, 700), (.rateModel, 1_500), (.rateCompletion, 2_300), (.rateGroup, 3_100),
        (.streamIncomplete, 3_900),
        (.lostCache, 4_700), (.arithmetic, 5_500), (.rateModel, 6_300), (.rateCompletion, 7_000), (.rateGroup, 7_700),
        (.streamIncomplete, 8_400), (.lostCache, 9_100), (.task, 1_100), (.task, 5_000),
    ]

    /// An injected case, as `sample.json` lists it.
    struct Case: Sendable {
        let requestID: String
        let outcomeClass: String
        let cause: String
        let detail: String
    }

    struct Tally: Sendable {
        var rows = 0
        var requests = 0
        var bodies = 0
        var classes: [String: Int] = [:]
        /// Classes of the `-c-` requests only.
        var columnsClasses: [String: Int] = [:]
        var cases: [Case] = []
        var files: [SampleTally.File] = []
    }

    /// One request's output: its rows (some written later: a task's settlement), its capture.
    struct Request {
        var rows: [JSONValue] = []
        var laterRows: [JSONValue] = []
        var capture: JSONValue?
        var outcomeClass = "ok"
        var injected: Case?
        var columnsOnly = true
        var id = ""
    }

    static func requestCount(records: Int) -> Int { max(150, records / 10) }

    static func generate(
        records: Int, seed: UInt64, population: SamplePopulation, directory: String
    ) throws(SampleError) -> Tally {
        let root = directory.hasSuffix("/") ? directory + directoryName : directory + "/" + directoryName
        do {
            try FileManager.default.createDirectory(atPath: root + "/bodies", withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: root, reason: "\(error.localizedDescription)")
        }
        var tally = Tally()
        let catalog = loadCatalog()
        let pricing = try SampleFileWriter(path: root + "/pricing.json")
        try pricing.append(text: catalogText)
        try pricing.finish()
        tally.files.append(.init(name: directoryName + "/pricing.json", bytes: pricing.bytes, lines: 0))
        let log = try SampleFileWriter(path: root + "/" + logName)
        let bodies = try SampleFileWriter(path: root + "/" + bodiesPath)

        let count = requestCount(records: records)
        var forced: [Int: Kind] = [:]
        for (kind, fraction) in showcase { forced[count * fraction / 10_000] = kind }
        // Settlement rows of tasks, written some requests later (the task finished later).
        var pending: [(due: Int, row: JSONValue)] = []
        var rowID = 100_000
        func write(_ row: JSONValue) throws(SampleError) {
            guard case .object(var object) = row else { return }
            rowID += 1
            object["id"] = .int(rowID)
            try log.append(line: SampleJSON.bytes(.object(object)))
            tally.rows += 1
        }
        for index in 0..<count {
            var rng = SampleRandom(seed: seed, index: UInt64(index), salt: 0x6A7E)
            let kind = forced[index] ?? draw(&rng)
            // The two showcase tasks: one settled by a refund, one by a further debit.
            let settlement: Bool? = forced[index] == .task ? index < count / 2 : nil
            let request = make(
                index: index, count: count, kind: kind, refundTask: settlement, population: population,
                catalog: catalog, &rng)
            while let first = pending.first, first.due <= index {
                try write(first.row)
                pending.removeFirst()
            }
            for row in request.rows { try write(row) }
            for row in request.laterRows { pending.append((due: index + 3, row: row)) }
            if let capture = request.capture {
                try bodies.append(line: SampleJSON.bytes(capture))
                tally.bodies += 1
            }
            tally.requests += 1
            tally.classes[request.outcomeClass, default: 0] += 1
            if request.columnsOnly { tally.columnsClasses[request.outcomeClass, default: 0] += 1 }
            if let injected = request.injected { tally.cases.append(injected) }
        }
        for item in pending { try write(item.row) }
        try log.finish()
        try bodies.finish()
        tally.files.append(.init(name: directoryName + "/" + logName, bytes: log.bytes, lines: log.lines))
        tally.files.append(.init(name: directoryName + "/" + bodiesPath, bytes: bodies.bytes, lines: bodies.lines))
        return tally
    }

    static func draw(_ rng: inout SampleRandom) -> Kind {
        var value = rng.below(1000)
        for (kind, weight) in weights {
            if value < weight { return kind }
            value -= weight
        }
        return .text
    }

    /// `other` as Go's `json.Marshal` of a `map[string]interface{}` writes it: keys sorted.
    static func otherText(_ fields: [(String, JSONValue)]) -> String {
        SampleJSON.string(.fields(fields.sorted { $0.0 < $1.0 }))
    }

    static func number(_ text: String) -> JSONValue { .number(text) }

    static func make(
        index: Int, count: Int, kind: Kind, refundTask: Bool? = nil, population: SamplePopulation,
        catalog: PriceCatalog,
        _ rng: inout SampleRandom
    ) -> Request {
        var kind = kind
        var request = Request()
        var account = population.account(&rng)
        if kind == .rateGroup {
            // A user of a discounted group: the case is that the gateway ignored the discount.
            for _ in 0..<64 where account.group == "default" { account = population.account(&rng) }
            if account.group == "default" { kind = .rateModel }
        }
        request.columnsOnly = kind.columnsOnly
        let groupRatio = ["default": "1", "vip": "0.8", "svip": "0.6"][account.group] ?? "1"
        let startMilliseconds =
            Int64(index) * SampleCatalog.dayMilliseconds / Int64(count)
            + Int64(rng.below(Int(max(1, SampleCatalog.dayMilliseconds / Int64(count)))))
        let useTime = kind == .task ? rng.int(30...300) : rng.int(1...40)
        let startSeconds = SampleCatalog.dayStartSeconds + startMilliseconds / 1000
        let createdAt = Int(startSeconds) + useTime
        let clock = startMilliseconds / 1000
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let timeString = "\(SampleCatalog.dayTag)\(two(clock / 3600))\(two(clock / 60 % 60))\(two(clock % 60))"
        let id = "\(timeString)\(rng.hex(4))-\(kind.columnsOnly ? "c" : "o")-\(rng.hex(6))"
        request.id = id

        var modelName: String
        var prompt = 0
        var completion = 0
        var other: [(String, JSONValue)] = [
            ("admin_info", .fields([("use_channel", .array([.string(String(rng.int(1...12)))]))])),
            ("frt", .int(rng.int(180...4_000))),
        ]
        var stream = rng.chance(250)
        var type = 2
        var quotaOverride: Int?
        var content = ""

        func ratioFields(
            _ model: TextModel, modelRatio: String? = nil, completionRatio: String? = nil, group: String? = nil
        ) {
            other += [
                ("model_ratio", number(modelRatio ?? model.modelRatio)),
                ("completion_ratio", number(completionRatio ?? model.completionRatio)),
                ("group_ratio", number(group ?? groupRatio)), ("model_price", number("-1")),
                ("user_group_ratio", number("-1")),
            ]
        }
        func tokens() {
            prompt = 30 + rng.skewed(6_000)
            completion = 1 + rng.skewed(1_500)
        }

        switch kind {
        case .text, .arithmetic, .rateModel, .rateCompletion, .rateGroup, .streamIncomplete, .cached, .lostCache:
            let model = textModels[rng.weighted(textModels.map(\.1))].0
            modelName = model.name
            // Bodies only where the row's tokens stay the body's recount: the other kinds raise
            // the prompt or completion below (a rate case needs tokens enough to show, a cached
            // one a prompt past 1,024), which would make the body say the row was inflated.
            if rng.chance(200), kind == .text || kind == .arithmetic {
                let (capture, counts) = body(
                    id: id, model: model.name, account: account, start: startMilliseconds, &rng)
                request.capture = capture
                (prompt, completion) = counts
            } else {
                tokens()
            }
            if kind == .rateCompletion { completion = max(completion, 200) }
            if kind == .rateModel || kind == .rateGroup { prompt = max(prompt, 400) }
            switch kind {
            case .rateModel: ratioFields(model, modelRatio: model.driftedModelRatio)
            case .rateCompletion: ratioFields(model, completionRatio: "5")
            case .rateGroup: ratioFields(model, group: "1")
            default: ratioFields(model)
            }
            if kind == .cached || kind == .lostCache {
                prompt = max(prompt, 1_100)
                let cached = 1_024 + 128 * rng.below((prompt - 1_024) / 128 + 1)
                other += [
                    ("cache_tokens", .int(min(cached, prompt))),
                    ("cache_ratio", number(kind == .lostCache ? "1" : model.cacheRatio)),
                ]
            } else {
                other += [("cache_tokens", .int(0)), ("cache_ratio", number(model.cacheRatio))]
            }
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
            content = "模型倍率 \(model.modelRatio)，补全倍率 \(model.completionRatio)，分组倍率 \(groupRatio)"
        case .anthropic:
            modelName = "claude-3-5-sonnet-20241022"
            prompt = 5 + rng.skewed(800)
            completion = 1 + rng.skewed(1_200)
            let read = rng.chance(700) ? 1_024 + rng.skewed(20_000) : 0
            let written = rng.chance(400) ? 1_024 + rng.skewed(8_000) : 0
            other += [
                ("model_ratio", number("1.5")), ("completion_ratio", number("5")), ("group_ratio", number(groupRatio)),
                ("model_price", number("-1")), ("user_group_ratio", number("-1")),
                ("usage_semantic", .string("anthropic")),
                ("claude", .bool(true)), ("cache_tokens", .int(read)), ("cache_ratio", number("0.1")),
                ("cache_creation_tokens", .int(written)), ("cache_creation_ratio", number("1.25")),
                ("cache_creation_tokens_5m", .int(written)), ("cache_creation_ratio_5m", number("1.25")),
                ("cache_write_tokens", .int(written)),
            ]
        case .image:
            modelName = "gpt-image-1"
            let image = 272 + rng.below(4) * 1_024
            prompt = image + 10 + rng.skewed(300)
            completion = 1_056 * rng.int(1...4)
            other += [
                ("model_ratio", number("2.5")), ("completion_ratio", number("8")), ("group_ratio", number(groupRatio)),
                ("model_price", number("-1")), ("user_group_ratio", number("-1")), ("image", .bool(true)),
                ("image_ratio", number("2")), ("image_output", .int(image)),
            ]
        case .audio:
            modelName = "gpt-4o-audio-preview"
            let textIn = 20 + rng.skewed(800), textOut = 5 + rng.skewed(300)
            let audioIn = rng.skewed(3_000), audioOut = 50 + rng.skewed(4_000)
            prompt = textIn + audioIn
            completion = textOut + audioOut
            other += [
                ("model_ratio", number("1.25")), ("completion_ratio", number("4")), ("group_ratio", number(groupRatio)),
                ("model_price", number("-1")), ("audio", .bool(true)), ("text_input", .int(textIn)),
                ("text_output", .int(textOut)),
                ("audio_input", .int(audioIn)), ("audio_output", .int(audioOut)), ("audio_ratio", number("16")),
                ("audio_completion_ratio", number("2")),
            ]
        case .webSearch:
            modelName = "gpt-4o-mini-search-preview"
            tokens()
            other += [
                ("model_ratio", number("0.075")), ("completion_ratio", number("4")),
                ("group_ratio", number(groupRatio)),
                ("model_price", number("-1")), ("user_group_ratio", number("-1")), ("web_search", .bool(true)),
                ("web_search_call_count", .int(rng.int(1...3))), ("web_search_price", number("25")),
            ]
        case .fixedPrice:
            modelName = "dall-e-3"
            prompt = 10 + rng.skewed(200)
            other += [
                ("model_ratio", number("0")), ("group_ratio", number(groupRatio)), ("model_price", number("0.04")),
                ("user_group_ratio", number("-1")),
            ]
            stream = false
        case .error:
            modelName = textModels[rng.weighted(textModels.map(\.1))].0.name
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
        case .task:
            modelName = "kling-v1-6"
            stream = false
            // Submitted at an estimate; settled later at the real price: a delta (type 2) when
            // it cost more, a refund (type 6) when less.
            let expected = taskQuota(groupRatio)
            // Above every group's price (a refund follows) or below every one (a delta follows).
            let preConsumed = refundTask ?? rng.chance(500) ? 200_000 : 100_000
            let taskID = "task_" + rng.hex(16)
            let base: [(String, JSONValue)] = [
                ("model_price", number("0.35")), ("group_ratio", number(groupRatio)),
                ("model_ratio", number("0")), ("task_id", .string(taskID)),
            ]
            other = base
            quotaOverride = preConsumed
            let delta = expected - preConsumed
            if delta != 0 {
                let settlement = otherText(
                    base + [
                        ("pre_consumed", .int(preConsumed)), ("actual_quota", .int(expected)),
                        ("quota_delta", .int(delta)),
                    ])
                request.laterRows.append(
                    row(
                        id: id, type: delta > 0 ? 2 : 6, createdAt: createdAt + 60 + rng.below(600), useTime: 0,
                        account: account, model: modelName, quota: abs(delta), prompt: 0, completion: 0,
                        stream: false, other: settlement,
                        content: delta > 0 ? "任务 \(taskID) 补扣费" : "任务 \(taskID) 退还多扣额度", &rng))
            }
        }

        // The quota: the gateway's own formula over the row (tasks and errors aside).
        let otherString = otherText(other)
        var quota = quotaOverride ?? 0
        var replayed = quota
        if quotaOverride == nil {
            guard let parsed = try? GatewayOther.parse(.string(otherString)),
                case .quota(let replay) = GatewayQuota.replay(
                    promptTokens: prompt, completionTokens: completion, other: parsed)
            else {
                preconditionFailure("generated gateway row is not replayable: \(otherString)")
            }
            quota = replay.quota
            replayed = replay.quota
            if kind == .arithmetic { quota = replay.quota + max(3, replay.quota / 10) + rng.below(50) }
        }
        request.rows.append(
            row(
                id: id, type: type, createdAt: createdAt, useTime: useTime, account: account, model: modelName,
                quota: quota, prompt: prompt, completion: completion, stream: stream, other: otherString,
                content: content, &rng))

        // What reconcile must find: the net paid (a task's settlement included) against the
        // catalog's charge for the row's counts, as `GatewayOther.chargeUsage` gives them.
        var net = quota
        if kind == .task {
            net = taskQuota(groupRatio)
        }
        let expected: Rational?
        if type == 5 {
            expected = .zero
        } else {
            let parsed = (try? GatewayOther.parse(.string(otherString))) ?? nil
            let usage =
                parsed?.chargeUsage(promptTokens: prompt, completionTokens: completion)
                ?? ChargeUsage(promptTokens: prompt, cachedPromptTokens: 0, completionTokens: completion)
            let time = Timestamp(seconds: startSeconds)
            if case .priced(let breakdown) = Pricing.expectedCharge(
                usage: usage, model: modelName, group: account.group, status: 200,
                at: time, catalog: catalog)
            {
                expected = breakdown.charge
            } else {
                expected = nil
            }
        }
        guard let expected else {
            preconditionFailure("gateway model \(modelName) is not priced by the gateway catalog")
        }
        let netAmount = Rational(net)
        request.outcomeClass =
            net == 0 && !expected.isZero
            ? "missing_charge"
            : netAmount > expected ? "overcharge" : netAmount < expected ? "undercharge" : "ok"
        switch kind {
        case .arithmetic:
            request.injected = Case(
                requestID: id, outcomeClass: request.outcomeClass, cause: "gateway_arithmetic",
                detail: "quota \(quota), the row's own ratios give \(replayed)")
        case .rateModel, .rateCompletion, .rateGroup, .lostCache:
            let ratio =
                kind == .rateModel
                ? "model_ratio"
                : kind == .rateCompletion ? "completion_ratio" : kind == .rateGroup ? "group_ratio" : "cache_ratio"
            request.injected = Case(requestID: id, outcomeClass: request.outcomeClass, cause: "rate", detail: ratio)
        case .streamIncomplete:
            request.injected = Case(
                requestID: id, outcomeClass: request.outcomeClass, cause: "stream_incomplete",
                detail: "billed on the gateway's local count")
        default:
            break
        }
        return request
    }

    /// A task's price in quota: $0.35 × 500,000 × the group ratio (exact for these groups).
    static func taskQuota(_ groupRatio: String) -> Int {
        175_000 * (groupRatio == "1" ? 10 : groupRatio == "0.8" ? 8 : 6) / 10
    }

    /// A stable user id for an account name (the gateway's `users.id`).
    static func userID(_ name: String) -> Int {
        1 + name.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 99_991 }
    }

    /// One `logs` row in new-api's column order (`model/log.go`); `id` is set when written.
    static func row(
        id: String, type: Int, createdAt: Int, useTime: Int, account: SamplePopulation.Account, model: String,
        quota: Int, prompt: Int, completion: Int, stream: Bool, other: String, content: String,
        _ rng: inout SampleRandom
    ) -> JSONValue {
        .fields([
            ("id", .int(0)), ("user_id", .int(userID(account.name))),
            ("created_at", .int(createdAt)), ("type", .int(type)), ("content", .string(content)),
            ("username", .string(account.name)), ("token_name", .string("token-" + account.keys[0].suffix(4))),
            ("model_name", .string(model)), ("quota", .int(quota)), ("prompt_tokens", .int(prompt)),
            ("completion_tokens", .int(completion)), ("use_time", .int(useTime)), ("is_stream", .bool(stream)),
            ("channel_id", .int(rng.int(1...12))), ("token_id", .int(rng.int(1...900))),
            ("group", .string(account.group)),
            ("ip", .string("10.0.\(rng.below(256)).\(rng.below(256))")), ("request_id", .string(id)),
            ("other", .string(other)),
        ])
    }

    /// A captured body for a request and its counts (the recount, which the row then carries).
    static func body(
        id: String, model: String, account: SamplePopulation.Account, start: Int64,
        _ rng: inout SampleRandom
    ) -> (JSONValue, (Int, Int)) {
        let language: SampleProse.Language = rng.chance(340) ? .chinese : .english
        var user: [UInt8] = []
        SampleProse.text(language, bytes: 200 + rng.skewed(3_000), &user, &rng)
        var reply: [UInt8] = []
        SampleProse.text(language, bytes: 80 + rng.skewed(1_500), &reply, &rng)
        let request = JSONValue.fields([
            ("model", .string(model)),
            (
                "messages",
                .array([
                    .fields([("role", .string("system")), ("content", .string("You are a helpful assistant."))]),
                    .fields([("role", .string("user")), ("content", .string(SampleProse.string(user)))]),
                ])
            ),
        ])
        let response = JSONValue.fields([
            ("id", .string("chatcmpl-" + rng.hex(24))), ("object", .string("chat.completion")),
            ("model", .string(model)),
            (
                "choices",
                .array([
                    .fields([
                        ("index", .int(0)),
                        (
                            "message",
                            .fields([("role", .string("assistant")), ("content", .string(SampleProse.string(reply)))])
                        ),
                        ("finish_reason", .string("stop")),
                    ])
                ])
            ),
        ])
        let time = SampleDraft.timestamp(milliseconds: start, format: .local)
        let record = LogRecord(
            id: id, time: time, account: account.name, key: nil, group: account.group, model: model,
            endpoint: .chatCompletions, status: 200, stream: false, request: request, response: response,
            usage: nil, billed: BilledFields(), source: SourceLocation(file: "", line: 0), dialect: .recount)
        let counts = TokenRecount.counts(for: record, policy: .auto)
        let prompt = counts.recountPrompt ?? 0, completion = counts.recountCompletion ?? 0
        let capture = JSONValue.fields([
            ("id", .string(id)), ("time", .string(SampleLine.localTime(start))), ("account", .string(account.name)),
            ("model", .string(model)), ("request", request), ("response", response),
        ])
        return (capture, (prompt, completion))
    }
}
