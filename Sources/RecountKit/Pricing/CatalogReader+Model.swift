import TokenCounter

extension CatalogReader {
    static let modelFields: Set<String> = [
        "currency", "multiplier", "published",
        "input_per_1k", "input_per_1m", "cached_input_per_1k", "cached_input_per_1m", "output_per_1k", "output_per_1m",
        "model_ratio", "completion_ratio",
        "per_image", "per_minute", "per_1k_characters", "per_1m_characters",
    ]

    /// One-api's ratio 1: $0.002 per 1K tokens, i.e. 1/500,000 USD per token.
    static let ratioOneUSDPerToken = try! Rational(numerator: 1, denominator: 500_000)

    /// One model entry, every price reduced to one single unit. Nil (with errors recorded)
    /// when any of its prices is unusable, so it can never price a request wrongly.
    mutating func readModel(_ value: JSONValue, path: String, unitCurrency: String, rates: [String: Rational]) -> ModelPrice? {
        guard let object = value.objectValue else { error(path, "expected an object of prices, found \(value.typeName)"); return nil }
        let problemsBefore = problems.filter { $0.severity == .error }.count
        checkKeys(object, path: path, known: Self.modelFields)

        var currency = "USD"
        if let value = object["currency"] {
            if let text = value.stringValue, !text.isEmpty { currency = text } else {
                error(path + ".currency", "expected a currency code string, found \(value.typeName)")
            }
        }
        if currency != unitCurrency, rates[currency] == nil {
            let at = object["currency"] == nil ? path : path + ".currency"
            error(at, "prices in \(currency) but the version's exchange_rates has no \(currency) rate (into \(unitCurrency))")
        }

        /// `X_per_1k` / `X_per_1m` → per single unit; both given is ambiguous.
        func perUnit(_ reader: inout CatalogReader, _ stem: String) -> Rational? {
            let perK = object[stem + "_per_1k"].flatMap { reader.rational($0, path: path + ".\(stem)_per_1k", positive: false) }
            let perM = object[stem + "_per_1m"].flatMap { reader.rational($0, path: path + ".\(stem)_per_1m", positive: false) }
            if object[stem + "_per_1k"] != nil, object[stem + "_per_1m"] != nil {
                reader.error(path + ".\(stem)_per_1m", "both \(stem)_per_1k and \(stem)_per_1m given; give one")
                return nil
            }
            if let perK { return try? perK.divided(by: Rational(1000)) }
            if let perM { return try? perM.divided(by: Rational(1_000_000)) }
            return nil
        }

        var input = perUnit(&self, "input")
        let cached = perUnit(&self, "cached_input")
        var output = perUnit(&self, "output")
        var isRatioStyle = false
        if let ratioValue = object["model_ratio"] {
            isRatioStyle = true
            if input != nil || output != nil || cached != nil {
                error(path + ".model_ratio", "model_ratio together with input/output prices; give one style")
            }
            if currency != "USD" { error(path + ".model_ratio", "one-api ratios are in USD; remove \"currency\": \"\(currency)\"") }
            if let ratio = rational(ratioValue, path: path + ".model_ratio", positive: false) {
                input = try? ratio.multiplied(by: Self.ratioOneUSDPerToken)
                var completion = Rational.one
                if let value = object["completion_ratio"], let read = rational(value, path: path + ".completion_ratio", positive: false) {
                    completion = read
                }
                output = input.flatMap { try? $0.multiplied(by: completion) }
            }
        } else if object["completion_ratio"] != nil {
            error(path + ".completion_ratio", "completion_ratio without model_ratio")
        }
        if cached != nil, input == nil {
            error(path, "a cached input price needs an input price")
        }

        var image: ModelPrice.ImagePrice?
        switch object["per_image"] {
        case .object(let table)?:
            image = .bySize(rationalTable(.object(table), path: path + ".per_image", positive: false))
            if table.count == 0 { error(path + ".per_image", "expected at least one size, e.g. {\"1024x1024\": \"0.04\"}") }
        case let value?:
            if let flat = rational(value, path: path + ".per_image", positive: false) { image = .flat(flat) }
        case nil:
            break
        }
        let perMinute = object["per_minute"].flatMap { rational($0, path: path + ".per_minute", positive: false) }
        let perCharacter = perCharacterPrice(object, path: path)
        var multiplier = Rational.one
        if let value = object["multiplier"], let read = rational(value, path: path + ".multiplier", positive: false) {
            multiplier = read
        }
        if input == nil, output == nil, cached == nil, image == nil, perMinute == nil, perCharacter == nil,
           !object.keys.contains(where: { $0.hasSuffix("_per_1k") || $0.hasSuffix("_per_1m") || $0 == "model_ratio" || $0 == "per_image" || $0 == "per_minute" || $0.hasSuffix("_characters") }) {
            error(path, "no price: expected input_per_1k/_1m, output_per_1k/_1m, model_ratio, per_image, per_minute or per_1m_characters")
        }
        let published = readPublished(object["published"], path: path + ".published")
        guard problems.filter({ $0.severity == .error }).count == problemsBefore else { return nil }
        return ModelPrice(currency: currency, inputPerToken: input, cachedInputPerToken: cached, outputPerToken: output,
                          image: image, perMinute: perMinute, perCharacter: perCharacter, multiplier: multiplier,
                          isRatioStyle: isRatioStyle, published: published)
    }

    mutating func perCharacterPrice(_ object: JSONObject, path: String) -> Rational? {
        let perK = object["per_1k_characters"].flatMap { rational($0, path: path + ".per_1k_characters", positive: false) }
        let perM = object["per_1m_characters"].flatMap { rational($0, path: path + ".per_1m_characters", positive: false) }
        if object["per_1k_characters"] != nil, object["per_1m_characters"] != nil {
            error(path + ".per_1m_characters", "both per_1k_characters and per_1m_characters given; give one")
            return nil
        }
        if let perK { return try? perK.divided(by: Rational(1000)) }
        if let perM { return try? perM.divided(by: Rational(1_000_000)) }
        return nil
    }

    /// `published` figures must be plain decimals (their decimals decide the comparison) under
    /// a key `PublishedKey` knows.
    mutating func readPublished(_ value: JSONValue?, path: String) -> [PublishedFigure] {
        guard let value else { return [] }
        guard let object = value.objectValue else { error(path, "expected an object of figures, found \(value.typeName)"); return [] }
        var figures: [PublishedFigure] = []
        for (key, item) in object.pairs where !Self.isCommentKey(key) {
            let at = path + ".\(key)"
            guard PublishedKey(rawValue: key) != nil else {
                error(at, "unknown published figure; expected one of \(PublishedKey.allCases.map(\.rawValue).joined(separator: ", "))")
                continue
            }
            guard let text = item.stringValue ?? item.numberText else {
                error(at, "expected a decimal string, found \(item.typeName)")
                continue
            }
            guard let parsed = DecimalText(text), parsed.exponent == 0, !text.contains("e"), !text.contains("E"),
                  !parsed.negative, let number = try? Rational(parsing: text) else {
                error(at, "expected a plain non-negative decimal as printed on the page (no exponent, no fraction), found '\(text)'")
                continue
            }
            figures.append(PublishedFigure(key: key, text: text, value: number, scale: parsed.fraction.count))
        }
        return figures
    }
}
