import TokenCounter

extension CatalogReader {
    static let modelFields: Set<String> = [
        "currency", "multiplier", "published",
        "input_per_1k", "input_per_1m", "cached_input_per_1k", "cached_input_per_1m", "output_per_1k", "output_per_1m",
        "model_ratio", "completion_ratio",
        "per_image", "per_minute", "per_1k_characters", "per_1m_characters",
        // Gateway dimensions, list style …
        "cache_write_5m_per_1k", "cache_write_5m_per_1m", "cache_write_1h_per_1k", "cache_write_1h_per_1m",
        "image_tokens_per_1k", "image_tokens_per_1m", "audio_input_per_1k", "audio_input_per_1m",
        "audio_output_per_1k", "audio_output_per_1m", "per_request", "per_call",
        // … and one-api / new-api ratio style.
        "cache_ratio", "cache_creation_ratio", "cache_creation_ratio_1h", "image_ratio", "audio_ratio",
        "audio_completion_ratio", "model_price",
    ]

    /// Ratio-style keys that scale the model's input price (`model_ratio`).
    static let inputRatioKeys = [
        "cache_ratio", "cache_creation_ratio", "cache_creation_ratio_1h", "image_ratio",
        "audio_ratio", "audio_completion_ratio",
    ]

    /// new-api's fixed 1-hour / 5-minute cache-write price ratio, `6 / 3.75` = 1.6
    /// (`relay/helper/price.go` `claudeCacheCreation1hMultiplier`).
    static let oneHourCacheWriteMultiplier = try! Rational(parsing: "1.6")

    /// `X_per_1k` / `X_per_1m` of `object` → the price of a single unit; both given is
    /// ambiguous (an error naming the path), neither is nil.
    mutating func perUnit(_ object: JSONObject, path: String, _ stem: String) -> Rational? {
        let perK = object[stem + "_per_1k"].flatMap { rational($0, path: path + ".\(stem)_per_1k", positive: false) }
        let perM = object[stem + "_per_1m"].flatMap { rational($0, path: path + ".\(stem)_per_1m", positive: false) }
        if object[stem + "_per_1k"] != nil, object[stem + "_per_1m"] != nil {
            error(path + ".\(stem)_per_1m", "both \(stem)_per_1k and \(stem)_per_1m given; give one")
            return nil
        }
        if let perK { return try? perK.divided(by: Rational(1000)) }
        if let perM { return try? perM.divided(by: Rational(1_000_000)) }
        return nil
    }

    /// One-api's ratio 1: $0.002 per 1K tokens, i.e. 1/500,000 USD per token.
    static let ratioOneUSDPerToken = try! Rational(numerator: 1, denominator: 500_000)

    /// One model entry, every price reduced to one single unit. Nil (with errors recorded)
    /// when any of its prices is unusable, so it can never price a request wrongly.
    mutating func readModel(
        _ value: JSONValue, path: String, unitCurrency: String, rates: [String: Rational]
    ) -> ModelPrice? {
        guard let object = value.objectValue else {
            error(path, "expected an object of prices, found \(value.typeName)"); return nil
        }
        let problemsBefore = problems.filter { $0.severity == .error }.count
        checkKeys(object, path: path, known: Self.modelFields)
        let currency = readCurrency(object, path: path, unitCurrency: unitCurrency, rates: rates)
        let tokens = readTokenPrices(object, path: path, currency: currency)
        if tokens.cached != nil, tokens.input == nil {
            error(path, "a cached input price needs an input price")
        }
        let gateway = readGatewayDimensions(
            object, path: path, input: tokens.input, isRatioStyle: tokens.isRatioStyle,
            hasListPrices: tokens.input != nil || tokens.output != nil || tokens.cached != nil)
        let cachedPrice = tokens.cached ?? gateway.cachedFromRatio
        if gateway.perRequest != nil, object["model_ratio"] == nil, tokens.input != nil || tokens.output != nil {
            error(
                path + ".per_request",
                "a per-request price together with token prices; a fixed-price model has only per_request")
        }
        let image = readImagePrice(object, path: path)
        let perMinute = object["per_minute"].flatMap { rational($0, path: path + ".per_minute", positive: false) }
        let perCharacter = perCharacterPrice(object, path: path)
        var multiplier = Rational.one
        if let value = object["multiplier"], let read = rational(value, path: path + ".multiplier", positive: false) {
            multiplier = read
        }
        if tokens.input == nil, tokens.output == nil, tokens.cached == nil, image == nil, perMinute == nil,
            perCharacter == nil, gateway.perRequest == nil, gateway.perCall.isEmpty
        {
            checkSomePriceKey(object, path: path)
        }
        let published = readPublished(object["published"], path: path + ".published")
        guard problems.filter({ $0.severity == .error }).count == problemsBefore else { return nil }
        var price = ModelPrice(
            currency: currency, inputPerToken: tokens.input, cachedInputPerToken: cachedPrice,
            outputPerToken: tokens.output, image: image, perMinute: perMinute, perCharacter: perCharacter,
            multiplier: multiplier, isRatioStyle: tokens.isRatioStyle || object["model_price"] != nil,
            published: published)
        gateway.apply(to: &price)
        return price
    }

