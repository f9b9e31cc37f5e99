import ArgumentParsing
import Foundation
import RecountKit

/// The options of `recount prices import` and `recount prices snapshot`: each value is parsed
/// for every `prices` subcommand, and `command` checks how they combine for the one given.
struct PricesGatewayOptions: ParsableArguments {
    @OptionGroup var database = DatabaseOptions()
    @Option(
        "--settings", "FILE",
        "the gateway's price settings: a JSON object of option name → value (the JSON text the options table stores, or an object), or the answer of GET /api/option/"
    ) var settings: String?
    @Option("--out", "CATALOG", "import: the catalog to write (replaced)") var out: String?
    @Option("--catalog", "CATALOG", "snapshot: the catalog to append to (created when missing)") var catalog: String?
    @Option(
        "--effective-from", "T", "when the version takes effect: RFC 3339 with offset, or Unix seconds (default: now)")
    var effectiveFrom: EffectiveFrom?
    @OptionGroup var siteUnit = SiteUnitOptions()

    /// The `mode` command these options make; `positionals` are `prices`' own (`import`, …).
    func command(_ mode: PricesGatewayCommand.Mode, positionals: [String]) throws(UsageError) -> PricesGatewayCommand {
        let name = mode == .import ? "prices import" : "prices snapshot"
        guard positionals.count == 1 else {
            throw UsageError("'\(name)' takes no FILE argument; give --settings FILE or --gateway-db URL")
        }
        let source: PricesGatewayCommand.Source
        switch (settings, database.url) {
        case (let file?, nil): source = .settingsFile(file)
        case (nil, let url?): source = .gatewayDatabase(url)
        case (nil, nil): throw UsageError("'\(name)' needs --settings FILE or --gateway-db URL")
        default: throw UsageError("give --settings or --gateway-db, not both")
        }
        let (given, wrong) = mode == .import ? (out, catalog) : (catalog, out)
        let (outputOption, wrongOption) = mode == .import ? ("--out", "--catalog") : ("--catalog", "--out")
        if wrong != nil { throw UsageError("'\(name)' writes \(outputOption) CATALOG, not \(wrongOption)") }
        guard let path = given, !path.isEmpty else { throw UsageError("'\(name)' needs \(outputOption) CATALOG") }
        return PricesGatewayCommand(
            mode: mode, source: source, passwordFile: database.passwordFile, catalogPath: path,
            effectiveFrom: effectiveFrom?.time, site: try siteUnit.site())
    }
}

/// `recount prices import` and `recount prices snapshot` (logic in
/// `RecountKit.GatewayCatalogFile`; this prints, exits).
struct PricesGatewayCommand {
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
