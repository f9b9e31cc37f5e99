import Foundation
import Glibc

/// Which gateway wrote the table, told by its columns (SPEC §2.1 "Dialects").
public enum GatewayDialect: String, Sendable {
    /// songquanpeng/one-api: no `use_time`, no `other`.
    case oneAPI = "one-api"
    /// QuantumNous/new-api (and its forks): `use_time`, `other`, `group`, …
    case newAPI = "new-api"
}

/// The rows a run reads: those whose request *start* (`created_at − use_time`; `created_at` for
/// one-api, which has no `use_time`) is in `[from, until)`.
///
/// A gateway writes the row when the request *ends*, so a request started before `until` may be
/// written after it. The read therefore covers `created_at` in `[from, until + margin)` and keeps
/// the rows whose start is in the window: a request that lasted longer than `margin` and ended
/// after `until + margin` is not in this day's read (SPEC §5; the default margin, an hour, is far
/// beyond a gateway's relay timeout). `from` needs no margin: start ≤ `created_at`.
public struct GatewayLogWindow: Sendable, Equatable {
    /// Inclusive, Unix seconds; nil for no lower bound.
    public var from: Int64?
    /// Exclusive, Unix seconds; nil for no upper bound.
    public var until: Int64?
    public var marginSeconds: Int64

    public static let defaultMarginSeconds: Int64 = 3600

    public init(from: Int64?, until: Int64?, marginSeconds: Int64 = GatewayLogWindow.defaultMarginSeconds) {
        self.from = from
        self.until = until
        self.marginSeconds = max(0, marginSeconds)
    }

    /// The SQL condition (integers only: nothing from the user is spliced in as text).
    func predicate(hasUseTime: Bool) -> String {
        let start = hasUseTime ? "(created_at - COALESCE(use_time, 0))" : "created_at"
        var terms: [String] = []
        if let from { terms += ["created_at >= \(from)", "\(start) >= \(from)"] }
        if let until {
            let (readEnd, overflow) = until.addingReportingOverflow(marginSeconds)
            if !overflow { terms.append("created_at < \(readEnd)") }
            terms.append("\(start) < \(until)")
        }
        return terms.isEmpty ? "1 = 1" : terms.joined(separator: " AND ")
    }
}

/// One `logs` row: its position (`logs.id`, also the debit id) and the row as a JSON line.
public struct GatewayRow: Sendable, Equatable {
    public let id: Int64
    public let line: [UInt8]
}

/// One `options` row (the gateway's settings: `ModelRatio`, `GroupRatio`, …).
public struct GatewayOption: Sendable, Equatable {
    public let key: String
    public let value: String?
}

/// Settings that are not the window.
public struct GatewayReadOptions: Sendable {
    /// SQLite: how long to wait on a lock before giving up (the URL's `busy_timeout` wins).
    public var busyTimeoutMilliseconds: Int32 = 5000
    /// Rows per PostgreSQL `FETCH` / per SQLite statement.
    public var batchRows: Int = 1000
    public init() {}
}

/// The gateway's database as a source of rows. It only reads: SQLite is opened read-only,
/// PostgreSQL and MySQL read in a `READ ONLY` transaction, and nothing is ever written.
public enum GatewayDatabase {
    public static let logsTable = "logs"
    public static let optionsTable = "options"
    /// Columns a run cannot do without (the decoder's own rules, SPEC §6): the id, the time,
    /// the log type, the model and the recorded amount; the account is `username` or `user_id`.
    public static let requiredColumns = ["id", "created_at", "type", "model_name", "quota"]

