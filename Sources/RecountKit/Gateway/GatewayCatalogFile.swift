import Foundation
import GatewayDB

/// `recount prices import` and `recount prices snapshot` as one library call: a gateway's price
/// settings (a settings file, or the option rows of its database) into a catalog file, written
/// atomically. The command only parses its options, prints and exits.
public enum GatewayCatalogFile {
    public enum Mode: Sendable {
        /// A whole catalog of one version, replacing the file.
        case `import`
        /// One more version, only when the settings changed since the file's latest version.
        case snapshot
    }

    /// Why the catalog was not written; each case has its own exit status (SPEC §5).
    public enum Failure: RecountFailure, Sendable {
        /// The settings file does not exist (66).
        case missing(String)
        /// A file could not be read, or the catalog could not be written (74).
        case io(String)
        /// The settings or the existing catalog are not usable (65).
        case invalid(String)
        /// The gateway database could not be opened or read (its own status: 64/65/66/69/74).
        case database(GatewayDBError)

        public var description: String {
            switch self {
            case .missing(let text), .io(let text), .invalid(let text): text
            case .database(let error): error.description
            }
        }

        public var status: ExitStatus {
            switch self {
            case .missing: .noInput
            case .io: .ioError
            case .invalid: .dataError
            case .database(let database): database.status
            }
        }
    }

    /// The settings of a settings file: a JSON object of option name → value, or the answer
    /// of `GET /api/option/`.
    public static func settings(file path: String) throws(Failure) -> GatewaySettings {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw .missing("\(path): no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw .io("\(path): cannot read") }
        do { return try GatewaySettings.parse(Array(data), source: path) } catch { throw .invalid(error.description) }
    }

    /// The settings of the gateway's `options` rows.
    public static func settings(
        optionRows rows: [(key: String, value: String)], source: String
    ) throws(Failure) -> GatewaySettings {
        do { return try GatewaySettings(optionRows: rows, source: source) } catch {
            throw .invalid(error.description)
        }
    }

    /// The settings of the gateway database's `options` rows (`--gateway-db URL`), read in one
    /// read-only transaction (`GatewayDatabase.readOptions`); a NULL value reads as empty. The
    /// source's name for messages is the URL without its password.
    public static func settings(databaseURL: String, passwordFile: String?) throws(Failure) -> GatewaySettings {
        let source: GatewayLogSource
        let rows: [(key: String, value: String)]
        do {
            source = try GatewayLogSource.resolve(url: databaseURL, passwordFile: passwordFile)
            rows = try GatewayDatabase.readOptions(source.url, credentials: source.credentials).map {
                (key: $0.key, value: $0.value ?? "")
            }
        } catch { throw .database(error) }
        return try settings(optionRows: rows, source: source.description + " options")
    }

    /// Imports or snapshots `settings` into `catalogPath`; each warning is handed to `warn` before
    /// anything is written. Returns the line the command prints: `wrote PATH with version ID`,
    /// `unchanged` or `appended version ID`.
    public static func update(
        _ mode: Mode, settings: GatewaySettings, catalogPath: String, options: GatewayImportOptions,
        warn: (String) -> Void
    ) throws(Failure) -> String {
        // The catalog's directory, locked from the read to the rename (two snapshots at once
        // cannot lose a version) and swept of a temporary file a killed run left behind.
        let output = try lockDirectory(of: catalogPath)
        do {
            switch mode {
            case .import:
                let (bytes, id, warnings) = try GatewayCatalog.document(settings, options: options)
                warnings.forEach(warn)
                try write(bytes, to: catalogPath, in: output)
                return "wrote \(catalogPath) with version \(id)"
            case .snapshot:
                let existing = try readExisting(catalogPath)
                let (result, warnings) = try GatewayCatalog.snapshot(
                    existing: existing, source: catalogPath, settings: settings, options: options)
                warnings.forEach(warn)
                switch result {
                case .unchanged:
                    return "unchanged"
                case .appended(let id, let bytes):
                    try write(bytes, to: catalogPath, in: output)
                    return "appended version \(id)"
                }
            }
        } catch let error as GatewayImportError {
            throw .invalid(error.description)
        } catch let error as Failure {
            throw error
        } catch {
            throw .io("\(error)")
        }
    }

    /// The catalog as it is, nil when there is none yet.
    static func readExisting(_ catalogPath: String) throws(Failure) -> [UInt8]? {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: catalogPath, isDirectory: &isDirectory) else { return nil }
        guard !isDirectory.boolValue else { throw .io("\(catalogPath): is a directory") }
        guard let data = FileManager.default.contents(atPath: catalogPath) else {
            throw .io("\(catalogPath): cannot read")
        }
        return Array(data)
    }

    /// The catalog's directory as an `OutputDirectory`: created if missing, locked
    /// (`.recount.lock`), and swept of `.NAME.tmp-PID` files a killed run left.
    static func lockDirectory(of catalogPath: String) throws(Failure) -> OutputDirectory {
        let directory = URL(fileURLWithPath: catalogPath).deletingLastPathComponent().path
        do { return try OutputDirectory(path: directory) } catch { throw .io(error.description) }
    }

    /// Test only (SPEC §2.7): with `RECOUNT_TEST_PAUSE_BEFORE_RENAME=FILE` in the environment,
    /// `write` creates FILE once the catalog's temporary file is written and synced and then
    /// waits there, before the rename, until a signal ends the process — so a test can kill a
    /// snapshot at exactly that point instead of at a moment in time. Never set in production.
    public static let pauseBeforeRenameVariable = "RECOUNT_TEST_PAUSE_BEFORE_RENAME"

    /// Atomically: a temporary file in the catalog's directory (`.NAME.tmp-PID`), flushed,
    /// renamed over it (`OutputDirectory`), so a killed snapshot leaves the catalog as it was;
    /// a temporary file a SIGKILL leaves behind is removed by the next run (`lockDirectory`).
    static func write(_ bytes: [UInt8], to catalogPath: String, in output: OutputDirectory) throws(Failure) {
        do {
            try output.stage(URL(fileURLWithPath: catalogPath).lastPathComponent, bytes)
            if let marker = ProcessInfo.processInfo.environment[pauseBeforeRenameVariable] {
                _ = FileManager.default.createFile(atPath: marker, contents: nil)
                while true { pause() }
            }
            try output.commit()
        } catch {
            throw .io(error.description)
        }
    }
}
