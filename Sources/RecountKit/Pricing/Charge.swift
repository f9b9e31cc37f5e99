/// What one request consumed, as decided by the caller's token basis (SPEC §2.5).
///
/// Pricing does not decide *which* count is right (upstream, recount, billed); it prices the
/// counts it is given, so the same function serves `reconcile`, `explain` and tests.
public struct ChargeUsage: Sendable, Equatable {
    /// All prompt tokens, cached ones included.
    public var promptTokens: Int
    /// Cached prompt tokens (≤ `promptTokens`); 0 unless the prompt basis is upstream (SPEC §6).
    public var cachedPromptTokens: Int
    public var completionTokens: Int
    /// Images produced: `usage.images`, else the request's `n`; nil means 1 where per image.
    public var imageCount: Int?
    /// The request's `size` (`1024x1024`).
    public var imageSize: String?
    /// The request's `quality`; `standard` or nil selects the plain size key.
    public var imageQuality: String?
    /// Audio duration, exact (`usage.seconds`).
    public var audioSeconds: Rational?
    /// Unicode scalars of a speech request's input text.
    public var characters: Int?

    // Gateway quantities (SPEC §2.4). All default to 0 / empty, so every caller that does not
    // set them prices exactly as before. Each count is part of `promptTokens` or
    // `completionTokens` (OpenAI usage semantics; an Anthropic row's prompt is converted by
    // adding its cached and written tokens back); it is taken out and priced on its own only
    // where the model has a price for it.

    /// Prompt tokens written to the cache for 5 minutes (or unsplit cache writes).
    public var cacheWrite5mTokens: Int = 0
    /// Prompt tokens written to the cache for 1 hour.
    public var cacheWrite1hTokens: Int = 0
    /// Image tokens inside the prompt (new-api's `image_output`).
    public var imageTokens: Int = 0
    /// Audio tokens inside the prompt / inside the completion.
    public var audioInputTokens: Int = 0
    public var audioOutputTokens: Int = 0
    /// Billable tool calls by tool name (`web_search`: 2).
    public var toolCalls: [String: Int] = [:]

    public init(
        promptTokens: Int = 0, cachedPromptTokens: Int = 0, completionTokens: Int = 0,
        imageCount: Int? = nil, imageSize: String? = nil, imageQuality: String? = nil,
        audioSeconds: Rational? = nil, characters: Int? = nil
    ) {
        self.promptTokens = promptTokens
        self.cachedPromptTokens = cachedPromptTokens
        self.completionTokens = completionTokens
        self.imageCount = imageCount
        self.imageSize = imageSize
        self.imageQuality = imageQuality
        self.audioSeconds = audioSeconds
        self.characters = characters
    }
}

/// The expected charge of one request, or why there is none.
public enum ChargeResult: Sendable {
    /// Billable; the expected debit is `breakdown.charge`.
    case priced(ChargeBreakdown)
    /// Status ≥ 400 and the version does not charge failed requests: expected 0 whatever the
    /// price. The breakdown (when the model is priced) shows what it would have cost.
    case notBillable(ChargeBreakdown?)
    /// No version in force, no price for the model, an image size missing from `per_image`,
    /// a missing audio duration, or arithmetic beyond 128 bits. The reason says which.
    case unpriced(reason: String)

    /// The expected debit: the charge, 0 when not billable, nil when unpriced.
    public var expectedAmount: Rational? {
        switch self {
        case .priced(let breakdown): breakdown.charge
        case .notBillable: .zero
        case .unpriced: nil
        }
    }
}

/// A request's charge as the join carries it: what `ChargeResult` says, with the breakdown only
/// where the caller keeps one. `explain` joins its request in memory and keeps it; `reconcile`
/// sets requests aside for the join without it (no report of a run shows a breakdown, and it
/// was about a fifth of each set-aside entry, encoded and decoded for nothing).
enum JoinCharge: Sendable {
    case priced(charge: Rational, breakdown: ChargeBreakdown?)
    case notBillable(breakdown: ChargeBreakdown?)
    case unpriced(reason: String)

    /// All of `result`, breakdown included.
    init(_ result: ChargeResult) {
        switch result {
        case .priced(let breakdown): self = .priced(charge: breakdown.charge, breakdown: breakdown)
        case .notBillable(let breakdown): self = .notBillable(breakdown: breakdown)
        case .unpriced(let reason): self = .unpriced(reason: reason)
        }
    }
}

/// One line of the list price: `quantity × unitPrice = subtotal` in `currency`.
public struct ChargeTerm: Sendable, Equatable {
    /// `prompt`, `uncached prompt`, `cached prompt`, `completion`, `images (1024x1024)`,
    /// `minutes`, `characters`; with gateway prices also `cache write (5m)`,
    /// `cache write (1h)`, `image tokens`, `audio input`, `audio output`, `request`,
    /// `<tool> calls`.
    public let label: String
    public let quantity: Rational
    /// Price of one single unit (one token, image, minute, character).
    public let unitPrice: Rational
    public let currency: String
    public let subtotal: Rational
}

/// Every step of SPEC §2.4 with its numbers, so `recount explain` can print the formula with
/// values substituted and a support agent can redo it by hand.
public struct ChargeBreakdown: Sendable {
    public let versionID: String
    public let modelKey: String
    public let terms: [ChargeTerm]
    /// Σ subtotals, in `listCurrency`.
    public let list: Rational
    public let listCurrency: String
    /// Unit currency per one `listCurrency` (1 when they are the same).
    public let exchangeRate: Rational
    public let perCurrency: Rational
    public let modelMultiplier: Rational
    public let groupMultiplier: Rational
    public let groupIsListed: Bool
    /// list × rate × perCurrency × model multiplier × group multiplier, exact, in units.
    public let amount: Rational
    public let rounding: RoundingMode
    public let scale: Int
    /// The debit this request should have: `amount` rounded once (or the minimum charge).
    public let charge: Rational
    public let minimumChargeApplied: Bool
}
