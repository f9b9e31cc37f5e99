/// The per-message overhead a chat model adds around every message, and its name.
///
/// Source: OpenAI cookbook, "How to count tokens with tiktoken", `num_tokens_from_messages`.
/// Every message is wrapped as `<|start|>{role/name}\n{content}<|end|>\n`, which costs
/// `tokensPerMessage`; a `name` replaces the role's slot and costs `tokensPerName` on top of
/// its own text. The model tables below are the cookbook's, in the cookbook's order, so the
/// rule names agree with the oracle (`tiktoken_oracle.py --mode chat`) for every model.
public struct ChatRule: Sendable, Equatable {
    /// Tokens added for every message (3; 4 for `gpt-3.5-turbo-0301`).
    public let tokensPerMessage: Int
    /// Tokens added for every `name` key (1; −1 for `gpt-3.5-turbo-0301`).
    public let tokensPerName: Int
    /// Where the numbers come from: `cookbook:pinned`, `cookbook:gpt-3.5-turbo-0301`,
    /// `cookbook:<family>-family`, or `extrapolated:not-in-cookbook`.
    public let name: String

    /// Every reply is primed with `<|start|>assistant<|message|>`: 3 tokens (cookbook).
    public static let replyPrimingTokens = 3

    /// Snapshots the cookbook lists by exact name with 3 / 1.
    static let pinnedModels: Set<String> = [
        "gpt-3.5-turbo-0613", "gpt-3.5-turbo-16k-0613", "gpt-3.5-turbo-0125",
        "gpt-4-0314", "gpt-4-32k-0314", "gpt-4-0613", "gpt-4-32k-0613",
        "gpt-4o-mini-2024-07-18", "gpt-4o-2024-08-06",
    ]

    /// Families the cookbook recognises by substring, in its order (`gpt-4o-mini` before
    /// `gpt-4o` before `gpt-4`, so the most specific family names the rule). Note that
    /// `gpt-4.1` contains `gpt-4` and so is `cookbook:gpt-4-family`, as in the cookbook itself.
    static let families = ["gpt-3.5-turbo", "gpt-4o-mini", "gpt-4o", "gpt-4"]

    /// The rule for `model`.
    ///
    /// Models the cookbook does not cover (o1, o3, gpt-5, Claude behind a relay, …) make the
    /// cookbook raise `NotImplementedError`; Recount uses 3 / 1 for them, named
    /// `extrapolated:not-in-cookbook` so reports can tell a cookbook count from a guess.
    public static func forModel(_ model: String) -> ChatRule {
        if pinnedModels.contains(model) {
            return ChatRule(tokensPerMessage: 3, tokensPerName: 1, name: "cookbook:pinned")
        }
        if model == "gpt-3.5-turbo-0301" {
            return ChatRule(tokensPerMessage: 4, tokensPerName: -1, name: "cookbook:gpt-3.5-turbo-0301")
        }
        for family in families where model.containsBytes(of: family) {
            return ChatRule(tokensPerMessage: 3, tokensPerName: 1, name: "cookbook:\(family)-family")
        }
        return ChatRule(tokensPerMessage: 3, tokensPerName: 1, name: "extrapolated:not-in-cookbook")
    }
}

/// The constants of the cookbook's `num_tokens_for_tools`, and which set a model gets.
///
/// Source: OpenAI cookbook, "How to count tokens with tiktoken", `num_tokens_for_tools`
/// (gpt-4o / gpt-4o-mini: 7, 3, 3, −3, 3, 12; gpt-3.5-turbo / gpt-4: 10, 3, 3, −3, 3, 12).
/// SPEC §6 extends it by encoding: the gpt-4o set on every model whose encoding has o200k's
/// ranks, the gpt-4 set on every other model.
///
/// **Deviation from the oracle, on purpose:** `tiktoken_oracle.py` picks the set by substring
/// (`"gpt-4o" in model`, then `"gpt-4" in model`), so it gives `gpt-4.1` (o200k) the gpt-4 set
/// and an unknown cl100k model the gpt-4o set. The SPEC's rule is used here; none of the
/// oracle's expected cases with tools differ between the two.
public struct ToolRule: Sendable, Equatable {
    /// Added per function.
    public let functionInit: Int
    /// Added once per function that has at least one property.
    public let propertiesInit: Int
    /// Added per property.
    public let propertyKey: Int
    /// Added once per property that has an `enum`.
    public let enumInit: Int
    /// Added per enum item, on top of the item's tokens.
    public let enumItem: Int
    /// Added once after all functions (only when there is at least one).
    public let functionsEnd: Int
    /// `cookbook:gpt-4o-family`, `cookbook:gpt-3.5/gpt-4` (the oracle's names), or
    /// `extrapolated:o200k-uses-gpt-4o-constants` / `extrapolated:non-o200k-uses-gpt-4-constants`.
    public let name: String

    /// The set for `model`, whose encoding is `encoding`.
    public static func forModel(_ model: String, encoding: EncodingName) -> ToolRule {
        let isO200k = encoding.patternFamily == .o200k
        let functionInit = isO200k ? 7 : 10
        let name: String
        if isO200k {
            name =
                model.containsBytes(of: "gpt-4o")
                ? "cookbook:gpt-4o-family" : "extrapolated:o200k-uses-gpt-4o-constants"
        } else if model.containsBytes(of: "gpt-3.5-turbo") || model.containsBytes(of: "gpt-4") {
            name = "cookbook:gpt-3.5/gpt-4"
        } else {
            name = "extrapolated:non-o200k-uses-gpt-4-constants"
        }
        return ToolRule(
            functionInit: functionInit, propertiesInit: 3, propertyKey: 3,
            enumInit: -3, enumItem: 3, functionsEnd: 12, name: name)
    }
}

extension String {
    /// Whether `needle`'s UTF-8 bytes occur in this string's — how relays match model names.
    /// Performance: this runs for every request; Foundation's `contains` was a bridged
    /// `range(of:)` search, about 1.7% of a reconcile.
    func containsBytes(of needle: String) -> Bool {
        var haystack = self, needle = needle
        return haystack.withUTF8 { hay in
            needle.withUTF8 { pin in
                guard !pin.isEmpty else { return true }
                guard pin.count <= hay.count else { return false }
                for start in 0...(hay.count - pin.count) where hay[start] == pin[0] {
                    if (1..<pin.count).allSatisfy({ hay[start + $0] == pin[$0] }) { return true }
                }
                return false
            }
        }
    }
}
