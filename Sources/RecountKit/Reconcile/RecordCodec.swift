import Foundation
import TokenCounter

// Spill encodings of the values a run sets aside between recounting and joining the ledger:
// each type's writer and reader side by side (`SpillCodable`). To add a field to one of them,
// write it in `encode(to:)` and read it in `init(from:strings:)` at the same place, and give
// the test generator in `SpillCodecTests` a random value for it.

extension SourceLocation: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(file)
        out.int(line)
    }

    /// The file is one of the run's inputs (`strings.knownFiles`): handed back, not allocated.
    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(file: try input.string(knownAmong: strings.knownFiles), line: try input.int())
    }
}

/// A spilled `LogRecord` keeps no prompt or completion: only the request fields pricing reads
/// (`n`, `size`, `quality`, `input`'s length), so the sort data stays small and prompts never
/// reach disk outside the logs themselves.
extension LogRecord: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(id)
        out.timestamp(time)
        out.string(account)
        out.optionalString(key)
        out.string(group)
        out.string(model)
        out.string(endpoint.rawValue)
        out.int(status)
        out.bool(stream)
        out.optional(Self.pricedRequestFields(request)) { $0.string(JSONWriter.string($1)) }
        out.optionalInt(request?["input"]?.stringValue?.unicodeScalars.count ?? inputScalars)
        out.optional(usage) { $0.value($1) }
        out.value(billed)
        out.value(source)
        out.string(dialect.rawValue)
        out.optional(gateway) { $0.value($1) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        let id = try input.repeated(&strings.requestID)
        let time = try input.timestamp()
        let account = try input.repeated(&strings.account)
        let key = try input.optionalString()
        let group = try input.string()
        let model = try input.string()
        let endpoint = try input.enumeration(Endpoint.self)
        let status = try input.int()
        let stream = try input.bool()
        let request = try input.optional { input throws(SpillCorrupt) -> JSONValue in
            guard let value = try? JSONParser.parse(Array(try input.string().utf8)) else {
                throw SpillCorrupt(what: "bad request fields")
            }
            return value
        }
        let inputScalars = try input.optionalInt()
        let usage = try input.optional { input throws(SpillCorrupt) in
            try input.value(ReportedUsage.self, strings: &strings)
        }
        let billed = try input.value(BilledFields.self, strings: &strings)
        self.init(
            id: id, time: time, account: account, key: key, group: group, model: model, endpoint: endpoint,
            status: status, stream: stream, request: request, response: nil, usage: usage, billed: billed,
            source: try input.value(strings: &strings), dialect: try input.enumeration(LogDialect.self))
        self.gateway = try input.optional { input throws(SpillCorrupt) in
            try input.value(GatewayRow.self, strings: &strings)
        }
        self.inputScalars = inputScalars
    }

    /// The request fields `chargeUsage` reads, but not `input` (prompt text: only its length
    /// is kept); nil when there are none.
    static func pricedRequestFields(_ request: JSONValue?) -> JSONValue? {
        guard case .object(let object)? = request else { return nil }
        var kept = JSONObject()
        for field in ["n", "size", "quality"] {
            if let value = object[field] { kept[field] = value }
        }
        return kept.count == 0 ? nil : .object(kept)
    }
}

extension ReportedUsage: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.optionalInt(promptTokens)
        out.optionalInt(completionTokens)
        out.optionalInt(cachedTokens)
        out.optionalInt(reasoningTokens)
        out.optional(seconds) { $0.rational($1) }
        out.optionalInt(images)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            promptTokens: try input.optionalInt(), completionTokens: try input.optionalInt(),
            cachedTokens: try input.optionalInt(), reasoningTokens: try input.optionalInt(),
            seconds: try input.optional { input throws(SpillCorrupt) in try input.rational() },
            images: try input.optionalInt())
    }
}

extension BilledFields: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.optionalInt(promptTokens)
        out.optionalInt(completionTokens)
        out.optional(amount) { $0.rational($1) }
        out.optionalString(pricingVersion)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            promptTokens: try input.optionalInt(), completionTokens: try input.optionalInt(),
            amount: try input.optional { input throws(SpillCorrupt) in try input.rational() },
            pricingVersion: try input.optionalString())
    }
}

