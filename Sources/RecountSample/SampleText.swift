import RecountKit

/// Composes prompts and completions from the embedded fragment lists with a record's random
/// stream.
///
/// Sizes follow what relays see: a user turn is mostly a few dozen to a few hundred tokens,
/// a few are whole documents of thousands; replies are shorter than prompts. The mix of
/// scripts follows the shared corpus (English, Chinese, code, JSON, emoji, other scripts)
/// because the counter's speed, and so any benchmark on a sample, depends on it.
enum SampleText {
    /// What a conversation is about; decides which fragments its turns are made of.
    enum Style: CaseIterable {
        case english, chinese, code, json, emoji, world, document
    }

    /// Relative weights of `Style.allCases`, in order.
    static let styleWeights = [36, 24, 16, 8, 6, 6, 4]

    static func style(_ rng: inout SampleRandom) -> Style {
        Style.allCases[rng.weighted(styleWeights)]
    }

    /// `count` sentences of a style's prose, joined as the language writes them.
    static func prose(_ style: Style, sentences count: Int, _ rng: inout SampleRandom) -> String {
        var parts: [String] = []
        parts.reserveCapacity(count)
        for _ in 0..<max(1, count) {
            switch style {
            case .chinese:
                parts.append(rng.chance(120) ? rng.pick(chinesePoetry) : rng.pick(chineseSentences))
            case .world:
                parts.append(rng.chance(500) ? rng.pick(worldSentences) : rng.pick(englishSentences))
            case .emoji:
                var line = rng.chance(500) ? rng.pick(emojiPhrases) : rng.pick(englishSentences)
                for _ in 0..<rng.int(1...3) { line += " " + rng.pick(emoji) }
                parts.append(line)
            default:
                parts.append(rng.pick(englishSentences))
            }
        }
        return parts.joined(separator: style == .chinese ? "" : " ")
    }

    /// A system message, or nil (many clients send none). A few are long policy prompts.
    static func systemPrompt(_ style: Style, _ rng: inout SampleRandom) -> String? {
        switch rng.below(10) {
        case 0, 1, 2: return nil
        case 3: return "You are a helpful assistant."
        case 4:
            return style == .chinese ? "你是一名专业的客服，请耐心、礼貌地回答用户的问题。" : "You are a helpful assistant for a billing team."
        case 5: return "You are an expert software engineer. Answer with code first, then a short explanation."
        case 6: return "你是一个乐于助人的助手。回答要简洁、准确，必要时使用列表。"
        case 7: return "You are a careful analyst. Think step by step, show your working, and state any assumptions."
        case 8: return "You translate between Chinese and English. Keep names, numbers and code unchanged."
        default:
            // Long system prompts (a product's rules) are where most prompt tokens of a day go.
            let rules = prose(rng.chance(300) ? .chinese : .english, sentences: 3 + rng.skewed(18), &rng)
            return "Follow these rules strictly.\n\n" + rules + "\n\nToday is 2024-03-01."
        }
    }

    /// One user turn in `style`.
    static func userTurn(_ style: Style, _ rng: inout SampleRandom) -> String {
        switch style {
        case .english, .world, .emoji:
            let text = prose(style, sentences: 1 + rng.skewed(10), &rng)
            return rng.chance(500) ? text + "\n\n" + rng.pick(englishQuestions) : text
        case .chinese:
            return prose(.chinese, sentences: 1 + rng.skewed(10), &rng) + rng.pick(chineseQuestions)
        case .code:
            let (language, snippet) = rng.pick(codeSnippets)
            var text = rng.chance(500) ? rng.pick(englishQuestions) : rng.pick(chineseQuestions)
            text += "\n\n```\(language)\n\(snippet)\n```"
            if rng.chance(250) { text += "\n\nThe error:\n```\n\(rng.pick(stackTraces))\n```" }
            return text
        case .json:
            let intro =
                rng.chance(300) ? "从下面的 JSON 中提取所有金额并求和：" : "Extract every amount from this JSON and give the total:"
            return intro + "\n\n" + jsonDocument(items: 1 + rng.skewed(10), pretty: rng.chance(500), &rng)
        case .document:
            // "Summarise this document": the long prompts of a day (1k–5k tokens).
            let language: Style = rng.chance(300) ? .chinese : .english
            var text = language == .chinese ? "请总结下面这份文件：\n\n" : "Summarise the following document:\n\n"
            for _ in 0..<rng.int(3...8) {
                text += prose(language, sentences: rng.int(4...12), &rng) + "\n\n"
                if rng.chance(150) { text += "```\(rng.pick(codeSnippets).1)```\n\n" }
            }
            return text
        }
    }

