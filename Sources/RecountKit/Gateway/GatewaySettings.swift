import TokenCounter

/// Why a gateway settings export cannot be imported: names the source, the option and what
/// was expected (exit 65 in the CLI).
public struct GatewaySettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public let source: String
    public let path: String
    public let reason: String

    public init(source: String, path: String, reason: String) {
        self.source = source
        self.path = path
        self.reason = reason
    }

    public var description: String { path.isEmpty ? "\(source): \(reason)" : "\(source): \(path): \(reason)" }
}

/// The price settings of a one-api / new-api gateway: the JSON-valued rows of its `options`
/// table (`model/option.go`: `ModelRatio`, `CompletionRatio`, `ModelPrice`, `GroupRatio`,
/// `GroupGroupRatio`, `CacheRatio`, `CreateCacheRatio`, `ImageRatio`, `AudioRatio`,
/// `AudioCompletionRatio`, `QuotaPerUnit`), read exactly as the gateway reads them: each
/// number a float64, as its shortest decimal (`GatewayFloat`).
///
/// Sources, all read the same: the `options` rows as (key, value) pairs (the `--gateway-db`
/// seam); a file holding a JSON object of option name → value, each value either the JSON
/// text the table stores or a JSON object; the admin API's `GET /api/option/` answer
/// (`{"success": true, "data": [{"key": …, "value": …}]}`); or a bare array of such pairs.
public struct GatewaySettings: Sendable, Equatable {
    /// The options Recount prices from; any other option is ignored.
    public static let priceOptions = [
        "ModelRatio", "CompletionRatio", "ModelPrice", "GroupRatio", "GroupGroupRatio",
        "CacheRatio", "CreateCacheRatio", "ImageRatio", "AudioRatio",
        "AudioCompletionRatio", "QuotaPerUnit",
    ]

    public var modelRatio: [String: Rational] = [:]
    public var completionRatio: [String: Rational] = [:]
    public var modelPrice: [String: Rational] = [:]
    public var groupRatio: [String: Rational] = [:]
    /// User group → using group → special ratio (`GroupGroupRatio`).
    public var groupGroupRatio: [String: [String: Rational]] = [:]
    public var cacheRatio: [String: Rational] = [:]
    public var createCacheRatio: [String: Rational] = [:]
    public var imageRatio: [String: Rational] = [:]
    public var audioRatio: [String: Rational] = [:]
    public var audioCompletionRatio: [String: Rational] = [:]
    /// Quota per USD (`QuotaPerUnit`, 500,000 unless the site changed it).
    public var quotaPerUnit = Rational(500_000)

    public init() {}

    /// The `options` rows as the database holds them (key, value as stored text).
    public init(optionRows: [(key: String, value: String)], source: String) throws(GatewaySettingsError) {
        for (key, value) in optionRows where Self.priceOptions.contains(key) {
            try set(key, .string(value), source: source)
        }
    }

    /// A settings file or `/api/option/` answer.
    public static func parse(_ bytes: [UInt8], source: String) throws(GatewaySettingsError) -> GatewaySettings {
        let root: JSONValue
        do { root = try JSONParser.parse(bytes) } catch {
            throw GatewaySettingsError(source: source, path: "", reason: "not JSON (\(error.description))")
        }
        var settings = GatewaySettings()
        func pairs(_ items: [JSONValue], path: String) throws(GatewaySettingsError) {
            for (index, item) in items.enumerated() {
                guard let object = item.objectValue, let key = object["key"]?.stringValue, let value = object["value"]
                else {
                    throw GatewaySettingsError(
                        source: source, path: "\(path)[\(index)]", reason: "expected {\"key\": …, \"value\": …}")
                }
                if priceOptions.contains(key) { try settings.set(key, value, source: source) }
            }
        }
        switch root {
        case .array(let items):
            try pairs(items, path: "")
        case .object(let object):
            if let data = object["data"], case .array(let items) = data, object["success"] != nil {
                try pairs(items, path: "data")
            } else {
                for (key, value) in object.pairs where priceOptions.contains(key) {
                    try settings.set(key, value, source: source)
                }
            }
        default:
            throw GatewaySettingsError(
                source: source, path: "",
                reason: "expected a JSON object of option name → value, found \(root.typeName)")
        }
        return settings
    }

