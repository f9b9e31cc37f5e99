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
        try writeCatalog(root: root, into: &tally)
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

    /// `gateway/pricing.json`: the embedded catalog as written.
    static func writeCatalog(root: String, into tally: inout Tally) throws(SampleError) {
        let pricing = try SampleFileWriter(path: root + "/pricing.json")
        try pricing.append(text: catalogText)
        try pricing.finish()
        tally.files.append(.init(name: directoryName + "/pricing.json", bytes: pricing.bytes, lines: 0))
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

    /// One request: the row drawn (`RowDraft`), its quota by the gateway's own formula, and what
    /// reconcile must find for it.
    static func make(
        index: Int, count: Int, kind: Kind, refundTask: Bool? = nil, population: SamplePopulation,
        catalog: PriceCatalog,
        _ rng: inout SampleRandom
    ) -> Request {
        var draft = RowDraft(index: index, count: count, kind: kind, population: population, &rng)
        var request = Request()
        request.columnsOnly = draft.kind.columnsOnly
        request.id = draft.id
        draft.drawKind(refundTask: refundTask, &rng)
        request.capture = draft.capture
        request.laterRows = draft.laterRows
        let otherString = otherText(draft.other)
        let (quota, replayed) = draft.quota(other: otherString, &rng)
        request.rows.append(draft.row(quota: quota, other: otherString, &rng))
        request.outcomeClass = draft.outcomeClass(quota: quota, other: otherString, catalog: catalog)
        request.injected = draft.injectedCase(outcomeClass: request.outcomeClass, quota: quota, replayed: replayed)
        return request
    }
}
