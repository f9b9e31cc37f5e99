/// SQLite: one read-only connection. In WAL mode (new-api's and most deployments') the whole
/// read is one transaction — one snapshot, while the gateway goes on writing. In rollback-journal
/// mode a long read transaction would hold the SHARED lock and make the gateway's own inserts
/// fail with SQLITE_BUSY, losing its billing rows; there the rows are read in short chunks by
/// ascending `id` (keyset), each its own transaction, so the gateway waits at most one chunk.
/// `logs` is append-only (rows are inserted, and only old ones deleted), so ascending-id chunks
/// read the same rows a snapshot would, plus rows inserted meanwhile at higher ids.
final class SQLiteLogCursor: LogCursor {
    let dialect: GatewayDialect
    let columns: [String]
    private let connection: SQLiteConnection
    private let encoder: RowEncoder
    private let idIndex: Int
    private let sql: String
    private let batchRows: Int
    private let inTransaction: Bool
    private var statement: SQLiteConnection.Statement?
    private var chunkRows = 0
    private var lastID = Int64.min
    private var done = false
    private var open = true

    init(url: GatewayDatabaseURL, window: GatewayLogWindow, options: GatewayReadOptions) throws(GatewayDBError) {
        connection = try GatewayDatabase.openSQLite(url, options: options)
        let mode = try Self.journalMode(connection)
        inTransaction = mode == "wal"
        if inTransaction { try connection.execute("BEGIN") }
        let info = try GatewayDatabase.sqliteColumns(connection, table: GatewayDatabase.logsTable)
        let names = info.map(\.name)
        dialect = try GatewayDatabase.dialect(of: names, source: url.description)
        columns = names
        encoder = RowEncoder(columns: names)
        idIndex = names.firstIndex(of: "id")!
        // In WAL mode the whole read is one statement in one transaction; chunks are only for
        // the rollback journal.
        batchRows = inTransaction ? Int.max : max(1, options.batchRows)
        let limit = inTransaction ? "" : " LIMIT \(batchRows)"
        sql =
            "SELECT " + names.map(Self.quoted).joined(separator: ", ") + " FROM \"logs\" WHERE "
            + window.predicate(hasUseTime: names.contains("use_time")) + " AND \"id\" > ?1 ORDER BY \"id\"" + limit
    }

    static func quoted(_ name: String) -> String { "\"" + name.replacingAll("\"", with: "\"\"") + "\"" }

    static func journalMode(_ connection: SQLiteConnection) throws(GatewayDBError) -> String {
        let statement = try connection.prepare("PRAGMA journal_mode")
        guard try statement.step() else { return "" }
        return (statement.text(0) ?? "").lowercased()
    }

    func next(into line: inout [UInt8]) throws(GatewayDBError) -> Int64? {
        while !done {
            if statement == nil {
                let next = try connection.prepare(sql)
                next.bind(1, lastID)
                statement = next
                chunkRows = 0
            }
            let current = statement!
            if try current.step() {
                chunkRows += 1
                encoder.encode(into: &line) { index, body in current.withCell(index, body) }
                lastID = current.int64(idIndex)
                return lastID
            }
            statement = nil
            if chunkRows < batchRows { done = true }
        }
        return nil
    }

    func finish() {
        guard open else { return }
        open = false
        statement = nil
        if inTransaction { try? connection.execute("COMMIT") }
    }
}

/// PostgreSQL: `BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY` (one snapshot for the whole
/// read; the server refuses any write in it), a server-side cursor, `FETCH n` at a time. The
/// server formats each row with `row_to_json` itself, so a row read here is byte for byte the
/// row `COPY (SELECT row_to_json(l) FROM logs l) TO STDOUT` exports.
final class PostgresLogCursor: LogCursor {
    let dialect: GatewayDialect
    let columns: [String]
    private let connection: PostgresConnection
    private let batchRows: Int
    private var batch: PostgresConnection.Result?
    private var index = 0
    private var done = false
    private var open = true

