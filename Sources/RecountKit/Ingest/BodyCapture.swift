import TokenCounter

/// A captured request body and its response, keyed by the gateway's request id (`--bodies`,
/// SPEC §2.10). Neither one-api nor new-api keeps bodies; an operator captures them in a proxy
/// or middleware in front of the gateway, keyed by the `X-Oneapi-Request-Id` response header
/// (= `logs.request_id`). Decoded here into a `LogRecord` the recount reads — its id, model,
/// endpoint, request, response and upstream usage; everything a charge rests on besides the
/// tokens (account, time, group, quota, `other`) is the gateway row's.
///
/// Two shapes of a line, told apart by their keys:
/// - a `recount.log/1` line (SPEC §2.1) whose `id` is the gateway's request id; its `time`,
///   `account`, `group`, `status` and `billed` are not needed and not used (the row's are);
/// - a request/response pair `{"request_id": …, "request": {…}, "response": …}` (with
///   `usage`, `endpoint`, `model` optional), as a capturing proxy writes it.
///
/// The id is `request_id` when present, else `id`; the model is `model`, else the request's
/// `model` (the recount's encoding: the model the text was sent to). A line that holds neither
/// a request nor a response has nothing to recount and is rejected.
enum BodyCapture {
    static func decode(_ object: JSONObject, at source: SourceLocation) throws(FieldError) -> LogRecord {
        let fields = FieldReader(object)
        let id: String
        if fields.value("request_id") != nil {
            id = try fields.requiredString("request_id")
        } else {
            guard fields.value("id") != nil else {
                throw FieldError("request_id", "required field is missing (neither request_id nor id)")
            }
            id = try fields.requiredString("id")
        }
        let (request, response) = try fields.bodies()
        guard request != nil || response != nil else {
            throw FieldError("request", "a body capture holds neither request nor response: nothing to recount")
        }
        let model: String
        if fields.value("model") != nil {
            model = try fields.requiredString("model")
        } else if let named = request?["model"] {
            guard case .string(let text) = named, !text.isEmpty else {
                throw FieldError("request.model", "expected a model name, found \(named.typeName)")
            }
            model = text
        } else {
            throw FieldError("model", "required field is missing (neither model nor request.model)")
        }
        let endpointName = try fields.optionalString("endpoint") ?? Endpoint.chatCompletions.rawValue
        guard let endpoint = Endpoint(rawValue: endpointName) else {
            throw FieldError("endpoint", "unknown endpoint '\(endpointName.prefix(60))'")
        }
        let stream = try fields.optionalBool("stream") ?? (request?["stream"]?.boolValue ?? false)
        return LogRecord(
            id: id, time: Timestamp(seconds: 0), account: try fields.optionalString("account") ?? "", group: "default",
            model: model, endpoint: endpoint, status: 200, stream: stream, request: request, response: response,
            usage: try RecordDecoder.usage(top: fields.optionalObject("usage"), response: response),
            billed: BilledFields(), source: source, dialect: .recount)
    }
}
