import TokenCounter

/// Decodes one log line into a `LogRecord`, or says which field is wrong.
///
/// Stage 2 of the pipeline (after `LineReader`, before `TokenRecount`). Pure: safe to run on
/// many lines at once.
public enum RecordDecoder {
    /// What a line is: a request (or a row of one), a gateway row that is no request, or bad.
    public enum Decoded: Sendable {
        case record(LogRecord)
        /// A gateway `logs` row of a type that is not a request (top-up, manage, system,
        /// unknown: SPEC §2.6): skipped without a reject, counted (`counts.non_request_rows`).
        case nonRequest(logType: Int)
        case failure(FieldError)
    }

    /// Decodes a physical line (without its line terminator).
    public static func decodeLine(_ line: UnsafeBufferPointer<UInt8>, at source: SourceLocation) -> Decoded {
        let value: JSONValue
        do {
            value = try JSONParser.parse(line)
        } catch {
            return .failure(FieldError(nil, error.description))
        }
        guard case .object(let object) = value else {
            return .failure(FieldError(nil, "expected a JSON object, found \(value.typeName)"))
        }
        do {
            if OneAPIDialect.matches(object) {
                return try OneAPIDialect.decode(object, at: source)
            }
            return .record(try decodeCanonical(object, at: source))
        } catch {
            // An `/api/log/` page the page reader could not take rows from (`LogFileLines`):
            // say why, not which `recount.log/1` field it lacks. Only on the failure path.
            if object["success"] != nil, object["time"] == nil { return .failure(LogPage.problem(object)) }
            return .failure(error)
        }
    }

    /// `decodeLine` for callers that want a record or a reason: a non-request row is a
    /// failure here, saying its type.
    public static func decode(
        _ line: UnsafeBufferPointer<UInt8>, at source: SourceLocation
    ) -> Result<LogRecord, FieldError> {
        switch decodeLine(line, at: source) {
        case .record(let record): .success(record)
        case .nonRequest(let type): .failure(OneAPIDialect.nonRequestError(type))
        case .failure(let error): .failure(error)
        }
    }

    static func decodeCanonical(_ object: JSONObject, at source: SourceLocation) throws(FieldError) -> LogRecord {
        let fields = FieldReader(object)
        let id = try fields.requiredString("id")
        guard let timeValue = fields.value("time") else { throw FieldError("time", "required field is missing") }
        let time = try FieldReader.timestamp(timeValue, field: "time")
        let account = try fields.requiredString("account")
        let model = try fields.requiredString("model")
        let endpointName = try fields.optionalString("endpoint") ?? Endpoint.chatCompletions.rawValue
        guard let endpoint = Endpoint(rawValue: endpointName) else {
            throw FieldError(
                "endpoint",
                "unknown endpoint '\(endpointName.prefix(60))' (known: \(Endpoint.allCases.map(\.rawValue).joined(separator: ", ")))"
            )
        }
        let status = try fields.optionalCount("status", max: 999) ?? 200
        let (request, response) = try fields.bodies()
        var billed = BilledFields()
        if let billedObject = try fields.optionalObject("billed") {
            let billedFields = FieldReader(billedObject, path: "billed")
            billed.promptTokens = try billedFields.optionalCount("prompt_tokens")
            billed.completionTokens = try billedFields.optionalCount("completion_tokens")
            billed.amount = try billedFields.optionalAmount("amount")
            billed.pricingVersion = try billedFields.optionalString("pricing_version")
        }
        return LogRecord(
            id: id, time: time, account: account,
            key: try fields.optionalString("key"),
            group: try fields.optionalString("group").flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            model: model, endpoint: endpoint, status: status,
            stream: try fields.optionalBool("stream") ?? false,
            request: request, response: response,
            usage: try usage(top: fields.optionalObject("usage"), response: response),
            billed: billed, source: source, dialect: .recount)
    }

    /// Usage precedence (SPEC §6): top-level `usage`, then `response.usage`, then the last
    /// stream chunk whose `usage` is not null.
    static func usage(top: JSONObject?, response: JSONValue?) throws(FieldError) -> ReportedUsage? {
        if let top { return try readUsage(top, path: "usage") }
        if let object = response?.objectValue, let inner = object["usage"], !inner.isNull {
            guard case .object(let usage) = inner else {
                throw FieldError("response.usage", "expected an object, found \(inner.typeName)")
            }
            return try readUsage(usage, path: "response.usage")
        }
        if case .array = response {
            let chunks = StreamAssembler.chunks(of: response!)
            for (index, chunk) in chunks.enumerated().reversed() {
                if let inner = chunk["usage"], !inner.isNull {
                    guard case .object(let usage) = inner else {
                        throw FieldError("response[\(index)].usage", "expected an object, found \(inner.typeName)")
                    }
                    return try readUsage(usage, path: "response[\(index)].usage")
                }
            }
        }
        return nil
    }