    /// The model's `currency` (USD when absent), which must be the unit's or have an exchange rate.
    mutating func readCurrency(
        _ object: JSONObject, path: String, unitCurrency: String, rates: [String: Rational]
    ) -> String {
        var currency = "USD"
        if let value = object["currency"] {
            if let text = value.stringValue, !text.isEmpty {
                currency = text
            } else {
                error(path + ".currency", "expected a currency code string, found \(value.typeName)")
            }
        }
        if currency != unitCurrency, rates[currency] == nil {
            let at = object["currency"] == nil ? path : path + ".currency"
            error(
                at,
                "prices in \(currency) but the version's exchange_rates has no \(currency) rate (into \(unitCurrency))")
        }
        return currency
    }

    /// A model's token prices per single token, in list style or one-api's ratio style.
    struct TokenPrices {
        var input: Rational?
        var cached: Rational?
        var output: Rational?
        /// Priced by `model_ratio` (and `completion_ratio`), not by list prices.
        var isRatioStyle = false
    }

    /// Input, cached-input and output prices: `X_per_1k` / `X_per_1m`, or `model_ratio` ×
    /// `completion_ratio` in one-api's USD (never both styles).
    mutating func readTokenPrices(_ object: JSONObject, path: String, currency: String) -> TokenPrices {
        var prices = TokenPrices(
            input: perUnit(object, path: path, "input"), cached: perUnit(object, path: path, "cached_input"),
            output: perUnit(object, path: path, "output"))
        if let ratioValue = object["model_ratio"] {
            prices.isRatioStyle = true
            if prices.input != nil || prices.output != nil || prices.cached != nil {
                error(path + ".model_ratio", "model_ratio together with input/output prices; give one style")
            }
            if currency != "USD" {
                error(path + ".model_ratio", "one-api ratios are in USD; remove \"currency\": \"\(currency)\"")
            }
            if let ratio = rational(ratioValue, path: path + ".model_ratio", positive: false) {
                prices.input = try? ratio.multiplied(by: Self.ratioOneUSDPerToken)
                var completion = Rational.one
                if let value = object["completion_ratio"],
                    let read = rational(value, path: path + ".completion_ratio", positive: false)
                {
                    completion = read
                }
                prices.output = prices.input.flatMap { try? $0.multiplied(by: completion) }
            }
        } else if object["completion_ratio"] != nil {
            error(path + ".completion_ratio", "completion_ratio without model_ratio")
        }
        return prices
    }

    /// `per_image`: one flat price, or a table by size.
    mutating func readImagePrice(_ object: JSONObject, path: String) -> ModelPrice.ImagePrice? {
        switch object["per_image"] {
        case .object(let table)?:
            let image = ModelPrice.ImagePrice.bySize(
                rationalTable(.object(table), path: path + ".per_image", positive: false))
            if table.count == 0 {
                error(path + ".per_image", "expected at least one size, e.g. {\"1024x1024\": \"0.04\"}")
            }
            return image
        case let value?:
            return rational(value, path: path + ".per_image", positive: false).map { .flat($0) }
        case nil:
            return nil
        }
    }

