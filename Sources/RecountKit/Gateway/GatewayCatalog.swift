import TokenCounter

/// Why `prices import` / `prices snapshot` cannot proceed.
public enum GatewayImportError: Error, Sendable, CustomStringConvertible {
    case settings(GatewaySettingsError)
    case catalog(CatalogError)
    /// The new version would not start after the catalog's latest one.
    case notAfterLatest(source: String, latest: String, latestFrom: Timestamp, effectiveFrom: Timestamp)
    case unsupported(String)

    public var description: String {
        switch self {
        case .settings(let error): error.description
        case .catalog(let error): error.description
        case .notAfterLatest(let source, let latest, let latestFrom, let from):
            "\(source): the latest version '\(latest)' starts \(latestFrom); a new version must start later than that, not \(from)"
        case .unsupported(let reason): reason
        }
    }
}

/// What `prices import` takes besides the settings.
public struct GatewayImportOptions: Sendable {
    /// When the version starts (`--effective-from`, else the run's start). It is written in the
    /// offset it carries: the latest version's offset is reconcile's default day boundary and
    /// the zone of its reports, so a catalog made at `+08:00` keeps the platform's day.
    public var effectiveFrom: Timestamp
    /// `effectiveFrom` is the run's start, not a time the operator gave: a snapshot writes it
    /// in the offset of the catalog's latest version rather than UTC, so a nightly snapshot
    /// does not move the catalog's day boundary.
    public var effectiveFromIsNow: Bool
    /// The site's own unit and top-up rate, recorded as `unit.site`.
    public var site: PriceCatalog.SiteUnit?

    public init(effectiveFrom: Timestamp, isNow: Bool = false, site: PriceCatalog.SiteUnit? = nil) {
        self.effectiveFrom = effectiveFrom
        self.effectiveFromIsNow = isNow
        self.site = site
    }
}

/// A `recount.pricing/1` catalog built from a gateway's settings (SPEC §2.7): one version whose
/// every model is priced in one-api ratio style exactly as new-api prices it, in quota (the
/// gateway's `QuotaPerUnit`, 500,000 per USD, scale 0), rounding half away from zero with a
/// minimum of 1 (the gateway's `Round(0)` and floor of 1, `service/text_quota.go`).
///
/// Per model, as `relay/helper/price.go` `ModelPriceHelper` looks the prices up:
/// - a `ModelPrice` entry wins: `model_price` (USD per call);
/// - else `ModelRatio`: `model_ratio`; `completion_ratio` as `GetCompletionRatio` resolves it
///   (`GatewayCompletionRatio`); `cache_creation_ratio` = `CreateCacheRatio`, else the
///   gateway's default 1.25 (the 1-hour ratio follows as × 1.6); `cache_ratio` and
///   `image_ratio` where listed (unlisted, the gateway uses 1 = the input price, which is also
///   what a catalog without them charges); `audio_ratio` / `audio_completion_ratio` where
///   either is listed (the gateway bills audio tokens separately only then), the other 1.
/// - Groups: `GroupRatio`. `GroupGroupRatio` (a special ratio by the *user's* group) has no
///   catalog field: the row's own `group_ratio` shows where it applied, and a warning says so.
///
/// Each version carries `_gateway_settings`, a SHA-256 of its groups and models, so
/// `prices snapshot` can tell whether the settings changed since the latest version.
public enum GatewayCatalog {
    /// The catalog's unit for a gateway's quota ledger.
    static func unitObject(settings: GatewaySettings, site: PriceCatalog.SiteUnit?) -> JSONValue {
        var unit: [(String, JSONValue)] = [
            ("name", .string("quota")), ("currency", .string("USD")),
            ("per_currency", .string(text(settings.quotaPerUnit))), ("scale", .number("0")),
        ]
        if let site {
            unit.append(
                (
                    "site",
                    .obj(
                        [
                            ("name", .string(site.name)), ("currency", .string(site.currency)),
                            ("per_currency", .string(text(site.perCurrency))),
                            ("topup_rate", .string(text(site.topupRate))),
                        ] + (site.scale == 0 ? [] : [("scale", .number(String(site.scale)))]))
                ))
        }
        return .obj(unit)
    }

