/// The charge formula of SPEC §2.4 (normative), in one place.
public enum Pricing {
    /// What `model` in `group` should have cost for `usage`, under the version in force at
    /// `time` (the request's *start*).
    ///
    /// Steps: pick the version (`[effective_from, next)`); pick the price (exact key, then the
    /// longest `prefix*`); list = Σ quantity × per-unit price (cached prompt tokens at the cached
    /// price only where the model has one, likewise cache writes, image and audio tokens; a
    /// fixed `per_request` price once; tool calls at their `per_call` price; tokens only where
    /// the model has token prices; per
    /// image by `"<quality> <size>"` unless quality is absent or `standard`; minutes =
    /// seconds / 60 exactly); amount = list × exchange rate × unit.per_currency × model
    /// multiplier × group multiplier (an unlisted group is 1); charge = amount rounded once at
    /// unit.scale with the version's mode; the minimum charge replaces a 0 charge of a positive
    /// amount; status ≥ 400 costs 0 unless the version charges failed requests.
    public static func expectedCharge(
        usage: ChargeUsage, model: String, group: String, status: Int,
        at time: Timestamp, catalog: PriceCatalog
    ) -> ChargeResult {
        let failed = status >= 400
        guard let version = catalog.version(at: time) else {
            if failed { return .notBillable(nil) }
            let first = catalog.versions.first.map { " (the first starts \($0.effectiveFrom))" } ?? ""
            return .unpriced(reason: "no price version in force at \(time)\(first)")
        }
        let billable = !failed || version.chargeFailedRequests
        guard let (key, price) = version.price(forModel: model) else {
            return billable
                ? .unpriced(reason: "no price for model '\(model)' in version '\(version.id)'") : .notBillable(nil)
        }
        let breakdown: ChargeBreakdown
        do {
            breakdown = try compute(
                usage: usage, key: key, price: price, group: group, billable: billable,
                version: version, unit: catalog.unit)
        } catch let failure as PricingFailure {
            return billable ? .unpriced(reason: failure.reason) : .notBillable(nil)
        } catch {
            let reason = "cannot price model '\(model)' in version '\(version.id)': \(error)"
            return billable ? .unpriced(reason: reason) : .notBillable(nil)
        }
        return billable ? .priced(breakdown) : .notBillable(breakdown)
    }

    struct PricingFailure: Error { let reason: String }

    static func compute(
        usage: ChargeUsage, key: String, price: ModelPrice, group: String, billable: Bool,
        version: PriceVersion, unit: PriceCatalog.Unit
    ) throws -> ChargeBreakdown {
        let terms = try listTerms(usage: usage, key: key, price: price, versionID: version.id)
        var list = Rational.zero
        for term in terms { list = try list.adding(term.subtotal) }
        guard let rate = version.exchangeRate(from: price.currency) else {
            throw PricingFailure(reason: "no \(price.currency) exchange rate in version '\(version.id)'")
        }
        let (groupMultiplier, groupIsListed) = version.groupMultiplier(group)
        let amount = try list.multiplied(by: rate).multiplied(by: unit.perCurrency)
            .multiplied(by: price.multiplier).multiplied(by: groupMultiplier)
        var charge = try amount.rounded(scale: unit.scale, mode: version.rounding)
        var minimumApplied = false
        if billable, amount > .zero, charge.isZero, let minimum = version.minimumCharge {
            charge = minimum
            minimumApplied = true
        }
        return ChargeBreakdown(
            versionID: version.id, modelKey: key, terms: terms, list: list, listCurrency: price.currency,
            exchangeRate: rate, perCurrency: unit.perCurrency, modelMultiplier: price.multiplier,
            groupMultiplier: groupMultiplier, groupIsListed: groupIsListed, amount: amount,
            rounding: version.rounding, scale: unit.scale, charge: charge, minimumChargeApplied: minimumApplied)
    }

    /// The list-price lines for every dimension the model is priced in.
    static func listTerms(usage: ChargeUsage, key: String, price: ModelPrice, versionID: String) throws -> [ChargeTerm]
    {
        var list = TermList(currency: price.currency, key: key, versionID: versionID)
        if let perRequest = price.perRequest {
            try list.add("request", .one, perRequest)
        }
        if price.hasTokenPrices {
            try tokenTerms(usage: usage, price: price, into: &list)
        }
        try toolCallTerms(usage: usage, price: price, into: &list)
        if let image = price.image {
            try imageTerms(usage: usage, image: image, into: &list)
        }
        if let perMinute = price.perMinute {
            guard let seconds = usage.audioSeconds, !seconds.isNegative else {
                throw PricingFailure(
                    reason: "\(list.model) is priced per minute but the request has no audio duration")
            }
            try list.add("minutes", try seconds.divided(by: Rational(60)), perMinute)
        }
        if let perCharacter = price.perCharacter {
            guard let characters = usage.characters, characters >= 0 else {
                throw PricingFailure(
                    reason: "\(list.model) is priced per character but the request has no character count")
            }
            try list.add("characters", Rational(characters), perCharacter)
        }
        return list.terms
    }