    /// What the CLI calls for `--gateway-db URL [--db-password-file FILE]`: parses the URL,
    /// finds the password (SPEC §2.8) and opens the window's rows. `source` of the reader and
    /// `credentials.description` are what `summary.json` may show.
    public static func openLogs(
        url text: String, passwordFile: String?, window: GatewayLogWindow,
        environment: [String: String] = ProcessInfo.processInfo.environment
    )
        throws(GatewayDBError) -> (reader: GatewayLogReader, credentials: GatewayCredentials)
    {
        let url = try GatewayDatabaseURL.parse(text)
        let credentials =
            url.kind == .sqlite
            ? GatewayCredentials.clientLibrary
            : try GatewayCredentials.resolve(passwordFile: passwordFile, environment: environment)
        return (try openLogs(url, credentials: credentials, window: window), credentials)
    }

    /// Opens the `logs` rows of `window` as one consistent snapshot, streamed row by row.
    public static func openLogs(
        _ url: GatewayDatabaseURL, credentials: GatewayCredentials = .clientLibrary,
        window: GatewayLogWindow, options: GatewayReadOptions = .init()
    ) throws(GatewayDBError) -> GatewayLogReader {
        let source = url.description
        let cursor: LogCursor
        switch url.kind {
        case .sqlite: cursor = try SQLiteLogCursor(url: url, window: window, options: options)
        case .postgres:
            cursor = try PostgresLogCursor(url: url, credentials: credentials, window: window, options: options)
        case .mysql: cursor = try MySQLLogCursor(url: url, credentials: credentials, window: window)
        }
        return GatewayLogReader(source: source, cursor: cursor)
    }

    /// Reads the whole `options` table (key order), in a read-only transaction.
    public static func readOptions(
        _ url: GatewayDatabaseURL, credentials: GatewayCredentials = .clientLibrary,
        options: GatewayReadOptions = .init()
    ) throws(GatewayDBError) -> [GatewayOption] {
        let source = url.description
        switch url.kind {
        case .sqlite:
            let connection = try openSQLite(url, options: options)
            try connection.execute("BEGIN")
            let columns = try sqliteColumns(connection, table: optionsTable)
            try requireOptionColumns(columns.map(\.name), source: source)
            let statement = try connection.prepare("SELECT \"key\", \"value\" FROM \"options\" ORDER BY \"key\"")
            var rows: [GatewayOption] = []
            while try statement.step() {
                rows.append(GatewayOption(key: statement.text(0) ?? "", value: statement.text(1)))
            }
            try connection.execute("COMMIT")
            return rows
        case .postgres:
            let connection = try PostgresLogCursor.connect(url, credentials: credentials)
            _ = try connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", reading: false)
            try requireOptionColumns(
                try PostgresLogCursor.columns(connection, table: optionsTable).map(\.name), source: source)
            let result = try connection.run("SELECT key, value FROM options ORDER BY key", reading: false)
            let rows = (0..<result.count).map {
                GatewayOption(key: result.text($0, 0) ?? "", value: result.text($0, 1))
            }
            _ = try connection.run("COMMIT", reading: false)
            return rows
        case .mysql:
            let connection = try MySQLLogCursor.connect(url, credentials: credentials)
            try connection.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
            try requireOptionColumns(
                try MySQLLogCursor.columns(connection, table: optionsTable).map(\.name), source: source)
            let rows = try connection.rows("SELECT `key`, `value` FROM `options` ORDER BY `key`")
                .map { GatewayOption(key: $0[0] ?? "", value: $0[1]) }
            try connection.execute("COMMIT")
            return rows
        }
    }

    static func requireOptionColumns(_ names: [String], source: String) throws(GatewayDBError) {
        guard !names.isEmpty else { throw .missingTable(source: source, table: optionsTable) }
        for column in ["key", "value"] where !names.contains(column) {
            throw .missingColumn(source: source, table: optionsTable, column: column)
        }
    }

    /// Which gateway, from the table's columns; a needed column that is missing is an error.
    static func dialect(of names: [String], source: String) throws(GatewayDBError) -> GatewayDialect {
        guard !names.isEmpty else { throw .missingTable(source: source, table: logsTable) }
        for column in requiredColumns where !names.contains(column) {
            throw .missingColumn(source: source, table: logsTable, column: column)
        }
        if !names.contains("username"), !names.contains("user_id") {
            throw .missingColumn(source: source, table: logsTable, column: "username")
        }
        return names.contains("use_time") || names.contains("other") ? .newAPI : .oneAPI
    }

