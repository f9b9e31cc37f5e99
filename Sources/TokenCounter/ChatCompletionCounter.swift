/// Completion tokens of a response, recounted from its text.
///
/// SPEC §2.5: the tokens of the generated text of every choice (stream deltas concatenated
/// by the caller), plus tokens(name) + tokens(arguments) of every tool call. Reasoning tokens
/// are invisible in the text and come only from reported usage. The per-call rule is an
/// extrapolation (OpenAI documents none); it is shared with assistant `tool_calls` in prompts
/// so a prompt and a completion carrying the same call count it the same way.
public enum CompletionCounter {
    /// The completion tokens of `texts` (one per choice) and `toolCalls`.
    public static func count(
        texts: [String], toolCalls: [(name: String, arguments: String)],
        encoding: Encoding, specials: SpecialTokenPolicy = .ordinary
    ) -> Int {
        let textTokens = texts.reduce(0) { $0 + encoding.count($1, specials: specials) }
        let callTokens = toolCalls.reduce(0) {
            $0 + toolCallTokens(name: $1.name, arguments: $1.arguments, encoding: encoding, specials: specials)
        }
        return textTokens + callTokens
    }

    /// One tool call: tokens(name) + tokens(arguments), no overhead.
    public static func toolCallTokens(
        name: String, arguments: String, encoding: Encoding,
        specials: SpecialTokenPolicy = .ordinary
    ) -> Int {
        encoding.count(name, specials: specials) + encoding.count(arguments, specials: specials)
    }
}
