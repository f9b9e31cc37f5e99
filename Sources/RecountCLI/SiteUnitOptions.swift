import ArgumentParsing
import RecountKit

/// `--unit NAME --per-currency N --currency C --topup-rate R [--site-scale N]` of `prices
/// import` / `snapshot`: the site's own unit (SPEC §4.1), recorded as the catalog's
/// `unit.site` — all four or none: each value parses with the command, `site()` checks the set.
struct SiteUnitOptions: ParsableArguments {
    @Option("--unit", "NAME", "the site's own unit (e.g. points), recorded as unit.site") var unit: String?
    @Option("--per-currency", "N", "site units per unit of --currency (e.g. 10000 per CNY)") var perCurrency: String?
    @Option("--currency", "C", "the currency a buyer pays in") var currency: String?
    @Option("--topup-rate", "R", "what a buyer pays in that currency per $1 of quota") var topupRate: String?
    @Option("--site-scale", "N", "the decimals reports show site-unit figures with (default 0)", in: 0...12)
    var siteScale: Int?

    func site() throws(UsageError) -> PriceCatalog.SiteUnit? {
        if unit == nil, perCurrency == nil, currency == nil, topupRate == nil {
            if siteScale != nil { throw UsageError("--site-scale goes with --unit NAME (the site's unit)") }
            return nil
        }
        guard let unit, let perCurrency, let currency, let topupRate else {
            throw UsageError("the site's unit needs all of --unit NAME --per-currency N --currency C --topup-rate R")
        }
        guard !unit.isEmpty, !currency.isEmpty else { throw UsageError("--unit and --currency must not be empty") }
        return PriceCatalog.SiteUnit(
            name: unit, currency: currency, perCurrency: try Self.positive("--per-currency", perCurrency),
            topupRate: try Self.positive("--topup-rate", topupRate), scale: siteScale ?? 0)
    }

    static func positive(_ name: String, _ text: String) throws(UsageError) -> Rational {
        guard let value = try? Rational(parsing: text), value > .zero else {
            throw UsageError("\(name) takes a positive decimal or fraction, not '\(text)'")
        }
        return value
    }
}