    static func readUsage(_ object: JSONObject, path: String) throws(FieldError) -> ReportedUsage {
        let fields = FieldReader(object, path: path)
        var usage = ReportedUsage()
        usage.promptTokens = try fields.optionalCount("prompt_tokens")
        if usage.promptTokens == nil { usage.promptTokens = try fields.optionalCount("input_tokens") }
        usage.completionTokens = try fields.optionalCount("completion_tokens")
        if usage.completionTokens == nil { usage.completionTokens = try fields.optionalCount("output_tokens") }
        if let details = try fields.optionalObject("prompt_tokens_details") {
            usage.cachedTokens = try FieldReader(details, path: path + ".prompt_tokens_details").optionalCount(
                "cached_tokens")
        }
        if let details = try fields.optionalObject("completion_tokens_details") {
            usage.reasoningTokens = try FieldReader(details, path: path + ".completion_tokens_details").optionalCount(
                "reasoning_tokens")
        }
        usage.seconds = try fields.optionalAmount("seconds")
        usage.images = try fields.optionalCount("images")
        if let cached = usage.cachedTokens, let prompt = usage.promptTokens, cached > prompt {
            throw FieldError(
                path + ".prompt_tokens_details.cached_tokens",
                "cached tokens (\(cached)) exceed prompt tokens (\(prompt))")
        }
        return usage
    }
}

/// One-api / new-api `logs` rows (SPEC §2.1 "Dialects", §2.6, §6 last rule), recognised per line.
///
/// Start time = `created_at − use_time`; `quota` is the recorded amount in the catalog's unit;
/// the account is `username`, else `user_id`. Log types: 2 (consume) is a request (status 200)
/// and 5 (error) one that failed (status 500); 6 (new-api refund) returns quota to its request;
/// 0, 1, 3 and 4 (unknown, top-up, manage, system) are not requests and are skipped without a
/// reject (a database day is full of top-ups); any other type is a reject. The id is
/// `task:<other.task_id>` for every row of an async task (its submission, its settlement
/// deltas and its refunds are written at different times, often without the submitting
/// request's id, and only the task id ties them), else `request_id`, else `id`. A `quota` of 0
/// is no debit; a negative `quota` is a reject except on a task's settlement row, where the
/// gateway writes the signed delta `actual − pre_consumed`.
enum OneAPIDialect {
    static func matches(_ object: JSONObject) -> Bool {
        object["time"] == nil && object["created_at"] != nil
            && (object["model_name"] != nil || object["quota"] != nil)
    }

    static func nonRequestError(_ type: Int) -> FieldError {
        FieldError("type", "log type \(type) is not a request (2 = consume, 5 = error, 6 = refund)")
    }

    static func decode(_ object: JSONObject, at source: SourceLocation) throws(FieldError) -> RecordDecoder.Decoded {
        let fields = FieldReader(object)
        // The type first: a top-up row need not have a model or tokens.
        let type = try fields.optionalCount("type", max: 99) ?? 2
        let status: Int
        switch type {
        case 2, 6: status = 200
        case 5: status = 500
        case 0, 1, 3, 4: return .nonRequest(logType: type)
        default:
            throw FieldError(
                "type", "unknown log type \(type) (2 = consume, 5 = error, 6 = refund; 0, 1, 3, 4 are skipped)")
        }
        // new-api's `other` (SPEC §2.6): a row whose `other` is not JSON, or holds a key of the
        // wrong type, is rejected naming the key.
        let other = try GatewayOther.parse(fields.value("other"))
        let rowID = try Self.rowID(fields)
        let requestID = try fields.optionalString("request_id").flatMap { $0.isEmpty ? nil : $0 }
        let id = try Self.requestKey(type: type, other: other, requestID: requestID, rowID: rowID)
        let role = Self.role(type: type, other: other)
        guard let created = fields.value("created_at") else {
            throw FieldError("created_at", "required field is missing")
        }
        let createdSeconds = try FieldReader.count(created, field: "created_at", max: 99_999_999_999)
        let useTime = try fields.optionalCount("use_time", max: 86_400 * 366)
        guard (useTime ?? 0) <= createdSeconds else { throw FieldError("use_time", "longer than created_at") }
        let account = try Self.account(fields)
        let (billed, quota) = try Self.billed(fields, role: role)
        var channel = try fields.optionalCount("channel_id")
        if channel == nil { channel = try fields.optionalCount("channel") }
        let gateway = GatewayRow(
            logType: type, role: role, rowID: rowID == id ? nil : rowID, useTime: useTime,
            upstreamRequestID: try fields.optionalString("upstream_request_id").flatMap { $0.isEmpty ? nil : $0 },
            channel: channel, quota: quota, other: other)
        var record = LogRecord(
            id: id,
            time: Timestamp(seconds: Int64(createdSeconds - (useTime ?? 0))),
            account: account,
            key: try fields.optionalString("token_name"),
            group: try fields.optionalString("group").flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            model: try fields.requiredString("model_name"),
            endpoint: .chatCompletions,
            status: status,
            stream: try fields.optionalBool("is_stream") ?? false,
            request: nil, response: nil, usage: nil,
            billed: billed, source: source, dialect: .oneAPI)
        record.gateway = gateway
        return .record(record)
    }

