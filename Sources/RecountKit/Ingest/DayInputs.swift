import Foundation
import GatewayDB

/// What a command that reads a day was given — PATHs, `--pricing`, `--debits`, `--gateway-db`,
/// `--db-password-file`, `--bodies` — resolved the same way, with the same errors, for
/// `reconcile`, `explain` and `statement`: the PATHs through `InputFiles.resolve`, the catalog
/// from `pricing` or a PATH directory's `pricing.json`, the ledger from `debits` or a
/// directory's `debits.jsonl` / `.csv`. `--gateway-db URL` (SPEC §2.8) reads the gateway's
/// `logs` table as well as, or instead of, the PATHs; its password comes from `passwordFile`,
/// `RECOUNT_DB_PASSWORD` or the client library's own files. `--bodies` (SPEC §2.10): captured
/// bodies joined to the rows by request id.
public struct DayInputs: Sendable {
    public var paths: [String]
    /// No PATH was given and `paths` is the command's default (the demo's `SampleLogs`).
    public var pathsDefaulted: Bool
    public var pricing: String?
    public var debits: String?
    public var gatewayDatabase: String?
    public var passwordFile: String?
    public var bodies: [String]

    public init(
        paths: [String], pathsDefaulted: Bool = false, pricing: String? = nil, debits: String? = nil,
        gatewayDatabase: String? = nil, passwordFile: String? = nil, bodies: [String] = []
    ) {
        self.paths = paths
        self.pathsDefaulted = pathsDefaulted
        self.pricing = pricing
        self.debits = debits
        self.gatewayDatabase = gatewayDatabase
        self.passwordFile = passwordFile
        self.bodies = bodies
    }

    /// The run's options with the inputs found and the catalog loaded. `warn` hears about
    /// directory files that look like a ledger and are not read as one (a ledger under another
    /// name would otherwise be silently ignored), as soon as the PATHs are resolved.
    public func resolve(warn: (_ path: String, _ fate: String) -> Void) throws(DayInputError) -> ReconcileOptions {
        // Run from outside the repository with no PATH: say to name the logs, not "SampleLogs:
        // no such file".
        if pathsDefaulted, !paths.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw .noDefaultLogs(paths: paths)
        }
        var database: GatewayLogSource?
        if let url = gatewayDatabase {
            do { database = try GatewayLogSource.resolve(url: url, passwordFile: passwordFile) } catch {
                throw .input(.gatewayDatabase(error))
            }
        }
        var inputs: InputSet?
        if !paths.isEmpty {
            do { inputs = try InputFiles.resolve(paths, ledger: debits) } catch { throw .input(error) }
        }
        for lookalike in inputs?.ledgerLookalikes ?? [] { warn(lookalike.path, lookalike.fate) }
        guard let pricingPath = pricing ?? inputs?.pricing else { throw .noCatalog(gatewayDatabase: database != nil) }
        guard FileManager.default.fileExists(atPath: pricingPath) else { throw .catalogMissing(path: pricingPath) }
        let catalog: PriceCatalog
        do { catalog = try PriceCatalog.load(path: pricingPath) } catch { throw .catalog(error) }
        let debitsPath = debits ?? inputs?.debits
        if let debitsPath, !FileManager.default.fileExists(atPath: debitsPath) {
            throw .ledgerMissing(path: debitsPath)
        }
        var options = ReconcileOptions(logs: inputs?.logs ?? [], catalog: catalog, pricingPath: pricingPath)
        options.debitsPath = debitsPath
        options.gatewayDatabase = database
        do { options.bodies = try InputFiles.resolveBodies(bodies) } catch { throw .input(error) }
        options.dayOffsetSeconds = catalog.versions.last?.effectiveFrom.offsetSeconds ?? 0
        return options
    }
}

/// Why a day's inputs could not be resolved; `status` is each case's exit status
/// (SPEC §5: 64 no catalog named, 65 a broken catalog, 66 a missing file, and `input`'s own).
public enum DayInputError: RecountFailure, Sendable {
    /// No PATH was given and the default (`SampleLogs`) is not here.
    case noDefaultLogs(paths: [String])
    /// Neither `--pricing` nor a PATH directory's `pricing.json`.
    case noCatalog(gatewayDatabase: Bool)
    case catalogMissing(path: String)
    case catalog(CatalogError)
    case ledgerMissing(path: String)
    /// A PATH, a `--bodies` path or the gateway database could not be used.
    case input(InputError)

    public var description: String {
        switch self {
        case .noDefaultLogs(let paths):
            "no log PATH given, and there is no ./\(paths.joined(separator: " ")) here (the demo's default, in the repository): name the log directory or files, e.g. /var/log/relay/2024-03-01"
        case .noCatalog(let gatewayDatabase):
            gatewayDatabase
                ? "no price catalog: give --pricing FILE (e.g. the one `recount prices snapshot --gateway-db` keeps)"
                : "no price catalog: give --pricing FILE, or a PATH directory holding pricing.json"
        case .catalogMissing(let path): "\(path): no such file (price catalog)"
        case .catalog(let error): error.description
        case .ledgerMissing(let path): "\(path): no such file (debit ledger)"
        case .input(let error): error.description
        }
    }

    public var status: ExitStatus {
        switch self {
        case .noCatalog: .usage
        case .catalog: .dataError
        case .noDefaultLogs, .catalogMissing, .ledgerMissing: .noInput
        case .input(let input): input.status
        }
    }
}
