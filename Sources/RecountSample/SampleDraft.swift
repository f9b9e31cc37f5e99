import RecountKit
import TokenCounter

/// One generated request, with the `LogRecord` that `reconcile` will decode from its line and
/// the counts and expected charge the library computes for it.
///
/// Why build the `LogRecord` here instead of parsing the written line back: parsing a
/// gigabyte twice would double the generation time. The record is assembled from the very
/// values that are serialised (`SampleLine`), field by field as `RecordDecoder` reads them,
/// and the end-to-end test reconciles a sample and checks every class count, so a drift
/// between the two is caught.
struct SampleDraft {
    enum TimeFormat { case local, utc, unixMilliseconds }

    /// A one-api / new-api `logs` row: no bodies, tokens and quota only.
    struct OneAPIRow {
        let rowID: Int
        let userID: Int
        let useTimeSeconds: Int
        let channel: Int
    }

    var id: String
    /// Milliseconds since local midnight of the day.
    var timeMilliseconds: Int64
    var timeFormat = TimeFormat.local
    var account: SamplePopulation.Account
    var key: String
    var writesGroup: Bool
    var model: SamplePopulation.Model
    var exchange: SampleExchange
    var status: Int
    var writesStatus: Bool
    /// Upstream usage as written, and where; nil when the line carries none.
    var usage: JSONValue?
    var usagePlacement = SampleExchange.UsagePlacement.topLevel
    var oneAPI: OneAPIRow?
    var record: LogRecord
    var counts: TokenCounts
    var charge: ChargeResult

    var time: Timestamp { record.time }

    /// The expected charge, nil when unpriced.
    var expected: Rational? { charge.expectedAmount }

    /// The exact amount before rounding, when priced and billable.
    var breakdown: ChargeBreakdown? {
        if case .priced(let breakdown) = charge { return breakdown }
        return nil
    }

    static func timestamp(milliseconds: Int64, format: TimeFormat) -> Timestamp {
        Timestamp(
            seconds: SampleCatalog.dayStartSeconds + milliseconds / 1000,
            nanoseconds: Int32(milliseconds % 1000) * 1_000_000,
            offsetSeconds: format == .local ? SampleCatalog.zoneOffsetSeconds : 0)
    }

    /// Draws a request for `scenario`: a priced model when the scenario bills it wrongly, a
    /// failed status when it debits a failure, a `gpt-4o` / `gpt-3.5-turbo` chat when it
    /// bills under the other price version (the models whose price changed at noon).
    /// - Parameter conversation: the `realistic` profile's texts and account for the slot;
    ///   nil for `classic`, whose draws stay exactly as they were (its bytes must not change).
    static func make(
        id: String, milliseconds: Int64, scenario: SampleScenario, population: SamplePopulation,
        catalog: PriceCatalog, conversation: SampleConversation? = nil, _ rng: inout SampleRandom
    ) -> SampleDraft {
        let account = conversation.map { population.accounts[$0.accountIndex] } ?? population.account(&rng)
        let key = rng.pick(account.keys)
        let model = drawModel(scenario: scenario, realistic: conversation != nil, &rng)
        let failed: Int?
        if scenario == .failedDebited
            || (scenario == .ok && [.chat, .completions, .embeddings].contains(model.kind) && rng.chance(25))
        {
            failed = SampleFailures.status(&rng)
        } else {
            failed = nil
        }

        // One-api rows: a relay's own `logs` export mixed into the canonical log.
        let oneAPIScenarios: Set<SampleScenario> = [.ok, .rateOver, .rateUnder, .missingDebit, .duplicateDebit]
        if failed == nil, oneAPIScenarios.contains(scenario), rng.chance(15) {
            return oneAPIDraft(id: id, milliseconds: milliseconds, account: account, key: key, catalog: catalog, &rng)
        }

        let exchange =
            conversation.map { realisticExchange(model: model, conversation: $0, failed: failed, &rng) }
            ?? classicExchange(model: model, failed: failed, &rng)
        return finish(
            id: id, milliseconds: milliseconds, account: account, key: key, model: model, exchange: exchange,
            failed: failed, catalog: catalog, &rng)
    }

    /// The model a scenario needs: one whose price changed at noon (`priceVersion`), a priced
    /// chat or completion model (a miscount or a charged failure), else any model — priced when
    /// the scenario bills it wrongly; on a realistic day, chat nine requests in ten.
    static func drawModel(
        scenario: SampleScenario, realistic: Bool, _ rng: inout SampleRandom
    )
        -> SamplePopulation.Model
    {
        let needsPrice = scenario != .ok && scenario != .malformedLine
        switch scenario {
        case .priceVersion:
            return SamplePopulation.named(rng.chance(700) ? "gpt-4o" : "gpt-3.5-turbo")
        case .inflatedPrompt, .inflatedCompletion, .shortCompletion, .failedDebited:
            return SamplePopulation.model(&rng, pricedOnly: true, kinds: [.chat, .completions])
        default:
            // Realistic: chat is nine requests in ten on a relay of today.
            return realistic && rng.chance(900)
                ? SamplePopulation.model(&rng, pricedOnly: needsPrice, kinds: [.chat])
                : SamplePopulation.model(&rng, pricedOnly: needsPrice)
        }
    }