    /// The row's own `id` (a number or a non-empty string), if it has one.
    static func rowID(_ fields: FieldReader) throws(FieldError) -> String? {
        guard let raw = fields.value("id") else { return nil }
        switch raw {
        case .string(let text) where !text.isEmpty: return text
        case .number(let text): return text
        default: throw FieldError("id", "expected request_id or id")
        }
    }

    /// The request the row belongs to: `task:<task_id>` for every row of an async task, else
    /// `request_id`, else the row's `id` (never for a refund, which must name its request).
    static func requestKey(
        type: Int, other: GatewayOther?, requestID: String?, rowID: String?
    ) throws(FieldError) -> String {
        if let task = other?.taskID, !task.isEmpty {
            return "task:" + task
        } else if let requestID {
            return requestID
        } else if let rowID, type != 6 {
            return rowID
        } else if type == 6 {
            throw FieldError(
                "request_id", "a refund row (type 6) names no request: neither request_id nor other.task_id")
        } else {
            throw FieldError("request_id", "required field is missing (neither request_id nor id)")
        }
    }

    /// A refund (type 6), a task's settlement delta (a task row with a delta, pre-consumed or
    /// actual quota in `other`), or the request itself.
    static func role(type: Int, other: GatewayOther?) -> GatewayRow.Role {
        if type == 6 {
            return .refund
        } else if other?.taskID != nil,
            other?.taskQuotaDelta != nil || other?.taskPreConsumed != nil || other?.taskActualQuota != nil
        {
            return .taskDelta
        } else {
            return .request
        }
    }

    /// `username`, else the numeric `user_id`.
    static func account(_ fields: FieldReader) throws(FieldError) -> String {
        if let username = try fields.optionalString("username"), !username.isEmpty {
            return username
        } else if let userID = fields.value("user_id") {
            return String(try FieldReader.count(userID, field: "user_id"))
        } else {
            throw FieldError("username", "required field is missing (neither username nor user_id)")
        }
    }

    /// The billed token counts and debit, and the row's `quota` as the gateway wrote it.
    static func billed(_ fields: FieldReader, role: GatewayRow.Role) throws(FieldError) -> (BilledFields, Int?) {
        var billed = BilledFields()
        billed.promptTokens = try fields.optionalCount("prompt_tokens")
        billed.completionTokens = try fields.optionalCount("completion_tokens")
        guard role == .request else {
            return (billed, try Self.quota(fields.value("quota"), signed: role == .taskDelta))
        }
        // A row is the gateway's debit as well as its record; `quota` 0 means nothing was
        // taken (every error row of a gateway writes 0), and a debit of 0 taken from a row's
        // own `quota` is no debit: such a failed request is `ok`, a billable one
        // `missing_charge`. A refund's or delta's quota nets into its request instead.
        let amount = try fields.optionalAmount("quota")
        billed.amount = amount.flatMap { $0.isZero ? nil : $0 }
        return (billed, amount.flatMap { $0.isInteger ? Int(exactly: $0.numerator) : nil })
    }

    /// The `quota` column: a whole number (or numeric string); negative only where `signed`
    /// (a task's settlement delta). The gateway's columns are 32-bit.
    static func quota(_ value: JSONValue?, signed: Bool) throws(FieldError) -> Int? {
        guard let value, !value.isNull else { return nil }
        let text: String
        switch value {
        case .number(let number): text = number
        case .string(let string): text = string.trimmingASCIISpaces()
        default: throw FieldError("quota", "expected a whole number, found \(value.typeName)")
        }
        guard let rational = try? Rational(parsing: text) else {
            throw FieldError("quota", "'\(text.prefix(40))' is not a number")
        }
        guard rational.isInteger, let whole = Int(exactly: rational.numerator), abs(whole) <= 1 << 52 else {
            throw FieldError("quota", "expected a whole number of quota, found \(text.prefix(40))")
        }
        guard signed || whole >= 0 else {
            throw FieldError(
                "quota",
                "amount must not be negative (\(text.prefix(40))); only a task's settlement row carries a negative delta"
            )
        }
        return whole
    }
}
