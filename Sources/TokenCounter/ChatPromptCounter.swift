/// Counts the prompt tokens of a chat completion request body, the way OpenAI bills them.
///
/// The rules, and where each comes from:
/// - **Cookbook** (`num_tokens_from_messages`, "How to count tokens with tiktoken"): per message
///   `ChatRule.tokensPerMessage`, plus the tokens of every string value of every key, plus
///   `tokensPerName` per `name`; plus 3 for the reply priming. Tool definitions by
///   `num_tokens_for_tools` (see `ToolRule`). This reproduces `tiktoken_oracle.py --mode chat`
///   for every case in `expected/chat.jsonl`, including the cookbook's API-measured counts.
/// - **SPEC §6 extrapolations** (the cookbook covers string values only): a content array
///   counts its `text` parts; `null` means absent and counts 0; assistant `tool_calls` count
///   tokens(function.name) + tokens(function.arguments) per call, and a legacy
///   `function_call` object the same; legacy `functions` use the `tools` rule, and when a body
///   has both, they are counted as one list (one `functionsEnd`).
/// - **OpenAI vision docs**: image parts by `ImageTileRule`, when the size is known.
///
/// Where a part cannot be counted (an image without `width`/`height`, an audio or file part,
/// a non-function tool, an object-valued message key) the count goes on without it and says
/// so in `incompleteReasons`, so the caller can fall back to reported usage (SPEC §2.5).
/// Shapes no request can have (messages not an array, a message not an object, content a
/// number) throw `ChatPromptError` naming the path.
///
/// Image size: an `image_url` part may carry the image's pixel size as `width` and `height`
/// (whole JSON numbers) inside its `image_url` object, e.g.
/// `{"type":"image_url","image_url":{"url":"…","detail":"high","width":1024,"height":768}}`.
/// OpenAI's API ignores unknown keys there; a relay that knows the size logs it this way.
public enum ChatPromptCounter {
    /// Counts `body` (a chat request: `model`, `messages`, optional `tools`, `functions`).
    ///
    /// - Parameters:
    ///   - body: the request body as sent.
    ///   - model: the model to count for, overriding `body.model` (e.g. the model as billed).
    ///   - specials: how special-token text is counted; billing counts it as text (SPEC §6).
    public static func count(
        body: JSONValue, model: String? = nil,
        specials: SpecialTokenPolicy = .ordinary
    ) throws(ChatPromptError) -> ChatPromptCount {
        guard case .object(let request) = body else {
            throw .invalidShape(path: "request", expected: "object", found: body.typeName)
        }
        let modelName: String
        if let model { modelName = model } else { modelName = try requiredString(request["model"], at: "model") }
        let rules = ModelRules.forModel(modelName)
        let resolved = rules.resolved
        let encoder: Encoding
        do throws(TokenCounterError) { encoder = try Encoding.named(resolved.encoding) } catch {
            throw .encoding(error)
        }

        var counting = MessageCounting(
            encoder: encoder, specials: specials, rule: rules.chat,
            imageRule: rules.image, model: modelName)
        guard let messagesValue = request["messages"], !messagesValue.isNull else {
            throw .missing(path: "messages")
        }
        guard case .array(let messages) = messagesValue else {
            throw .invalidShape(path: "messages", expected: "array", found: messagesValue.typeName)
        }
        var messageCounts: [MessageCount] = []
        messageCounts.reserveCapacity(messages.count)
        for (index, message) in messages.enumerated() {
            messageCounts.append(try counting.count(message, index: index))
        }

        let toolRule = rules.tools
        var tools = ToolCounting(encoder: encoder, specials: specials, rule: toolRule)
        let toolTokens = try tools.count(tools: request["tools"], functions: request["functions"])
        let priming = ChatRule.replyPrimingTokens
        let total = messageCounts.reduce(0) { $0 + $1.total } + toolTokens + priming
        return ChatPromptCount(
            total: total, messages: messageCounts, toolDefinitionTokens: toolTokens,
            toolRule: tools.sawDefinitions ? toolRule : nil, replyPriming: priming,
            rule: counting.rule, model: modelName, encoding: resolved.encoding,
            modelIsFallback: resolved.isFallback,
            incompleteReasons: counting.incompleteReasons + tools.incompleteReasons)
    }

