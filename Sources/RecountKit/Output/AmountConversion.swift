/// A ledger amount shown in another unit: the site's own unit (`unit.site`, points) or money
/// (`--also-currency CUR`), SPEC §4.1.
///
/// Why a display-only conversion: debits, charges and credits stay in the ledger's unit (the
/// gateway's quota), which is what the gateway debits and what a credit is booked in; finance
/// and an account holder think in what the site sells (points) or in money, so the reports add
/// those figures beside the ledger's. Each shown figure is the exact ledger figure × `factor`,
/// rounded once at `scale` with `AmountConversion.rounding` — never a sum of rounded figures
/// (the one exception, a statement's TOTAL row, is documented there).
public struct AmountConversion: Sendable, Equatable {
    /// Which columns the conversion fills: `…_site` or `…_money`.
    public enum Kind: String, Sendable {
        case site
        case money
    }

    /// Half away from zero, as a spreadsheet's `ROUND` does: finance can redo any figure.
    public static let rounding = RoundingMode.half_away_from_zero
    /// Decimals of a money figure (`--also-currency CUR`): CUR's minor unit in ISO 4217 — 0 for
    /// the yen or the won (a finance sheet in JPY has no sen), 3 for the dinars of Bahrain,
    /// Iraq, Jordan, Kuwait, Libya and Tunisia and the Omani rial, 4 for the two units of
    /// account — and 2 for every other code (CNY, USD, EUR, …).
    public static func moneyScale(_ currency: String) -> Int {
        switch currency {
        case "BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI", "VND", "VUV", "XAF",
            "XOF", "XPF":
            0
        case "BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND": 3
        case "CLF", "UYW": 4
        default: 2
        }
    }

    public let kind: Kind
    /// The site unit's name (`points`) or the currency (`CNY`).
    public let name: String
    /// What one ledger unit is worth in it, exact (`7.3 × 10000 / 500000` = 0.146 points per quota).
    public let factor: Rational
    /// Decimals each shown figure is rounded to.
    public let scale: Int
    /// The conversion in words, as `summary.json` states it.
    public let formula: String

    public init(kind: Kind, name: String, factor: Rational, scale: Int, formula: String) {
        self.kind = kind
        self.name = name
        self.factor = factor
        self.scale = scale
        self.formula = formula
    }

    /// `units` of the ledger converted and rounded once (`Rational` throughout; a value too
    /// large for exact arithmetic — far beyond any ledger — shows as nil, an empty cell).
    public func shown(_ units: Rational) -> Rational? {
        try? units.multiplied(by: factor).rounded(scale: scale, mode: Self.rounding)
    }

    /// The rounded figure as a plain decimal with exactly `scale` decimals.
    public func text(_ units: Rational) -> String {
        shown(units).map { Amounts.format($0, scale: scale) } ?? ""
    }

    /// The site's unit of a catalog that declares one: units / unit.per_currency × topup_rate
    /// × site.per_currency, at the site unit's scale.
    public static func site(of unit: PriceCatalog.Unit?) -> AmountConversion? {
        guard let unit, let site = unit.site,
            let factor = try? site.amount(ofLedgerUnits: .one, ledger: unit)
        else { return nil }
        return AmountConversion(
            kind: .site, name: site.name, factor: factor, scale: site.scale,
            formula:
                "\(site.name) = \(unit.name) / \(exact(unit.perCurrency)) × \(exact(site.topupRate)) (topup_rate, \(site.currency) per \(unit.currency)) × \(exact(site.perCurrency)) (\(site.name) per \(site.currency))"
        )
    }

    /// `--also-currency CUR`: money from the ledger's unit.
    ///
    /// - the site's currency (with `unit.site`): units / unit.per_currency × topup_rate — what
    ///   the buyer paid for them;
    /// - the ledger's own currency: units / unit.per_currency;
    /// - another currency: units / unit.per_currency / exchange_rates[CUR], the rate of the
    ///   latest version that lists CUR (one rate for the whole report, stated in `summary.json`).
    ///
    /// Anything else is a `ConversionError` naming what is missing.
    public static func money(_ currency: String, catalog: PriceCatalog) throws(ConversionError) -> AmountConversion {
        let unit = catalog.unit
        let ledgerMoney = "\(unit.name) / \(exact(unit.perCurrency)) (\(unit.name) per \(unit.currency))"
        do {
            let perUnit = try Rational.one.divided(by: unit.perCurrency)
            if let site = unit.site, currency == site.currency {
                return AmountConversion(
                    kind: .money, name: currency, factor: try perUnit.multiplied(by: site.topupRate),
                    scale: moneyScale(currency),
                    formula:
                        "\(currency) = \(ledgerMoney) × \(exact(site.topupRate)) (topup_rate, \(site.currency) per \(unit.currency))"
                )
            }
            if currency == unit.currency {
                return AmountConversion(
                    kind: .money, name: currency, factor: perUnit, scale: moneyScale(currency),
                    formula: "\(currency) = \(ledgerMoney)")
            }
            if let version = catalog.versions.last(where: { $0.exchangeRates[currency] != nil }),
                let rate = version.exchangeRates[currency]
            {
                return AmountConversion(
                    kind: .money, name: currency, factor: try perUnit.divided(by: rate), scale: moneyScale(currency),
                    formula:
                        "\(currency) = \(ledgerMoney) / \(exact(rate)) (exchange_rates.\(currency) of version \(version.id), \(unit.currency) per \(currency))"
                )
            }
        } catch {
            throw ConversionError(currency: currency, reason: "the conversion overflows exact arithmetic (\(error))")
        }
        var known = [unit.currency]
        if let site = unit.site, site.currency != unit.currency { known.append(site.currency) }
        let siteNote = unit.site.map { " and \($0.currency) (unit.site's currency, at its topup_rate)" } ?? ""
        throw ConversionError(
            currency: currency,
            reason:
                "the catalog converts its \(unit.name) only to \(unit.currency) (its unit currency)\(siteNote); no version lists \"exchange_rates\": {\"\(currency)\": …} (\(unit.currency) per 1 \(currency))"
        )
    }

    static func exact(_ value: Rational) -> String { ExactText.text(value) }

    /// `factor` exactly, for `summary.json`: a decimal when it terminates, else `n/d`
    /// (`1/71000`), which a spreadsheet reads as a formula.
    public var factorText: String {
        if let scale = factor.terminatingScale, scale <= 18, let text = factor.decimalString(scale: scale) {
            return text
        }
        return "\(factor.numerator)/\(factor.denominator)"
    }
}

/// `--also-currency CUR` the catalog cannot convert to (exit 64).
public struct ConversionError: RecountFailure, Sendable {
    public let currency: String
    public let reason: String
    public var description: String { "--also-currency \(currency): \(reason)" }
    /// The catalog has no rate to that currency: the flag asked for what cannot be given (64).
    public var status: ExitStatus { .usage }
}

/// The conversions of one report: the site's unit when the catalog declares one, then money
/// when asked. Empty for the classic sample, whose reports stay byte-identical.
public struct ReportConversions: Sendable, Equatable {
    public var site: AmountConversion?
    public var money: AmountConversion?

    public init(site: AmountConversion? = nil, money: AmountConversion? = nil) {
        self.site = site
        self.money = money
    }

    public init(unit: PriceCatalog.Unit?, money: AmountConversion?) {
        self.init(site: AmountConversion.site(of: unit), money: money)
    }

    /// Site first, then money: the order of their columns.
    public var all: [AmountConversion] { [site, money].compactMap { $0 } }
}
