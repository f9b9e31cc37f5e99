import RecountKit
import TokenCounter

/// Error bodies of failed requests (status ≥ 400), as upstreams return them.
enum SampleFailures {
    /// Statuses of failed requests, most often rate limits and upstream errors.
    static func status(_ rng: inout SampleRandom) -> Int {
        [429, 429, 429, 500, 502, 503, 400, 401][rng.below(8)]
    }

    static func errorBody(status: Int, _ rng: inout SampleRandom) -> JSONValue {
        let (message, type, code): (String, String, String?)
        switch status {
        case 429:
            (message, type, code) = (
                "Rate limit reached for requests per min. Limit: 60 / min. Please try again in 20s.", "requests",
                "rate_limit_exceeded"
            )
        case 400:
            (message, type, code) = (
                "This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens.",
                "invalid_request_error", "context_length_exceeded"
            )
        case 401:
            (message, type, code) = (
                "Incorrect API key provided: sk-****\(rng.hex(4)).", "invalid_request_error", "invalid_api_key"
            )
        case 502:
            (message, type, code) = (
                "Bad gateway: upstream connection reset (当前分组上游负载已饱和，请稍后再试)", "upstream_error", nil
            )
        default:
            (message, type, code) = (
                "The server had an error while processing your request. Sorry about that!", "server_error", nil
            )
        }
        var error: [(String, JSONValue)] = [("message", .string(message)), ("type", .string(type))]
        error.append(("code", code.map(JSONValue.string) ?? .null))
        return .fields([("error", .fields(error))])
    }
}
