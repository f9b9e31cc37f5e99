import RecountKit
import TokenCounter

/// Chat completions: the request (system, history, tools, content parts), and the response as
/// an object, chunk objects or SSE lines.
extension SampleExchange {
    static func chat(
        model: String, style: SampleText.Style, tools wantsTools: Bool, stream: Bool,
        failed: Int?, _ rng: inout SampleRandom
    ) -> SampleExchange {
        var messages: [JSONValue] = []
        if let system = SampleText.systemPrompt(style, &rng) {
            messages.append(.fields([("role", .string("system")), ("content", .string(system))]))
        }
        let tools = wantsTools ? SampleTools.pick(&rng) : []
        for _ in 0..<rng.skewed(4) {
            messages.append(userMessage(style, vision: ImageTileRule.forModel(model) != nil, &rng))
            if !tools.isEmpty && rng.chance(300) {
                messages += toolRound(tools, &rng)
            }
            messages.append(
                .fields([("role", .string("assistant")), ("content", .string(SampleText.reply(style, &rng)))]))
        }
        messages.append(userMessage(style, vision: ImageTileRule.forModel(model) != nil, &rng))

        var (exchange, id) = chatRequest(
            model: model, messages: messages, tools: tools, stream: stream, failed: failed, &rng)
        if failed != nil { return exchange }

        // The reply: text, or a tool call when tools were offered.
        var toolCall: SampleTools.Call?
        if !tools.isEmpty && rng.chance(450) { toolCall = SampleTools.call(tools[rng.below(tools.count)], &rng) }
        let text = toolCall == nil ? SampleText.reply(style, &rng) : ""
        let created = JSONValue.int(1_709_222_400 + rng.below(86_400))
        if stream {
            exchange.stream(id: id, created: created, model: model, text: text, call: toolCall, &rng)
        } else {
            var choices: [JSONValue] = []
            let count = rng.chance(10) ? 2 : 1
            for index in 0..<count {
                let message: JSONValue =
                    toolCall.map {
                        .fields([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([$0.json]))])
                    }
                    ?? .fields([
                        ("role", .string("assistant")),
                        ("content", .string(index == 0 ? text : SampleText.reply(style, &rng))),
                    ])
                choices.append(
                    .fields([
                        ("index", .int(index)), ("message", message),
                        ("finish_reason", .string(toolCall == nil ? "stop" : "tool_calls")),
                    ]))
            }
            exchange.response = .fields([
                ("id", .string(id)), ("object", .string("chat.completion")), ("created", created),
                ("model", .string(model)), ("choices", .array(choices)),
            ])
            exchange.shape = .object
        }
        return exchange
    }

    /// An assistant tool call and the tool's answer: one round of a conversation with tools.
    static func toolRound(_ tools: [SampleTools.Tool], _ rng: inout SampleRandom) -> [JSONValue] {
        let call = SampleTools.call(tools[rng.below(tools.count)], &rng)
        return [
            .fields([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([call.json]))]),
            .fields([
                ("role", .string("tool")), ("tool_call_id", .string(call.id)),
                ("content", .string(SampleTools.result(&rng))),
            ]),
        ]
    }

    /// A chat request's body around `messages` (sampling options, tools, stream options) and
    /// its exchange with the completion id; a failed request already holds its error body.
    /// Both chat generators, the classic texts and the realistic conversations, build it so.
    static func chatRequest(
        model: String, messages: [JSONValue], tools: [SampleTools.Tool], stream: Bool, failed: Int?,
        _ rng: inout SampleRandom
    ) -> (exchange: SampleExchange, id: String) {
        var body: [(String, JSONValue)] = [("model", .string(model)), ("messages", .array(messages))]
        if rng.chance(600) { body.append(("temperature", .number(["0", "0.2", "0.7", "1", "1.2"][rng.below(5)]))) }
        if rng.chance(300) { body.append(("max_tokens", .int([256, 512, 1024, 2048, 4096][rng.below(5)]))) }
        if !tools.isEmpty { body.append(("tools", .array(tools.map(\.definition)))) }
        if stream {
            body.append(("stream", .bool(true)))
            if rng.chance(600) { body.append(("stream_options", .fields([("include_usage", .bool(true))]))) }
        }
        var exchange = SampleExchange(endpoint: .chatCompletions, stream: stream, request: .fields(body))
        let id = "chatcmpl-" + rng.hex(24)
        exchange.chunkID = .string(id)
        if let status = failed {
            exchange.response = SampleFailures.errorBody(status: status, &rng)
            exchange.shape = .object
        }
        return (exchange, id)
    }

    /// A streamed reply, as chunk objects or as raw SSE lines (both shapes a relay logs).
    mutating func stream(
        id: String, created: JSONValue, model: String, text: String, call: SampleTools.Call?,
        _ rng: inout SampleRandom
    ) {
        response =
            rng.chance(600)
            ? .array(Self.chunks(id: id, created: created, model: model, text: text, call: call, &rng))
            : .array(Self.sseLines(id: id, created: created, model: model, text: text, call: call, &rng))
        shape = response?.arrayValue?.first?.stringValue == nil ? .chunks : .sse
    }

    /// A user turn: a plain string, sometimes a content-part array, a `name`, or an image part
    /// with its pixel size (so the recount can apply the tile rule) when the model has one.
    static func userMessage(_ style: SampleText.Style, vision: Bool, _ rng: inout SampleRandom) -> JSONValue {
        let text = SampleText.userTurn(style, &rng)
        var fields: [(String, JSONValue)] = [("role", .string("user"))]
        switch rng.below(100) {
        case 0..<6:
            fields.append(("content", .array([.fields([("type", .string("text")), ("text", .string(text))])])))
        case 6..<8 where vision:
            let (width, height) = [(1024, 768), (512, 512), (2048, 1536), (800, 1200)][rng.below(4)]
            let image = JSONValue.fields([
                ("url", .string("https://cdn.example.com/u/\(rng.hex(12)).png")),
                ("detail", .string(rng.chance(500) ? "high" : "low")),
                ("width", .int(width)), ("height", .int(height)),
            ])
            fields.append(
                (
                    "content",
                    .array([
                        .fields([("type", .string("text")), ("text", .string(text))]),
                        .fields([("type", .string("image_url")), ("image_url", image)]),
                    ])
                ))
        default:
            fields.append(("content", .string(text)))
        }
        if rng.chance(40) {
            fields.append(("name", .string(["ops_bot", "alice", "support-agent", "张三"][rng.below(4)])))
        }
        return .fields(fields)
    }

    /// Text split into stream deltas on character boundaries, 60–200 characters each
    /// (coarser than a live stream, whose deltas are a token or two: a log that kept every
    /// token's chunk would be ten times the size, and relays that log streams batch them).
    static func pieces(_ text: String, _ rng: inout SampleRandom) -> [String] {
        var pieces: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            let cut =
                rest.index(rest.startIndex, offsetBy: rng.int(60...200), limitedBy: rest.endIndex) ?? rest.endIndex
            pieces.append(String(rest[..<cut]))
            rest = rest[cut...]
        }
        return pieces
    }

    static func deltas(text: String, call: SampleTools.Call?, _ rng: inout SampleRandom) -> [JSONValue] {
        var deltas: [JSONValue] = [.fields([("role", .string("assistant")), ("content", .string(""))])]
        if let call {
            var first = true
            for piece in pieces(call.arguments, &rng) {
                var function: [(String, JSONValue)] = []
                if first { function.append(("name", .string(call.name))) }
                function.append(("arguments", .string(piece)))
                var entry: [(String, JSONValue)] = [("index", .int(0))]
                if first { entry += [("id", .string(call.id)), ("type", .string("function"))] }
                entry.append(("function", .fields(function)))
                deltas.append(.fields([("tool_calls", .array([.fields(entry)]))]))
                first = false
            }
        } else {
            for piece in pieces(text, &rng) { deltas.append(.fields([("content", .string(piece))])) }
        }
        return deltas
    }

    static func chunk(id: String, created: JSONValue, model: String, delta: JSONValue, finish: String?) -> JSONValue {
        .fields([
            ("id", .string(id)), ("object", .string("chat.completion.chunk")), ("created", created),
            ("model", .string(model)),
            (
                "choices",
                .array([
                    .fields([
                        ("index", .int(0)), ("delta", delta), ("finish_reason", finish.map(JSONValue.string) ?? .null),
                    ])
                ])
            ),
        ])
    }

    static func chunks(
        id: String, created: JSONValue, model: String, text: String, call: SampleTools.Call?,
        _ rng: inout SampleRandom
    ) -> [JSONValue] {
        var items = deltas(text: text, call: call, &rng).map {
            chunk(id: id, created: created, model: model, delta: $0, finish: nil)
        }
        items.append(
            chunk(
                id: id, created: created, model: model, delta: .fields([]), finish: call == nil ? "stop" : "tool_calls")
        )
        return items
    }

    /// Raw SSE lines as a capturing proxy stores them: `data: {…}`, some with CRLF, then
    /// `data: [DONE]`.
    static func sseLines(
        id: String, created: JSONValue, model: String, text: String, call: SampleTools.Call?,
        _ rng: inout SampleRandom
    ) -> [JSONValue] {
        let ending = ["", "", "\n\n", "\r\n"][rng.below(4)]
        var lines = chunks(id: id, created: created, model: model, text: text, call: call, &rng)
            .map { JSONValue.string("data: " + SampleJSON.string($0) + ending) }
        lines.append(.string("data: [DONE]" + ending))
        return lines
    }
}
