import TokenCounter

/// What new-api wrote in a log row's `other` column: the ratios and token counts its charge
/// rested on (SPEC §2.6). `other` is a JSON *string* inside the row; the gateway builds it in
/// `service/log_info_generate.go` (`GenerateTextOtherInfo`, `GenerateClaudeOtherInfo`,
/// `GenerateAudioOtherInfo`, `GenerateWssOtherInfo`) and `service/text_quota.go`
/// (`PostTextConsumeQuota`), and task rows in `model/log.go` (`RecordReConsumeLog`).
///
/// Every field is optional: rows of different gateway versions and endpoints carry different
/// keys, and a key the row lacks is a multiplier Recount cannot check (`GatewayQuota` says
/// which). Keys Recount does not use are ignored. A key of the wrong JSON type is an error
/// naming it (`other.cache_tokens: expected an integer, found string`): the gateway writes Go
/// numbers as JSON numbers, so a string there means the row was not written by the gateway's
/// formula and its charge cannot be judged.
public struct GatewayOther: Sendable, Equatable {
    /// `model_ratio` (1 = $0.002 per 1K prompt tokens).
    public var modelRatio: Rational?
    /// `group_ratio`: the multiplier the gateway applied for the group (already the user-group
    /// special ratio when one applied, `relay/helper/price.go` `HandleGroupRatio`).
    public var groupRatio: Rational?
    /// `user_group_ratio`: the special ratio of the user's group in the using group; −1 = none.
    public var userGroupRatio: Rational?
    public var completionRatio: Rational?
    /// `model_price`: USD per call for a fixed-price model; −1 = priced by ratios.
    public var modelPrice: Rational?
    /// `cache_tokens` / `cache_ratio`: prompt tokens read from the provider's cache.
    public var cacheTokens: Int?
    public var cacheRatio: Rational?
    /// `cache_creation_tokens` / `cache_creation_ratio`: tokens written to the cache (all, or
    /// those not split by lifetime).
    public var cacheCreationTokens: Int?
    public var cacheCreationRatio: Rational?
    /// `cache_creation_tokens_5m` / `_1h` and their ratios: Anthropic cache writes by lifetime.
    public var cacheCreationTokens5m: Int?
    public var cacheCreationRatio5m: Rational?
    public var cacheCreationTokens1h: Int?
    public var cacheCreationRatio1h: Rational?
    /// `cache_write_tokens`: the gateway's display total of cache writes (not used by its formula).
    public var cacheWriteTokens: Int?
    /// `usage_semantic`: `anthropic` means `prompt_tokens` already excludes cached tokens.
    public var usageSemantic: String?
    /// `claude`: the final upstream format was Claude Messages (older rows say only this).
    public var claude: Bool?
    /// `input_tokens_total`: written only when the usage came tagged with its source.
    public var inputTokensTotal: Int?
    /// `image_output` / `image_ratio`: image tokens, taken out of `prompt_tokens` and billed
    /// at `image_ratio` × the model ratio.
    public var imageTokens: Int?
    public var imageRatio: Rational?
    /// `audio` / `ws`: the row was billed by the audio formula (`service/quota.go`
    /// `calculateAudioQuota`) from the four counts below.
    public var audio: Bool?
    public var textInputTokens: Int?
    public var textOutputTokens: Int?
    public var audioInputTokens: Int?
    public var audioOutputTokens: Int?
    public var audioRatio: Rational?
    public var audioCompletionRatio: Rational?
    /// `audio_input_token_count` / `audio_input_price`: text-path audio input billed at its
    /// own price (USD per 1M tokens).
    public var separateAudioInputTokens: Int?
    public var separateAudioInputPrice: Rational?
    /// Per-call tool surcharges (USD per 1,000 calls): `web_search_call_count` /
    /// `web_search_price`, `file_search_…`, or the newer `tool_surcharges` list.
    public var webSearchCalls: Int?
    public var webSearchPrice: Rational?
    public var fileSearchCalls: Int?
    public var fileSearchPrice: Rational?
    public var toolSurcharges: [ToolSurcharge]?
    /// `image_generation_call_price`: USD per call of the Responses image tool.
    public var imageGenerationCallPrice: Rational?
    /// `billing_mode`: `tiered_expr` rows were billed by an expression `other` does not hold.
    public var billingMode: String?
    /// `task_id` and the task settlement fields of `RecordReConsumeLog`.
    public var taskID: String?
    public var taskPreConsumed: Int?
    public var taskActualQuota: Int?
    public var taskQuotaDelta: Int?
    /// `stream_status`: how a stream ended.
    public var streamStatus: StreamStatus?
    /// `admin_info.usage_billing_path`: `local`, `upstream`, `billing-usage-openai[-estimated]`, …
    public var usageBillingPath: String?
    /// `admin_info.local_count_tokens`: the gateway counted tokens itself (no upstream usage).
    public var localCountTokens: Bool?
    /// `admin_info.quota_saturation` present: the gateway clamped this row's quota.
    public var quotaSaturated: Bool
    /// `frt`: milliseconds to the first response byte.
    public var firstResponseMilliseconds: Rational?

