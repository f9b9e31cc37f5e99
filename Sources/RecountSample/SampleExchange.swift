import RecountKit
import TokenCounter

/// The request and response bodies of one generated call, in the shapes relays log them.
///
/// Chat requests carry an optional system message, a multi-turn history (assistant tool calls
/// and `tool` replies included), `name`s, content-part arrays and sized image parts, and tool
/// definitions; responses are a completion object, a stream of chunk objects, or raw SSE
/// `data:` lines (README "Formats"). Usage is attached *after* the recount (`attach(usage:)`),
/// because a realistic upstream reports what the text really costs.
struct SampleExchange {
    /// Where upstream usage sits in the line (SPEC §6 precedence: top-level, then
    /// `response.usage`, then the last stream chunk).
    enum UsagePlacement { case topLevel, inResponse, lastChunk }

    enum ResponseShape { case object, chunks, sse, text, none }

    var endpoint: Endpoint
    var stream = false
    var request: JSONValue?
    var response: JSONValue?
    var shape = ResponseShape.none
    /// The stream's `chatcmpl-…` id, repeated in the usage chunk `attach` appends.
    var chunkID: JSONValue = .string("")

    /// Puts `usage` where `placement` says, as the upstream would have sent it.
    mutating func attach(usage: JSONValue, placement: UsagePlacement) -> UsagePlacement {
        switch (placement, shape, response) {
        case (.inResponse, .object, .object(var object)?):
            object["usage"] = usage
            response = .object(object)
            return .inResponse
        case (.lastChunk, .chunks, .array(var items)?):
            items.append(
                .fields([
                    ("id", chunkID), ("object", .string("chat.completion.chunk")), ("choices", .array([])),
                    ("usage", usage),
                ]))
            response = .array(items)
            return .lastChunk
        case (.lastChunk, .sse, .array(var items)?):
            let chunk = JSONValue.fields([
                ("id", chunkID), ("object", .string("chat.completion.chunk")), ("choices", .array([])),
                ("usage", usage),
            ])
            items.insert(.string("data: " + SampleJSON.string(chunk)), at: max(0, items.count - 1))
            response = .array(items)
            return .lastChunk
        default:
            return .topLevel
        }
    }
}