extension TokenCounts: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.int(prompt)
        out.string(promptSource.rawValue)
        out.int(completion)
        out.string(completionSource.rawValue)
        out.int(cachedPrompt)
        out.optionalInt(recountPrompt)
        out.optionalInt(recountCompletion)
        out.optionalInt(upstreamPrompt)
        out.optionalInt(upstreamCompletion)
        out.optionalInt(billedPrompt)
        out.optionalInt(billedCompletion)
        out.optionalString(encoding?.rawValue)
        out.bool(encodingIsFallback)
        out.array(notes) { $0.string($1) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        prompt = try input.int()
        promptSource = try input.enumeration(CountSource.self)
        completion = try input.int()
        completionSource = try input.enumeration(CountSource.self)
        cachedPrompt = try input.int()
        recountPrompt = try input.optionalInt()
        recountCompletion = try input.optionalInt()
        upstreamPrompt = try input.optionalInt()
        upstreamCompletion = try input.optionalInt()
        billedPrompt = try input.optionalInt()
        billedCompletion = try input.optionalInt()
        encoding = try input.optional { input throws(SpillCorrupt) in try input.enumeration(EncodingName.self) }
        encodingIsFallback = try input.bool()
        notes = try input.array { input throws(SpillCorrupt) in try input.string() }
    }
}

/// A request's charge for the join: the expected amount (or why there is none), without the
/// breakdown — which `explain` alone shows, and recomputes.
extension JoinCharge: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        switch self {
        case .priced(let charge, _):
            out.bytes.append(0)
            out.rational(charge)
        case .notBillable:
            out.bytes.append(1)
        case .unpriced(let reason):
            out.bytes.append(2)
            out.string(reason)
        }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        switch try input.byte() {
        case 0: self = .priced(charge: try input.rational(), breakdown: nil)
        case 1: self = .notBillable(breakdown: nil)
        case 2: self = .unpriced(reason: try input.string())
        default: throw SpillCorrupt(what: "bad charge")
        }
    }

    /// `JoinCharge(result).encode(to:)` without building the `JoinCharge`: a priced charge's
    /// breakdown is not copied on the scan's path.
    static func encode(_ result: ChargeResult, to out: inout SpillEncoder) {
        switch result {
        case .priced(let breakdown):
            out.bytes.append(0)
            out.rational(breakdown.charge)
        case .notBillable:
            out.bytes.append(1)
        case .unpriced(let reason):
            out.bytes.append(2)
            out.string(reason)
        }
    }
}

extension Debit: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        encodeFields(to: &out)
        out.int(sequence)
    }

    /// All of `encode(to:)` but the last field, the sequence (known only in ledger order).
    func encodeFields(to out: inout SpillEncoder) {
        out.string(debitID)
        out.string(requestID)
        out.string(account)
        out.optional(time) { $0.timestamp($1) }
        out.rational(amount)
        out.optionalString(pricingVersion)
        out.value(source)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            debitID: try input.string(), requestID: try input.repeated(&strings.requestID),
            account: try input.repeated(&strings.account),
            time: try input.optional { input throws(SpillCorrupt) in try input.timestamp() },
            amount: try input.rational(), pricingVersion: try input.optionalString(),
            source: try input.value(strings: &strings), sequence: try input.int())
    }
}

/// A gateway row's own columns, `other` parsed (so the join does not parse it twice).
extension GatewayRow: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.int(logType)
        out.string(role.rawValue)
        out.optionalString(rowID)
        out.optionalInt(useTime)
        out.optionalString(upstreamRequestID)
        out.optionalInt(channel)
        out.optionalInt(quota)
        out.optional(other) { $0.value($1) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            logType: try input.int(), role: try input.enumeration(Role.self), rowID: try input.optionalString(),
            useTime: try input.optionalInt(), upstreamRequestID: try input.optionalString(),
            channel: try input.optionalInt(), quota: try input.optionalInt(),
            other: try input.optional { input throws(SpillCorrupt) in try input.value(GatewayOther.self) })
    }
}

