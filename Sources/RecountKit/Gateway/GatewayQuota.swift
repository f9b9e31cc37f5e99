/// Replays new-api's own quota formula on one row, from the ratios and tokens the row itself
/// recorded (SPEC §2.6), to say what quota the gateway *should* have written.
///
/// Source: `service/text_quota.go` (`calculateTextQuotaSummary`, text and fixed-price rows),
/// `service/quota.go` (`calculateAudioQuota`, rows with `audio` / `ws`), and
/// `common/quota.go` (`QuotaFromDecimalChecked`). In quota units (`QuotaPerUnit` = 500,000
/// per USD):
///
/// ```
/// ratio mode (model_price = −1):
///   base  = prompt_tokens − cache_tokens − cache_creation_tokens − image_output − audio_input_token_count
///           (cached and written tokens are not subtracted when usage_semantic = anthropic;
///            a negative base counts 0)
///   q     = (base + cache_tokens × cache_ratio + writes + image_output × image_ratio
///            + completion_tokens × completion_ratio) × model_ratio × group_ratio
///           + audio_input_price / 1e6 × audio_input_token_count × group_ratio × 500000
///           + Σ tool price / 1000 × calls × group_ratio × 500000
///   writes = cache_creation_tokens × cache_creation_ratio                         (OpenAI usage)
///          = max(cc − cc_5m − cc_1h, 0) × cache_creation_ratio
///            + cc_5m × cache_creation_ratio_5m + cc_1h × cache_creation_ratio_1h  (Anthropic usage)
///   if model_ratio × group_ratio ≠ 0 and q ≤ 0: q = 1
/// fixed price (model_price ≥ 0):
///   q     = model_price × 500000 × group_ratio + tool surcharges
/// audio rows:
///   q     = (text_input + text_output × completion_ratio + audio_input × audio_ratio
///            + audio_output × audio_ratio × audio_completion_ratio) × model_ratio × group_ratio
///           (floor of 1 as above; a fixed-price audio row truncates instead of rounding)
/// quota = round(q) half away from zero, then clamped to the int32 range [−2^31, 2^31 − 1]
/// if prompt_tokens + completion_tokens = 0 and there is no surcharge: quota = 0
/// else if model_ratio × group_ratio ≠ 0 and quota = 0: quota = 1
/// ```
///
/// Exactness: the gateway converts each float64 ratio to a decimal with `NewFromFloat` and
/// then computes in shopspring decimals, which multiply and add exactly; its only divisions are
/// by 1,000 and 1,000,000, exact at its 16-digit division precision for any price a row holds.
/// `Rational` arithmetic on the same decimals (`GatewayFloat`) therefore gives the gateway's
/// exact value, and `Rational.rounded(scale: 0, mode: .half_away_from_zero)` is `Round(0)`.
///
/// Not checkable (multipliers the row does not record): `billing_mode: tiered_expr` (the
/// expression is not in the row), task settlement rows (`task_id`), and any count whose ratio
/// the row lacks. The gateway's per-request `OtherRatios` (video seconds, image sizes) are not
/// written to `other`; a row of an endpoint that uses them will not match its replay.
public enum GatewayQuota {
    /// The gateway's `QuotaPerUnit`: quota per USD.
    public static let quotaPerUSD = Rational(500_000)
    /// `common.MaxQuota`: quota columns are 32-bit.
    public static let maxQuota = Int(Int32.max)
    public static let minQuota = Int(Int32.min)

    public enum Mode: String, Sendable { case ratio, fixedPrice = "fixed_price", audio }

    /// What the replay found.
    public enum Outcome: Sendable, Equatable {
        case quota(Replay)
        case notCheckable(reason: String)

        public var quota: Int? { if case .quota(let replay) = self { replay.quota } else { nil } }
    }

    /// The replayed charge, with its steps for `explain`.
    public struct Replay: Sendable, Equatable {
        public var mode: Mode
        /// Each line of the formula: label and its exact quota contribution.
        public var terms: [(label: String, quota: Rational)]
        /// The exact value before rounding.
        public var exact: Rational
        /// The quota the gateway should have written.
        public var quota: Int
        /// The floor of 1 quota for a priced request applied.
        public var flooredToOne: Bool
        /// The int32 clamp applied.
        public var clamped: Bool

