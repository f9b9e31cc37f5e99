import Foundation
import GatewayDB
import RecountKit

/// `recount prices import` and `recount prices snapshot` (logic in
/// `RecountKit.GatewayCatalog`; this reads the settings, writes the catalog, prints, exits).
struct PricesGatewayCommand {
    static let options: Set<String> = [
        "--gateway-db", "--db-password-file", "--settings", "--out", "--catalog", "--effective-from",
        "--unit", "--per-currency", "--currency", "--topup-rate", "--site-scale",
    ]

    enum Mode { case `import`, snapshot }
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
        let settings = try readSettings()
        let options = GatewayImportOptions(effectiveFrom: effectiveFrom ?? Self.now(), site: site)
        // The catalog's directory, locked from the read to the rename (two snapshots at once
        // cannot lose a version) and swept of a temporary file a killed run left behind.
        let output = try lockDirectory()
        do {
            switch mode {
            case .import:
                let (bytes, id, warnings) = try GatewayCatalog.document(settings, options: options)
                for warning in warnings { console.error("warning: \(warning)") }
                try write(bytes, into: output)
                console.out("wrote \(catalogPath) with version \(id)")
            case .snapshot:
                let existing = try readExisting()
                let (result, warnings) = try GatewayCatalog.snapshot(
                    existing: existing, source: catalogPath,
                    settings: settings, options: options)
                for warning in warnings { console.error("warning: \(warning)") }
                switch result {
                case .unchanged:
                    console.out("unchanged")
                case .appended(let id, let bytes):
                    try write(bytes, into: output)
                    console.out("appended version \(id)")
                }
            }
        } catch let error as GatewayImportError {
            throw CommandFailure(.dataError, error.description)
        }
        return .success
    }

    static func now() -> Timestamp { Timestamp(seconds: Int64(Date().timeIntervalSince1970)) }

    func readSettings() throws -> GatewaySettings {
        switch source {
        case .gatewayDatabase(let url):
            let (rows, source) = try GatewayOptionRows.read(databaseURL: url, passwordFile: passwordFile)
            do { return try GatewaySettings(optionRows: rows, source: source) } catch {
                throw CommandFailure(.dataError, error.description)
            }
        case .settingsFile(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
                throw CommandFailure(.noInput, "\(path): no such file")
            }
            guard let data = FileManager.default.contents(atPath: path) else {
                throw CommandFailure(.ioError, "\(path): cannot read")
            }
            do { return try GatewaySettings.parse(Array(data), source: path) } catch {
                throw CommandFailure(.dataError, error.description)
            }
        }
    }

    func readExisting() throws -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: catalogPath, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else { throw CommandFailure(.ioError, "\(catalogPath): is a directory") }
        guard let data = FileManager.default.contents(atPath: catalogPath) else {
            throw CommandFailure(.ioError, "\(catalogPath): cannot read")
        }
        return Array(data)
    }

    /// The catalog's directory as an `OutputDirectory`: created if missing, locked
    /// (`.recount.lock`), and swept of `.NAME.tmp-PID` files a killed run left.
    func lockDirectory() throws -> OutputDirectory {
        let directory = URL(fileURLWithPath: catalogPath).deletingLastPathComponent().path
        do { return try OutputDirectory(path: directory) } catch { throw CommandFailure(.ioError, error.description) }
    }

    /// Test only (SPEC §2.7): with `RECOUNT_TEST_PAUSE_BEFORE_RENAME=FILE` in the environment,
    /// `write` creates FILE once the catalog's temporary file is written and synced and then
    /// waits there, before the rename, until a signal ends the process — so a test can kill a
    /// snapshot at exactly that point instead of at a moment in time. Never set in production.
    static let pauseBeforeRenameVariable = "RECOUNT_TEST_PAUSE_BEFORE_RENAME"

    /// Atomically: a temporary file in the catalog's directory (`.NAME.tmp-PID`), flushed,
    /// renamed over it (`OutputDirectory`), so a killed snapshot leaves the catalog as it was;
    /// a temporary file a SIGKILL leaves behind is removed by the next run (`lockDirectory`).
    func write(_ bytes: [UInt8], into output: OutputDirectory) throws {
        do {
            try output.stage(URL(fileURLWithPath: catalogPath).lastPathComponent, bytes)
            if let marker = ProcessInfo.processInfo.environment[Self.pauseBeforeRenameVariable] {
                FileManager.default.createFile(atPath: marker, contents: nil)
                while true { pause() }
            }
            try output.commit()
        } catch {
            throw CommandFailure(.ioError, error.description)
        }
    }
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
