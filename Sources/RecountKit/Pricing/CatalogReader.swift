import TokenCounter

/// Reads a catalog leniently: it keeps going after a problem so every problem is reported
/// once, and builds whatever parts are sound (a model with a bad price is left out, the rest
/// stays checkable). `PriceCatalog.parse` refuses the result if any problem is an error.
struct CatalogReader {
    struct Outcome {
        var catalog: PriceCatalog?
        var problems: [CatalogProblem]
        /// The bytes are not a catalog at all (not JSON, not an object, wrong schema).
        var unreadable: Bool
    }

    /// Keys a reader may add for people (`"note"`, `"_source"`); never priced.
    /// 1-based line and column (in Unicode scalars) of byte `offset`.
    static func lineAndColumn(of offset: Int, in bytes: [UInt8]) -> (line: Int, column: Int) {
        var line = 1
        var column = 1
        for byte in bytes.prefix(max(0, offset)) {
            if byte == 0x0A {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
        }
        return (line, column)
    }

    static func isCommentKey(_ key: String) -> Bool { key.hasPrefix("_") || key == "note" }

    var problems: [CatalogProblem] = []

    mutating func error(_ path: String, _ message: String) {
        problems.append(CatalogProblem(.error, path: path, message: message))
    }
    mutating func warning(_ path: String, _ message: String) {
        problems.append(CatalogProblem(.warning, path: path, message: message))
    }

    static func read(_ bytes: [UInt8]) -> Outcome {
        var reader = CatalogReader()
        let root: JSONValue
        do {
            root = try JSONParser.parse(bytes)
        } catch {
            // A catalog is edited by hand: say where as an editor does, line and column.
            let (line, column) = Self.lineAndColumn(of: error.offset, in: bytes)
            let message = "invalid JSON at line \(line), column \(column): \(error.reason)"
            return Outcome(
                catalog: nil, problems: [CatalogProblem(.error, path: "", message: message)], unreadable: true)
        }
        guard let object = root.objectValue else {
            return Outcome(
                catalog: nil,
                problems: [CatalogProblem(.error, path: "", message: "expected a JSON object, found \(root.typeName)")],
                unreadable: true)
        }
        guard object["schema"]?.stringValue == PriceCatalog.schema else {
            let found = object["schema"].map { $0.stringValue.map { "'\($0)'" } ?? $0.typeName } ?? "nothing"
            return Outcome(
                catalog: nil,
                problems: [
                    CatalogProblem(
                        .error, path: "schema", message: "expected \"\(PriceCatalog.schema)\", found \(found)")
                ], unreadable: true)
        }
        let catalog = reader.readCatalog(object)
        return Outcome(catalog: catalog, problems: reader.problems, unreadable: false)
    }

    // MARK: - Document

    mutating func readCatalog(_ object: JSONObject) -> PriceCatalog? {
        checkKeys(object, path: "", known: ["schema", "unit", "versions"])
        let unit = object["unit"].flatMap { readUnit($0) }
        if object["unit"] == nil {
            error("unit", "missing; expected {\"name\", \"currency\", \"per_currency\", \"scale\"}")
        }
        guard let versionsValue = object["versions"] else {
            error("versions", "missing; expected an array of price versions")
            return nil
        }
        guard let list = versionsValue.arrayValue else {
            error("versions", "expected an array, found \(versionsValue.typeName)")
            return nil
        }
        if list.isEmpty { error("versions", "expected at least one price version") }
        guard let unit else { return nil }
        var versions: [PriceVersion] = []
        for (index, value) in list.enumerated() {
            if let version = readVersion(value, index: index, unit: unit) { versions.append(version) }
        }
        checkVersionOrder(versions)
        var sorted = versions.sorted { $0.effectiveFrom < $1.effectiveFrom }
        for index in sorted.indices.dropLast() { sorted[index].effectiveUntil = sorted[index + 1].effectiveFrom }
        return PriceCatalog(unit: unit, versions: sorted)
    }

    mutating func readUnit(_ value: JSONValue) -> PriceCatalog.Unit? {
        guard let object = value.objectValue else {
            error("unit", "expected an object, found \(value.typeName)"); return nil
        }
        checkKeys(object, path: "unit", known: ["name", "currency", "per_currency", "scale", "site"])
        let name = requiredString(object, "name", path: "unit")
        let currency = requiredString(object, "currency", path: "unit")
        var perCurrency: Rational?
        if let value = object["per_currency"] {
            perCurrency = rational(value, path: "unit.per_currency", positive: true)
        } else {
            error("unit.per_currency", "missing; expected units per one unit currency, e.g. \"10000\"")
        }
        var scale: Int?
        if let value = object["scale"] {
            scale = wholeNumber(value, path: "unit.scale", range: 0...12)
        } else {
            error("unit.scale", "missing; expected the decimals a debit has (0 for points or quota)")
        }
        let site = object["site"].flatMap { readSiteUnit($0) }
        guard let name, let currency, let perCurrency, let scale else { return nil }
        return PriceCatalog.Unit(name: name, currency: currency, perCurrency: perCurrency, scale: scale, site: site)
    }

    /// `unit.site`: `{"name", "currency", "per_currency", "topup_rate"}`, all required, and
    /// `scale` (optional, default 0: the decimals reports show a site-unit figure with).
    mutating func readSiteUnit(_ value: JSONValue) -> PriceCatalog.SiteUnit? {
        guard let object = value.objectValue else {
            error("unit.site", "expected an object, found \(value.typeName)"); return nil
        }
        checkKeys(object, path: "unit.site", known: ["name", "currency", "per_currency", "topup_rate", "scale"])
        let name = requiredString(object, "name", path: "unit.site")
        let currency = requiredString(object, "currency", path: "unit.site")
        var numbers: [Rational?] = []
        for key in ["per_currency", "topup_rate"] {
            if let value = object[key] {
                numbers.append(rational(value, path: "unit.site.\(key)", positive: true))
            } else {
                error(
                    "unit.site.\(key)",
                    "missing; expected a decimal such as \(key == "per_currency" ? "\"10000\"" : "\"7.3\"")")
                numbers.append(nil)
            }
        }
        var scale: Int? = 0
        if let value = object["scale"] { scale = wholeNumber(value, path: "unit.site.scale", range: 0...12) }
        guard let name, let currency, let perCurrency = numbers[0], let topupRate = numbers[1], let scale else {
            return nil
        }
        return PriceCatalog.SiteUnit(
            name: name, currency: currency, perCurrency: perCurrency, topupRate: topupRate, scale: scale)
    }

    mutating func checkVersionOrder(_ versions: [PriceVersion]) {
        var seen: [Timestamp: PriceVersion] = [:]
        var ids: [String: Int] = [:]
        for (position, version) in versions.enumerated() {
            let path = "versions[\(version.listingIndex)]"
            if let earlier = seen[version.effectiveFrom] {
                error(
                    path + ".effective_from",
                    "same effective_from as versions[\(earlier.listingIndex)] ('\(earlier.id)'); which one applies would be ambiguous"
                )
            } else {
                seen[version.effectiveFrom] = version
            }
            if let earlier = ids[version.id] {
                error(path + ".id", "'\(version.id)' is also the id of versions[\(earlier)]")
            } else {
                ids[version.id] = version.listingIndex
            }
            if position > 0, version.effectiveFrom < versions[position - 1].effectiveFrom {
                warning(
                    path + ".effective_from",
                    "listed after versions[\(versions[position - 1].listingIndex)] but starts earlier; versions apply by effective_from, not listing order"
                )
            }
        }
    }

    // MARK: - Values

    mutating func checkKeys(_ object: JSONObject, path: String, known: Set<String>) {
        for key in object.keys where !known.contains(key) && !Self.isCommentKey(key) {
            let at = path.isEmpty ? key : "\(path).\(key)"
            error(
                at,
                "unknown field; expected one of \(known.sorted().joined(separator: ", ")) (prefix a comment key with '_')"
            )
        }
    }

    mutating func requiredString(_ object: JSONObject, _ key: String, path: String) -> String? {
        let at = path.isEmpty ? key : "\(path).\(key)"
        switch object[key] {
        case .string(let text)? where !text.isEmpty: return text
        case .string?: error(at, "expected a non-empty string")
        case let other?: error(at, "expected a string, found \(other.typeName)")
        case nil: error(at, "missing; expected a string")
        }
        return nil
    }

    /// A decimal string, a JSON number (read exactly) or a fraction string `a/b`; never negative.
    mutating func rational(_ value: JSONValue, path: String, positive: Bool) -> Rational? {
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number): text = number
        default:
            error(path, "expected a decimal string such as \"0.002\" (or a JSON number), found \(value.typeName)")
            return nil
        }
        let number: Rational
        do {
            number = try Rational(parsing: text)
        } catch {
            self.error(path, error.description)
            return nil
        }
        if number.isNegative {
            error(path, "negative value \(text); prices, rates and multipliers are never negative"); return nil
        }
        if positive, number.isZero { error(path, "expected a value greater than 0, found \(text)"); return nil }
        return number
    }

    mutating func wholeNumber(_ value: JSONValue, path: String, range: ClosedRange<Int>) -> Int? {
        let text = value.numberText ?? value.stringValue
        guard let text, let number = Int(text), range.contains(number) else {
            error(
                path,
                "expected a whole number from \(range.lowerBound) to \(range.upperBound), found \(value.numberText ?? value.stringValue.map { "'\($0)'" } ?? value.typeName)"
            )
            return nil
        }
        return number
    }

    /// `{"name": "decimal", …}`; absent means empty.
    mutating func rationalTable(_ value: JSONValue?, path: String, positive: Bool) -> [String: Rational] {
        guard let value else { return [:] }
        guard let object = value.objectValue else {
            error(path, "expected an object, found \(value.typeName)"); return [:]
        }
        var table: [String: Rational] = [:]
        for (key, item) in object.pairs where !Self.isCommentKey(key) {
            if let number = rational(item, path: path + "[\(Self.quoted(key))]", positive: positive) {
                table[key] = number
            }
        }
        return table
    }

    /// A key written as a JSON string, for paths: `"gpt-4"`.
    static func quoted(_ key: String) -> String {
        var text = "\""
        for character in key {
            switch character {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            case "\n": text += "\\n"
            default: text.append(character)
            }
        }
        return text + "\""
    }
}
