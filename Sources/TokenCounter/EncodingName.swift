/// The BPE encodings Recount counts with, named as tiktoken names them.
///
/// `p50k_edit` shares `p50k_base`'s ranks and pattern and adds three FIM special tokens;
/// `o200k_harmony` shares `o200k_base`'s ranks and pattern and adds the harmony specials.
/// For ordinary text (special-token text counted as text, the default) each counts exactly
/// like its base.
public enum EncodingName: String, CaseIterable, Sendable, Hashable, Codable {
    case r50k_base
    case p50k_base
    case p50k_edit
    case cl100k_base
    case o200k_base
    case o200k_harmony

    /// The embedded `.tiktoken` file whose ranks this encoding uses.
    public var vocabularyFile: String {
        switch self {
        case .r50k_base: "r50k_base"
        case .p50k_base, .p50k_edit: "p50k_base"
        case .cl100k_base: "cl100k_base"
        case .o200k_base, .o200k_harmony: "o200k_base"
        }
    }

    /// Which pre-tokenizer pattern the encoding uses (tiktoken_ext/openai_public.py).
    public var patternFamily: PatternFamily {
        switch self {
        case .r50k_base, .p50k_base, .p50k_edit: .r50k
        case .cl100k_base: .cl100k
        case .o200k_base, .o200k_harmony: .o200k
        }
    }

    /// Special tokens (text → id). None of them are in the `.tiktoken` files.
    public var specialTokens: [String: Token] {
        switch self {
        case .r50k_base, .p50k_base:
            return ["<|endoftext|>": 50256]
        case .p50k_edit:
            return [
                "<|endoftext|>": 50256, "<|fim_prefix|>": 50281,
                "<|fim_middle|>": 50282, "<|fim_suffix|>": 50283,
            ]
        case .cl100k_base:
            return [
                "<|endoftext|>": 100257, "<|fim_prefix|>": 100258, "<|fim_middle|>": 100259,
                "<|fim_suffix|>": 100260, "<|endofprompt|>": 100276,
            ]
        case .o200k_base:
            return ["<|endoftext|>": 199999, "<|endofprompt|>": 200018]
        case .o200k_harmony:
            var table: [String: Token] = [
                "<|endoftext|>": 199999, "<|endofprompt|>": 200018, "<|startoftext|>": 199998,
                "<|return|>": 200002, "<|constrain|>": 200003, "<|channel|>": 200005,
                "<|start|>": 200006, "<|end|>": 200007, "<|message|>": 200008, "<|call|>": 200012,
            ]
            for n in [200000, 200001, 200004, 200009, 200010, 200011] {
                table["<|reserved_\(n)|>"] = Token(n)
            }
            for n in 200013...201087 { table["<|reserved_\(n)|>"] = Token(n) }
            return table
        }
    }
}

/// The three pre-tokenizer pattern families tiktoken uses.
public enum PatternFamily: Sendable {
    /// GPT-2 / r50k / p50k: `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
    case r50k
    /// cl100k: case-insensitive contractions, `\p{N}{1,3}`, newline-aware whitespace.
    case cl100k
    /// o200k: case-split words with attached contractions, `/` in trailing punctuation.
    case o200k
}

/// A token id (a rank in the vocabulary, or a special token's id).
public typealias Token = UInt32
