import TokenCounter

/// One price version of the catalog: its fields, each read by a function of its own, and its models.
extension CatalogReader {
    mutating func readVersion(_ value: JSONValue, index: Int, unit: PriceCatalog.Unit) -> PriceVersion? {
        let path = "versions[\(index)]"
        guard let object = value.objectValue else {
            error(path, "expected an object, found \(value.typeName)"); return nil
        }
        checkKeys(
            object, path: path,
            known: [
                "id", "effective_from", "exchange_rates", "rounding", "minimum_charge",
                "charge_failed_requests", "groups", "models",
            ])
        let id = requiredString(object, "id", path: path)
        let effectiveFrom = readEffectiveFrom(object, path: path)
        let rounding = readRounding(object, path: path)
        let minimumCharge = readMinimumCharge(object, path: path, unit: unit)
        let chargeFailed = readChargeFailed(object, path: path)
        let groups = rationalTable(object["groups"], path: path + ".groups", positive: false)
        var rates = rationalTable(object["exchange_rates"], path: path + ".exchange_rates", positive: true)
        if let own = rates[unit.currency], own != .one {
            error(
                path + ".exchange_rates[\(Self.quoted(unit.currency))]",
                "the unit currency's rate is 1 by definition, found \(own)")
            rates[unit.currency] = nil
        }
        let models = readModels(object, path: path, unit: unit, rates: rates)
        guard let id, let effectiveFrom, let rounding else { return nil }
        return PriceVersion(
            id: id, effectiveFrom: effectiveFrom, rounding: rounding, minimumCharge: minimumCharge,
            chargeFailedRequests: chargeFailed, groups: groups, exchangeRates: rates,
            models: models, listingIndex: index, unitCurrency: unit.currency)
    }

    /// `effective_from`: an RFC 3339 time with offset, or Unix seconds or milliseconds.
    mutating func readEffectiveFrom(_ object: JSONObject, path: String) -> Timestamp? {
        var effectiveFrom: Timestamp?
        switch object["effective_from"] {
        case .string(let text)?:
            effectiveFrom = Timestamp(rfc3339: text)
            if effectiveFrom == nil {
                error(
                    path + ".effective_from",
                    "expected an RFC 3339 time with offset, found '\(text)' (\(Timestamp.rfc3339Problem(text)))")
            }
        case .number(let text)?:
            effectiveFrom = Timestamp(unixNumber: text)
            if effectiveFrom == nil {
                error(path + ".effective_from", "expected Unix seconds or milliseconds, found \(text)")
            }
        case let other?:
            error(
                path + ".effective_from", "expected an RFC 3339 string or a Unix time number, found \(other.typeName)")
        case nil:
            error(
                path + ".effective_from",
                "missing; expected when this version starts, e.g. \"2023-06-01T00:00:00+08:00\"")
        }
        return effectiveFrom
    }

    /// `rounding`: one of the rounding modes by name (required).
    mutating func readRounding(_ object: JSONObject, path: String) -> RoundingMode? {
        var rounding: RoundingMode?
        switch object["rounding"] {
        case .string(let text)?:
            rounding = RoundingMode(rawValue: text)
            if rounding == nil {
                error(
                    path + ".rounding",
                    "unknown rounding mode '\(text)'; expected one of \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", "))"
                )
            }
        case let other?:
            error(path + ".rounding", "expected a string, found \(other.typeName)")
        case nil:
            error(
                path + ".rounding",
                "missing; expected one of \(RoundingMode.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return rounding
    }

    /// `minimum_charge`: a whole debit at the unit's scale.
    mutating func readMinimumCharge(_ object: JSONObject, path: String, unit: PriceCatalog.Unit) -> Rational? {
        var minimumCharge: Rational?
        if let value = object["minimum_charge"] {
            minimumCharge = rational(value, path: path + ".minimum_charge", positive: false)
            if let minimum = minimumCharge, minimum.decimalString(scale: unit.scale) == nil {
                error(path + ".minimum_charge", "\(minimum) is not a whole debit at the unit's scale \(unit.scale)")
                minimumCharge = nil
            }
        }
        return minimumCharge
    }

    /// `charge_failed_requests`: whether a failed request is charged (default false).
    mutating func readChargeFailed(_ object: JSONObject, path: String) -> Bool {
        var chargeFailed = false
        if let value = object["charge_failed_requests"] {
            if let flag = value.boolValue {
                chargeFailed = flag
            } else {
                error(path + ".charge_failed_requests", "expected true or false, found \(value.typeName)")
            }
        }
        return chargeFailed
    }

    /// `models`: each reachable key's price; an unusable entry is left out (with its errors).
    mutating func readModels(
        _ object: JSONObject, path: String, unit: PriceCatalog.Unit, rates: [String: Rational]
    ) -> [(key: String, price: ModelPrice)] {
        var models: [(key: String, price: ModelPrice)] = []
        switch object["models"] {
        case .object(let table)?:
            for (key, value) in table.pairs {
                let modelPath = path + ".models" + "[\(Self.quoted(key))]"
                guard checkModelKey(key, path: modelPath) else { continue }
                if let price = readModel(value, path: modelPath, unitCurrency: unit.currency, rates: rates) {
                    models.append((key, price))
                }
            }
        case let other?:
            error(path + ".models", "expected an object of model prices, found \(other.typeName)")
        case nil:
            error(path + ".models", "missing; expected an object of model prices")
        }
        return models
    }

    /// Keys that no billed model name can ever select are errors (see `PriceCheck` for the
    /// definition): `*` anywhere but the end, an empty key, surrounding whitespace.
    mutating func checkModelKey(_ key: String, path: String) -> Bool {
        let body = key.hasSuffix("*") ? key.dropLast() : Substring(key)
        if body.contains("*") {
            error(
                path,
                "unreachable: '*' is only a wildcard at the end of a key; elsewhere it is taken literally and no model name contains it"
            )
            return false
        }
        if key.isEmpty {
            error(path, "unreachable: an empty model key matches no model (use \"*\" for every model)")
            return false
        }
        if key.first!.isWhitespace || body.last.map(\.isWhitespace) == true {
            error(path, "unreachable: leading or trailing whitespace; model names are matched exactly")
            return false
        }
        return true
    }
}