    /// The version object the settings describe, and warnings about what it cannot say.
    public static func version(
        _ settings: GatewaySettings, effectiveFrom: Timestamp
    ) throws(GatewayImportError) -> (version: JSONObject, warnings: [String]) {
        guard settings.quotaPerUnit == Rational(500_000) else {
            throw .unsupported(
                "QuotaPerUnit is \(text(settings.quotaPerUnit)), not 500000: one-api ratios (1 = $0.002 per 1K tokens) assume 500,000 quota per USD; Recount cannot yet import such a site"
            )
        }
        var warnings: [String] = []
        var models: [(String, JSONValue)] = []
        let names = Set(settings.modelRatio.keys).union(settings.modelPrice.keys).sorted()
        var keyChecker = CatalogReader()
        for name in names {
            guard keyChecker.checkModelKey(name, path: name) else {
                warnings.append(
                    "model \(CatalogReader.quoted(name)) skipped: no billed model name can select that key in a catalog"
                )
                continue
            }
            models.append((name, modelEntry(name, settings)))
        }
        if !keyChecker.problems.isEmpty { keyChecker.problems.removeAll() }
        // new-api bills every call of a `…search-preview` model one web search, at a price per
        // 1,000 calls its code sets (by gateway version, model tier and context size), not
        // its settings: the catalog cannot say it.
        let searchModels = models.map(\.0).filter { $0.hasSuffix("search-preview") }
        if !searchModels.isEmpty {
            warnings.append(
                "\(searchModels.joined(separator: ", ")): the gateway adds a web search surcharge its settings do not hold (its price is in the gateway's code); add \"per_call\": {\"web_search\": \"<USD per call>\"} to these models in the catalog, or their requests with a search are unpriced_model"
            )
        }
        if settings.groupGroupRatio.values.contains(where: { !$0.isEmpty }) {
            warnings.append(
                "GroupGroupRatio (special ratios by the user's own group) is not in the catalog: such requests are priced at their using group's GroupRatio; the row's other.group_ratio shows the ratio applied"
            )
        }
        let groups = JSONValue.obj(
            settings.groupRatio.keys.sorted().map { ($0, .string(text(settings.groupRatio[$0]!))) })
        let modelsValue = JSONValue.obj(models)
        let from = effectiveFrom.description
        let version = JSONObject([
            "id": .string("gateway-" + from),
            "effective_from": .string(from),
            "rounding": .string(RoundingMode.half_away_from_zero.rawValue),
            "minimum_charge": .string("1"),
            "charge_failed_requests": .bool(false),
            "_source": .string("recount prices import: one-api / new-api settings"),
            "_gateway_settings": .string(fingerprint(groups: groups, models: modelsValue)),
            "groups": groups,
            "models": modelsValue,
        ])
        return (version, warnings)
    }

    static func modelEntry(_ name: String, _ settings: GatewaySettings) -> JSONValue {
        if let price = settings.modelPrice[name] {
            return .obj([("model_price", .string(text(price)))])
        }
        var entry: [(String, JSONValue)] = [("model_ratio", .string(text(settings.modelRatio[name]!)))]
        entry.append(
            ("completion_ratio", .string(text(GatewayCompletionRatio.resolve(name, option: settings.completionRatio)))))
        if let cache = settings.cacheRatio[name] { entry.append(("cache_ratio", .string(text(cache)))) }
        entry.append(
            ("cache_creation_ratio", .string(text(settings.createCacheRatio[name] ?? Rational(parsingGateway: "1.25"))))
        )
        if let image = settings.imageRatio[name] { entry.append(("image_ratio", .string(text(image)))) }
        if settings.audioRatio[name] != nil || settings.audioCompletionRatio[name] != nil {
            entry.append(("audio_ratio", .string(text(settings.audioRatio[name] ?? .one))))
            entry.append(("audio_completion_ratio", .string(text(settings.audioCompletionRatio[name] ?? .one))))
        }
        return .obj(entry)
    }

    /// `prices import`: a whole catalog of one version.
    public static func document(
        _ settings: GatewaySettings, options: GatewayImportOptions
    ) throws(GatewayImportError) -> (bytes: [UInt8], versionID: String, warnings: [String]) {
        let (version, warnings) = try self.version(settings, effectiveFrom: options.effectiveFrom)
        let root = JSONValue.obj([
            ("schema", .string(PriceCatalog.schema)),
            ("unit", unitObject(settings: settings, site: options.site)),
            ("versions", .array([.object(version)])),
        ])
        let bytes = Array((JSONWriter.string(root, indent: 2) + "\n").utf8)
        try validate(bytes, source: "the imported catalog")
        return (bytes, version["id"]!.stringValue!, warnings)
    }