        public static func == (a: Replay, b: Replay) -> Bool {
            a.mode == b.mode && a.exact == b.exact && a.quota == b.quota && a.flooredToOne == b.flooredToOne
                && a.clamped == b.clamped && a.terms.map(\.label) == b.terms.map(\.label)
                && a.terms.map(\.quota) == b.terms.map(\.quota)
        }
    }

    /// The quota the gateway's formula gives for a row with these `prompt_tokens` and
    /// `completion_tokens` columns and this `other`.
    public static func replay(promptTokens: Int, completionTokens: Int, other: GatewayOther) -> Outcome {
        do {
            return try compute(promptTokens: promptTokens, completionTokens: completionTokens, other: other)
        } catch let failure as NotCheckable {
            return .notCheckable(reason: failure.reason)
        } catch {
            return .notCheckable(reason: "arithmetic beyond 128 bits (\(error))")
        }
    }

    struct NotCheckable: Error { let reason: String }

    static func require<T>(_ value: T?, _ key: String, _ why: String) throws -> T {
        guard let value else { throw NotCheckable(reason: "other has no \(key) (\(why))") }
        return value
    }

    static func compute(promptTokens: Int, completionTokens: Int, other: GatewayOther) throws -> Outcome {
        if other.billingMode == "tiered_expr" {
            throw NotCheckable(reason: "billed by a tiered expression (billing_mode tiered_expr) the row does not hold")
        }
        if other.taskID != nil {
            throw NotCheckable(reason: "an async task settlement row (task_id); its quota is a delta, netted per task")
        }
        let group = try require(other.groupRatio, "group_ratio", "every charge is multiplied by it")
        let modelRatio = other.modelRatio ?? .zero
        let ratio = try modelRatio.multiplied(by: group)
        var terms: [(label: String, quota: Rational)] = []
        let surcharge = try toolSurcharge(other, group: group, terms: &terms)
        let mode: Mode
        var exact: Rational
        var truncate = false
        if other.audio == true {
            mode = .audio
            (exact, truncate) = try audioQuota(other, modelRatio: modelRatio, group: group, terms: &terms)
        } else {
            let price = try require(other.modelPrice, "model_price", "−1 means ratio mode, ≥ 0 a fixed price per call")
            if !price.isNegative {
                mode = .fixedPrice
                let fixed = try price.multiplied(by: quotaPerUSD).multiplied(by: group)
                terms.append(("model_price × 500000 × group_ratio", fixed))
                exact = try fixed.adding(surcharge)
            } else {
                mode = .ratio
                _ = try require(other.modelRatio, "model_ratio", "ratio mode")
                exact = try textQuota(
                    promptTokens: promptTokens, completionTokens: completionTokens, other: other,
                    ratio: ratio, group: group, terms: &terms)
                exact = try exact.adding(surcharge)
            }
        }
        var flooredToOne = false
        // The floor before rounding belongs to the ratio formulas (text and audio); the fixed
        // price branches have none.
        let byRatio = mode == .ratio || (mode == .audio && !truncate)
        if byRatio, !ratio.isZero, exact <= .zero {
            exact = .one
            flooredToOne = true
        }
        let rounded = try exact.rounded(scale: 0, mode: truncate ? .floor : .half_away_from_zero)
        let (clampedQuota, clamped) = clamp(rounded)
        var quota = clampedQuota
        if promptTokens + completionTokens == 0 && surcharge.isZero {
            quota = 0
        } else if mode != .audio, !ratio.isZero, quota == 0 {
            // Text rows only: `calculateTextQuotaSummary` floors the rounded quota too;
            // `calculateAudioQuota` floors only before rounding.
            quota = 1
            flooredToOne = true
        }
        return .quota(
            Replay(mode: mode, terms: terms, exact: exact, quota: quota, flooredToOne: flooredToOne, clamped: clamped))
    }

    /// The rounded quota in the gateway's 32-bit column, and whether it had to be clamped.
    static func clamp(_ rounded: Rational) -> (quota: Int, clamped: Bool) {
        if rounded >= Rational(maxQuota) {
            return (maxQuota, rounded > Rational(maxQuota))
        } else if rounded <= Rational(minQuota) {
            return (minQuota, rounded < Rational(minQuota))
        } else {
            return (Int(rounded.numerator), false)
        }
    }