    mutating func set(_ key: String, _ value: JSONValue, source: String) throws(GatewaySettingsError) {
        if key == "QuotaPerUnit" {
            quotaPerUnit = try Self.quotaPerUnit(value, source: source)
            return
        }
        let object = try Self.optionObject(key, value, source: source)
        if key == "GroupGroupRatio" {
            groupGroupRatio = try Self.groupGroupRatio(object, source: source)
            return
        }
        let table = try Self.numbers(object, path: key, source: source)
        switch key {
        case "ModelRatio": modelRatio = table
        case "CompletionRatio": completionRatio = table
        case "ModelPrice": modelPrice = table
        case "GroupRatio": groupRatio = table
        case "CacheRatio": cacheRatio = table
        case "CreateCacheRatio": createCacheRatio = table
        case "ImageRatio": imageRatio = table
        case "AudioRatio": audioRatio = table
        case "AudioCompletionRatio": audioCompletionRatio = table
        default: break
        }
    }

    /// `QuotaPerUnit`: a positive number, as a JSON number or the options table's text.
    static func quotaPerUnit(_ value: JSONValue, source: String) throws(GatewaySettingsError) -> Rational {
        let key = "QuotaPerUnit"
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default:
            throw GatewaySettingsError(source: source, path: key, reason: "expected a number, found \(value.typeName)")
        }
        guard let number = GatewayFloat.decimal(text), number > .zero else {
            throw GatewaySettingsError(
                source: source, path: key, reason: "'\(text.prefix(40))' is not a positive number")
        }
        return number
    }

    /// An option's object: the options table stores JSON text; an export may hold the parsed
    /// object instead.
    static func optionObject(
        _ key: String, _ value: JSONValue, source: String
    ) throws(GatewaySettingsError)
        -> JSONObject
    {
        func fail(_ reason: String) -> GatewaySettingsError {
            GatewaySettingsError(source: source, path: key, reason: reason)
        }
        switch value {
        case .string(let text):
            do {
                guard case .object(let parsed) = try JSONParser.parse(text) else {
                    throw fail("expected JSON text of an object")
                }
                return parsed
            } catch let error as JSONParser.Error {
                throw fail("not JSON (\(error.description))")
            } catch let error as GatewaySettingsError {
                throw error
            } catch {
                throw fail("\(error)")
            }
        case .object(let parsed):
            return parsed
        default:
            throw fail("expected JSON text or an object, found \(value.typeName)")
        }
    }

    /// `GroupGroupRatio`: user group → (group → ratio).
    static func groupGroupRatio(
        _ object: JSONObject, source: String
    ) throws(GatewaySettingsError)
        -> [String: [String: Rational]]
    {
        let key = "GroupGroupRatio"
        var table: [String: [String: Rational]] = [:]
        for (userGroup, inner) in object.pairs {
            let path = "\(key)[\(CatalogReader.quoted(userGroup))]"
            guard let innerObject = inner.objectValue else {
                throw GatewaySettingsError(
                    source: source, path: path, reason: "expected an object of group → ratio, found \(inner.typeName)")
            }
            table[userGroup] = try numbers(innerObject, path: path, source: source)
        }
        return table
    }

    /// `{"name": number}` as the gateway's `map[string]float64`: JSON numbers only (Go's
    /// `json.Unmarshal` rejects a string), negatives rejected (no gateway price is negative).
    static func numbers(
        _ object: JSONObject, path: String, source: String
    ) throws(GatewaySettingsError) -> [String: Rational] {
        var table: [String: Rational] = [:]
        for (name, item) in object.pairs {
            let at = "\(path)[\(CatalogReader.quoted(name))]"
            guard case .number(let text) = item else {
                throw GatewaySettingsError(
                    source: source, path: at, reason: "expected a number, found \(item.typeName)")
            }
            guard let number = GatewayFloat.decimal(text) else {
                throw GatewaySettingsError(
                    source: source, path: at, reason: "'\(text.prefix(40))' is not a finite number")
            }
            guard !number.isNegative else {
                throw GatewaySettingsError(source: source, path: at, reason: "negative value \(text)")
            }
            table[name] = number
        }
        return table
    }
}