    public enum SnapshotResult: Sendable, Equatable {
        /// The settings price exactly as the catalog's latest version (its id).
        case unchanged(latest: String)
        /// A new version (its id) and the whole new catalog.
        case appended(versionID: String, bytes: [UInt8])
    }

    /// `prices snapshot`: the catalog with one more version when the settings changed since its
    /// latest version, else `unchanged`. `existing` nil creates the catalog.
    public static func snapshot(
        existing: [UInt8]?, source: String, settings: GatewaySettings,
        options: GatewayImportOptions
    ) throws(GatewayImportError) -> (result: SnapshotResult, warnings: [String]) {
        guard let existing else {
            let (bytes, id, warnings) = try document(settings, options: options)
            return (.appended(versionID: id, bytes: bytes), warnings)
        }
        let catalog: PriceCatalog
        do { catalog = try PriceCatalog.parse(existing, source: source) } catch { throw .catalog(error) }
        guard case .object(var root)? = try? JSONParser.parse(existing), case .array(var versions)? = root["versions"],
            let latest = catalog.versions.last,
            let latestRaw = versions.first(where: { $0.objectValue?["id"]?.stringValue == latest.id })?.objectValue
        else {
            throw .catalog(CatalogError(source: source, path: "versions", reason: "cannot find the latest version"))
        }
        var options = options
        if options.effectiveFromIsNow {
            let now = options.effectiveFrom
            options.effectiveFrom = Timestamp(
                seconds: now.seconds, nanoseconds: now.nanoseconds, offsetSeconds: latest.effectiveFrom.offsetSeconds)
        }
        var (version, warnings) = try self.version(settings, effectiveFrom: options.effectiveFrom)
        let latestPrint =
            latestRaw["_gateway_settings"]?.stringValue
            ?? fingerprint(groups: latestRaw["groups"] ?? .obj([]), models: latestRaw["models"] ?? .obj([]))
        if latestPrint == version["_gateway_settings"]?.stringValue {
            return (.unchanged(latest: latest.id), warnings)
        }
        guard options.effectiveFrom > latest.effectiveFrom else {
            throw .notAfterLatest(
                source: source, latest: latest.id, latestFrom: latest.effectiveFrom,
                effectiveFrom: options.effectiveFrom)
        }
        var id = version["id"]!.stringValue!
        var suffix = 2
        while catalog.version(id: id) != nil { id = version["id"]!.stringValue! + "-\(suffix)"; suffix += 1 }
        version["id"] = .string(id)
        if let site = options.site, site != catalog.unit.site {
            warnings.append(
                "the catalog's unit is kept; --unit/--per-currency/--currency/--topup-rate/--site-scale apply only when a catalog is created"
            )
        }
        versions.append(.object(version))
        root["versions"] = .array(versions)
        let bytes = Array((JSONWriter.string(.object(root), indent: 2) + "\n").utf8)
        try validate(bytes, source: source)
        return (.appended(versionID: id, bytes: bytes), warnings)
    }

    static func validate(_ bytes: [UInt8], source: String) throws(GatewayImportError) {
        do { _ = try PriceCatalog.parse(bytes, source: source) } catch { throw .catalog(error) }
    }

    /// SHA-256 of the canonical JSON (keys sorted, no spaces) of a version's groups and models.
    static func fingerprint(groups: JSONValue, models: JSONValue) -> String {
        let canonicalText = JSONWriter.string(canonical(.obj([("groups", groups), ("models", models)])))
        return SHA256.hex(Array(canonicalText.utf8))
    }

    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            return .obj(object.pairs.sorted { $0.key < $1.key }.map { ($0.key, canonical($0.value)) })
        case .array(let items):
            return .array(items.map(canonical))
        default:
            return value
        }
    }

    /// A price as the catalog writes it: the exact decimal (every gateway value terminates),
    /// else a fraction.
    static func text(_ value: Rational) -> String {
        if let scale = value.terminatingScale, scale <= Rational.scaleRange.upperBound,
            let text = value.decimalString(scale: scale)
        {
            return text
        }
        return "\(value.numerator)/\(value.denominator)"
    }
}

extension Rational {
    /// A constant of the gateway's code, read as its float64 (`GatewayFloat`).
    init(parsingGateway text: String) { self = GatewayFloat.decimal(text)! }
}