    static func openSQLite(
        _ url: GatewayDatabaseURL, options: GatewayReadOptions
    ) throws(GatewayDBError) -> SQLiteConnection {
        var info = stat()
        guard stat(url.path, &info) == 0 else {
            if errno == ENOENT { throw .databaseMissing(path: url.path) }
            throw .unavailable(source: url.description, reason: String(cString: strerror(errno)))
        }
        let timeout = url.parameter("busy_timeout").flatMap { Int32($0) } ?? options.busyTimeoutMilliseconds
        return try SQLiteConnection(path: url.path, busyTimeoutMilliseconds: timeout, source: url.description)
    }

    static func sqliteColumns(_ connection: SQLiteConnection, table: String) throws(GatewayDBError) -> [ColumnInfo] {
        let statement = try connection.prepare("PRAGMA table_info(\"\(table)\")")
        var columns: [ColumnInfo] = []
        while try statement.step() {
            columns.append(ColumnInfo(name: statement.text(1) ?? "", type: (statement.text(2) ?? "").lowercased()))
        }
        return columns
    }
}

struct ColumnInfo {
    let name: String
    /// The declared type, lower case (`bigint`, `longtext`, …).
    let type: String
}

/// What each database's reader does; `GatewayLogReader` is the same over all three.
protocol LogCursor: AnyObject {
    var dialect: GatewayDialect { get }
    var columns: [String] { get }
    /// Fills `line` with the next row and returns its id; nil at the end.
    func next(into line: inout [UInt8]) throws(GatewayDBError) -> Int64?
    /// Ends the read transaction (idempotent).
    func finish()
}

/// The `logs` rows of a window, one at a time, as JSON lines the `OneAPIDialect` decoder reads
/// exactly as it reads an exported JSONL file. Memory stays flat: a batch of rows at most.
public final class GatewayLogReader {
    /// The redacted source (no password), for messages, rejects and `summary.json`.
    public let source: String
    public var dialect: GatewayDialect { cursor.dialect }
    /// The table's columns, in table order (the keys of every line).
    public var columns: [String] { cursor.columns }
    public private(set) var rowsRead = 0
    /// Bytes of JSON handed over (for progress), newlines not counted.
    public private(set) var bytesRead = 0
    private let cursor: LogCursor
    private var line: [UInt8] = []
    private var finished = false

    init(source: String, cursor: LogCursor) {
        self.source = source
        self.cursor = cursor
        line.reserveCapacity(4096)
    }

    deinit { cursor.finish() }

    /// The next row, or nil once every row of the window has been read.
    public func next() throws(GatewayDBError) -> GatewayRow? {
        guard let id = try nextLine() else { return nil }
        return GatewayRow(id: id, line: line)
    }

    /// The next row into `buffer` (replacing its contents), returning its id; nil at the end.
    /// A failure once rows have been handed over is always `.io`: the day is incomplete.
    public func next(into buffer: inout [UInt8]) throws(GatewayDBError) -> Int64? {
        guard let id = try nextLine() else { return nil }
        buffer = line
        return id
    }

    private func nextLine() throws(GatewayDBError) -> Int64? {
        guard !finished else { return nil }
        do {
            guard let id = try cursor.next(into: &line) else {
                finished = true
                cursor.finish()
                return nil
            }
            rowsRead += 1
            bytesRead += line.count
            return id
        } catch {
            finished = true
            cursor.finish()
            if rowsRead > 0, case .unavailable(let source, let reason) = error {
                throw .io(source: source, reason: reason)
            }
            throw error
        }
    }

    /// Ends the read early (the transaction is closed; nothing was written).
    public func close() {
        finished = true
        cursor.finish()
    }
}
