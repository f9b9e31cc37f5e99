import TokenCounter

/// Decodes one log line into a `LogRecord`, or says which field is wrong.
///
/// Stage 2 of the pipeline (after `LineReader`, before `TokenRecount`). Pure: safe to run on
/// many lines at once.
public enum RecordDecoder {
    /// Decodes a physical line (without its line terminator).
    public static func decode(_ line: UnsafeBufferPointer<UInt8>, at source: SourceLocation) -> Result<LogRecord, FieldError> {
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
                return .success(try OneAPIDialect.decode(object, at: source))
            }
            return .success(try decodeCanonical(object, at: source))
        } catch {
            return .failure(error)
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
            throw FieldError("endpoint", "unknown endpoint '\(endpointName.prefix(60))' (known: \(Endpoint.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        let status = try fields.optionalCount("status", max: 999) ?? 200
        let request = fields.value("request")
        if let request, request.objectValue == nil {
            throw FieldError("request", "expected an object, found \(request.typeName)")
        }
        let response = fields.value("response")
        if let response {
            switch response {
            case .object, .array, .string: break
            default: throw FieldError("response", "expected an object, array or string, found \(response.typeName)")
            }
        }
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
            usage.cachedTokens = try FieldReader(details, path: path + ".prompt_tokens_details").optionalCount("cached_tokens")
        }
        if let details = try fields.optionalObject("completion_tokens_details") {
            usage.reasoningTokens = try FieldReader(details, path: path + ".completion_tokens_details").optionalCount("reasoning_tokens")
        }
        usage.seconds = try fields.optionalAmount("seconds")
        usage.images = try fields.optionalCount("images")
        if let cached = usage.cachedTokens, let prompt = usage.promptTokens, cached > prompt {
            throw FieldError(path + ".prompt_tokens_details.cached_tokens", "cached tokens (\(cached)) exceed prompt tokens (\(prompt))")
        }
        return usage
    }
}

/// One-api / new-api `logs` rows (SPEC §2.1 "Dialects", §6 last rule), recognised per line.
///
/// Start time = `created_at − use_time`; `quota` is the recorded amount in the catalog's unit;
/// the account is `username`, else `user_id`; the id is `request_id`, else `id`. Row `type` 2
/// is a consume log (status 200) and new-api's type 5 an error log (status 500); top-ups and
/// other administrative rows are not requests and are rejected with that reason. A `quota` of 0
/// is no debit.
enum OneAPIDialect {
    static func matches(_ object: JSONObject) -> Bool {
        object["time"] == nil && object["created_at"] != nil
            && (object["model_name"] != nil || object["quota"] != nil)
    }

    static func decode(_ object: JSONObject, at source: SourceLocation) throws(FieldError) -> LogRecord {
        let fields = FieldReader(object)
        let id: String
        if let requestID = try fields.optionalString("request_id"), !requestID.isEmpty {
            id = requestID
        } else if let raw = fields.value("id") {
            switch raw {
            case .string(let text) where !text.isEmpty: id = text
            case .number(let text): id = text
            default: throw FieldError("id", "expected request_id or id")
            }
        } else {
            throw FieldError("request_id", "required field is missing (neither request_id nor id)")
        }
        guard let created = fields.value("created_at") else { throw FieldError("created_at", "required field is missing") }
        let createdSeconds = try FieldReader.count(created, field: "created_at", max: 99_999_999_999)
        let useTime = try fields.optionalCount("use_time", max: 86_400 * 366) ?? 0
        guard useTime <= createdSeconds else { throw FieldError("use_time", "longer than created_at") }
        let account: String
        if let username = try fields.optionalString("username"), !username.isEmpty {
            account = username
        } else if let userID = fields.value("user_id") {
            account = String(try FieldReader.count(userID, field: "user_id"))
        } else {
            throw FieldError("username", "required field is missing (neither username nor user_id)")
        }
        let type = try fields.optionalCount("type", max: 99) ?? 2
        let status: Int
        switch type {
        case 2: status = 200
        case 5: status = 500
        default: throw FieldError("type", "log type \(type) is not a request (2 = consume, 5 = error)")
        }
        var billed = BilledFields()
        billed.promptTokens = try fields.optionalCount("prompt_tokens")
        billed.completionTokens = try fields.optionalCount("completion_tokens")
        // A row is the gateway's debit as well as its record; `quota` 0 means nothing was taken
        // (every error row of a gateway writes 0), and a debit of 0 taken from a row's own
        // `quota` is no debit: such a failed request is `ok`, a billable one `missing_charge`.
        billed.amount = try fields.optionalAmount("quota").flatMap { $0.isZero ? nil : $0 }
        // new-api's `other` (SPEC §2.6): a row whose `other` is not JSON, or holds a key of the
        // wrong type, is rejected naming the key.
        _ = try GatewayOther.parse(fields.value("other"))
        return LogRecord(
            id: id,
            time: Timestamp(seconds: Int64(createdSeconds - useTime)),
            account: account,
            key: try fields.optionalString("token_name"),
            group: try fields.optionalString("group").flatMap { $0.isEmpty ? nil : $0 } ?? "default",
            model: try fields.requiredString("model_name"),
            endpoint: .chatCompletions,
            status: status,
            stream: try fields.optionalBool("is_stream") ?? false,
            request: nil, response: nil, usage: nil,
            billed: billed, source: source, dialect: .oneAPI)
    }
}
