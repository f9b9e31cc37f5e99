import RecountKit
import TokenCounter

/// Legacy completions, embeddings, images and audio: the endpoints priced by tokens of
/// `prompt` / `input`, per image, per minute and per character.
extension SampleExchange {
    /// Legacy completions: `prompt` in, `choices[].text` (or the bare text) out.
    static func completion(
        model: String, style: SampleText.Style, failed: Int?, _ rng: inout SampleRandom
    ) -> SampleExchange {
        let prompt = SampleText.userTurn(style, &rng)
        var exchange = SampleExchange(
            endpoint: .completions,
            request: .fields([
                ("model", .string(model)), ("prompt", .string(prompt)), ("max_tokens", .int(256)),
                ("temperature", .number("0")),
            ]))
        if let status = failed {
            exchange.response = SampleFailures.errorBody(status: status, &rng)
            exchange.shape = .object
            return exchange
        }
        let text = SampleText.reply(style, &rng)
        if rng.chance(100) {
            exchange.response = .string(text)
            exchange.shape = .text
        } else {
            exchange.response = .fields([
                ("id", .string("cmpl-" + rng.hex(24))), ("object", .string("text_completion")),
                ("model", .string(model)),
                (
                    "choices",
                    .array([
                        .fields([
                            ("text", .string(text)), ("index", .int(0)),
                            ("logprobs", .null), ("finish_reason", .string("stop")),
                        ])
                    ])
                ),
            ])
            exchange.shape = .object
        }
        return exchange
    }

    /// Embeddings: `input` a string or an array of strings; vectors are not logged.
    static func embedding(model: String, failed: Int?, _ rng: inout SampleRandom) -> SampleExchange {
        let style: SampleText.Style = rng.chance(300) ? .chinese : .english
        let input: JSONValue =
            rng.chance(400)
            ? .array(
                (0..<rng.int(2...16)).map { _ in .string(SampleText.prose(style, sentences: rng.int(1...4), &rng)) })
            : .string(SampleText.prose(style, sentences: 1 + rng.skewed(14), &rng))
        return embedding(model: model, input: input, failed: failed, &rng)
    }

    /// An embeddings exchange for `input` (vectors are not logged, only their count), or its
    /// error body: shared by both profiles.
    static func embedding(model: String, input: JSONValue, failed: Int?, _ rng: inout SampleRandom) -> SampleExchange {
        var exchange = SampleExchange(
            endpoint: .embeddings,
            request: .fields([
                ("model", .string(model)), ("input", input), ("encoding_format", .string("float")),
            ]))
        if let status = failed {
            exchange.response = SampleFailures.errorBody(status: status, &rng)
        } else {
            let count = input.arrayValue?.count ?? 1
            exchange.response = .fields([
                ("object", .string("list")), ("model", .string(model)),
                ("data", .array((0..<count).map { .fields([("object", .string("embedding")), ("index", .int($0))]) })),
            ])
        }
        exchange.shape = .object
        return exchange
    }

    static func image(model: String, _ rng: inout SampleRandom) -> SampleExchange {
        let (size, quality) = [
            ("1024x1024", "standard"), ("1024x1024", "hd"), ("1024x1792", "standard"), ("1024x1024", nil),
        ][rng.below(4)]
        var body: [(String, JSONValue)] = [
            ("model", .string(model)), ("prompt", .string(SampleText.prose(.english, sentences: 1, &rng))),
        ]
        let count = rng.chance(200) ? 2 : 1
        body.append(("n", .int(count)))
        body.append(("size", .string(size)))
        if let quality { body.append(("quality", .string(quality))) }
        var exchange = SampleExchange(endpoint: .imagesGenerations, request: .fields(body))
        exchange.response = .fields([
            ("created", .int(1_709_222_400 + rng.below(86_400))),
            (
                "data",
                .array(
                    (0..<count).map { _ in .fields([("url", .string("https://images.example.com/\(rng.hex(16)).png"))])
                    })
            ),
        ])
        exchange.shape = .object
        return exchange
    }

    /// Speech: priced by the Unicode scalars of `input`.
    static func speech(model: String, _ rng: inout SampleRandom) -> SampleExchange {
        let text = SampleText.prose(rng.chance(400) ? .chinese : .english, sentences: rng.int(1...5), &rng)
        return SampleExchange(
            endpoint: .audioSpeech,
            request: .fields([
                ("model", .string(model)), ("input", .string(text)),
                ("voice", .string(["alloy", "nova", "echo"][rng.below(3)])),
            ]))
    }

    /// Transcription: priced by `usage.seconds` (attached by the caller as upstream usage).
    static func transcription(model: String, _ rng: inout SampleRandom) -> SampleExchange {
        var exchange = SampleExchange(
            endpoint: .audioTranscriptions,
            request: .fields([
                ("model", .string(model)), ("file", .string("call-\(rng.hex(8)).m4a")),
                ("language", .string(rng.chance(500) ? "zh" : "en")),
            ]))
        exchange.response = .fields([("text", .string(SampleText.prose(.chinese, sentences: rng.int(1...3), &rng)))])
        exchange.shape = .object
        return exchange
    }
}
