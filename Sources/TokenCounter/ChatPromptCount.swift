/// The prompt tokens of one chat request, with every term that made them.
///
/// `recount explain` prints these terms step by step, and reports put `rule`, `isComplete` and
/// `modelIsFallback` beside the number, so a count that rests on an extrapolation or misses
/// an image is never mistaken for an exact one.
///
/// Invariant: `total == messages.map(\.total).sum + toolDefinitionTokens + replyPriming`.
public struct ChatPromptCount: Sendable, Equatable {
    /// The prompt tokens: the sum of the terms below.
    public let total: Int
    /// One entry per message, in request order.
    public let messages: [MessageCount]
    /// Tokens of `tools` / legacy `functions` by the cookbook's `num_tokens_for_tools`
    /// (0 when there are none).
    public let toolDefinitionTokens: Int
    /// The tool constants used, when there are tool definitions.
    public let toolRule: ToolRule?
    /// The reply priming (`ChatRule.replyPrimingTokens`).
    public let replyPriming: Int
    /// The per-message rule (its `name` is what the oracle calls `rule`).
    public let rule: ChatRule
    /// The model the rules were chosen for (the override, else the body's `model`).
    public let model: String
    public let encoding: EncodingName
    /// True when tiktoken does not know `model` and `ModelEncoding.fallback` was used.
    public let modelIsFallback: Bool
    /// False when some part could not be counted (an image without its size, an audio part,
    /// a non-function tool …); `total` is then a lower bound and callers should prefer the
    /// reported usage.
    public var isComplete: Bool { incompleteReasons.isEmpty }
    /// Why the count is incomplete, one line per part, each naming its path in the body.
    public let incompleteReasons: [String]
}

/// The tokens of one message. `total` = `overhead` + `fieldTokens` + `contentTokens` +
/// `nameAdjustment` + `toolCallTokens` + `imageTokens`.
public struct MessageCount: Sendable, Equatable {
    /// Position in `messages`, from 0.
    public let index: Int
    /// The message's `role`, when it has a string one.
    public let role: String?
    /// The message's `name`, when it has one.
    public let name: String?
    /// `ChatRule.tokensPerMessage`.
    public let overhead: Int
    /// Tokens of the message's string values other than `content`: role, name,
    /// tool_call_id, … (cookbook: every value of every key).
    public let fieldTokens: Int
    /// Tokens of `content`: the string, or the text parts of a content array.
    public let contentTokens: Int
    /// `ChatRule.tokensPerName` when the message has a `name`, else 0.
    public let nameAdjustment: Int
    /// Tokens of assistant `tool_calls` (and legacy `function_call`): name + arguments per call.
    public let toolCallTokens: Int
    /// Tokens of image parts counted by `ImageTileRule`.
    public let imageTokens: Int

    public var total: Int {
        overhead + fieldTokens + contentTokens + nameAdjustment + toolCallTokens + imageTokens
    }
}

/// Why a chat request body could not be counted at all. The message names the path in the
/// body (`messages[3].content: expected string or array, found number`).
public enum ChatPromptError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A value of the wrong type at `path`.
    case invalidShape(path: String, expected: String, found: String)
    /// A required value is absent (or null) at `path`.
    case missing(path: String)
    /// The encoding could not be loaded.
    case encoding(TokenCounterError)

    public var description: String {
        switch self {
        case let .invalidShape(path, expected, found): "\(path): expected \(expected), found \(found)"
        case let .missing(path): "\(path): missing"
        case let .encoding(error): error.description
        }
    }
}
