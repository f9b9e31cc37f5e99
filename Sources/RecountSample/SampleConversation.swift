import RecountKit
import TokenCounter

/// The texts of one request in the `realistic` profile: which account sends it, the
/// account's shared system prompt, the conversation so far and the new turn.
///
/// Real chat traffic is conversations: turn t resends the system prompt and the turns before
/// it, then one new user message; clients trim the oldest turns when the history grows. So
/// the slots of a day are grouped in blocks of `blockSize` consecutive slots, each block a few
/// interleaved conversations (1–8 turns, most short) whose turns take the block's slots in
/// order, turn t after turn t − 1. Every text is a pure function of `(seed, conversation,
/// turn)` — a slot regenerates the history it resends from those seeds — so slots stay
/// independent (any thread, any order, same bytes) while a conversation's turns agree.
struct SampleConversation: Sendable {
    enum Topic: Sendable { case prose, code, json }

    static let blockSize = 64

    let accountIndex: Int
    let language: SampleProse.Language
    let topic: Topic
    let system: String?
    /// Earlier turns (user, assistant), oldest first, as the client resends them.
    let history: [(user: String, reply: String)]
    let user: String
    let reply: String
    /// Which turn of its conversation this is (0 = the first).
    let turn: Int

    /// Language mix of a Chinese relay (per mille): a third CJK (Chinese and Japanese).
    static let languageWeights: [(SampleProse.Language, Int)] = [
        (.english, 440), (.chinese, 380), (.japanese, 30), (.korean, 40), (.russian, 50), (.spanish, 60),
    ]

    /// The conversation and turn of slot `index`: the block's conversations take its slots
    /// round-robin, so each conversation's turns are in slot (time) order.
    static func position(ofSlot index: Int, seed: UInt64) -> (conversation: Int, turn: Int) {
        let block = index / blockSize
        var rng = SampleRandom(seed: seed, index: UInt64(block), salt: 0xB10C)
        var lengths: [Int] = []
        var total = 0
        while total < blockSize {
            let length = min(1 + rng.skewed(10), blockSize - total)
            lengths.append(length)
            total += length
        }
        let offset = index % blockSize
        var seen = 0
        var round = 0
        while true {
            for (conversation, length) in lengths.enumerated() where length > round {
                if seen == offset { return (block * blockSize + conversation, round) }
                seen += 1
            }
            round += 1
        }
    }

    /// The texts of slot `index` for an account pool of `accounts`.
    static func make(slot index: Int, seed: UInt64, accounts: Int) -> SampleConversation {
        let (conversation, turn) = position(ofSlot: index, seed: seed)
        var rng = SampleRandom(seed: seed, index: UInt64(conversation), salt: 0xC0DE)
        let accountIndex = rng.skewed(accounts)
        let language = languageWeights[rng.weighted(languageWeights.map(\.1))].0
        let topic: Topic = [.prose, .prose, .prose, .prose, .prose, .prose, .code, .code, .json, .prose][rng.below(10)]
        let usesSystem = rng.chance(850)
        let system = usesSystem ? systemPrompt(account: accountIndex, variant: rng.below(2), seed: seed) : nil
        let systemBytes = system?.utf8.count ?? 0

        // Lengths first (cheap), then the texts of the turns the request carries.
        var users: [Int] = []
        var replies: [Int] = []
        for k in 0...turn {
            var turnRandom = SampleRandom(seed: seed, index: UInt64(conversation), salt: 0x7E11_0000 + UInt64(k))
            // The whole line: 2–8 KB, mean about 3.9 KB (issue 17's measured day).
            let line = 1_800 + (4_000 * turnRandom.below(1_000) * turnRandom.below(1_000)) / 1_000_000
            let reply = 150 + turnRandom.skewed(1_300)
            let carried = window(users: users, replies: replies, budget: 2_700 - systemBytes).reduce(0) {
                $0 + users[$1] + replies[$1]
            }
            users.append(max(80, line - 1_000 - systemBytes - carried - reply))
            replies.append(reply)
        }
        let kept = window(
            users: Array(users.dropLast()), replies: Array(replies.dropLast()), budget: 2_700 - systemBytes)
        let history = kept.map { k in
            (
                user: text(conversation, k, user: true, bytes: users[k], language, topic, seed: seed),
                reply: text(conversation, k, user: false, bytes: replies[k], language, topic, seed: seed)
            )
        }
        return SampleConversation(
            accountIndex: accountIndex, language: language, topic: topic, system: system, history: history,
            user: text(conversation, turn, user: true, bytes: users[turn], language, topic, seed: seed),
            reply: text(conversation, turn, user: false, bytes: replies[turn], language, topic, seed: seed),
            turn: turn)
    }

    /// The most recent earlier turns that fit in `budget` bytes, oldest first (a client's
    /// history trimming).
    static func window(users: [Int], replies: [Int], budget: Int) -> [Int] {
        var kept: [Int] = []
        var used = 0
        for k in stride(from: users.count - 1, through: 0, by: -1) {
            used += users[k] + replies[k]
            if used > budget { break }
            kept.append(k)
        }
        return kept.reversed()
    }