    /// A model that read no price: an error unless one of its price keys was given (and has
    /// already been reported as unusable).
    mutating func checkSomePriceKey(_ object: JSONObject, path: String) {
        let hasPriceKey = object.keys.contains(where: {
            $0.hasSuffix("_per_1k") || $0.hasSuffix("_per_1m") || $0 == "model_ratio" || $0 == "per_image"
                || $0 == "per_minute" || $0.hasSuffix("_characters") || $0 == "per_request" || $0 == "model_price"
                || $0 == "per_call"
        })
        guard !hasPriceKey else { return }
        error(
            path,
            "no price: expected input_per_1k/_1m, output_per_1k/_1m, model_ratio, model_price, per_request, per_call, per_image, per_minute or per_1m_characters"
        )
    }

    struct GatewayDimensions {
        /// The cached-read price a ratio-style model gives with `cache_ratio`.
        var cachedFromRatio: Rational?
        var cacheWrite5m: Rational?
        var cacheWrite1h: Rational?
        var imageTokens: Rational?
        var audioInput: Rational?
        var audioOutput: Rational?
        var perRequest: Rational?
        var perCall: [String: Rational] = [:]

        /// These prices set on `price` (the cached read is set with the token prices).
        func apply(to price: inout ModelPrice) {
            price.cacheWrite5mPerToken = cacheWrite5m
            price.cacheWrite1hPerToken = cacheWrite1h
            price.imageTokenPerToken = imageTokens
            price.audioInputPerToken = audioInput
            price.audioOutputPerToken = audioOutput
            price.perRequest = perRequest
            price.perCall = perCall
        }
    }

    /// Cache writes, image and audio tokens, fixed and per-call prices (SPEC §2.3), in either
    /// style. Ratio style scales the input price the way new-api's formula does
    /// (`service/text_quota.go`, `service/quota.go`): see `readInputRatios`; model_price = USD
    /// per request.
    mutating func readGatewayDimensions(
        _ object: JSONObject, path: String, input: Rational?, isRatioStyle: Bool,
        hasListPrices: Bool
    ) -> GatewayDimensions {
        var d = GatewayDimensions()
        d.cacheWrite5m = perUnit(object, path: path, "cache_write_5m")
        d.cacheWrite1h = perUnit(object, path: path, "cache_write_1h")
        d.imageTokens = perUnit(object, path: path, "image_tokens")
        d.audioInput = perUnit(object, path: path, "audio_input")
        d.audioOutput = perUnit(object, path: path, "audio_output")
        let listDimensions =
            d.cacheWrite5m != nil || d.cacheWrite1h != nil || d.imageTokens != nil
            || d.audioInput != nil || d.audioOutput != nil
        if listDimensions, input == nil {
            error(path, "cache-write, image-token and audio prices need an input price")
        }
        d.perRequest = readFixedPrice(object, path: path, hasListPrices: hasListPrices)
        d.perCall = readPerCall(object, path: path)
        let ratioKeys = Self.inputRatioKeys.filter { object[$0] != nil }
        guard !ratioKeys.isEmpty else { return d }
        guard isRatioStyle else {
            error(path + "." + ratioKeys[0], "\(ratioKeys[0]) without model_ratio")
            return d
        }
        if listDimensions {
            error(path + "." + ratioKeys[0], "\(ratioKeys[0]) together with per-token prices; give one style")
            return d
        }
        guard let input else { return d }
        readInputRatios(object, path: path, input: input, into: &d)
        return d
    }

    /// `per_request`, or one-api's `model_price` (USD per request, never with `model_ratio`).
    mutating func readFixedPrice(_ object: JSONObject, path: String, hasListPrices: Bool) -> Rational? {
        var perRequest: Rational?
        if let value = object["per_request"] {
            perRequest = rational(value, path: path + ".per_request", positive: false)
        }
        guard let value = object["model_price"] else { return perRequest }
        if object["per_request"] != nil {
            error(path + ".model_price", "model_price together with per_request; give one")
        }
        if object["model_ratio"] != nil {
            error(
                path + ".model_price",
                "model_price together with model_ratio; the gateway prices a model one way (model_price wins there), give one"
            )
        }
        if hasListPrices, object["model_ratio"] == nil {
            error(path + ".model_price", "model_price together with input/output prices; give one style")
        }
        if let currency = object["currency"]?.stringValue, currency != "USD" {
            error(
                path + ".model_price",
                "one-api prices are in USD; remove \"currency\": \"\(currency)\" (or use per_request)")
        }
        if let price = rational(value, path: path + ".model_price", positive: false) {
            perRequest = price
        }
        return perRequest
    }

