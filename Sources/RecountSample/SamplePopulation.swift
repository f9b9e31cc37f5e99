import RecountKit

/// Who sends a generated day's traffic, and to which models.
///
/// Accounts follow a heavy-tailed distribution (a few big customers, a long tail), each with
/// a pricing group and one to three API keys. Models span every encoding and endpoint the
/// catalog prices, plus models it does not price (so `unpriced_model` and the
/// fallback-encoding warning occur naturally, as on a real relay that added a channel before
/// its price list).
struct SamplePopulation: Sendable {
    struct Account: Sendable {
        let name: String
        let group: String
        let keys: [String]
    }

    /// What a model's requests look like.
    enum Kind: Sendable {
        case chat, completions, embeddings, image, transcription, speech
    }

    struct Model: Sendable {
        let name: String
        let kind: Kind
        /// Share of traffic, per mille.
        let weight: Int
        /// Whether the catalog prices it.
        let priced: Bool
        /// Whether the old (morning) version charged more than the afternoon one: the model a
        /// `price_version` overcharge needs.
        var cheaperAfterNoon = false
    }

    static let models: [Model] = [
        Model(name: "gpt-4o-mini", kind: .chat, weight: 300, priced: true),
        Model(name: "gpt-4o", kind: .chat, weight: 170, priced: true, cheaperAfterNoon: true),
        Model(name: "gpt-4o-2024-08-06", kind: .chat, weight: 40, priced: true, cheaperAfterNoon: true),
        Model(name: "gpt-3.5-turbo", kind: .chat, weight: 150, priced: true),
        Model(name: "gpt-3.5-turbo-0125", kind: .chat, weight: 30, priced: true),
        Model(name: "gpt-4", kind: .chat, weight: 40, priced: true),
        Model(name: "gpt-4-turbo", kind: .chat, weight: 40, priced: true),
        Model(name: "gpt-3.5-turbo-instruct", kind: .completions, weight: 30, priced: true),
        Model(name: "text-davinci-003", kind: .completions, weight: 10, priced: true),
        Model(name: "text-embedding-3-small", kind: .embeddings, weight: 160, priced: true),
        Model(name: "dall-e-3", kind: .image, weight: 5, priced: true),
        Model(name: "whisper-1", kind: .transcription, weight: 5, priced: true),
        Model(name: "tts-1", kind: .speech, weight: 5, priced: true),
        Model(name: "claude-3-5-sonnet-20241022", kind: .chat, weight: 6, priced: false),
        Model(name: "deepseek-chat", kind: .chat, weight: 3, priced: false),
    ]

    let accounts: [Account]

    /// A pool of `200 + records / 500` accounts, the same for the same seed and size.
    init(seed: UInt64, records: Int) {
        let count = 200 + records / 500
        accounts = (0..<count).map { Self.account(seed: seed, index: $0) }
    }

    /// A heavy-tailed pick: the first tenth of the pool sends about half the traffic.
    func account(_ rng: inout SampleRandom) -> Account {
        accounts[rng.skewed(accounts.count)]
    }

    /// A model of the mix; `priced` restricts to models the catalog prices, `kinds` to some
    /// request shapes.
    static func model(_ rng: inout SampleRandom, pricedOnly: Bool = false, kinds: Set<Kind>? = nil) -> Model {
        let eligible = models.filter { (!pricedOnly || $0.priced) && (kinds?.contains($0.kind) ?? true) }
        return eligible[rng.weighted(eligible.map(\.weight))]
    }

    /// A model of the mix by name (programmer error if it is not in `models`).
    static func named(_ name: String) -> Model {
        guard let model = models.first(where: { $0.name == name }) else {
            preconditionFailure("no sample model \(name)")
        }
        return model
    }

    static let companyWords = [
        "acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell",
        "cyberdyne", "soylent", "vandelay", "wonka", "aperture", "blue-sun", "north-wind", "pied-piper",
    ]
    static let companySuffixes = ["corp", "ai", "labs", "studio", "tech", "cloud", "data", "dev"]
    static let surnames = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙"]
    static let givenNames = ["伟", "芳", "娜", "敏", "静", "磊", "洋", "艳", "勇", "杰", "娟", "涛", "明", "超", "秀英"]
    static let chineseSuffixes = ["工作室", "科技", "网络", "智能", "传媒"]

    static func account(seed: UInt64, index: Int) -> Account {
        var rng = SampleRandom(seed: seed, index: UInt64(index), salt: 0xACC0)
        let name: String
        switch index == 7 ? 99 : rng.below(10) {
        case 0...3: name = "\(rng.pick(companyWords))-\(rng.pick(companySuffixes))-\(index)"
        case 4...6: name = "\(rng.pick(surnames))\(rng.pick(givenNames))\(rng.pick(chineseSuffixes))\(index)"
        case 7: name = "dev\(index)@example.com"
        case 8: name = "user_\(10_000 + index)"
        case 9: name = "\(rng.pick(companyWords)) \(rng.pick(companySuffixes)) (HK) #\(index)"
        default: name = "=HYPERLINK(\"http://evil.example\",\"click\")"  // a hostile name, for report escaping
        }
        let group = [
            "default", "default", "default", "default", "default", "default", "default", "default", "vip", "svip",
        ][rng.below(10)]
        let keys = (0..<rng.int(1...3)).map { _ in "sk-" + rng.hex(40) }
        return Account(name: name, group: group, keys: keys)
    }
}