    /// One assistant turn (a reply) in `style`; shorter than prompts.
    static func reply(_ style: Style, _ rng: inout SampleRandom) -> String {
        switch style {
        case .chinese:
            return rng.pick(chineseReplies) + prose(.chinese, sentences: 1 + rng.skewed(6), &rng)
        case .code:
            var text = rng.pick(englishReplies) + "\n\n```\(rng.pick(codeSnippets).1)```"
            if rng.chance(500) { text += "\n\n" + prose(.english, sentences: rng.int(1...3), &rng) }
            return text
        case .json:
            return rng.pick(englishReplies) + "\n\n" + jsonDocument(items: 1 + rng.skewed(3), pretty: true, &rng)
        case .document:
            var text = rng.pick(englishReplies) + "\n"
            for _ in 0..<rng.int(3...6) { text += "\n- " + rng.pick(englishSentences) }
            return text
        default:
            return rng.pick(englishReplies) + " " + prose(style, sentences: 1 + rng.skewed(8), &rng)
        }
    }

    /// A JSON document as users paste it: an array of records with mixed value types.
    static func jsonDocument(items count: Int, pretty: Bool, _ rng: inout SampleRandom) -> String {
        var array: [JSONValueText] = []
        for _ in 0..<count {
            var fields: [(String, JSONValueText)] = []
            for _ in 0..<rng.int(3...7) {
                let key = rng.pick(jsonKeys)
                guard !fields.contains(where: { $0.0 == key }) else { continue }
                let value: JSONValueText
                switch rng.below(5) {
                case 0: value = .number(String(rng.below(100_000)))
                case 1: value = .number("\(rng.below(10_000)).\(String(rng.below(100)).leftPadded(to: 2))")
                case 2: value = .literal(rng.chance(500) ? "true" : "false")
                default: value = .string(rng.pick(jsonWords))
                }
                fields.append((key, value))
            }
            array.append(.object(fields))
        }
        return JSONValueText.array(array).text(indent: pretty ? 0 : nil)
    }
}

/// A tiny JSON text builder for documents *inside* prompts (pretty printing included), kept
/// apart from `SampleJSON`, which writes the log lines themselves.
indirect enum JSONValueText {
    case number(String)
    case literal(String)
    case string(String)
    case array([JSONValueText])
    case object([(String, JSONValueText)])

    func text(indent level: Int?) -> String {
        let newline = level.map { "\n" + String(repeating: "  ", count: $0 + 1) } ?? ""
        let close = level.map { "\n" + String(repeating: "  ", count: $0) } ?? ""
        let next = level.map { $0 + 1 }
        switch self {
        case .number(let text), .literal(let text): return text
        case .string(let text): return SampleJSON.string(.string(text))
        case .array(let items):
            return "[" + items.map { newline + $0.text(indent: next) }.joined(separator: ",") + close + "]"
        case .object(let fields):
            let separator = level == nil ? ":" : ": "
            return "{"
                + fields.map { newline + SampleJSON.string(.string($0.0)) + separator + $0.1.text(indent: next) }
                .joined(separator: ",") + close + "}"
        }
    }
}