    /// Tool-call surcharges: USD per 1,000 calls × calls / 1000 × group × 500000. The newer
    /// `tool_surcharges` list supersedes the older per-tool keys when both are present.
    static func toolSurcharge(
        _ other: GatewayOther, group: Rational, terms: inout [(label: String, quota: Rational)]
    ) throws -> Rational {
        var items: [(String, Int, Rational)] = []
        if let list = other.toolSurcharges {
            items = list.map { ($0.name, $0.count, $0.price) }
        } else {
            if let calls = other.webSearchCalls, calls > 0 {
                items.append(
                    (
                        "web_search", calls,
                        try require(other.webSearchPrice, "web_search_price", "\(calls) web search calls")
                    ))
            }
            if let calls = other.fileSearchCalls, calls > 0 {
                items.append(
                    (
                        "file_search", calls,
                        try require(other.fileSearchPrice, "file_search_price", "\(calls) file search calls")
                    ))
            }
        }
        var total = Rational.zero
        for (name, calls, price) in items where calls > 0 {
            let quota = try price.multiplied(by: calls).divided(by: Rational(1000)).multiplied(by: group).multiplied(
                by: quotaPerUSD)
            terms.append(("\(name): \(calls) calls × price / 1000 × group_ratio × 500000", quota))
            total = try total.adding(quota)
        }
        if let price = other.imageGenerationCallPrice, price > .zero {
            let quota = try price.multiplied(by: group).multiplied(by: quotaPerUSD)
            terms.append(("image_generation_call: price × group_ratio × 500000", quota))
            total = try total.adding(quota)
        }
        return total
    }

    static func textQuota(
        promptTokens: Int, completionTokens: Int, other: GatewayOther, ratio: Rational, group: Rational,
        terms: inout [(label: String, quota: Rational)]
    ) throws -> Rational {
        // Anthropic usage: `prompt_tokens` already excludes cached and written tokens. Older rows
        // carry 5m/1h writes without usage_semantic when the usage came from Claude without a
        // source tag (`isLegacyClaudeDerivedOpenAIUsage`); `input_tokens_total` is written only
        // for tagged usage, so its absence marks them.
        let split5m = other.cacheCreationTokens5m ?? 0, split1h = other.cacheCreationTokens1h ?? 0
        let anthropicStyle = other.promptExcludesCache
        var base = Rational(promptTokens)
        var prompt = Rational.zero
        if let cached = other.cacheTokens, cached != 0 {
            let cacheRatio = try require(other.cacheRatio, "cache_ratio", "\(cached) cache_tokens")
            if !anthropicStyle { base = try base.subtracting(Rational(cached)) }
            let part = try Rational(cached).multiplied(by: cacheRatio)
            terms.append(("cache_tokens × cache_ratio", try part.multiplied(by: ratio)))
            prompt = try prompt.adding(part)
        }
        let created = other.cacheCreationTokens ?? 0
        if created != 0 || split5m > 0 || split1h > 0 {
            let part = try cacheWriteWeight(other, created: created, split5m: split5m, split1h: split1h)
            if !anthropicStyle { base = try base.subtracting(Rational(created)) }
            terms.append(("cache writes × their ratios", try part.multiplied(by: ratio)))
            prompt = try prompt.adding(part)
        }
        if let images = other.imageTokens, images != 0 {
            let imageRatio = try require(other.imageRatio, "image_ratio", "\(images) image_output tokens")
            base = try base.subtracting(Rational(images))
            let part = try Rational(images).multiplied(by: imageRatio)
            terms.append(("image_output × image_ratio", try part.multiplied(by: ratio)))
            prompt = try prompt.adding(part)
        }
        var audioInput = Rational.zero
        if let tokens = other.separateAudioInputTokens, tokens > 0 {
            let price = try require(other.separateAudioInputPrice, "audio_input_price", "\(tokens) audio input tokens")
            if price > .zero {
                base = try base.subtracting(Rational(tokens))
                audioInput = try price.divided(by: Rational(1_000_000)).multiplied(by: tokens)
                    .multiplied(by: group).multiplied(by: quotaPerUSD)
                terms.append(("audio_input_price / 1e6 × audio tokens × group_ratio × 500000", audioInput))
            }
        }
        if base.isNegative { base = .zero }
        terms.insert(("uncached prompt × model_ratio × group_ratio", try base.multiplied(by: ratio)), at: 0)
        prompt = try prompt.adding(base)
        var completion = Rational.zero
        if completionTokens != 0 {
            let completionRatio = try require(
                other.completionRatio, "completion_ratio", "\(completionTokens) completion tokens")
            completion = try Rational(completionTokens).multiplied(by: completionRatio)
            terms.append(
                ("completion × completion_ratio × model_ratio × group_ratio", try completion.multiplied(by: ratio)))
        }
        return try prompt.adding(completion).multiplied(by: ratio).adding(audioInput)
    }

