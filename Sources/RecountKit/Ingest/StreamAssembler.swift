import TokenCounter

/// What the model generated, assembled from a logged response in any of its shapes.
public struct GeneratedOutput: Sendable, Equatable {
    /// The text of each choice, in choice-index order (stream deltas concatenated).
    public var choiceTexts: [String]
    /// Tool / function calls across choices: name and full arguments.
    public var toolCalls: [ToolCallText]

    public struct ToolCallText: Sendable, Equatable {
        public var name: String
        public var arguments: String
    }
}

/// Turns a logged response into generated text: a response object, an array of
/// `chat.completion.chunk` objects, an array of raw SSE lines (`data: {…}`), or plain text.
///
/// SSE rules (SPEC §6): each array item is one `data:` line; lines end only at CR, LF or CRLF
/// (U+2028 and U+0085 inside a payload are not breaks); `data: [DONE]` is not a chunk.
public enum StreamAssembler {
    public static func output(of response: JSONValue) -> GeneratedOutput {
        switch response {
        case .string(let text):
            return GeneratedOutput(choiceTexts: [text], toolCalls: [])
        case .object(let object):
            return fromCompleteResponse(object)
        case .array:
            return fromChunks(chunks(of: response))
        default:
            return GeneratedOutput(choiceTexts: [], toolCalls: [])
        }
    }

    /// The chunk objects of a streamed response: object items as they are, string items read
    /// as SSE lines. Lines that are not `data:` (events, ids, comments) and `[DONE]` are skipped;
    /// a `data:` payload that is not a JSON object is skipped too (it carries no text).
    public static func chunks(of response: JSONValue) -> [JSONObject] {
        guard case .array(let items) = response else { return [] }
        var chunks: [JSONObject] = []
        for item in items {
            switch item {
            case .object(let object):
                chunks.append(object)
            case .string(let text):
                for payload in dataPayloads(text) {
                    if case .object(let object)? = try? JSONParser.parse(payload) { chunks.append(object) }
                }
            default:
                continue
            }
        }
        return chunks
    }

    /// `data:` payloads of SSE text, splitting lines at CR, LF and CRLF only.
    static func dataPayloads(_ text: String) -> [[UInt8]] {
        var payloads: [[UInt8]] = []
        var text = text
        text.withUTF8 { bytes in
            func take(_ start: Int, _ end: Int) {
                let prefix = 5  // "data:"
                guard end - start >= prefix, bytes[start] == UInt8(ascii: "d"), bytes[start + 1] == UInt8(ascii: "a"),
                    bytes[start + 2] == UInt8(ascii: "t"), bytes[start + 3] == UInt8(ascii: "a"),
                    bytes[start + 4] == UInt8(ascii: ":")
                else { return }
                var payload = start + prefix
                if payload < end, bytes[payload] == 0x20 { payload += 1 }
                let line = UnsafeBufferPointer(rebasing: bytes[payload..<end])
                if line.elementsEqual("[DONE]".utf8) { return }
                payloads.append(Array(line))
            }
            var start = 0
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == 0x0A || byte == 0x0D {
                    take(start, index)
                    if byte == 0x0D, index + 1 < bytes.count, bytes[index + 1] == 0x0A { index += 1 }
                    start = index + 1
                }
                index += 1
            }
            take(start, bytes.count)
        }
        return payloads
    }

    static func fromCompleteResponse(_ object: JSONObject) -> GeneratedOutput {
        var texts: [(Int, String)] = []
        var calls: [GeneratedOutput.ToolCallText] = []
        for (position, choiceValue) in (object["choices"]?.arrayValue ?? []).enumerated() {
            guard let choice = choiceValue.objectValue else { continue }
            let index = choice["index"]?.numberText.flatMap { Int($0) } ?? position
            if let message = choice["message"]?.objectValue {
                texts.append((index, contentText(message["content"])))
                calls += toolCalls(in: message)
            } else {
                texts.append((index, choice["text"]?.stringValue ?? ""))
            }
        }
        // One choice (almost every response) needs no sort.
        let ordered = texts.count < 2 ? texts : texts.sorted { $0.0 < $1.0 }
        return GeneratedOutput(choiceTexts: ordered.map(\.1), toolCalls: calls)
    }

    /// `content` as a string, or the text parts of a content array joined.
    static func contentText(_ content: JSONValue?) -> String {
        switch content {
        case .string(let text)?: return text
        case .array(let parts)?:
            return parts.compactMap { part in
                part.objectValue.flatMap { $0["text"]?.stringValue }
            }.joined()
        default: return ""
        }
    }

    static func toolCalls(in message: JSONObject) -> [GeneratedOutput.ToolCallText] {
        var calls: [GeneratedOutput.ToolCallText] = []
        for call in message["tool_calls"]?.arrayValue ?? [] {
            guard let function = call.objectValue?["function"]?.objectValue else { continue }
            calls.append(
                .init(name: function["name"]?.stringValue ?? "", arguments: function["arguments"]?.stringValue ?? ""))
        }
        if let function = message["function_call"]?.objectValue {
            calls.append(
                .init(name: function["name"]?.stringValue ?? "", arguments: function["arguments"]?.stringValue ?? ""))
        }
        return calls
    }

    /// Concatenates deltas per choice index; tool-call fragments per (choice, call index).
    static func fromChunks(_ chunks: [JSONObject]) -> GeneratedOutput {
        var texts: [Int: String] = [:]
        var calls: [CallKey: GeneratedOutput.ToolCallText] = [:]
        var callOrder: [CallKey] = []
        for chunk in chunks {
            for (position, choiceValue) in (chunk["choices"]?.arrayValue ?? []).enumerated() {
                guard let choice = choiceValue.objectValue else { continue }
                let index = choice["index"]?.numberText.flatMap { Int($0) } ?? position
                if let delta = choice["delta"]?.objectValue {
                    texts[index, default: ""] += contentText(delta["content"])
                    for (callPosition, callValue) in (delta["tool_calls"]?.arrayValue ?? []).enumerated() {
                        guard let call = callValue.objectValue else { continue }
                        let callIndex = call["index"]?.numberText.flatMap { Int($0) } ?? callPosition
                        let key = CallKey(choice: index, call: callIndex)
                        if calls[key] == nil { callOrder.append(key); calls[key] = .init(name: "", arguments: "") }
                        if let function = call["function"]?.objectValue {
                            calls[key]!.name += function["name"]?.stringValue ?? ""
                            calls[key]!.arguments += function["arguments"]?.stringValue ?? ""
                        }
                    }
                    if let function = delta["function_call"]?.objectValue {
                        let key = CallKey(choice: index, call: -1)
                        if calls[key] == nil { callOrder.append(key); calls[key] = .init(name: "", arguments: "") }
                        calls[key]!.name += function["name"]?.stringValue ?? ""
                        calls[key]!.arguments += function["arguments"]?.stringValue ?? ""
                    }
                } else if let text = choice["text"]?.stringValue {
                    texts[index, default: ""] += text
                } else if texts[index] == nil {
                    texts[index] = ""
                }
            }
        }
        return GeneratedOutput(
            choiceTexts: texts.keys.sorted().map { texts[$0]! },
            toolCalls: callOrder.map { calls[$0]! })
    }

    struct CallKey: Hashable { let choice: Int; let call: Int }
}
