import TokenCounter

/// Which token count a charge is computed from (SPEC §2.5 `--basis`).
public enum BasisPolicy: String, Sendable, CaseIterable {
    /// Per side: upstream usage when present, else the recount, else the billed count.
    case auto
    case upstream
    case recount
    case billed
}

/// Where one side's count came from.
public enum CountSource: String, Sendable {
    case upstream
    case recount
    case billed
    /// Nothing to count from (no usage, no body, no billed count), or not a token endpoint.
    case none
}

/// The token counts of one request: the one used for the charge, and every candidate beside it.
public struct TokenCounts: Sendable, Equatable {
    public var prompt = 0
    public var promptSource = CountSource.none
    public var completion = 0
    public var completionSource = CountSource.none
    /// Cached prompt tokens: taken from upstream usage, only when the prompt basis is upstream.
    public var cachedPrompt = 0
    public var recountPrompt: Int?
    public var recountCompletion: Int?
    public var upstreamPrompt: Int?
    public var upstreamCompletion: Int?
    public var billedPrompt: Int?
    public var billedCompletion: Int?
    public var encoding: EncodingName?
    public var encodingIsFallback = false
    /// Why a recount is missing or partial ("prompt: image part without size").
    public var notes: [String] = []

    /// `prompt/completion` sources, e.g. `upstream/recount` (the `basis` column).
    public var basisLabel: String { "\(promptSource.rawValue)/\(completionSource.rawValue)" }
}

/// Stage 3: recounts a request's prompt and completion and decides the basis per side.
///
/// The recount always runs when the body is logged, even when upstream usage decides the
/// charge: the two side by side are the token drift the reports show.
public enum TokenRecount {
    public static func counts(for record: LogRecord, policy: BasisPolicy) -> TokenCounts {
        var counts = TokenCounts()
        counts.upstreamPrompt = record.usage?.promptTokens
        counts.upstreamCompletion = record.usage?.completionTokens
        counts.billedPrompt = record.billed.promptTokens
        counts.billedCompletion = record.billed.completionTokens
        guard isTokenEndpoint(record.endpoint) else { return counts }

        let resolved = ModelEncoding.resolve(record.model)
        counts.encoding = resolved.encoding
        counts.encodingIsFallback = resolved.isFallback
        if let encoder = try? Encoding.named(resolved.encoding) {
            counts.recountPrompt = recountPrompt(record, encoder: encoder, notes: &counts.notes)
            counts.recountCompletion = recountCompletion(record, encoder: encoder, notes: &counts.notes)
        } else {
            counts.notes.append("encoding \(resolved.encoding.rawValue) could not be loaded")
        }

        (counts.prompt, counts.promptSource) = choose(
            policy, upstream: counts.upstreamPrompt, recount: counts.recountPrompt, billed: counts.billedPrompt)
        (counts.completion, counts.completionSource) = choose(
            policy, upstream: counts.upstreamCompletion, recount: counts.recountCompletion,
            billed: counts.billedCompletion)
        if counts.promptSource == .upstream, let cached = record.usage?.cachedTokens {
            counts.cachedPrompt = min(cached, counts.prompt)
        }
        return counts
    }

    static func isTokenEndpoint(_ endpoint: Endpoint) -> Bool {
        switch endpoint {
        case .chatCompletions, .completions, .embeddings: true
        case .imagesGenerations, .audioTranscriptions, .audioSpeech: false
        }
    }

    /// A forced basis that is not available falls back along the `auto` order; the row's
    /// basis column says which source was actually used.
    public static func choose(_ policy: BasisPolicy, upstream: Int?, recount: Int?, billed: Int?) -> (Int, CountSource)
    {
        let preferred: (Int?, CountSource)
        switch policy {
        case .auto: preferred = (nil, .none)
        case .upstream: preferred = (upstream, .upstream)
        case .recount: preferred = (recount, .recount)
        case .billed: preferred = (billed, .billed)
        }
        if let value = preferred.0 { return (value, preferred.1) }
        if let upstream { return (upstream, .upstream) }
        if let recount { return (recount, .recount) }
        if let billed { return (billed, .billed) }
        return (0, .none)
    }

    static func recountPrompt(_ record: LogRecord, encoder: Encoding, notes: inout [String]) -> Int? {
        guard let request = record.request else { return nil }
        switch record.endpoint {
        case .chatCompletions:
            guard request["messages"] != nil else {
                notes.append("prompt: request has no messages")
                return nil
            }
            do {
                let count = try ChatPromptCounter.count(body: request, model: record.model)
                guard count.isComplete else {
                    notes.append("prompt: " + count.incompleteReasons.joined(separator: "; "))
                    return nil
                }
                return count.total
            } catch {
                notes.append("prompt: \(error)")
                return nil
            }
        case .completions:
            return textInputTokens(request["prompt"], field: "prompt", encoder: encoder, notes: &notes)
        case .embeddings:
            return textInputTokens(request["input"], field: "input", encoder: encoder, notes: &notes)
        default:
            return nil
        }
    }

    /// `prompt` / `input`: a string, an array of strings, an array of token ids, or an array of
    /// token-id arrays; each counted on its own and summed (no overhead).
    static func textInputTokens(_ value: JSONValue?, field: String, encoder: Encoding, notes: inout [String]) -> Int? {
        guard let value else {
            notes.append("prompt: request has no \(field)")
            return nil
        }
        switch value {
        case .string(let text):
            return encoder.count(text)
        case .array(let items):
            var total = 0
            for item in items {
                switch item {
                case .string(let text): total += encoder.count(text)
                case .number: total += 1
                case .array(let ids) where ids.allSatisfy({ if case .number = $0 { true } else { false } }):
                    total += ids.count
                default:
                    notes.append("prompt: \(field) holds a \(item.typeName)")
                    return nil
                }
            }
            return total
        default:
            notes.append("prompt: \(field) is a \(value.typeName)")
            return nil
        }
    }

    static func recountCompletion(_ record: LogRecord, encoder: Encoding, notes: inout [String]) -> Int? {
        if record.endpoint == .embeddings { return 0 }
        guard let response = record.response else { return nil }
        let output = StreamAssembler.output(of: response)
        return CompletionCounter.count(
            texts: output.choiceTexts,
            toolCalls: output.toolCalls.map { ($0.name, $0.arguments) },
            encoding: encoder)
    }
}
