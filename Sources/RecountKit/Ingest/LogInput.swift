import GatewayDB

/// `--gateway-db URL` as a run is told it (SPEC §2.8): where the gateway's `logs` table is and
/// how to log in. It is a description, not a connection, so a run that reads the logs twice
/// (`explain`) opens it twice, and options stay `Sendable`.
public struct GatewayLogSource: Sendable {
    public let url: GatewayDatabaseURL
    public let credentials: GatewayCredentials
    /// The read margin after `until` for rows written late (SPEC §2.8, default an hour).
    public var marginSeconds: Int64
    public var readOptions: GatewayReadOptions

    public init(
        url: GatewayDatabaseURL, credentials: GatewayCredentials,
        marginSeconds: Int64 = GatewayLogWindow.defaultMarginSeconds, readOptions: GatewayReadOptions = .init()
    ) {
        self.url = url
        self.credentials = credentials
        self.marginSeconds = marginSeconds
        self.readOptions = readOptions
    }

    /// `--gateway-db URL` parsed and its password found: from `passwordFile`, else
    /// `RECOUNT_DB_PASSWORD`, else the client library's own files. SQLite has no login: a
    /// password file given with it is not read.
    public static func resolve(url text: String, passwordFile: String?) throws(GatewayDBError) -> GatewayLogSource {
        let url = try GatewayDatabaseURL.parse(text)
        let credentials =
            url.kind == .sqlite
            ? GatewayCredentials.clientLibrary
            : try GatewayCredentials.resolve(passwordFile: passwordFile)
        return GatewayLogSource(url: url, credentials: credentials)
    }

    /// What `summary.json` names of the source (never the password).
    public var summary: GatewayDatabaseSummary {
        GatewayDatabaseSummary(
            source: description,
            passwordFrom: url.kind == .sqlite ? "none (an SQLite file has no login)" : passwordOrigin,
            readMarginSeconds: marginSeconds)
    }

    /// The source as reports, rejects and messages name it: the URL without any password.
    public var description: String { url.description }
    /// Where the password came from (`--db-password-file FILE`, `RECOUNT_DB_PASSWORD`, the client
    /// library's own): for `summary.json`, never the password itself.
    public var passwordOrigin: String { credentials.origin }

    /// Opens the rows whose request started in `[from, until)` (plus the margin), one snapshot.
    func open(from: Timestamp?, until: Timestamp?) throws(InputError) -> GatewayLogLines {
        let window = GatewayLogWindow.run(from: from, until: until, marginSeconds: marginSeconds)
        do {
            return GatewayLogLines(
                try GatewayDatabase.openLogs(url, credentials: credentials, window: window, options: readOptions))
        } catch {
            throw .gatewayDatabase(error)
        }
    }
}

/// Where log lines come from: the gateway database first (when given), then each log PATH.
/// The pipeline and `explain` read both the same way, so a database row is a line like any
/// other, numbered by its `logs.id`.
enum LogInput {
    case gatewayDatabase(GatewayLogSource)
    case file(String)

    /// The name a line's `SourceLocation.file` carries (never a password).
    var name: String {
        switch self {
        case .gatewayDatabase(let source): source.description
        case .file(let path): path
        }
    }

    /// `summary.json`'s `inputs[].kind`.
    var kind: String {
        switch self {
        case .gatewayDatabase: "gateway-db"
        case .file: "log"
        }
    }

    func open(from: Timestamp?, until: Timestamp?) throws(InputError) -> any LogLineSource {
        switch self {
        case .gatewayDatabase(let source): try source.open(from: from, until: until)
        // A file of `/api/log/` pages is told from a JSONL log by its first line (`LogFileLines`).
        case .file(let path): try LogFileLines(LineReader(try openSource(path)))
        }
    }
}

/// Lines one at a time: a file's lines or page rows (`LogFileLines`), or the database's
/// `GatewayLogLines`.
protocol LogLineSource: AnyObject {
    func next() throws(InputError) -> LineReader.Line?
    /// Lines handed over so far.
    var lineNumber: Int { get }
    /// Bytes read so far (a database row counts its JSON and one newline).
    var bytesRead: Int { get }
    /// The highest line number handed over (a file's line count; the database's last `logs.id`).
    var lastNumber: Int { get }
}

extension LineReader: LogLineSource {
    var lastNumber: Int { lineNumber }
}

extension GatewayLogLines: LogLineSource {}

extension ReconcileOptions {
    /// The run's log inputs in reading order: the gateway database, then the PATH logs.
    var logInputs: [LogInput] {
        (gatewayDatabase.map { [LogInput.gatewayDatabase($0)] } ?? []) + logs.map(LogInput.file)
    }
}
