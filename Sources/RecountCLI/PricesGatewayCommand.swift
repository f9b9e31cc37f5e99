import ArgumentParsing
import Foundation
import RecountKit

/// `recount prices import` and `recount prices snapshot` (logic in
/// `RecountKit.GatewayCatalogFile`; this parses the options, prints, exits).
struct PricesGatewayCommand {
    static let settings = Option(
        "--settings", "FILE",
        "the gateway's price settings: a JSON object of option name → value (the JSON text the options table stores, or an object), or the answer of GET /api/option/"
    )
    static let out = Option("--out", "CATALOG", "import: the catalog to write (replaced)")
    static let catalog = Option("--catalog", "CATALOG", "snapshot: the catalog to append to (created when missing)")
    static let effectiveFrom = Option(
        "--effective-from", "T", "when the version takes effect: RFC 3339 with offset, or Unix seconds (default: now)")
    static let unit = Option("--unit", "NAME", "the site's own unit (e.g. points), recorded as unit.site")
    static let perCurrency = Option("--per-currency", "N", "site units per unit of --currency (e.g. 10000 per CNY)")
    static let currency = Option("--currency", "C", "the currency a buyer pays in")
    static let topupRate = Option("--topup-rate", "R", "what a buyer pays in that currency per $1 of quota")
    static let siteScale = Option("--site-scale", "N", "the decimals reports show site-unit figures with (default 0)")
    static let options = [
        InputOptions.gatewayDatabase, InputOptions.passwordFile, settings, out, catalog, effectiveFrom, unit,
        perCurrency, currency, topupRate, siteScale,
    ]

    typealias Mode = GatewayCatalogFile.Mode
    enum Source {
        case settingsFile(String)
        case gatewayDatabase(String)
    }

    let mode: Mode
    let source: Source
    let passwordFile: String?
    let catalogPath: String
    let effectiveFrom: Timestamp?
    let site: PriceCatalog.SiteUnit?

    init(_ mode: Mode, arguments: Arguments) throws {
        self.mode = mode
        let name = mode == .import ? "prices import" : "prices snapshot"
        guard arguments.positionals.count == 1 else {
            throw UsageError("'\(name)' takes no FILE argument; give --settings FILE or --gateway-db URL")
        }
        switch (try arguments.value(Self.settings), try arguments.value(InputOptions.gatewayDatabase)) {
        case (let file?, nil): source = .settingsFile(file)
        case (nil, let url?): source = .gatewayDatabase(url)
        case (nil, nil): throw UsageError("'\(name)' needs --settings FILE or --gateway-db URL")
        default: throw UsageError("give --settings or --gateway-db, not both")
        }
        passwordFile = try arguments.value(InputOptions.passwordFile)
        if passwordFile != nil, case .settingsFile = source {
            throw UsageError("--db-password-file goes with --gateway-db URL")
        }
        let outputOption = (mode == .import ? Self.out : Self.catalog).name
        let wrongOption = (mode == .import ? Self.catalog : Self.out).name
        if try arguments.value(wrongOption) != nil {
            throw UsageError("'\(name)' writes \(outputOption) CATALOG, not \(wrongOption)")
        }
        guard let path = try arguments.value(outputOption), !path.isEmpty else {
            throw UsageError("'\(name)' needs \(outputOption) CATALOG")
        }
        catalogPath = path
        if let text = try arguments.value(Self.effectiveFrom) {
            guard let time = Timestamp(rfc3339: text) ?? Timestamp(unixNumber: text) else {
                throw UsageError("--effective-from takes an RFC 3339 time with offset or Unix seconds, not '\(text)'")
            }
            effectiveFrom = time
        } else {
            effectiveFrom = nil
        }
        let siteValues = try [Self.unit, Self.perCurrency, Self.currency, Self.topupRate].map {
            try arguments.value($0)
        }
        let siteScale = try arguments.integer(Self.siteScale, in: 0...12)
        if siteValues.allSatisfy({ $0 == nil }) {
            if siteScale != nil { throw UsageError("--site-scale goes with --unit NAME (the site's unit)") }
            site = nil
        } else {
            guard let unit = siteValues[0], let perCurrency = siteValues[1], let currency = siteValues[2],
                let rate = siteValues[3]
            else {
                throw UsageError(
                    "the site's unit needs all of --unit NAME --per-currency N --currency C --topup-rate R")
            }
            func positive(_ option: String, _ text: String) throws -> Rational {
                guard let value = try? Rational(parsing: text), value > .zero else {
                    throw UsageError("\(option) takes a positive decimal or fraction, not '\(text)'")
                }
                return value
            }
            guard !unit.isEmpty, !currency.isEmpty else { throw UsageError("--unit and --currency must not be empty") }
            site = PriceCatalog.SiteUnit(
                name: unit, currency: currency, perCurrency: try positive("--per-currency", perCurrency),
                topupRate: try positive("--topup-rate", rate), scale: siteScale ?? 0)
        }
    }

    func run(console: Console) throws -> ExitStatus {
        do {
            let settings: GatewaySettings
            switch source {
            case .gatewayDatabase(let url):
                settings = try GatewayCatalogFile.settings(databaseURL: url, passwordFile: passwordFile)
            case .settingsFile(let path):
                settings = try GatewayCatalogFile.settings(file: path)
            }
            let options = GatewayImportOptions(effectiveFrom: effectiveFrom ?? Self.now(), site: site)
            console.out(
                try GatewayCatalogFile.update(
                    mode, settings: settings, catalogPath: catalogPath, options: options,
                    warn: { console.error("warning: \($0)") }))
        } catch {
            switch error {
            case .missing: throw CommandFailure(.noInput, error.description)
            case .io: throw CommandFailure(.ioError, error.description)
            case .invalid: throw CommandFailure(.dataError, error.description)
            case .database(let database): throw CommandFailure.of(database)
            }
        }
        return .success
    }

    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
