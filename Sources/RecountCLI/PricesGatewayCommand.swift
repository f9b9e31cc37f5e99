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
    static let options =
        [
            InputOptions.gatewayDatabase, InputOptions.passwordFile, settings, out, catalog, effectiveFrom,
        ] + SiteUnitOptions.options

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
        site = try SiteUnitOptions(arguments).site
    }

    func run(console: Console) throws -> ExitStatus {
        let settings: GatewaySettings
        switch source {
        case .gatewayDatabase(let url):
            settings = try GatewayCatalogFile.settings(databaseURL: url, passwordFile: passwordFile)
        case .settingsFile(let path):
            settings = try GatewayCatalogFile.settings(file: path)
        }
        let options = GatewayImportOptions(
            effectiveFrom: effectiveFrom ?? Self.now(), isNow: effectiveFrom == nil, site: site)
        console.out(
            try GatewayCatalogFile.update(
                mode, settings: settings, catalogPath: catalogPath, options: options,
                warn: { console.error("warning: \($0)") }))
        return .success
    }

    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }
}
