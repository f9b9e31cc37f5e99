import Foundation
import RecountKit
import TokenCounter

extension SampleGateway.RowDraft {
    /// The row's quota by the gateway's own formula over `other` (tasks and errors aside: their
    /// quota is set), beside the replayed one; an `arithmetic` case bills more than it replays.
    func quota(other otherString: String, _ rng: inout SampleRandom) -> (quota: Int, replayed: Int) {
        if let quotaOverride { return (quotaOverride, quotaOverride) }
        guard let parsed = try? GatewayOther.parse(.string(otherString)),
            case .quota(let replay) = GatewayQuota.replay(
                promptTokens: prompt, completionTokens: completion, other: parsed)
        else {
            preconditionFailure("generated gateway row is not replayable: \(otherString)")
        }
        var quota = replay.quota
        if kind == .arithmetic { quota = replay.quota + max(3, replay.quota / 10) + rng.below(50) }
        return (quota, replay.quota)
    }

    /// The main row as written.
    func row(quota: Int, other otherString: String, _ rng: inout SampleRandom) -> JSONValue {
        SampleGateway.row(
            id: id, type: type, createdAt: createdAt, useTime: useTime, account: account, model: modelName,
            quota: quota, prompt: prompt, completion: completion, stream: stream, other: otherString,
            content: content, &rng)
    }

    /// What reconcile must find: the net paid (a task's settlement included) against the
    /// catalog's charge for the row's counts, as `GatewayOther.chargeUsage` gives them.
    func outcomeClass(quota: Int, other otherString: String, catalog: PriceCatalog) -> String {
        let net = kind == .task ? SampleGateway.taskQuota(groupRatio) : quota
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
        return net == 0 && !expected.isZero
            ? "missing_charge"
            : netAmount > expected ? "overcharge" : netAmount < expected ? "undercharge" : "ok"
    }

    /// The injected case `sample.json` lists for this row, if it is one.
    func injectedCase(outcomeClass: String, quota: Int, replayed: Int) -> SampleGateway.Case? {
        switch kind {
        case .arithmetic:
            return SampleGateway.Case(
                requestID: id, outcomeClass: outcomeClass, cause: "gateway_arithmetic",
                detail: "quota \(quota), the row's own ratios give \(replayed)")
        case .rateModel, .rateCompletion, .rateGroup, .lostCache:
            let ratio =
                kind == .rateModel
                ? "model_ratio"
                : kind == .rateCompletion ? "completion_ratio" : kind == .rateGroup ? "group_ratio" : "cache_ratio"
            return SampleGateway.Case(requestID: id, outcomeClass: outcomeClass, cause: "rate", detail: ratio)
        case .streamIncomplete:
            return SampleGateway.Case(
                requestID: id, outcomeClass: outcomeClass, cause: "stream_incomplete",
                detail: "billed on the gateway's local count")
        default:
            return nil
        }
    }
}

extension SampleGateway {

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
