import Foundation
import GatewayDB
import RecountKit

/// `recount prices import` and `recount prices snapshot` (logic in
/// `RecountKit.GatewayCatalogFile`; this parses the options, prints, exits).
struct PricesGatewayCommand {
    static let options: Set<String> = [
        "--gateway-db", "--db-password-file", "--settings", "--out", "--catalog", "--effective-from",
        "--unit", "--per-currency", "--currency", "--topup-rate", "--site-scale",
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
        switch (try arguments.value("--settings"), try arguments.value("--gateway-db")) {
        case (let file?, nil): source = .settingsFile(file)
        case (nil, let url?): source = .gatewayDatabase(url)
        case (nil, nil): throw UsageError("'\(name)' needs --settings FILE or --gateway-db URL")
        default: throw UsageError("give --settings or --gateway-db, not both")
        }
        passwordFile = try arguments.value("--db-password-file")
        if passwordFile != nil, case .settingsFile = source {
            throw UsageError("--db-password-file goes with --gateway-db URL")
        }
        let outputOption = mode == .import ? "--out" : "--catalog"
        let wrongOption = mode == .import ? "--catalog" : "--out"
        if try arguments.value(wrongOption) != nil {
            throw UsageError("'\(name)' writes \(outputOption) CATALOG, not \(wrongOption)")
        }
        guard let path = try arguments.value(outputOption), !path.isEmpty else {
            throw UsageError("'\(name)' needs \(outputOption) CATALOG")
        }
        catalogPath = path
        if let text = try arguments.value("--effective-from") {
            guard let time = Timestamp(rfc3339: text) ?? Timestamp(unixNumber: text) else {
                throw UsageError("--effective-from takes an RFC 3339 time with offset or Unix seconds, not '\(text)'")
            }
            effectiveFrom = time
        } else {
            effectiveFrom = nil
        }
        let siteValues = try ["--unit", "--per-currency", "--currency", "--topup-rate"].map { try arguments.value($0) }
        let siteScale = try arguments.integer("--site-scale", in: 0...12)
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
                let (rows, source) = try GatewayOptionRows.read(databaseURL: url, passwordFile: passwordFile)
                settings = try GatewayCatalogFile.settings(optionRows: rows, source: source)
            case .settingsFile(let path):
                settings = try GatewayCatalogFile.settings(file: path)
            }
            let options = GatewayImportOptions(effectiveFrom: effectiveFrom ?? Self.now(), site: site)
            console.out(
                try GatewayCatalogFile.update(
                    mode, settings: settings, catalogPath: catalogPath, options: options,
                    warn: { console.error("warning: \($0)") }))
        } catch let error as GatewayCatalogFile.Failure {
            switch error {
            case .missing: throw CommandFailure(.noInput, error.description)
            case .io: throw CommandFailure(.ioError, error.description)
            case .invalid: throw CommandFailure(.dataError, error.description)
            }
        }
        return .success
    }

    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}

/// `--gateway-db URL`: the gateway's `options` rows as (key, value) pairs, read in one read-only
/// transaction (`GatewayDatabase.readOptions`); a NULL value reads as empty. The source's name
/// for messages is the URL without its password.
enum GatewayOptionRows {
    static func read(
        databaseURL: String, passwordFile: String?
    ) throws -> (rows: [(key: String, value: String)], source: String) {
        let source = try InputOptions.gatewaySource(url: databaseURL, passwordFile: passwordFile)
        do {
            let rows = try GatewayDatabase.readOptions(source.url, credentials: source.credentials)
            return (rows.map { (key: $0.key, value: $0.value ?? "") }, source.description + " options")
        } catch {
            throw CommandFailure.of(error)
        }
    }
}
