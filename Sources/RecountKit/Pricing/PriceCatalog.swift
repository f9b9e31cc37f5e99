import Foundation

/// A relay's prices over time (schema `recount.pricing/1`, SPEC §2.3), validated and exact.
///
/// Why a catalog of versions rather than one table: relays change prices, and a request must
/// be charged under the version in force when it *started* (SPEC §6). Loading validates
/// everything the charge formula relies on, so pricing a request never meets a malformed
/// price: a catalog that loads can price every request whose model it lists.
public struct PriceCatalog: Sendable {
    public static let schema = "recount.pricing/1"

    /// The platform's account unit: debits are recorded in it (points, quota, CNY…).
    public struct Unit: Sendable {
        public let name: String
        /// The currency one `perCurrency` units are worth.
        public let currency: String
        /// Units per one `currency` (10,000 points per CNY; 500,000 quota per USD).
        public let perCurrency: Rational
        /// Decimals a debit is rounded to (0 for points / quota).
        public let scale: Int
        /// What the site sells, when it is not the ledger's unit (`unit.site`, SPEC §2.3).
        public var site: SiteUnit? = nil
    }

    /// A site that sells its own unit (points, 1 CNY = 10,000) on top of the gateway's quota
    /// ledger (500,000 = $1), at a top-up rate: the site currency a buyer pays for one unit
    /// currency of ledger value (`7.3` for ¥7.3 per $1 of quota, `1` for a "$1 = ¥1"
    /// promotion). Debits stay in the ledger's unit; this only converts for display.
    public struct SiteUnit: Sendable, Equatable {
        public let name: String
        public let currency: String
        /// Site units per one site currency.
        public let perCurrency: Rational
        /// Site currency per one ledger unit currency.
        public let topupRate: Rational
        /// Decimals a report shows a site-unit figure with (`unit.site.scale`, default 0:
        /// points are whole; 2 for a site that sells a money balance).
        public let scale: Int

        public init(name: String, currency: String, perCurrency: Rational, topupRate: Rational, scale: Int = 0) {
            self.name = name
            self.currency = currency
            self.perCurrency = perCurrency
            self.topupRate = topupRate
            self.scale = scale
        }

        /// `units` of the ledger in the site's unit: units / ledger per_currency × top-up rate
        /// × site per_currency (exact; a report rounds it once, where it prints it).
        public func amount(ofLedgerUnits units: Rational, ledger: Unit) throws(MoneyError) -> Rational {
            try units.divided(by: ledger.perCurrency).multiplied(by: topupRate).multiplied(by: perCurrency)
        }

        /// The same amount in the site's currency.
        public func money(ofLedgerUnits units: Rational, ledger: Unit) throws(MoneyError) -> Rational {
            try units.divided(by: ledger.perCurrency).multiplied(by: topupRate)
        }
    }

    public let unit: Unit
    /// Sorted by `effectiveFrom` (not by listing order, SPEC §6); no two share an instant.
    public let versions: [PriceVersion]

    public init(unit: Unit, versions: [PriceVersion]) {
        self.unit = unit
        self.versions = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
    }

    /// Reads and validates a catalog file; the first error is thrown.
    public static func load(path: String) throws(CatalogError) -> PriceCatalog {
        guard let data = FileManager.default.contents(atPath: path) else {
            let reason = FileManager.default.fileExists(atPath: path) ? "cannot read the file" : "no such file"
            throw CatalogError(source: path, path: "", reason: reason)
        }
        return try parse(Array(data), source: path)
    }

    /// Validates a catalog held in memory; `source` names it in errors.
    public static func parse(_ bytes: [UInt8], source: String) throws(CatalogError) -> PriceCatalog {
        let outcome = CatalogReader.read(bytes)
        let errors = outcome.problems.filter { $0.severity == .error }
        if let first = errors.first {
            throw CatalogError(source: source, path: first.path, reason: first.message, moreErrors: errors.count - 1)
        }
        guard let catalog = outcome.catalog else {
            throw CatalogError(source: source, path: "", reason: "not a price catalog")
        }
        return catalog
    }