    /// `per_call`: tool name → price per call.
    mutating func readPerCall(_ object: JSONObject, path: String) -> [String: Rational] {
        guard let value = object["per_call"] else { return [:] }
        guard let table = value.objectValue else {
            error(
                path + ".per_call",
                "expected an object of tool → price per call, e.g. {\"web_search\": \"0.01\"}, found \(value.typeName)"
            )
            return [:]
        }
        var perCall: [String: Rational] = [:]
        for (tool, item) in table.pairs where !Self.isCommentKey(tool) {
            if tool.isEmpty { error(path + ".per_call", "an empty tool name"); continue }
            if let price = rational(item, path: path + ".per_call[\(Self.quoted(tool))]", positive: false) {
                perCall[tool] = price
            }
        }
        return perCall
    }

    /// The ratio-style dimensions, each the input price scaled: cached = input × cache_ratio;
    /// 5-minute write = input × cache_creation_ratio; 1-hour write = input ×
    /// cache_creation_ratio_1h, else the float64 product cache_creation_ratio × 1.6 the gateway
    /// computes; image tokens = input × image_ratio; audio input = input × audio_ratio; audio
    /// output = input × audio_ratio × audio_completion_ratio (an absent audio_ratio is 1, as
    /// `GetAudioRatio` returns).
    mutating func readInputRatios(
        _ object: JSONObject, path: String, input: Rational, into d: inout GatewayDimensions
    ) {
        func ratio(_ reader: inout CatalogReader, _ key: String) -> Rational? {
            object[key].flatMap { reader.rational($0, path: path + "." + key, positive: false) }
        }
        func scaled(_ r: Rational?) -> Rational? { r.flatMap { try? input.multiplied(by: $0) } }
        d.cachedFromRatio = scaled(ratio(&self, "cache_ratio"))
        let creation = ratio(&self, "cache_creation_ratio")
        d.cacheWrite5m = scaled(creation)
        if let oneHour = ratio(&self, "cache_creation_ratio_1h") {
            d.cacheWrite1h = scaled(oneHour)
        } else if let creation {
            d.cacheWrite1h = scaled(GatewayFloat.product(creation, Self.oneHourCacheWriteMultiplier))
        }
        d.imageTokens = scaled(ratio(&self, "image_ratio"))
        let audio = ratio(&self, "audio_ratio")
        let audioCompletion = ratio(&self, "audio_completion_ratio")
        if audio != nil || audioCompletion != nil {
            let audioRatio = audio ?? .one
            d.audioInput = scaled(audioRatio)
            d.audioOutput = scaled(try? audioRatio.multiplied(by: audioCompletion ?? .one))
        }
    }

    mutating func perCharacterPrice(_ object: JSONObject, path: String) -> Rational? {
        let perK = object["per_1k_characters"].flatMap {
            rational($0, path: path + ".per_1k_characters", positive: false)
        }
        let perM = object["per_1m_characters"].flatMap {
            rational($0, path: path + ".per_1m_characters", positive: false)
        }
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
        guard let object = value.objectValue else {
            error(path, "expected an object of figures, found \(value.typeName)"); return []
        }
        var figures: [PublishedFigure] = []
        for (key, item) in object.pairs where !Self.isCommentKey(key) {
            let at = path + ".\(key)"
            guard PublishedKey(rawValue: key) != nil else {
                error(
                    at,
                    "unknown published figure; expected one of \(PublishedKey.allCases.map(\.rawValue).joined(separator: ", "))"
                )
                continue
            }
            guard let text = item.stringValue ?? item.numberText else {
                error(at, "expected a decimal string, found \(item.typeName)")
                continue
            }
            guard let parsed = DecimalText(text), parsed.exponent == 0, !text.contains("e"), !text.contains("E"),
                !parsed.negative, let number = try? Rational(parsing: text)
            else {
                error(
                    at,
                    "expected a plain non-negative decimal as printed on the page (no exponent, no fraction), found '\(text)'"
                )
                continue
            }
            figures.append(PublishedFigure(key: key, text: text, value: number, scale: parsed.fraction.count))
        }
        return figures
    }
}
