import TokenCounter

/// Everything `recount explain` shows about one request: its reconcile row (`outcome`, the
/// very value `reconcile` computed) plus the detail behind each number — the per-message
/// prompt terms, the completion per choice and tool call, and the price version's window.
///
/// The detail is recomputed from the record with the same counters (`ChatPromptCounter`,
/// `CompletionCounter`) the recount used, so the terms add up to the row's recount counts.
public struct Explanation: Sendable {
    public let outcome: RequestOutcome
    /// Nil for an orphan debit (no request line).
    public let record: LogRecord?
    public let unit: PriceCatalog.Unit
    public let basis: BasisPolicy
    /// The version in force at the request's start, with its window.
    public let version: PriceVersion?
    /// The version the debit names, when it is another one.
    public let debitVersion: PriceVersion?
    /// Chat requests: the cookbook terms per message (nil otherwise, or when the body is absent).
    public let prompt: ChatPromptCount?
    /// Why the prompt breakdown is missing (not chat, no body, a shape error).
    public let promptNote: String?
    public let completion: CompletionDetail?
    /// The platform's zone (the run's day offset): the request's time is shown in it, as in
    /// every report, with the logged form beside it when that used another offset.
    public var zoneOffset: Int32 = 0
    /// `--also-currency`: shown beside every ledger amount, after the site's unit (which the
    /// catalog's `unit.site` adds by itself), SPEC §4.1.
    public var alsoCurrency: AmountConversion?
    /// The site's unit, then `alsoCurrency`.
    public var conversions: ReportConversions { ReportConversions(unit: unit, money: alsoCurrency) }
    /// False for a failed request (status ≥ 400) under a version that does not charge them.
    public var billable: Bool { !(record?.failed ?? false) || version?.chargeFailedRequests == true }

    /// The completion recount, part by part.
    public struct CompletionDetail: Sendable {
        public struct Choice: Sendable {
            public let index: Int
            public let tokens: Int
            public let text: String
        }
        public struct ToolCall: Sendable {
            public let name: String
            public let arguments: String
            public let nameTokens: Int
            public let argumentTokens: Int
        }
        public let choices: [Choice]
        public let toolCalls: [ToolCall]
        public var total: Int {
            choices.reduce(0) { $0 + $1.tokens } + toolCalls.reduce(0) { $0 + $1.nameTokens + $1.argumentTokens }
        }
    }

    init(outcome: RequestOutcome, record: LogRecord?, catalog: PriceCatalog, basis: BasisPolicy) {
        self.outcome = outcome
        self.record = record
        self.unit = catalog.unit
        self.basis = basis
        version = outcome.time.flatMap { catalog.version(at: $0) }
        if let named = outcome.debitPricingVersion, named != version?.id {
            debitVersion = catalog.version(id: named)
        } else {
            debitVersion = nil
        }
        var prompt: ChatPromptCount?
        var promptNote: String?
        var completion: CompletionDetail?
        if let record, let encodingName = outcome.counts?.encoding, let encoder = try? Encoding.named(encodingName) {
            if record.endpoint == .chatCompletions, let body = record.request, body["messages"] != nil {
                do { prompt = try ChatPromptCounter.count(body: body, model: record.model) } catch {
                    promptNote = "the request body could not be counted: \(error)"
                }
            } else if record.endpoint == .chatCompletions {
                promptNote = record.request == nil ? "no request body was logged" : "the request has no messages"
            }
            if let response = record.response, record.endpoint != .embeddings {
                let output = StreamAssembler.output(of: response)
                completion = CompletionDetail(
                    choices: output.choiceTexts.enumerated().map {
                        CompletionDetail.Choice(index: $0.offset, tokens: encoder.count($0.element), text: $0.element)
                    },
                    toolCalls: output.toolCalls.map {
                        CompletionDetail.ToolCall(
                            name: $0.name, arguments: $0.arguments, nameTokens: encoder.count($0.name),
                            argumentTokens: encoder.count($0.arguments))
                    })
            }
        }
        self.prompt = prompt
        self.promptNote = promptNote
        self.completion = completion
    }
}

/// Exact number formatting for explanations: a terminating decimal in full, otherwise the
/// reduced fraction with a rounded decimal beside it marked `≈` (display only — every
/// computation used the exact fraction).
enum ExactText {
    static func text(_ value: Rational) -> String {
        if let scale = value.terminatingScale, scale <= 18, let exact = value.decimalString(scale: scale) {
            return exact
        }
        return "\(value.numerator)/\(value.denominator) (≈ \(value.decimalString(maxScale: 6)))"
    }
}

/// Prompt text for the eyes of support staff, `explain` only: the first `limit` characters,
/// control characters shown as escapes so a log cannot drive the terminal.
enum Preview {
    static let charactersMax = 200

    static func text(_ value: String, limit: Int = charactersMax) -> String {
        var out = ""
        var count = 0
        for character in value {
            if count == limit { return out + "…" }
            count += 1
            for scalar in character.unicodeScalars {
                switch scalar {
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                default:
                    if scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar == "\u{2028}"
                        || scalar == "\u{2029}"
                    {
                        out += "\\u{" + String(scalar.value, radix: 16) + "}"
                    } else {
                        out.unicodeScalars.append(scalar)
                    }
                }
            }
        }
        return out
    }

    /// A message's text: its string content, or its text parts joined by a space.
    static func messageText(_ message: JSONValue?) -> String? {
        guard let content = message?["content"] else { return nil }
        if let text = content.stringValue { return text }
        if case .array(let parts) = content {
            let texts = parts.compactMap { part -> String? in
                if let text = part["text"]?.stringValue { return text }
                if part["type"]?.stringValue == "image_url" { return "[image]" }
                return nil
            }
            return texts.joined(separator: " ")
        }
        return nil
    }
}