    /// The version in force at `time`: the last one with `effectiveFrom <= time`, so a request
    /// exactly at a boundary takes the new version. Before the first version: nil.
    /// - Complexity: O(log versions).
    public func version(at time: Timestamp) -> PriceVersion? {
        versionIndex(at: time).map { versions[$0] }
    }

    func versionIndex(at time: Timestamp) -> Int? {
        var low = 0
        var high = versions.count
        while low < high {
            let middle = (low + high) / 2
            if versions[middle].effectiveFrom <= time { low = middle + 1 } else { high = middle }
        }
        return low == 0 ? nil : low - 1
    }

    /// The id of the version in force at `time`, read in place.
    func versionID(at time: Timestamp) -> String? {
        versionIndex(at: time).map { versions[$0].id }
    }

    /// Whether the version in force at `time` lists `group`; nil when no version is. Reads the
    /// version in place (a copy of it is a dozen retains and releases, once per request).
    func listsGroup(_ group: String, at time: Timestamp) -> Bool? {
        versionIndex(at: time).map { versions[$0].groups[group] != nil }
    }

    /// The version with this id, for `billed.pricing_version` comparisons.
    public func version(id: String) -> PriceVersion? {
        versions.first { $0.id == id }
    }
}

/// One price list, in force on `[effectiveFrom, effectiveUntil)`.
public struct PriceVersion: Sendable {
    public let id: String
    public let effectiveFrom: Timestamp
    /// The next version's `effectiveFrom`; nil for the last version.
    public internal(set) var effectiveUntil: Timestamp?
    public let rounding: RoundingMode
    /// Charged when a billable request's amount is positive but rounds to 0.
    public let minimumCharge: Rational?
    /// Whether requests answered with status ≥ 400 are billable (default false).
    public let chargeFailedRequests: Bool
    /// Group → multiplier. Groups not listed get 1 (and a warning in the summary).
    public let groups: [String: Rational]
    /// Currency → how many units of the *unit currency* one unit of it is worth
    /// (`{"USD": "7.1"}` in a CNY catalog). The unit currency itself is always 1.
    public let exchangeRates: [String: Rational]
    /// Model key (exact, or `prefix*`) → price, as listed.
    public let models: [String: ModelPrice]
    /// Model keys in listing order (for deterministic reports).
    public let modelKeys: [String]
    /// Position in the file's `versions` array (for JSON paths in messages).
    public let listingIndex: Int
    /// The catalog's unit currency, so a version can convert on its own.
    public let unitCurrency: String

    /// Prefix keys, longest prefix first (ties in listing order).
    let prefixKeys: [(prefix: String, key: String)]

    init(
        id: String, effectiveFrom: Timestamp, rounding: RoundingMode, minimumCharge: Rational?,
        chargeFailedRequests: Bool, groups: [String: Rational], exchangeRates: [String: Rational],
        models: [(key: String, price: ModelPrice)], listingIndex: Int, unitCurrency: String
    ) {
        self.id = id
        self.effectiveFrom = effectiveFrom
        self.effectiveUntil = nil
        self.rounding = rounding
        self.minimumCharge = minimumCharge
        self.chargeFailedRequests = chargeFailedRequests
        self.groups = groups
        self.exchangeRates = exchangeRates
        self.models = Dictionary(models.map { ($0.key, $0.price) }, uniquingKeysWith: { _, last in last })
        self.modelKeys = models.map(\.key)
        self.listingIndex = listingIndex
        self.unitCurrency = unitCurrency
        let prefixes = models.map(\.key).filter { $0.hasSuffix("*") }.map { (prefix: String($0.dropLast()), key: $0) }
        self.prefixKeys = prefixes.enumerated()
            .sorted { ($0.element.prefix.utf8.count, -$0.offset) > ($1.element.prefix.utf8.count, -$1.offset) }
            .map(\.element)
    }

