/// Model name → encoding, exactly as tiktoken 0.14.0's `tiktoken/model.py` decides it:
/// an exact name first, then the prefixes in their listed order (first `hasPrefix` wins).
///
/// tiktoken raises for anything else; Recount falls back to `o200k_base` (the cookbook's
/// fallback) and says so through `ModelEncoding.isFallback`, so reports can flag the model.
public struct ModelEncoding: Sendable, Equatable {
    public let model: String
    public let encoding: EncodingName
    /// True when the model is not in tiktoken's map and `fallback` was used.
    public let isFallback: Bool

    /// The encoding used for models tiktoken does not know.
    public static let fallback: EncodingName = .o200k_base

    public static func resolve(_ model: String) -> ModelEncoding {
        ModelRules.forModel(model).resolved
    }

    /// `resolve` worked out from the tables (`ModelRules` remembers it per name).
    static func resolved(_ model: String) -> ModelEncoding {
        if let exact = exactNames[model] {
            return ModelEncoding(model: model, encoding: exact, isFallback: false)
        }
        for (prefix, encoding) in prefixes where model.hasPrefix(prefix) {
            return ModelEncoding(model: model, encoding: encoding, isFallback: false)
        }
        return ModelEncoding(model: model, encoding: fallback, isFallback: true)
    }

    /// `MODEL_PREFIX_TO_ENCODING`, in source order (order matters: `ft:gpt-4o` before `ft:gpt-4`).
    static let prefixes: [(String, EncodingName)] = [
        ("o1-", .o200k_base), ("o3-", .o200k_base), ("o4-mini-", .o200k_base),
        ("gpt-5", .o200k_base), ("gpt-4.5-", .o200k_base), ("gpt-4.1-", .o200k_base),
        ("chatgpt-4o-", .o200k_base), ("gpt-4o-", .o200k_base),
        ("gpt-4-", .cl100k_base), ("gpt-3.5-turbo-", .cl100k_base), ("gpt-35-turbo-", .cl100k_base),
        ("gpt-oss-", .o200k_harmony),
        ("ft:gpt-4o", .o200k_base), ("ft:gpt-4", .cl100k_base), ("ft:gpt-3.5-turbo", .cl100k_base),
        ("ft:davinci-002", .cl100k_base), ("ft:babbage-002", .cl100k_base),
    ]

    /// `MODEL_TO_ENCODING`. tiktoken's `gpt2` encoding has r50k_base's ranks and pattern, so
    /// `gpt2` / `gpt-2` map to `r50k_base` here.
    static let exactNames: [String: EncodingName] = [
        "o1": .o200k_base, "o3": .o200k_base, "o4-mini": .o200k_base, "gpt-5": .o200k_base,
        "gpt-4.1": .o200k_base, "gpt-4o": .o200k_base,
        "gpt-4": .cl100k_base, "gpt-3.5-turbo": .cl100k_base, "gpt-3.5": .cl100k_base,
        "gpt-35-turbo": .cl100k_base, "davinci-002": .cl100k_base, "babbage-002": .cl100k_base,
        "text-embedding-ada-002": .cl100k_base, "text-embedding-3-small": .cl100k_base,
        "text-embedding-3-large": .cl100k_base,
        "text-davinci-003": .p50k_base, "text-davinci-002": .p50k_base,
        "text-davinci-001": .r50k_base, "text-curie-001": .r50k_base, "text-babbage-001": .r50k_base,
        "text-ada-001": .r50k_base, "davinci": .r50k_base, "curie": .r50k_base,
        "babbage": .r50k_base, "ada": .r50k_base,
        "code-davinci-002": .p50k_base, "code-davinci-001": .p50k_base,
        "code-cushman-002": .p50k_base, "code-cushman-001": .p50k_base,
        "davinci-codex": .p50k_base, "cushman-codex": .p50k_base,
        "text-davinci-edit-001": .p50k_edit, "code-davinci-edit-001": .p50k_edit,
        "text-similarity-davinci-001": .r50k_base, "text-similarity-curie-001": .r50k_base,
        "text-similarity-babbage-001": .r50k_base, "text-similarity-ada-001": .r50k_base,
        "text-search-davinci-doc-001": .r50k_base, "text-search-curie-doc-001": .r50k_base,
        "text-search-babbage-doc-001": .r50k_base, "text-search-ada-doc-001": .r50k_base,
        "code-search-babbage-code-001": .r50k_base, "code-search-ada-code-001": .r50k_base,
        "gpt2": .r50k_base, "gpt-2": .r50k_base,
    ]
}