    /// A `realistic` exchange: the conversation's texts, resent history, the profile's tools
    /// and streams.
    static func realisticExchange(
        model: SamplePopulation.Model, conversation: SampleConversation, failed: Int?, _ rng: inout SampleRandom
    ) -> SampleExchange {
        let profile = SampleProfile.realistic
        switch model.kind {
        case .chat:
            return .realisticChat(
                model: model.name, conversation: conversation, tools: rng.chance(profile.toolsPerMille),
                stream: rng.chance(profile.streamPerMille), failed: failed, &rng)
        case .completions:
            return .realisticCompletion(model: model.name, conversation: conversation, failed: failed, &rng)
        case .embeddings:
            return .realisticEmbedding(model: model.name, conversation: conversation, failed: failed, &rng)
        case .image: return .image(model: model.name, &rng)
        case .speech: return .speech(model: model.name, &rng)
        case .transcription: return .transcription(model: model.name, &rng)
        }
    }

    /// A `classic` exchange: small text pools in one drawn style.
    static func classicExchange(
        model: SamplePopulation.Model, failed: Int?, _ rng: inout SampleRandom
    )
        -> SampleExchange
    {
        let style = SampleText.style(&rng)
        switch model.kind {
        case .chat:
            return .chat(
                model: model.name, style: style, tools: rng.chance(120), stream: rng.chance(200),
                failed: failed, &rng)
        case .completions: return .completion(model: model.name, style: style, failed: failed, &rng)
        case .embeddings: return .embedding(model: model.name, failed: failed, &rng)
        case .image: return .image(model: model.name, &rng)
        case .speech: return .speech(model: model.name, &rng)
        case .transcription: return .transcription(model: model.name, &rng)
        }
    }

    /// The rest of a draft once its exchange is built: time format, the recount, upstream
    /// usage and the expected charge (the same draws for both profiles).
    static func finish(
        id: String, milliseconds: Int64, account: SamplePopulation.Account, key: String,
        model: SamplePopulation.Model, exchange: SampleExchange, failed: Int?, catalog: PriceCatalog,
        _ rng: inout SampleRandom
    ) -> SampleDraft {
        var exchange = exchange
        // Times as relays write them: mostly local RFC 3339, some UTC, some Unix milliseconds.
        let formatDraw = rng.below(20)
        let format: TimeFormat = formatDraw < 18 ? .local : formatDraw == 18 ? .utc : .unixMilliseconds
        let status = failed ?? 200
        var record = LogRecord(
            id: id, time: timestamp(milliseconds: milliseconds, format: format), account: account.name, key: key,
            group: account.group, model: model.name, endpoint: exchange.endpoint, status: status,
            stream: exchange.stream,
            request: exchange.request, response: exchange.response, usage: nil, billed: BilledFields(),
            source: SourceLocation(file: "", line: 0), dialect: .recount)
        var counts = TokenRecount.counts(for: record, policy: .auto)

        // Upstream usage: what the provider reported — the true count on most lines, a few
        // tokens off on some (a provider's tokenizer revision), none on some.
        var usage: JSONValue?
        var placement = SampleExchange.UsagePlacement.topLevel
        if failed == nil {
            switch model.kind {
            case .chat, .completions, .embeddings:
                if let prompt = counts.recountPrompt, let completion = counts.recountCompletion, rng.chance(850) {
                    let (upstream, fields) = upstreamUsage(prompt: prompt, completion: completion, model: model, &rng)
                    usage = fields
                    let wanted: SampleExchange.UsagePlacement = [.topLevel, .topLevel, .inResponse, .lastChunk][
                        rng.below(4)]
                    placement = exchange.attach(usage: fields, placement: wanted)
                    record.response = exchange.response
                    record.usage = upstream
                }
            case .transcription:
                let seconds = "\(rng.int(3...900)).\(rng.chance(500) ? "5" : "25")"
                usage = .fields([("seconds", .number(seconds))])
                record.usage = ReportedUsage(seconds: try? Rational(parsing: seconds))
            case .image, .speech:
                break
            }
        }
        counts = withUpstream(counts, usage: record.usage)
        let charge = Pricing.expectedCharge(
            usage: chargeUsage(for: record, counts: counts), model: record.model,
            group: record.group, status: status, at: record.time, catalog: catalog)
        return SampleDraft(
            id: id, timeMilliseconds: milliseconds, timeFormat: format, account: account, key: key,
            writesGroup: account.group != "default" || rng.chance(700), model: model, exchange: exchange,
            status: status, writesStatus: status != 200 || rng.chance(100), usage: usage,
            usagePlacement: placement, oneAPI: nil, record: record, counts: counts, charge: charge)
    }