    /// The price for a model as billed: the exact key first, then the longest `prefix*` whose
    /// prefix starts the name (byte-wise, case-sensitive). Nil when nothing matches.
    public func price(forModel model: String) -> (key: String, price: ModelPrice)? {
        if !model.hasSuffix("*"), let exact = models[model] { return (model, exact) }
        for candidate in prefixKeys where model.utf8.starts(with: candidate.prefix.utf8) {
            if let price = models[candidate.key] { return (candidate.key, price) }
        }
        return nil
    }

    /// The group's multiplier; a group not listed gets 1 and `isListed` false.
    public func groupMultiplier(_ group: String) -> (multiplier: Rational, isListed: Bool) {
        if let listed = groups[group] { return (listed, true) }
        return (.one, false)
    }

    /// Units of the unit currency per one `currency`; nil when the version lists no rate
    /// (a loaded catalog never has such a model).
    public func exchangeRate(from currency: String) -> Rational? {
        currency == unitCurrency ? .one : exchangeRates[currency]
    }
}

/// The price of one model key in one version, every figure reduced to one single unit
/// (one token, one image, one minute, one character) so the charge formula multiplies only.
public struct ModelPrice: Sendable {
    /// What an image costs: one price whatever the size (midjourney), or per size key
    /// (`"1024x1024"`, `"hd 1024x1024"`).
    public enum ImagePrice: Sendable {
        case flat(Rational)
        case bySize([String: Rational])
    }

    /// The currency of the list prices (USD unless the catalog names one).
    public let currency: String
    public let inputPerToken: Rational?
    public let cachedInputPerToken: Rational?
    public let outputPerToken: Rational?
    public let image: ImagePrice?
    public let perMinute: Rational?
    public let perCharacter: Rational?
    /// The model's discount or markup (`1/3.05`), 1 when not given.
    public let multiplier: Rational
    /// True when given one-api style (`model_ratio` / `completion_ratio`).
    public let isRatioStyle: Bool
    /// Figures a price page shows, to be recomputed by `recount prices check`.
    public let published: [PublishedFigure]

    // Gateway dimensions (SPEC §2.3 "Cache writes, image and audio tokens, per-call prices").
    // Each is nil unless the catalog gives it; a nil price leaves its tokens where they are
    // (inside the prompt or completion, at the input or output price), so catalogs written
    // before these fields existed price every request exactly as before.

    /// Prompt tokens written to the provider's cache for 5 minutes (Anthropic's default
    /// lifetime; OpenAI's unsplit cache writes are priced here too).
    public internal(set) var cacheWrite5mPerToken: Rational? = nil
    /// Prompt tokens written to the cache for 1 hour.
    public internal(set) var cacheWrite1hPerToken: Rational? = nil
    /// Image tokens (new-api's `image_output`, counted inside the prompt).
    public internal(set) var imageTokenPerToken: Rational? = nil
    /// Audio tokens of the prompt and of the completion.
    public internal(set) var audioInputPerToken: Rational? = nil
    public internal(set) var audioOutputPerToken: Rational? = nil
    /// A fixed price per request (one-api / new-api `ModelPrice`): when set, the model is priced
    /// per call and its tokens are not a billed dimension.
    public internal(set) var perRequest: Rational? = nil
    /// Tool calls billed per call (`web_search`, `file_search`, …), price of one call.
    public internal(set) var perCall: [String: Rational] = [:]

    /// Whether tokens are a billed dimension of this model.
    public var hasTokenPrices: Bool {
        perRequest == nil && (inputPerToken != nil || outputPerToken != nil || cachedInputPerToken != nil)
    }
}

/// A figure from a price page, kept as written so its decimals decide the comparison.
public struct PublishedFigure: Sendable {
    public let key: String
    public let text: String
    public let value: Rational
    /// Decimals the figure is written with.
    public let scale: Int
}
