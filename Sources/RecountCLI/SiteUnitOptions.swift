import ArgumentParsing
import RecountKit

/// `--unit NAME --per-currency N --currency C --topup-rate R [--site-scale N]` of `prices
/// import` / `snapshot`: the site's own unit (SPEC §4.1), recorded as the catalog's
/// `unit.site` — all four or none.
struct SiteUnitOptions: OptionGroup {
    static let unit = Option("--unit", "NAME", "the site's own unit (e.g. points), recorded as unit.site")
    static let perCurrency = Option("--per-currency", "N", "site units per unit of --currency (e.g. 10000 per CNY)")
    static let currency = Option("--currency", "C", "the currency a buyer pays in")
    static let topupRate = Option("--topup-rate", "R", "what a buyer pays in that currency per $1 of quota")
    static let siteScale = Option("--site-scale", "N", "the decimals reports show site-unit figures with (default 0)")
    static let options = [unit, perCurrency, currency, topupRate, siteScale]

    let site: PriceCatalog.SiteUnit?

    init(_ arguments: Arguments) throws(UsageError) {
        var values: [String?] = []
        for option in [Self.unit, Self.perCurrency, Self.currency, Self.topupRate] {
            values.append(try arguments.value(option))
        }
        let scale = try arguments.integer(Self.siteScale, in: 0...12)
        if values.allSatisfy({ $0 == nil }) {
            if scale != nil { throw UsageError("--site-scale goes with --unit NAME (the site's unit)") }
            site = nil
            return
        }
        guard let unit = values[0], let perCurrency = values[1], let currency = values[2], let rate = values[3] else {
            throw UsageError("the site's unit needs all of --unit NAME --per-currency N --currency C --topup-rate R")
        }
        guard !unit.isEmpty, !currency.isEmpty else { throw UsageError("--unit and --currency must not be empty") }
        site = PriceCatalog.SiteUnit(
            name: unit, currency: currency, perCurrency: try Self.positive(Self.perCurrency, perCurrency),
            topupRate: try Self.positive(Self.topupRate, rate), scale: scale ?? 0)
    }

    static func positive(_ option: Option, _ text: String) throws(UsageError) -> Rational {
        guard let value = try? Rational(parsing: text), value > .zero else {
            throw UsageError("\(option.name) takes a positive decimal or fraction, not '\(text)'")
        }
        return value
    }
}