    /// The string at `path`, or a typed error saying it is absent or of the wrong type.
    static func requiredString(
        _ value: JSONValue?, at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> String {
        guard let value, !value.isNull else { throw .missing(path: path()) }
        guard case .string(let text) = value else {
            throw .invalidShape(path: path(), expected: "string", found: value.typeName)
        }
        return text
    }

    /// The string at `path` if present; a wrong type is an error.
    static func optionalString(
        _ value: JSONValue?, at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> String? {
        guard let value, !value.isNull else { return nil }
        guard case .string(let text) = value else {
            throw .invalidShape(path: path(), expected: "string", found: value.typeName)
        }
        return text
    }
}

/// The per-message walk: one instance per request, collecting incomplete reasons as it goes.
struct MessageCounting {
    let encoder: Encoding
    let specials: SpecialTokenPolicy
    let rule: ChatRule
    let imageRule: ImageTileRule?
    let model: String
    private(set) var incompleteReasons: [String] = []

    init(encoder: Encoding, specials: SpecialTokenPolicy, rule: ChatRule, imageRule: ImageTileRule?, model: String) {
        self.encoder = encoder
        self.specials = specials
        self.rule = rule
        self.imageRule = imageRule
        self.model = model
    }

    /// Keys whose value must be a string when present (a number there is a broken body).
    static let stringKeys: Set<String> = ["role", "name", "tool_call_id"]

    mutating func count(_ message: JSONValue, index: Int) throws(ChatPromptError) -> MessageCount {
        func path() -> String { "messages[\(index)]" }
        guard case .object(let object) = message else {
            throw .invalidShape(path: path(), expected: "object", found: message.typeName)
        }
        var fieldTokens = 0, contentTokens = 0, nameAdjustment = 0, toolCallTokens = 0, imageTokens = 0
        for (key, value) in object.pairs {
            func keyPath() -> String { "\(path()).\(key)" }
            switch (key, value) {
            case (_, .null):
                continue  // null means absent (SPEC §6): `"content": null` counts 0
            case ("content", .string(let text)):
                contentTokens += tokens(text)
            case ("content", .array(let parts)):
                let counted = try countParts(parts, at: keyPath())
                contentTokens += counted.text
                imageTokens += counted.images
            case ("content", _):
                throw .invalidShape(path: keyPath(), expected: "string or array", found: value.typeName)
            case ("tool_calls", .array(let calls)):
                for (callIndex, call) in calls.enumerated() {
                    toolCallTokens += try countToolCall(call, at: "\(keyPath())[\(callIndex)]")
                }
            case ("tool_calls", _):
                throw .invalidShape(path: keyPath(), expected: "array", found: value.typeName)
            case ("function_call", .object(let function)):
                toolCallTokens += try countFunction(function, at: keyPath())
            case ("function_call", _):
                throw .invalidShape(path: keyPath(), expected: "object", found: value.typeName)
            case (_, .string(let text)):
                fieldTokens += tokens(text)
                if key == "name" { nameAdjustment = rule.tokensPerName }
            case _ where Self.stringKeys.contains(key):
                throw .invalidShape(path: keyPath(), expected: "string", found: value.typeName)
            case (_, .bool), (_, .number):
                continue  // flags such as `prefix: true` are not text the model reads
            case (_, .array), (_, .object):
                incompleteReasons.append("\(keyPath()): \(value.typeName) value not counted")
            }
        }
        return MessageCount(
            index: index, role: object["role"]?.stringValue, name: object["name"]?.stringValue,
            overhead: rule.tokensPerMessage, fieldTokens: fieldTokens, contentTokens: contentTokens,
            nameAdjustment: nameAdjustment, toolCallTokens: toolCallTokens, imageTokens: imageTokens)
    }

    func tokens(_ text: String) -> Int { encoder.count(text, specials: specials) }

    /// Text parts count their `text`; image parts by `ImageTileRule`; anything else is noted.
    private mutating func countParts(
        _ parts: [JSONValue], at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> (text: Int, images: Int) {
        var text = 0, images = 0
        for (index, part) in parts.enumerated() {
            func partPath() -> String { "\(path())[\(index)]" }
            guard case .object(let object) = part else {
                throw .invalidShape(path: partPath(), expected: "object", found: part.typeName)
            }
            let type = try ChatPromptCounter.optionalString(object["type"], at: "\(partPath()).type")
            switch type {
            case "text":
                text += tokens(try ChatPromptCounter.requiredString(object["text"], at: "\(partPath()).text"))
            case "image_url":
                images += try countImage(object["image_url"], at: "\(partPath()).image_url")
            default:
                incompleteReasons.append("\(partPath()): part type '\(type ?? "none")' not counted")
            }
        }
        return (text, images)
    }

    /// One image part; 0 and a reason when its size or the model's constants are unknown.
    private mutating func countImage(
        _ value: JSONValue?, at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> Int {
        guard let value, !value.isNull else { throw .missing(path: path()) }
        var detail: String?
        var size: (width: Int, height: Int)?
        switch value {
        case .string:
            break  // the older shape: a bare URL, no detail, no size
        case .object(let object):
            detail = try ChatPromptCounter.optionalString(object["detail"], at: "\(path()).detail")
            if let width = object["width"], let height = object["height"] {
                guard let w = Self.pixels(width), let h = Self.pixels(height) else {
                    throw .invalidShape(
                        path: "\(path()).width/height", expected: "positive whole numbers",
                        found: "\(width.typeName), \(height.typeName)")
                }
                size = (w, h)
            }
        default:
            throw .invalidShape(path: path(), expected: "object or string", found: value.typeName)
        }
        guard let imageRule else {
            incompleteReasons.append("\(path()): no documented image tile rule for model '\(model)'")
            return 0
        }
        let lowDetail = detail == "low"
        if lowDetail { return imageRule.baseTokens }
        guard let size else {
            incompleteReasons.append("\(path()): image size unknown (no width/height)")
            return 0
        }
        return imageRule.tokens(width: size.width, height: size.height, lowDetail: false)
    }

    /// A JSON number that is a whole, positive pixel count (`1024`, not `1024.5` or `-1`).
    static func pixels(_ value: JSONValue) -> Int? {
        guard let text = value.numberText, let number = Int(text), number > 0 else { return nil }
        return number
    }

    /// `{"id", "type": "function", "function": {"name", "arguments"}}`: name + arguments.
    private mutating func countToolCall(
        _ call: JSONValue, at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> Int {
        guard case .object(let object) = call else {
            throw .invalidShape(path: path(), expected: "object", found: call.typeName)
        }
        guard let functionValue = object["function"], !functionValue.isNull else {
            incompleteReasons.append("\(path()): tool call without 'function' not counted")
            return 0
        }
        guard case .object(let function) = functionValue else {
            throw .invalidShape(path: "\(path()).function", expected: "object", found: functionValue.typeName)
        }
        return try countFunction(function, at: "\(path()).function")
    }

    private func countFunction(
        _ function: JSONObject, at path: @autoclosure () -> String
    ) throws(ChatPromptError) -> Int {
        let name = try ChatPromptCounter.optionalString(function["name"], at: "\(path()).name") ?? ""
        let arguments = try ChatPromptCounter.optionalString(function["arguments"], at: "\(path()).arguments") ?? ""
        return CompletionCounter.toolCallTokens(name: name, arguments: arguments, encoding: encoder, specials: specials)
    }
}
