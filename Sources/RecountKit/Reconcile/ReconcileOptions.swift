import TokenCounter

/// Everything a reconciliation run is told (SPEC §5 `reconcile`).
public struct ReconcileOptions: Sendable {
    public var logs: [String]
    public var catalog: PriceCatalog
    public var pricingPath: String
    public var debitsPath: String?
    /// `--gateway-db URL`: the gateway's `logs` table, read before the `logs` files (SPEC §2.8).
    public var gatewayDatabase: GatewayLogSource?
    /// `--bodies`: captured request/response bodies keyed by the gateway's request id, read after
    /// the logs and joined to their rows (SPEC §2.10, `BodyJoin`).
    public var bodies: [String] = []
    public var basis: BasisPolicy = .auto
    /// In units; `|delta| ≤ tolerance` is `ok`.
    public var tolerance: Rational = .zero
    /// Credits smaller than this are withheld (reported, not issued).
    public var minimumCredit: Rational?
    /// Credit ids issued by earlier runs (from `--issued` files): never issued again.
    public var issuedCreditIDs: Set<String> = []
    public var issuedPaths: [String] = []
    /// Requests starting in `[from, until)` are reconciled.
    public var from: Timestamp?
    public var until: Timestamp?
    public var allRows = false
    /// Only the accounts of this shard (SPEC §5 `--shard K/N`).
    public var shard: Shard?
    /// The day boundary for `daily.csv`, in seconds east of UTC.
    public var dayOffsetSeconds: Int32 = 0
    /// Stop with a data error once more lines than this are rejected.
    public var maxRejects: Int?
    /// How the engine runs (threads, sort memory, spill directory): never what it finds.
    public var engine = EngineSettings()

    public init(logs: [String], catalog: PriceCatalog, pricingPath: String) {
        self.logs = logs
        self.catalog = catalog
        self.pricingPath = pricingPath
    }
}

extension ReconcileOptions {
    /// A window that opens before the catalog's first version, said before the run: its
    /// earlier requests can only be `unpriced_model`, and the usual reason — a catalog made by
    /// `prices import` today, in force from now — is quick to fix and easy to miss in a
    /// summary line.
    public var windowOpensBeforeCatalog: String? {
        guard let from, let first = catalog.versions.first, from < first.effectiveFrom else { return nil }
        return
            "--from \(from) is before the catalog's first version '\(first.id)' (in force from \(first.effectiveFrom)): requests before then are unpriced_model (a catalog from 'prices import' is in force from now unless given --effective-from)"
    }
}

/// `--shard K/N`: a stable hash of the account picks one of N shards.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public let index: Int
    public let count: Int
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }
    public var description: String { "\(index)/\(count)" }

    /// The first 8 bytes of SHA-256 of the account, big-endian, modulo N: the same on every
    /// machine and every run.
    public func owns(account: String) -> Bool {
        let digest = SHA256.digest(Array(account.utf8))
        var value: UInt64 = 0
        for byte in digest.prefix(8) { value = value << 8 | UInt64(byte) }
        return Int(value % UInt64(count)) == index
    }
}

/// Fatal problems that stop a run (as opposed to rejected lines, which are data).
public enum ReconcileError: RecountFailure, Sendable {
    case input(InputError)
    case tooManyRejects(limit: Int, at: SourceLocation)
    case arithmetic(MoneyError, at: String)
    /// Temporary sort data could not be written or read back (full disk, unwritable directory).
    case spill(SpillError)

    public var description: String {
        switch self {
        case .input(let error): error.description
        case .tooManyRejects(let limit, let at):
            "more than \(limit) rejected lines (stopped at \(at)); no reports were written — rerun with a higher --max-rejects (or none) to get them in rejects.jsonl"
        case .arithmetic(let error, let at): "\(at): \(error)"
        case .spill(let error): error.description
        }
    }

    public var status: ExitStatus {
        switch self {
        case .input(let input): input.status
        case .tooManyRejects, .arithmetic: .dataError
        case .spill: .ioError
        }
    }
}

extension ReconcileOptions {
    public var jobs: Int {
        get { engine.jobs }
        set { engine.jobs = newValue }
    }

    public var spillDirectory: String? {
        get { engine.spillDirectory }
        set { engine.spillDirectory = newValue }
    }

    public var sortMemoryBytes: Int {
        get { engine.sortMemoryBytes }
        set { engine.sortMemoryBytes = newValue }
    }
}