    public struct ToolSurcharge: Sendable, Equatable {
        public var name: String
        public var count: Int
        /// USD per 1,000 calls.
        public var price: Rational
    }

    public struct StreamStatus: Sendable, Equatable {
        /// `ok` or `error`.
        public var status: String?
        /// `done`, `timeout`, `client_gone`, `eof`, `scanner_error`, `handler_stop`, `panic`,
        /// `ping_fail`, `upstream_failed` (`relay/common/stream_status.go`).
        public var endReason: String?
        public var endError: String?
        public var errorCount: Int?
    }

    public init() { quotaSaturated = false }

    /// Whether `prompt_tokens` already excludes cached tokens (Anthropic usage).
    public var isAnthropicUsage: Bool { usageSemantic == "anthropic" }

    /// Whether the row was priced per call (`model_price` ≥ 0).
    public var usesModelPrice: Bool { modelPrice.map { !$0.isNegative } ?? false }
}

extension GatewayOther {
    /// Reads the `other` column as a row holds it: a JSON string (the database column), or
    /// already an object (an export that parsed it). Absent, `null` and `""` mean no `other`
    /// (top-up rows, one-api rows). Anything else is a `FieldError` naming `other` or the key.
    public static func parse(_ value: JSONValue?) throws(FieldError) -> GatewayOther? {
        guard let value, !value.isNull else { return nil }
        switch value {
        case .string(let text):
            if text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { return nil }
            let parsed: JSONValue
            do { parsed = try JSONParser.parse(text) } catch {
                throw FieldError("other", "not JSON (\(error.description))")
            }
            guard case .object(let object) = parsed else {
                throw FieldError("other", "expected a JSON object, found \(parsed.typeName)")
            }
            return try read(object)
        case .object(let object):
            return try read(object)
        default:
            throw FieldError("other", "expected a JSON string holding an object, found \(value.typeName)")
        }
    }

    static func read(_ object: JSONObject) throws(FieldError) -> GatewayOther {
        let r = OtherReader(object: object, path: "other")
        var o = GatewayOther()
        o.modelRatio = try r.ratio("model_ratio")
        o.groupRatio = try r.ratio("group_ratio")
        o.userGroupRatio = try r.ratio("user_group_ratio")
        o.completionRatio = try r.ratio("completion_ratio")
        o.modelPrice = try r.ratio("model_price")
        o.cacheTokens = try r.count("cache_tokens")
        o.cacheRatio = try r.ratio("cache_ratio")
        o.cacheCreationTokens = try r.count("cache_creation_tokens")
        o.cacheCreationRatio = try r.ratio("cache_creation_ratio")
        o.cacheCreationTokens5m = try r.count("cache_creation_tokens_5m")
        o.cacheCreationRatio5m = try r.ratio("cache_creation_ratio_5m")
        o.cacheCreationTokens1h = try r.count("cache_creation_tokens_1h")
        o.cacheCreationRatio1h = try r.ratio("cache_creation_ratio_1h")
        o.cacheWriteTokens = try r.count("cache_write_tokens")
        o.usageSemantic = try r.string("usage_semantic")
        o.claude = try r.bool("claude")
        o.inputTokensTotal = try r.count("input_tokens_total")
        o.imageTokens = try r.count("image_output")
        o.imageRatio = try r.ratio("image_ratio")
        let audio = try r.bool("audio")
        let ws = try r.bool("ws")
        o.audio = (audio ?? false) || (ws ?? false) ? true : (audio ?? ws)
        o.textInputTokens = try r.count("text_input")
        o.textOutputTokens = try r.count("text_output")
        o.audioInputTokens = try r.count("audio_input")
        o.audioOutputTokens = try r.count("audio_output")
        o.audioRatio = try r.ratio("audio_ratio")
        o.audioCompletionRatio = try r.ratio("audio_completion_ratio")
        o.separateAudioInputTokens = try r.count("audio_input_token_count")
        o.separateAudioInputPrice = try r.ratio("audio_input_price")
        o.webSearchCalls = try r.count("web_search_call_count")
        o.webSearchPrice = try r.ratio("web_search_price")
        o.fileSearchCalls = try r.count("file_search_call_count")
        o.fileSearchPrice = try r.ratio("file_search_price")
        o.imageGenerationCallPrice = try r.ratio("image_generation_call_price")
        o.toolSurcharges = try r.toolSurcharges("tool_surcharges")
        o.billingMode = try r.string("billing_mode")
        o.taskID = try r.string("task_id")
        o.taskPreConsumed = try r.signedCount("pre_consumed")
        o.taskActualQuota = try r.signedCount("actual_quota")
        o.taskQuotaDelta = try r.signedCount("quota_delta")
        o.firstResponseMilliseconds = try r.ratio("frt")
        if let stream = try r.object("stream_status") {
            let s = OtherReader(object: stream, path: "other.stream_status")
            o.streamStatus = StreamStatus(
                status: try s.string("status"), endReason: try s.string("end_reason"),
                endError: try s.string("end_error"), errorCount: try s.count("error_count"))
        }
        if let admin = try r.object("admin_info") {
            let a = OtherReader(object: admin, path: "other.admin_info")
            o.usageBillingPath = try a.string("usage_billing_path")
            o.localCountTokens = try a.bool("local_count_tokens")
            o.quotaSaturated = a.value("quota_saturation") != nil
        }
        return o
    }
}