    /// Cache writes at their ratios, in prompt tokens before the model ratio: all at
    /// `cache_creation_ratio` (OpenAI-style usage), or — Anthropic usage — 5-minute and 1-hour
    /// writes at their own ratios and the rest at `cache_creation_ratio`.
    static func cacheWriteWeight(_ other: GatewayOther, created: Int, split5m: Int, split1h: Int) throws -> Rational {
        guard other.promptExcludesCache else {
            let creationRatio = try require(
                other.cacheCreationRatio, "cache_creation_ratio", "\(created) cache_creation_tokens")
            return try Rational(created).multiplied(by: creationRatio)
        }
        var part = Rational.zero
        let remaining = max(created - split5m - split1h, 0)
        if remaining > 0 {
            let r = try require(
                other.cacheCreationRatio, "cache_creation_ratio", "\(remaining) cache writes not split by lifetime")
            part = try part.adding(Rational(remaining).multiplied(by: r))
        }
        if split5m > 0 {
            let r = try require(
                other.cacheCreationRatio5m, "cache_creation_ratio_5m", "\(split5m) 5-minute cache writes")
            part = try part.adding(Rational(split5m).multiplied(by: r))
        }
        if split1h > 0 {
            let r = try require(
                other.cacheCreationRatio1h, "cache_creation_ratio_1h", "\(split1h) 1-hour cache writes")
            part = try part.adding(Rational(split1h).multiplied(by: r))
        }
        return part
    }

    /// `calculateAudioQuota`: four counts at their own ratios. A fixed-price audio row is
    /// `IntPart(model_price × 500000 × group)`: truncated, not rounded.
    static func audioQuota(
        _ other: GatewayOther, modelRatio: Rational, group: Rational,
        terms: inout [(label: String, quota: Rational)]
    ) throws -> (Rational, Bool) {
        if let price = other.modelPrice, !price.isNegative {
            let fixed = try price.multiplied(by: quotaPerUSD).multiplied(by: group)
            terms.append(("model_price × 500000 × group_ratio (truncated)", fixed))
            return (fixed, true)
        }
        let ratio = try modelRatio.multiplied(by: group)
        let textIn = other.textInputTokens ?? 0, textOut = other.textOutputTokens ?? 0
        let audioIn = other.audioInputTokens ?? 0, audioOut = other.audioOutputTokens ?? 0
        var sum = Rational(textIn)
        terms.append(("text_input × model_ratio × group_ratio", try Rational(textIn).multiplied(by: ratio)))
        if textOut != 0 {
            let part = try Rational(textOut).multiplied(
                by: require(other.completionRatio, "completion_ratio", "\(textOut) text output tokens"))
            terms.append(("text_output × completion_ratio × …", try part.multiplied(by: ratio)))
            sum = try sum.adding(part)
        }
        if audioIn != 0 || audioOut != 0 {
            let audioRatio = try require(other.audioRatio, "audio_ratio", "audio tokens")
            let inPart = try Rational(audioIn).multiplied(by: audioRatio)
            terms.append(("audio_input × audio_ratio × …", try inPart.multiplied(by: ratio)))
            sum = try sum.adding(inPart)
            if audioOut != 0 {
                let completionRatio = try require(
                    other.audioCompletionRatio, "audio_completion_ratio", "\(audioOut) audio output tokens")
                let outPart = try Rational(audioOut).multiplied(by: audioRatio).multiplied(by: completionRatio)
                terms.append(
                    ("audio_output × audio_ratio × audio_completion_ratio × …", try outPart.multiplied(by: ratio)))
                sum = try sum.adding(outPart)
            }
        }
        return (try sum.multiplied(by: ratio), false)
    }
}