    /// What the provider reported for recounted `prompt` and `completion`: the true count on
    /// most lines, a few tokens off on some (a provider's tokenizer revision), cached tokens on
    /// some `gpt-4o` prompts; as `ReportedUsage` and as the line's `usage` object.
    static func upstreamUsage(
        prompt: Int, completion: Int, model: SamplePopulation.Model, _ rng: inout SampleRandom
    ) -> (ReportedUsage, JSONValue) {
        var upstream = ReportedUsage(promptTokens: prompt, completionTokens: completion)
        if rng.chance(30) { upstream.promptTokens = prompt + rng.int(1...5) }
        if rng.chance(20), completion > 3 { upstream.completionTokens = completion + rng.int(-3...3) }
        if model.name.hasPrefix("gpt-4o"), prompt >= 1024, rng.chance(400) {
            upstream.cachedTokens = 1024 + 128 * rng.below((prompt - 1024) / 128 + 1)
        }
        let promptTokens = upstream.promptTokens ?? prompt
        let completionTokens = upstream.completionTokens ?? completion
        var fields: [(String, JSONValue)] = [("prompt_tokens", .int(promptTokens))]
        if model.kind != .embeddings {
            fields.append(("completion_tokens", .int(completionTokens)))
        }
        fields.append(("total_tokens", .int(promptTokens + (model.kind == .embeddings ? 0 : completionTokens))))
        if let cached = upstream.cachedTokens {
            fields.append(("prompt_tokens_details", .fields([("cached_tokens", .int(cached))])))
        }
        if model.kind == .embeddings { upstream.completionTokens = nil }
        return (upstream, .fields(fields))
    }

    /// The counts `TokenRecount` gives once upstream usage is on the line: the recount stays
    /// beside it, and `auto` takes upstream per side (the same `choose` reconcile uses).
    static func withUpstream(_ recounted: TokenCounts, usage: ReportedUsage?) -> TokenCounts {
        var counts = recounted
        counts.upstreamPrompt = usage?.promptTokens
        counts.upstreamCompletion = usage?.completionTokens
        guard counts.encoding != nil else { return counts }
        (counts.prompt, counts.promptSource) = TokenRecount.choose(
            .auto, upstream: counts.upstreamPrompt, recount: counts.recountPrompt, billed: counts.billedPrompt)
        (counts.completion, counts.completionSource) = TokenRecount.choose(
            .auto, upstream: counts.upstreamCompletion, recount: counts.recountCompletion,
            billed: counts.billedCompletion)
        counts.cachedPrompt = 0
        if counts.promptSource == .upstream, let cached = usage?.cachedTokens {
            counts.cachedPrompt = min(cached, counts.prompt)
        }
        return counts
    }

    /// A one-api row: start = `created_at − use_time` in whole seconds; tokens and quota
    /// only, so the billed counts are the basis.
    static func oneAPIDraft(
        id: String, milliseconds: Int64, account: SamplePopulation.Account, key: String,
        catalog: PriceCatalog, _ rng: inout SampleRandom
    ) -> SampleDraft {
        let name = ["gpt-4o-mini", "gpt-3.5-turbo", "gpt-4o"][rng.below(3)]
        let model = SamplePopulation.named(name)
        var billed = BilledFields()
        billed.promptTokens = 20 + rng.skewed(4000)
        billed.completionTokens = 1 + rng.skewed(1200)
        let start = (milliseconds / 1000) * 1000
        var record = LogRecord(
            id: id, time: timestamp(milliseconds: start, format: .utc), account: account.name,
            key: "token-\(key.suffix(4))",
            group: account.group, model: model.name, endpoint: .chatCompletions, status: 200, stream: rng.chance(500),
            request: nil, response: nil, usage: nil, billed: billed, source: SourceLocation(file: "", line: 0),
            dialect: .oneAPI)
        record.billed = billed
        let counts = TokenRecount.counts(for: record, policy: .auto)
        let charge = Pricing.expectedCharge(
            usage: chargeUsage(for: record, counts: counts), model: record.model,
            group: record.group, status: 200, at: record.time, catalog: catalog)
        let row = OneAPIRow(
            rowID: 1_000_000 + rng.below(9_000_000), userID: 1 + rng.below(5000),
            useTimeSeconds: rng.int(1...40), channel: rng.int(1...12))
        return SampleDraft(
            id: id, timeMilliseconds: start, timeFormat: .utc, account: account, key: record.key!,
            writesGroup: true, model: model, exchange: SampleExchange(endpoint: .chatCompletions),
            status: 200, writesStatus: false, usage: nil, oneAPI: row, record: record, counts: counts, charge: charge)
    }
}