    /// One side of one turn: a pure function of its seeds.
    static func text(
        _ conversation: Int, _ turn: Int, user: Bool, bytes: Int, _ language: SampleProse.Language,
        _ topic: Topic, seed: UInt64
    ) -> String {
        var rng = SampleRandom(
            seed: seed, index: UInt64(conversation), salt: (user ? 0x5E00_0000 : 0xAE00_0000) + UInt64(turn))
        var out: [UInt8] = []
        out.reserveCapacity(bytes + 256)
        switch topic {
        case .prose:
            SampleProse.text(language, bytes: bytes, &out, &rng)
        case .code:
            let words = min(bytes / 3, 200)
            SampleProse.text(language, bytes: words, &out, &rng)
            out.append(contentsOf: "\n\n```\n".utf8)
            SampleProse.code(bytes: max(40, bytes - words - 10), &out, &rng)
            out.append(contentsOf: "```".utf8)
        case .json:
            SampleProse.text(language, bytes: min(bytes / 4, 160), &out, &rng)
            out.append(contentsOf: "\n\n".utf8)
            SampleProse.json(bytes: max(40, bytes - min(bytes / 4, 160)), &out, &rng)
        }
        return SampleProse.string(out)
    }

    /// The account's long system prompt (a product's rules), shared by its conversations:
    /// the one text of real traffic that does repeat, request after request.
    static func systemPrompt(account: Int, variant: Int, seed: UInt64) -> String? {
        var rng = SampleRandom(seed: seed, index: UInt64(account), salt: 0x5157_0000 + UInt64(variant))
        guard rng.chance(800) else { return nil }
        let language: SampleProse.Language = rng.chance(450) ? .chinese : .english
        var out: [UInt8] = Array(
            (language == .chinese
                ? "你是本平台的智能助手。请严格遵守以下规则：\n\n"
                : "You are the assistant of this platform. Follow these rules strictly:\n\n").utf8)
        SampleProse.text(language, bytes: 300 + rng.skewed(2_200), &out, &rng)
        return SampleProse.string(out)
    }
}

extension SampleExchange {
    /// A chat request of the `realistic` profile: the account's system prompt, the trimmed
    /// history and the new user turn of `conversation`; the reply is the turn's own reply
    /// text (the one the next turn resends), or a tool call.
    static func realisticChat(
        model: String, conversation: SampleConversation, tools wantsTools: Bool, stream: Bool,
        failed: Int?, _ rng: inout SampleRandom
    ) -> SampleExchange {
        var messages: [JSONValue] = []
        if let system = conversation.system {
            messages.append(.fields([("role", .string("system")), ("content", .string(system))]))
        }
        let tools = wantsTools ? SampleTools.pick(&rng) : []
        for (user, reply) in conversation.history {
            messages.append(.fields([("role", .string("user")), ("content", .string(user))]))
            if !tools.isEmpty && rng.chance(250) {
                messages += toolRound(tools, &rng)
            }
            messages.append(.fields([("role", .string("assistant")), ("content", .string(reply))]))
        }
        messages.append(.fields([("role", .string("user")), ("content", .string(conversation.user))]))

        var (exchange, id) = chatRequest(
            model: model, messages: messages, tools: tools, stream: stream, failed: failed, &rng)
        if failed != nil { return exchange }
        var toolCall: SampleTools.Call?
        if !tools.isEmpty && rng.chance(400) { toolCall = SampleTools.call(tools[rng.below(tools.count)], &rng) }
        let text = toolCall == nil ? conversation.reply : ""
        let created = JSONValue.int(1_709_222_400 + rng.below(86_400))
        if stream {
            // Coarse deltas (a capturing proxy batches them), so a streamed line is not ten
            // times a plain one.
            exchange.stream(id: id, created: created, model: model, text: text, call: toolCall, &rng)
        } else {
            let message: JSONValue =
                toolCall.map {
                    .fields([("role", .string("assistant")), ("content", .null), ("tool_calls", .array([$0.json]))])
                } ?? .fields([("role", .string("assistant")), ("content", .string(text))])
            exchange.response = .fields([
                ("id", .string(id)), ("object", .string("chat.completion")), ("created", created),
                ("model", .string(model)),
                (
                    "choices",
                    .array([
                        .fields([
                            ("index", .int(0)), ("message", message),
                            ("finish_reason", .string(toolCall == nil ? "stop" : "tool_calls")),
                        ])
                    ])
                ),
            ])
            exchange.shape = .object
        }
        return exchange
    }

    /// Legacy completions and embeddings of the `realistic` profile: the turn's texts.
    static func realisticCompletion(
        model: String, conversation: SampleConversation, failed: Int?,
        _ rng: inout SampleRandom
    ) -> SampleExchange {
        var exchange = SampleExchange(
            endpoint: .completions,
            request: .fields([
                ("model", .string(model)),
                ("prompt", .string((conversation.system.map { $0 + "\n\n" } ?? "") + conversation.user)),
                ("max_tokens", .int(512)),
            ]))
        if let status = failed {
            exchange.response = SampleFailures.errorBody(status: status, &rng)
        } else {
            exchange.response = .fields([
                ("id", .string("cmpl-" + rng.hex(24))), ("object", .string("text_completion")),
                ("model", .string(model)),
                (
                    "choices",
                    .array([
                        .fields([
                            ("text", .string(conversation.reply)), ("index", .int(0)),
                            ("finish_reason", .string("stop")),
                        ])
                    ])
                ),
            ])
        }
        exchange.shape = .object
        return exchange
    }

    static func realisticEmbedding(
        model: String, conversation: SampleConversation, failed: Int?,
        _ rng: inout SampleRandom
    ) -> SampleExchange {
        // A retrieval index being built: the conversation's texts as passages.
        var passages = conversation.history.flatMap { [$0.user, $0.reply] } + [conversation.user, conversation.reply]
        if let system = conversation.system { passages.insert(system, at: 0) }
        let input: JSONValue =
            rng.chance(500) ? .array(passages.map(JSONValue.string)) : .string(passages.joined(separator: "\n"))
        return embedding(model: model, input: input, failed: failed, &rng)
    }
}