    /// The terms of one charge as they are listed, in the model's list currency.
    struct TermList {
        let currency: String
        let key: String
        let versionID: String
        var terms: [ChargeTerm] = []

        /// For messages only: built when one is (a string per request otherwise).
        var model: String { "model '\(key)' in version '\(versionID)'" }

        @inline(__always)
        mutating func add(_ label: String, _ quantity: Rational, _ unitPrice: Rational) throws {
            terms.append(
                ChargeTerm(
                    label: label, quantity: quantity, unitPrice: unitPrice, currency: currency,
                    subtotal: try quantity.multiplied(by: unitPrice)))
        }

        /// `count` tokens at `unitPrice`; tokens with no price to bill them at are a failure.
        @inline(__always)
        mutating func tokens(_ label: String, _ count: Int, _ unitPrice: Rational?, _ priceName: String) throws {
            if let unitPrice {
                try add(label, Rational(count), unitPrice)
            } else if count > 0 {
                throw PricingFailure(reason: "\(model) has no \(priceName) price for \(count) \(label) tokens")
            }
        }
    }

    /// Prompt, cached, completion and the tokens with a price of their own (cache writes, image
    /// and audio tokens).
    @inline(__always)
    static func tokenTerms(usage: ChargeUsage, price: ModelPrice, into list: inout TermList) throws {
        guard usage.promptTokens >= 0, usage.completionTokens >= 0, usage.cachedPromptTokens >= 0,
            usage.cacheWrite5mTokens >= 0, usage.cacheWrite1hTokens >= 0, usage.imageTokens >= 0,
            usage.audioInputTokens >= 0, usage.audioOutputTokens >= 0
        else {
            throw PricingFailure(reason: "negative token count")
        }
        // Tokens with a price of their own come out of the prompt (completion); what is left
        // is billed at the input (output) price and, like new-api's base, never below 0.
        var separate: [(label: String, count: Int, price: Rational)] = []
        var takenFromPrompt = 0
        func own(_ label: String, _ count: Int, _ unitPrice: Rational?) {
            guard let unitPrice, count > 0 else { return }
            separate.append((label, count, unitPrice))
            takenFromPrompt += count
        }
        own("cache write (5m)", usage.cacheWrite5mTokens, price.cacheWrite5mPerToken)
        own("cache write (1h)", usage.cacheWrite1hTokens, price.cacheWrite1hPerToken)
        own("image tokens", usage.imageTokens, price.imageTokenPerToken)
        own("audio input", usage.audioInputTokens, price.audioInputPerToken)
        if let cachedPrice = price.cachedInputPerToken {
            let cached = min(usage.cachedPromptTokens, usage.promptTokens)
            try list.tokens(
                "uncached prompt", max(usage.promptTokens - cached - takenFromPrompt, 0), price.inputPerToken,
                "input")
            try list.add("cached prompt", Rational(cached), cachedPrice)
        } else {
            try list.tokens("prompt", max(usage.promptTokens - takenFromPrompt, 0), price.inputPerToken, "input")
        }
        for term in separate { try list.add(term.label, Rational(term.count), term.price) }
        if let audioOutput = price.audioOutputPerToken, usage.audioOutputTokens > 0 {
            try list.tokens(
                "completion", max(usage.completionTokens - usage.audioOutputTokens, 0), price.outputPerToken,
                "output")
            try list.add("audio output", Rational(usage.audioOutputTokens), audioOutput)
        } else {
            try list.tokens("completion", usage.completionTokens, price.outputPerToken, "output")
        }
    }

    /// One term per tool called (web search, …), by tool name, at the model's `per_call` price.
    @inline(__always)
    static func toolCallTerms(usage: ChargeUsage, price: ModelPrice, into list: inout TermList) throws {
        for (tool, calls) in usage.toolCalls.sorted(by: { $0.key < $1.key }) where calls != 0 {
            guard calls > 0 else { throw PricingFailure(reason: "negative \(tool) call count") }
            guard let perCall = price.perCall[tool] else {
                throw PricingFailure(reason: "\(list.model) has no per_call price for \(calls) \(tool) calls")
            }
            try list.add("\(tool) calls", Rational(calls), perCall)
        }
    }

    /// Generated images: a flat price each, or the price of the request's size (and quality).
    static func imageTerms(usage: ChargeUsage, image: ModelPrice.ImagePrice, into list: inout TermList) throws {
        let count = usage.imageCount ?? 1
        guard count >= 0 else { throw PricingFailure(reason: "negative image count") }
        switch image {
        case .flat(let perImage):
            try list.add("images", Rational(count), perImage)
        case .bySize(let sizes):
            guard let size = usage.imageSize else {
                throw PricingFailure(reason: "\(list.model) is priced per image size but the request has no size")
            }
            let quality = usage.imageQuality.flatMap { $0 == "standard" ? nil : $0 }
            let sizeKey = quality.map { "\($0) \(size)" } ?? size
            guard let perImage = sizes[sizeKey] else {
                throw PricingFailure(reason: "\(list.model) has no per_image price for '\(sizeKey)'")
            }
            try list.add("images (\(sizeKey))", Rational(count), perImage)
        }
    }
}