/// Every key `GatewayOther` reads, in declaration order: one optional each (a byte when absent).
extension GatewayOther: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.optional(modelRatio) { $0.rational($1) }
        out.optional(groupRatio) { $0.rational($1) }
        out.optional(userGroupRatio) { $0.rational($1) }
        out.optional(completionRatio) { $0.rational($1) }
        out.optional(modelPrice) { $0.rational($1) }
        out.optionalInt(cacheTokens)
        out.optional(cacheRatio) { $0.rational($1) }
        out.optionalInt(cacheCreationTokens)
        out.optional(cacheCreationRatio) { $0.rational($1) }
        out.optionalInt(cacheCreationTokens5m)
        out.optional(cacheCreationRatio5m) { $0.rational($1) }
        out.optionalInt(cacheCreationTokens1h)
        out.optional(cacheCreationRatio1h) { $0.rational($1) }
        out.optionalInt(cacheWriteTokens)
        out.optionalString(usageSemantic)
        out.optional(claude) { $0.bool($1) }
        out.optionalInt(inputTokensTotal)
        out.optionalInt(imageTokens)
        out.optional(imageRatio) { $0.rational($1) }
        out.optional(audio) { $0.bool($1) }
        out.optionalInt(textInputTokens)
        out.optionalInt(textOutputTokens)
        out.optionalInt(audioInputTokens)
        out.optionalInt(audioOutputTokens)
        out.optional(audioRatio) { $0.rational($1) }
        out.optional(audioCompletionRatio) { $0.rational($1) }
        out.optionalInt(separateAudioInputTokens)
        out.optional(separateAudioInputPrice) { $0.rational($1) }
        out.optionalInt(webSearchCalls)
        out.optional(webSearchPrice) { $0.rational($1) }
        out.optionalInt(fileSearchCalls)
        out.optional(fileSearchPrice) { $0.rational($1) }
        out.optional(toolSurcharges) { $0.array($1) { $0.value($1) } }
        out.optional(imageGenerationCallPrice) { $0.rational($1) }
        out.optionalString(billingMode)
        out.optionalString(taskID)
        out.optionalInt(taskPreConsumed)
        out.optionalInt(taskActualQuota)
        out.optionalInt(taskQuotaDelta)
        out.optional(streamStatus) { $0.value($1) }
        out.optionalString(usageBillingPath)
        out.optional(localCountTokens) { $0.bool($1) }
        out.bool(quotaSaturated)
        out.optional(firstResponseMilliseconds) { $0.rational($1) }
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init()
        modelRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        groupRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        userGroupRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        completionRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        modelPrice = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        cacheTokens = try input.optionalInt()
        cacheRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        cacheCreationTokens = try input.optionalInt()
        cacheCreationRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        cacheCreationTokens5m = try input.optionalInt()
        cacheCreationRatio5m = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        cacheCreationTokens1h = try input.optionalInt()
        cacheCreationRatio1h = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        cacheWriteTokens = try input.optionalInt()
        usageSemantic = try input.optionalString()
        claude = try input.optional { input throws(SpillCorrupt) in try input.bool() }
        inputTokensTotal = try input.optionalInt()
        imageTokens = try input.optionalInt()
        imageRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        audio = try input.optional { input throws(SpillCorrupt) in try input.bool() }
        textInputTokens = try input.optionalInt()
        textOutputTokens = try input.optionalInt()
        audioInputTokens = try input.optionalInt()
        audioOutputTokens = try input.optionalInt()
        audioRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        audioCompletionRatio = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        separateAudioInputTokens = try input.optionalInt()
        separateAudioInputPrice = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        webSearchCalls = try input.optionalInt()
        webSearchPrice = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        fileSearchCalls = try input.optionalInt()
        fileSearchPrice = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        toolSurcharges = try input.optional { input throws(SpillCorrupt) in
            try input.array { input throws(SpillCorrupt) in try input.value(ToolSurcharge.self) }
        }
        imageGenerationCallPrice = try input.optional { input throws(SpillCorrupt) in try input.rational() }
        billingMode = try input.optionalString()
        taskID = try input.optionalString()
        taskPreConsumed = try input.optionalInt()
        taskActualQuota = try input.optionalInt()
        taskQuotaDelta = try input.optionalInt()
        streamStatus = try input.optional { input throws(SpillCorrupt) in try input.value(StreamStatus.self) }
        usageBillingPath = try input.optionalString()
        localCountTokens = try input.optional { input throws(SpillCorrupt) in try input.bool() }
        quotaSaturated = try input.bool()
        firstResponseMilliseconds = try input.optional { input throws(SpillCorrupt) in try input.rational() }
    }
}

extension GatewayOther.ToolSurcharge: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.string(name)
        out.int(count)
        out.rational(price)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(name: try input.string(), count: try input.int(), price: try input.rational())
    }
}

extension GatewayOther.StreamStatus: SpillCodable {
    func encode(to out: inout SpillEncoder) {
        out.optionalString(status)
        out.optionalString(endReason)
        out.optionalString(endError)
        out.optionalInt(errorCount)
    }

    init(from input: inout SpillDecoder, strings: inout SpillStrings) throws(SpillCorrupt) {
        self.init(
            status: try input.optionalString(), endReason: try input.optionalString(),
            endError: try input.optionalString(), errorCount: try input.optionalInt())
    }
}