    static func connect(
        _ url: GatewayDatabaseURL, credentials: GatewayCredentials
    ) throws(GatewayDBError) -> PostgresConnection {
        var parameters: [(String, String)] = [
            ("application_name", "recount"), ("connect_timeout", "10"),
            ("client_encoding", "UTF8"),
        ]
        if let host = url.host { parameters.append(("host", host)) }
        if let port = url.port { parameters.append(("port", String(port))) }
        if let database = url.database { parameters.append(("dbname", database)) }
        if let user = url.user { parameters.append(("user", user)) }
        // Query parameters come last: libpq takes the last value of a repeated keyword, so
        // `?host=/run/postgresql` (a socket directory) overrides the URL's host.
        for parameter in url.parameters { parameters.append((parameter.name, parameter.value)) }
        return try PostgresConnection(parameters: parameters, password: credentials.password, source: url.description)
    }

    static func columns(_ connection: PostgresConnection, table: String) throws(GatewayDBError) -> [ColumnInfo] {
        // to_regclass follows search_path, as the unqualified name in the query below does.
        let result = try connection.run(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a \
            WHERE a.attrelid = to_regclass('\(table)') AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """, reading: false)
        return (0..<result.count).map { ColumnInfo(name: result.text($0, 0) ?? "", type: result.text($0, 1) ?? "") }
    }

    init(
        url: GatewayDatabaseURL, credentials: GatewayCredentials, window: GatewayLogWindow,
        options: GatewayReadOptions
    ) throws(GatewayDBError) {
        connection = try Self.connect(url, credentials: credentials)
        batchRows = max(1, options.batchRows)
        _ = try connection.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", reading: false)
        let described = try Self.columns(connection, table: GatewayDatabase.logsTable)
        let names = described.map(\.name)
        dialect = try GatewayDatabase.dialect(of: names, source: url.description)
        columns = names
        _ = try connection.run(
            """
            DECLARE recount_logs NO SCROLL CURSOR FOR SELECT l.id, \(Self.rowJSON(described))::text FROM logs l \
            WHERE \(window.predicate(hasUseTime: names.contains("use_time"))) ORDER BY l.id
            """, reading: false)
    }

    /// The row as `row_to_json` prints it, but with each `boolean` column as `0`/`1`, as SQLite
    /// and MySQL store gorm's `bool` (`is_stream`): so a row reads byte for byte the same from
    /// every database, and a rejected row's `raw` and the input's `bytes` do not depend on
    /// which one the gateway runs on. Without a boolean column, `row_to_json(l)` itself.
    static func rowJSON(_ columns: [ColumnInfo]) -> String {
        guard columns.contains(where: { $0.type == "boolean" }) else { return "row_to_json(l)" }
        let selected = columns.map { column in
            let name = "\"" + column.name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            return column.type == "boolean" ? "l.\(name)::int AS \(name)" : "l.\(name)"
        }
        return "(SELECT row_to_json(r) FROM (SELECT \(selected.joined(separator: ", "))) r)"
    }

    func next(into line: inout [UInt8]) throws(GatewayDBError) -> Int64? {
        while !done {
            if let batch, index < batch.count {
                defer { index += 1 }
                line.removeAll(keepingCapacity: true)
                if let json = batch.bytes(index, 1) { line += json }
                return parseInt64(batch.bytes(index, 0)) ?? 0
            }
            if let batch, batch.count < batchRows { done = true; break }
            batch = nil
            let fetched = try connection.run("FETCH \(batchRows) FROM recount_logs", reading: true)
            if fetched.count == 0 { done = true; break }
            batch = fetched
            index = 0
        }
        return nil
    }

    func finish() {
        guard open else { return }
        open = false
        batch = nil
        _ = try? connection.run("COMMIT", reading: false)
    }
}

/// MySQL / MariaDB: `START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT` (InnoDB's snapshot
/// taken at once, writes refused), then one query read with `mysql_use_result`, a row at a
/// time off the socket. Rows are encoded here as `sqlite3 -json` / `row_to_json` print them:
/// numeric columns (by the declared type) as numbers, every other as a string.
final class MySQLLogCursor: LogCursor {
    let dialect: GatewayDialect
    let columns: [String]
    private let connection: MySQLConnection
    private let encoder: RowEncoder
    private let numeric: [Bool]
    private let idIndex: Int
    private var stream: MySQLConnection.Stream?
    private var open = true

    static let numericTypes: Set<String> = [
        "tinyint", "smallint", "mediumint", "int", "integer", "bigint",
        "decimal", "numeric", "float", "double", "real", "year",
    ]

    static func connect(
        _ url: GatewayDatabaseURL, credentials: GatewayCredentials
    ) throws(GatewayDBError) -> MySQLConnection {
        try MySQLConnection(
            host: url.host, port: url.port, user: url.user, password: credentials.password,
            database: url.database, socket: url.parameter("socket"), source: url.description)
    }

    /// The table's columns; none when it does not exist. MariaDB's `information_schema` also
    /// hides a table the role may not read, so an empty answer is checked by selecting from the
    /// table: "command denied" is a login that lacks the GRANT (69, as PostgreSQL's "permission
    /// denied" is), not a missing table (65).
    static func columns(_ connection: MySQLConnection, table: String) throws(GatewayDBError) -> [ColumnInfo] {
        let columns = try connection.rows(
            """
            SELECT COLUMN_NAME, DATA_TYPE FROM information_schema.COLUMNS \
            WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = '\(table)' ORDER BY ORDINAL_POSITION
            """
        ).map { ColumnInfo(name: $0[0] ?? "", type: ($0[1] ?? "").lowercased()) }
        if columns.isEmpty {
            do { try connection.execute("SELECT 1 FROM \(quoted(table)) LIMIT 0") } catch {
                if case .unavailable(_, let reason) = error, reason.contains("denied") { throw error }
            }
        }
        return columns
    }

    static func quoted(_ name: String) -> String { "`" + name.replacingAll("`", with: "``") + "`" }

    init(url: GatewayDatabaseURL, credentials: GatewayCredentials, window: GatewayLogWindow) throws(GatewayDBError) {
        connection = try Self.connect(url, credentials: credentials)
        try connection.execute("SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        // Rows wait in the socket while the pipeline works; the server must not give up on us.
        try connection.execute("SET SESSION net_write_timeout = 3600")
        try connection.execute("START TRANSACTION READ ONLY, WITH CONSISTENT SNAPSHOT")
        let info = try Self.columns(connection, table: GatewayDatabase.logsTable)
        let names = info.map(\.name)
        dialect = try GatewayDatabase.dialect(of: names, source: url.description)
        columns = names
        numeric = info.map { Self.numericTypes.contains($0.type) }
        encoder = RowEncoder(columns: names)
        idIndex = names.firstIndex(of: "id")!
        stream = try connection.stream(
            "SELECT " + names.map(Self.quoted).joined(separator: ", ") + " FROM `logs` WHERE "
                + window.predicate(hasUseTime: names.contains("use_time")) + " ORDER BY `id`")
    }

    func next(into line: inout [UInt8]) throws(GatewayDBError) -> Int64? {
        guard let stream else { return nil }
        guard try stream.step() else { self.stream = nil; return nil }
        let numeric = numeric
        encoder.encode(into: &line) { index, body in
            guard let bytes = stream.bytes(index) else { return body(.null) }
            body(numeric[index] ? .number(bytes) : .text(bytes))
        }
        return parseInt64(stream.bytes(idIndex)) ?? 0
    }

    func finish() {
        guard open else { return }
        open = false
        // Freeing an unfinished mysql_use_result reads the rest off the socket first.
        stream = nil
        try? connection.execute("COMMIT")
    }
}
