/// The figures a price page prints that `recount prices check` can recompute, as
/// `published` keys of a model entry. All are at group multiplier 1.
///
/// - `…_units_per_1k` / `…_units_per_1m` / `…_units_per_token`: account units (points, quota)
///   for 1K / 1M / one token: price × exchange rate × unit.per_currency × model multiplier.
/// - `units_per_token`: a page's single "per token" column; checked against the input price
///   and, when it differs, the output price too.
/// - `…_currency_per_1k`: the unit's currency (¥) per 1K tokens *after* the model multiplier.
/// - `…_list_currency_per_1k`: the unit's currency per 1K tokens *before* the multiplier
///   (a page's "original ¥" column).
/// - `units_per_image` (a flat `per_image` only), `units_per_minute`.
public enum PublishedKey: String, CaseIterable, Sendable {
    case input_units_per_1k, output_units_per_1k, cached_input_units_per_1k
    case input_units_per_1m, output_units_per_1m, cached_input_units_per_1m
    case input_units_per_token, output_units_per_token, units_per_token
    case input_currency_per_1k, output_currency_per_1k
    case input_list_currency_per_1k, output_list_currency_per_1k
    case units_per_image, units_per_minute

    enum Side { case input, cached, output }

    /// The exact values the figure should show (two for `units_per_token` when input and
    /// output prices differ), or nil when the model has no such price.
    func computed(
        for price: ModelPrice, in version: PriceVersion, unit: PriceCatalog.Unit
    ) throws(MoneyError) -> [Rational]? {
        guard let rate = version.exchangeRate(from: price.currency) else { return nil }
        let units = try rate.multiplied(by: unit.perCurrency).multiplied(by: price.multiplier)
        let currency = try rate.multiplied(by: price.multiplier)
        func side(_ side: Side) -> Rational? {
            switch side {
            case .input: price.inputPerToken
            case .cached: price.cachedInputPerToken
            case .output: price.outputPerToken
            }
        }
        func scaled(_ s: Side, _ count: Int, _ factor: Rational) throws(MoneyError) -> [Rational]? {
            guard let perToken = side(s) else { return nil }
            return [try perToken.multiplied(by: Rational(count)).multiplied(by: factor)]
        }
        switch self {
        case .input_units_per_1k: return try scaled(.input, 1000, units)
        case .output_units_per_1k: return try scaled(.output, 1000, units)
        case .cached_input_units_per_1k: return try scaled(.cached, 1000, units)
        case .input_units_per_1m: return try scaled(.input, 1_000_000, units)
        case .output_units_per_1m: return try scaled(.output, 1_000_000, units)
        case .cached_input_units_per_1m: return try scaled(.cached, 1_000_000, units)
        case .input_units_per_token: return try scaled(.input, 1, units)
        case .output_units_per_token: return try scaled(.output, 1, units)
        case .units_per_token:
            let input = try scaled(.input, 1, units)
            let output = try scaled(.output, 1, units)
            if let input, let output, input != output { return input + output }
            return input ?? output
        case .input_currency_per_1k: return try scaled(.input, 1000, currency)
        case .output_currency_per_1k: return try scaled(.output, 1000, currency)
        case .input_list_currency_per_1k: return try scaled(.input, 1000, rate)
        case .output_list_currency_per_1k: return try scaled(.output, 1000, rate)
        case .units_per_image:
            guard case .flat(let perImage)? = price.image else { return nil }
            return [try perImage.multiplied(by: units)]
        case .units_per_minute:
            guard let perMinute = price.perMinute else { return nil }
            return [try perMinute.multiplied(by: units)]
        }
    }
}