/// Strict typed access to `other`'s keys: JSON numbers only (no numeric strings, unlike the
/// row's own columns, SPEC §6), `null` = absent, errors name the full path.
struct OtherReader {
    let object: JSONObject
    let path: String

    func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    func name(_ key: String) -> String { "\(path).\(key)" }

    /// A ratio or price: the gateway's float64 as its exact decimal (`GatewayFloat`). May be
    /// negative (`model_price` and `user_group_ratio` use −1 for "none").
    func ratio(_ key: String) throws(FieldError) -> Rational? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value else {
            throw FieldError(name(key), "expected a number, found \(value.typeName)")
        }
        guard let number = GatewayFloat.decimal(text) else {
            throw FieldError(name(key), "'\(text.prefix(40))' is not a finite number")
        }
        return number
    }

    /// A token or call count: a whole JSON number ≥ 0.
    func count(_ key: String) throws(FieldError) -> Int? {
        guard let whole = try signedCount(key) else { return nil }
        guard whole >= 0 else { throw FieldError(name(key), "must not be negative (\(whole))") }
        return whole
    }

    /// A whole JSON number, sign allowed (a task's `quota_delta`).
    func signedCount(_ key: String) throws(FieldError) -> Int? {
        guard let value = value(key) else { return nil }
        guard case .number(let text) = value else {
            throw FieldError(name(key), "expected an integer, found \(value.typeName)")
        }
        guard let number = try? Rational(parsing: text), number.isInteger,
            let whole = Int(exactly: number.numerator), abs(whole) <= 1 << 53
        else {
            throw FieldError(name(key), "expected an integer, found \(text.prefix(40))")
        }
        return whole
    }

    func string(_ key: String) throws(FieldError) -> String? {
        guard let value = value(key) else { return nil }
        guard case .string(let text) = value else {
            throw FieldError(name(key), "expected a string, found \(value.typeName)")
        }
        return text
    }

    func bool(_ key: String) throws(FieldError) -> Bool? {
        guard let value = value(key) else { return nil }
        guard case .bool(let flag) = value else {
            throw FieldError(name(key), "expected true or false, found \(value.typeName)")
        }
        return flag
    }

    func object(_ key: String) throws(FieldError) -> JSONObject? {
        guard let value = value(key) else { return nil }
        guard case .object(let object) = value else {
            throw FieldError(name(key), "expected an object, found \(value.typeName)")
        }
        return object
    }

    func toolSurcharges(_ key: String) throws(FieldError) -> [GatewayOther.ToolSurcharge]? {
        guard let value = value(key) else { return nil }
        guard case .array(let items) = value else {
            throw FieldError(name(key), "expected an array, found \(value.typeName)")
        }
        var list: [GatewayOther.ToolSurcharge] = []
        for (index, item) in items.enumerated() {
            let at = "\(name(key))[\(index)]"
            guard case .object(let entry) = item else {
                throw FieldError(at, "expected an object, found \(item.typeName)")
            }
            let e = OtherReader(object: entry, path: at)
            guard let toolName = try e.string("name"), !toolName.isEmpty else {
                throw FieldError(at + ".name", "required field is missing")
            }
            guard let count = try e.count("count") else { throw FieldError(at + ".count", "required field is missing") }
            guard let price = try e.ratio("price") else { throw FieldError(at + ".price", "required field is missing") }
            guard !price.isNegative else { throw FieldError(at + ".price", "must not be negative") }
            list.append(.init(name: toolName, count: count, price: price))
        }
        return list
    }
}
