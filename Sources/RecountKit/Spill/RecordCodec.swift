import Foundation
import TokenCounter

/// Spill encodings of the values a run sets aside between recounting and joining the ledger.
///
/// A spilled `LogRecord` keeps no prompt or completion: only the request fields pricing reads
/// (`n`, `size`, `quality`, `input`), so the sort data stays small and prompts never reach disk
/// outside the logs themselves.
extension SpillEncoder {
    mutating func source(_ value: SourceLocation) {
        string(value.file)
        int(value.line)
    }

    mutating func record(_ record: LogRecord) {
        string(record.id)
        timestamp(record.time)
        string(record.account)
        optionalString(record.key)
        string(record.group)
        string(record.model)
        string(record.endpoint.rawValue)
        int(record.status)
        bool(record.stream)
        optional(Self.pricedRequestFields(record.request)) { $0.string(JSONWriter.string($1)) }
        optionalInt(record.request?["input"]?.stringValue?.unicodeScalars.count ?? record.inputScalars)
        optional(record.usage) { encoder, usage in
            encoder.optionalInt(usage.promptTokens)
            encoder.optionalInt(usage.completionTokens)
            encoder.optionalInt(usage.cachedTokens)
            encoder.optionalInt(usage.reasoningTokens)
            encoder.optional(usage.seconds) { $0.rational($1) }
            encoder.optionalInt(usage.images)
        }
        optionalInt(record.billed.promptTokens)
        optionalInt(record.billed.completionTokens)
        optional(record.billed.amount) { $0.rational($1) }
        optionalString(record.billed.pricingVersion)
        source(record.source)
        string(record.dialect.rawValue)
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

    mutating func counts(_ counts: TokenCounts) {
        int(counts.prompt)
        string(counts.promptSource.rawValue)
        int(counts.completion)
        string(counts.completionSource.rawValue)
        int(counts.cachedPrompt)
        optionalInt(counts.recountPrompt)
        optionalInt(counts.recountCompletion)
        optionalInt(counts.upstreamPrompt)
        optionalInt(counts.upstreamCompletion)
        optionalInt(counts.billedPrompt)
        optionalInt(counts.billedCompletion)
        optionalString(counts.encoding?.rawValue)
        bool(counts.encodingIsFallback)
        array(counts.notes) { $0.string($1) }
    }

    /// A request's charge for the join: the expected amount (or why there is none), without
    /// the breakdown (`JoinCharge`).
    mutating func joinCharge(_ charge: ChargeResult) {
        switch charge {
        case .priced(let breakdown):
            bytes.append(0)
            rational(breakdown.charge)
        case .notBillable:
            bytes.append(1)
        case .unpriced(let reason):
            bytes.append(2)
            string(reason)
        }
    }

    mutating func debit(_ debit: Debit) {
        debitFields(debit)
        int(debit.sequence)
    }

    /// All of `debit(_:)` but the last field, the sequence (known only in ledger order).
    mutating func debitFields(_ debit: Debit) {
        string(debit.debitID)
        string(debit.requestID)
        string(debit.account)
        optional(debit.time) { $0.timestamp($1) }
        rational(debit.amount)
        optionalString(debit.pricingVersion)
        source(debit.source)
    }
}

/// Strings the join decodes again and again — an id's own id and account on each of its
/// entries, the few input paths on every one — handed back when the bytes match instead of
/// allocated anew (two to four fewer allocations per request).
struct SpillStrings {
    /// The run's input files (logs and ledger): every `SourceLocation` names one of them.
    var knownFiles: [String] = []
    var requestID: String?
    var account: String?
}

extension SpillDecoder {
    /// A string, or `candidate` itself when it has exactly these bytes.
    mutating func string(reusing candidate: String?) throws(SpillCorrupt) -> String {
        let bytes = try raw()
        if let candidate, Self.same(candidate, bytes) { return candidate }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func source(_ strings: inout SpillStrings) throws(SpillCorrupt) -> SourceLocation {
        let bytes = try raw()
        var file: String?
        for known in strings.knownFiles where Self.same(known, bytes) {
            file = known
            break
        }
        return SourceLocation(file: file ?? String(decoding: bytes, as: UTF8.self), line: try int())
    }

    /// Whether `string`'s UTF-8 is exactly `bytes` (one `memcmp`; the generic `elementsEqual`
    /// over the UTF-8 view walked them a byte at a time).
    @inline(__always)
    static func same(_ string: String, _ bytes: ArraySlice<UInt8>) -> Bool {
        guard string.utf8.count == bytes.count else { return false }
        guard !bytes.isEmpty else { return true }
        var string = string
        return string.withUTF8 { utf8 in
            bytes.withUnsafeBufferPointer { memcmp(utf8.baseAddress!, $0.baseAddress!, utf8.count) == 0 }
        }
    }

    /// A request id, account or similar, remembered in `slot` for the next entry of the id.
    private mutating func repeated(_ slot: inout String?) throws(SpillCorrupt) -> String {
        let value = try string(reusing: slot)
        slot = value
        return value
    }

    mutating func record(_ strings: inout SpillStrings) throws(SpillCorrupt) -> LogRecord {
        let id = try repeated(&strings.requestID)
        let time = try timestamp()
        let account = try repeated(&strings.account)
        let key = try optionalString()
        let group = try string()
        let model = try string()
        let endpoint = try enumeration(Endpoint.self)
        let status = try int()
        let stream = try bool()
        let request = try optional { decoder throws(SpillCorrupt) -> JSONValue in
            guard let value = try? JSONParser.parse(Array(try decoder.string().utf8)) else { throw SpillCorrupt(what: "bad request fields") }
            return value
        }
        let inputScalars = try optionalInt()
        let usage = try optional { decoder throws(SpillCorrupt) in
            ReportedUsage(promptTokens: try decoder.optionalInt(), completionTokens: try decoder.optionalInt(),
                          cachedTokens: try decoder.optionalInt(), reasoningTokens: try decoder.optionalInt(),
                          seconds: try decoder.optional { decoder throws(SpillCorrupt) in try decoder.rational() },
                          images: try decoder.optionalInt())
        }
        let billed = BilledFields(promptTokens: try optionalInt(), completionTokens: try optionalInt(),
                                  amount: try optional { decoder throws(SpillCorrupt) in try decoder.rational() },
                                  pricingVersion: try optionalString())
        var record = LogRecord(id: id, time: time, account: account, key: key, group: group, model: model, endpoint: endpoint,
                               status: status, stream: stream, request: request, response: nil, usage: usage, billed: billed,
                               source: try source(&strings), dialect: try enumeration(LogDialect.self))
        record.inputScalars = inputScalars
        return record
    }

    mutating func counts() throws(SpillCorrupt) -> TokenCounts {
        var counts = TokenCounts()
        counts.prompt = try int()
        counts.promptSource = try enumeration(CountSource.self)
        counts.completion = try int()
        counts.completionSource = try enumeration(CountSource.self)
        counts.cachedPrompt = try int()
        counts.recountPrompt = try optionalInt()
        counts.recountCompletion = try optionalInt()
        counts.upstreamPrompt = try optionalInt()
        counts.upstreamCompletion = try optionalInt()
        counts.billedPrompt = try optionalInt()
        counts.billedCompletion = try optionalInt()
        counts.encoding = try optional { decoder throws(SpillCorrupt) in try decoder.enumeration(EncodingName.self) }
        counts.encodingIsFallback = try bool()
        counts.notes = try array { decoder throws(SpillCorrupt) in try decoder.string() }
        return counts
    }

    mutating func joinCharge() throws(SpillCorrupt) -> JoinCharge {
        switch try byte() {
        case 0: return .priced(charge: try rational(), breakdown: nil)
        case 1: return .notBillable(breakdown: nil)
        case 2: return .unpriced(reason: try string())
        default: throw SpillCorrupt(what: "bad charge")
        }
    }

    mutating func debit(_ strings: inout SpillStrings) throws(SpillCorrupt) -> Debit {
        Debit(debitID: try string(), requestID: try repeated(&strings.requestID), account: try repeated(&strings.account),
              time: try optional { decoder throws(SpillCorrupt) in try decoder.timestamp() },
              amount: try rational(), pricingVersion: try optionalString(), source: try source(&strings), sequence: try int())
    }
}
