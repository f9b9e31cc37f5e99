import Foundation
import RecountKit
import Testing

@testable import GatewayDB

/// The same new-api rows, loaded into SQLite, PostgreSQL and MariaDB with the gateway's own
/// table definitions, read back through `GatewayDatabase.openLogs`.
enum NewAPIRows {
    enum Value { case int(Int64), text(String), bool(Bool) }

    static let from: Int64 = 1_700_000_000
    static let until: Int64 = 1_700_086_400
    static let window = GatewayLogWindow(from: from, until: until, marginSeconds: 3600)

    static let columns = [
        "id", "user_id", "created_at", "type", "content", "username", "token_name", "model_name", "quota",
        "prompt_tokens", "completion_tokens", "use_time", "is_stream", "channel_id", "channel_name",
        "token_id", "group", "ip", "other",
    ]

    static func row(_ id: Int64, created: Int64, useTime: Int64?, _ extra: [String: Value] = [:]) -> [String: Value] {
        var row: [String: Value] = [
            "id": .int(id), "user_id": .int(1), "created_at": .int(created), "type": .int(2),
            "content": .text("c"), "username": .text("alice"), "token_name": .text("k1"),
            "model_name": .text("gpt-4o"), "quota": .int(100), "prompt_tokens": .int(10),
            "completion_tokens": .int(5), "is_stream": .bool(false), "channel_id": .int(1),
            "token_id": .int(7), "group": .text("default"), "ip": .text(""), "other": .text("{}"),
        ]
        if let useTime { row["use_time"] = .int(useTime) }
        for (key, value) in extra { row[key] = value }
        return row
    }

    /// id 3, 4, 7, 8, 9, 10 are in the window; 1 and 2 start before `from`; 5 starts after
    /// `until`; 6 starts before `until` but was written after `until + margin`.
    static let rows: [[String: Value]] = [
        row(1, created: from - 10, useTime: 0),
        row(2, created: from + 5, useTime: 10),
        row(
            3, created: from + 100, useTime: 3,
            [
                "content": .text("say \"hi\"\n\tthen é 中 \u{01} C:\\path"), "quota": .int(1500),
                "prompt_tokens": .int(1000),
                "completion_tokens": .int(50), "other": .text("{\"cache_tokens\":400,\"model_ratio\":1.25}"),
            ]),
        row(4, created: until + 1800, useTime: 1900),
        row(5, created: until + 10, useTime: 5),
        row(6, created: until + 3700, useTime: 3800),
        // NULL in every nullable column (all but id and created_at).
        ["id": .int(7), "created_at": .int(from + 200)],
        row(8, created: from + 300, useTime: 1, ["other": .text("not json {")]),
        row(9, created: from + 400, useTime: 0, ["type": .int(1), "quota": .int(500000), "content": .text("top-up")]),
        row(10, created: from + 500, useTime: 2, ["is_stream": .bool(true), "quota": .int(-5)]),
    ]

    /// The lines `sqlite3 -json` prints for the window's rows (SQLite stores `bool` as 0/1, and
    /// so does MySQL's `tinyint(1)`), written out by hand.
    static let expectedIntegerBooleans: [String] = [
        #"{"id":3,"user_id":1,"created_at":1700000100,"type":2,"content":"say \"hi\"\n\tthen é 中 \u0001 C:\\path","username":"alice","token_name":"k1","model_name":"gpt-4o","quota":1500,"prompt_tokens":1000,"completion_tokens":50,"use_time":3,"is_stream":0,"channel_id":1,"channel_name":null,"token_id":7,"group":"default","ip":"","other":"{\"cache_tokens\":400,\"model_ratio\":1.25}"}"#,
        #"{"id":4,"user_id":1,"created_at":1700088200,"type":2,"content":"c","username":"alice","token_name":"k1","model_name":"gpt-4o","quota":100,"prompt_tokens":10,"completion_tokens":5,"use_time":1900,"is_stream":0,"channel_id":1,"channel_name":null,"token_id":7,"group":"default","ip":"","other":"{}"}"#,
        #"{"id":7,"user_id":null,"created_at":1700000200,"type":null,"content":null,"username":null,"token_name":null,"model_name":null,"quota":null,"prompt_tokens":null,"completion_tokens":null,"use_time":null,"is_stream":null,"channel_id":null,"channel_name":null,"token_id":null,"group":null,"ip":null,"other":null}"#,
        #"{"id":8,"user_id":1,"created_at":1700000300,"type":2,"content":"c","username":"alice","token_name":"k1","model_name":"gpt-4o","quota":100,"prompt_tokens":10,"completion_tokens":5,"use_time":1,"is_stream":0,"channel_id":1,"channel_name":null,"token_id":7,"group":"default","ip":"","other":"not json {"}"#,
        #"{"id":9,"user_id":1,"created_at":1700000400,"type":1,"content":"top-up","username":"alice","token_name":"k1","model_name":"gpt-4o","quota":500000,"prompt_tokens":10,"completion_tokens":5,"use_time":0,"is_stream":0,"channel_id":1,"channel_name":null,"token_id":7,"group":"default","ip":"","other":"{}"}"#,
        #"{"id":10,"user_id":1,"created_at":1700000500,"type":2,"content":"c","username":"alice","token_name":"k1","model_name":"gpt-4o","quota":-5,"prompt_tokens":10,"completion_tokens":5,"use_time":2,"is_stream":1,"channel_id":1,"channel_name":null,"token_id":7,"group":"default","ip":"","other":"{}"}"#,
    ]
    static let expectedIDs: [Int64] = [3, 4, 7, 8, 9, 10]

    /// PostgreSQL's `boolean` prints as `true` / `false` in `row_to_json(l)` (a psql export).
    static var expectedPostgres: [String] {
        expectedIntegerBooleans.map {
            $0.replacingOccurrences(of: #""is_stream":0,"#, with: #""is_stream":false,"#)
                .replacingOccurrences(of: #""is_stream":1,"#, with: #""is_stream":true,"#)
        }
    }

    enum Flavor { case sqlite, postgres, mysql }

    static func insertSQL(_ flavor: Flavor, rows: [[String: Value]] = rows) -> String {
        let quotedColumns = columns.map { flavor == .mysql ? "`\($0)`" : "\"\($0)\"" }.joined(separator: ",")
        return rows.map { row in
            let values = columns.map { column -> String in
                switch row[column] {
                case nil: return "NULL"
                case .int(let value)?: return String(value)
                case .bool(let flag)?: return flavor == .sqlite ? (flag ? "1" : "0") : (flag ? "TRUE" : "FALSE")
                case .text(let text)?:
                    var escaped = text.replacingOccurrences(of: "'", with: "''")
                    if flavor == .mysql { escaped = escaped.replacingOccurrences(of: "\\", with: "\\\\") }
                    return "'\(escaped)'"
                }
            }.joined(separator: ",")
            return "INSERT INTO logs (\(quotedColumns)) VALUES (\(values));"
        }.joined(separator: "\n") + "\n"
    }

    static let optionsSQL = """
        INSERT INTO options (\("key"), value) VALUES ('ModelRatio', '{"gpt-4o":1.25}');
        INSERT INTO options (\("key"), value) VALUES ('GroupRatio', '{"default":1}');
        INSERT INTO options (\("key"), value) VALUES ('QuotaPerUnit', '500000');

        """
    static let expectedOptions = [
        GatewayOption(key: "GroupRatio", value: #"{"default":1}"#),
        GatewayOption(key: "ModelRatio", value: #"{"gpt-4o":1.25}"#),
        GatewayOption(key: "QuotaPerUnit", value: "500000"),
    ]

    /// Decodes lines as the pipeline's stage 2 does and describes what came out, so rows from
    /// different sources can be compared record by record (the source location left out).
    static func decoded(_ lines: [String]) -> [String] {
        lines.map { line in
            var bytes = Array(line.utf8)
            return bytes.withUnsafeMutableBufferPointer { buffer in
                switch RecordDecoder.decode(UnsafeBufferPointer(buffer), at: SourceLocation(file: "x", line: 1)) {
                case .success(let record):
                    return
                        "\(record.id) \(record.time.seconds) \(record.account) \(record.key ?? "-") \(record.group) \(record.model) \(record.status) \(record.stream) \(String(describing: record.billed))"
                case .failure(let error):
                    return "reject \(error)"
                }
            }
        }
    }
}

@Suite("Gateway rows: SQLite")
struct SQLiteRowsTests {
    @Test("new-api rows come back as sqlite3 -json prints them, windowed by start time with the margin")
    func newAPIRows() throws {
        let database = try SQLiteScratch(wal: true)
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        let read = try readAll(database.url, window: NewAPIRows.window)
        #expect(read.dialect == .newAPI)
        #expect(read.ids == NewAPIRows.expectedIDs)
        #expect(read.lines == NewAPIRows.expectedIntegerBooleans)
        // The sqlite3 shell, an independent printer, agrees byte for byte.
        let shell = try database.json("SELECT * FROM logs WHERE id IN (3,4,7,8,9,10) ORDER BY id")
        let shellLines = shell.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast()
            .components(separatedBy: ",\n")
        #expect(read.lines == shellLines)
    }

    @Test("small batches read the same rows (keyset chunks in rollback-journal mode)")
    func chunkedRead() throws {
        let database = try SQLiteScratch(wal: false)
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        var options = GatewayReadOptions()
        options.batchRows = 2
        let read = try readAll(database.url, window: NewAPIRows.window, options: options)
        #expect(read.ids == NewAPIRows.expectedIDs)
        #expect(read.lines == NewAPIRows.expectedIntegerBooleans)
    }

    @Test("no window reads every row; one-api's table is told apart and windowed on created_at")
    func oneAPIRows() throws {
        let database = try SQLiteScratch()
        defer { database.remove() }
        try database.run(
            try TestServers.fixture("one-api.sqlite.sql") + """
                INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, system_prompt_reset)
                VALUES (1, 2, 1700000000, 2, 'x', 'bob', 't', 'gpt-3.5-turbo', 30, 20, 10, 3, 'req-1', 1500, 0, 0),
                       (2, 2, 1699999999, 2, 'x', 'bob', 't', 'gpt-3.5-turbo', 30, 20, 10, 3, 'req-2', 1500, 1, 0);
                """)
        let all = try readAll(database.url, window: GatewayLogWindow(from: nil, until: nil))
        #expect(all.dialect == .oneAPI)
        #expect(all.ids == [1, 2])
        let day = try readAll(
            database.url, window: GatewayLogWindow(from: 1_700_000_000, until: 1_700_000_001, marginSeconds: 0))
        #expect(
            day.lines == [
                #"{"id":1,"user_id":2,"created_at":1700000000,"type":2,"content":"x","username":"bob","token_name":"t","model_name":"gpt-3.5-turbo","quota":30,"prompt_tokens":20,"completion_tokens":10,"channel_id":3,"request_id":"req-1","elapsed_time":1500,"is_stream":0,"system_prompt_reset":0}"#
            ])
    }

    @Test("options table")
    func options() throws {
        let database = try SQLiteScratch()
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.optionsSQL)
        #expect(try GatewayDatabase.readOptions(database.url) == NewAPIRows.expectedOptions)
    }

    @Test("missing file, missing table, missing column: typed errors naming table and column")
    func missingThings() throws {
        let database = try SQLiteScratch()
        defer { database.remove() }
        let missing = try GatewayDatabaseURL.parse("sqlite:" + database.directory + "/nope.db")
        #expect(throws: GatewayDBError.databaseMissing(path: database.directory + "/nope.db")) {
            _ = try GatewayDatabase.openLogs(missing, window: NewAPIRows.window)
        }
        #expect(
            !FileManager.default.fileExists(atPath: database.directory + "/nope.db"),
            "opening read-only creates nothing")
        try database.run("CREATE TABLE other_table (x integer);")
        do {
            _ = try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window)
            Issue.record("expected a missing-table error")
        } catch {
            #expect(error == .missingTable(source: database.url.description, table: "logs"))
            #expect(error.exitStatus == 65)
        }
        try database.run(
            "CREATE TABLE logs (id integer primary key, created_at integer, type integer, model_name text, username text);"
        )
        do {
            _ = try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window)
            Issue.record("expected a missing-column error")
        } catch {
            #expect(error == .missingColumn(source: database.url.description, table: "logs", column: "quota"))
            #expect(error.description.contains("table logs has no column quota"))
            #expect(error.exitStatus == 65)
        }
        #expect(throws: GatewayDBError.missingTable(source: database.url.description, table: "options")) {
            _ = try GatewayDatabase.readOptions(database.url)
        }
    }

    @Test("WAL: the gateway writes during the read; the read sees its snapshot, the write succeeds")
    func writtenDuringRead() throws {
        let database = try SQLiteScratch(wal: true)
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        let reader = try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window)
        let first = try #require(try reader.next())
        #expect(first.id == 3)
        // Another process (the gateway) inserts a row inside the window and commits.
        try database.run(
            NewAPIRows.insertSQL(.sqlite, rows: [NewAPIRows.row(11, created: NewAPIRows.from + 50, useTime: 0)]))
        var ids = [first.id]
        while let row = try reader.next() { ids.append(row.id) }
        #expect(ids == NewAPIRows.expectedIDs, "the row written mid-read is not in this snapshot")
        #expect(try database.run("SELECT count(*) FROM logs;").trimmingCharacters(in: .whitespacesAndNewlines) == "11")
        // The next read sees it.
        #expect(try readAll(database.url, window: NewAPIRows.window).ids == [3, 4, 7, 8, 9, 10, 11])
    }

    @Test("a file locked by a writer: a typed 'unavailable' error after the busy timeout, nothing read")
    func lockedFile() throws {
        let database = try SQLiteScratch(wal: false)
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        let writer = try SQLiteWriter(path: database.path)
        try writer.execute("BEGIN EXCLUSIVE")
        let url = try GatewayDatabaseURL.parse("sqlite:\(database.path)?busy_timeout=50")
        do {
            _ = try readAll(url, window: NewAPIRows.window)
            Issue.record("expected the locked database to be reported")
        } catch let error as GatewayDBError {
            guard case .unavailable(_, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("locked"))
            #expect(error.exitStatus == 69)
        }
        try writer.execute("COMMIT")
        #expect(try readAll(url, window: NewAPIRows.window).ids == NewAPIRows.expectedIDs)
    }

    @Test("locked between two chunks of a rollback-journal read: an I/O error (74), not a short day")
    func lockedMidway() throws {
        let database = try SQLiteScratch(wal: false)
        defer { database.remove() }
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        var options = GatewayReadOptions()
        options.batchRows = 2
        options.busyTimeoutMilliseconds = 50
        let reader = try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window, options: options)
        #expect(try reader.next()?.id == 3)
        #expect(try reader.next()?.id == 4)
        // The gateway inserts and tries to commit while our chunk's statement is open: its COMMIT
        // is refused for now but keeps the PENDING lock, which no new reader may pass.
        let writer = try SQLiteWriter(path: database.path)
        try writer.execute("BEGIN IMMEDIATE")
        try writer.execute("INSERT INTO logs (id, created_at) VALUES (12, \(NewAPIRows.from + 1))")
        #expect(writer.status("COMMIT") == SQLiteAPI.busy)
        defer {
            #expect(writer.status("COMMIT") == SQLiteAPI.done, "the gateway's commit goes through once the read stops")
        }
        do {
            while try reader.next() != nil {}
            Issue.record("expected the lock to stop the read")
        } catch {
            guard case .io = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.exitStatus == 74)
        }
    }
}

/// A read-write SQLite connection playing the gateway (the code under test never writes).
final class SQLiteWriter {
    private let api: SQLiteAPI
    private var db: OpaquePointer?

    init(path: String) throws {
        api = try SQLiteAPI.shared.get()
        guard api.open(path, &db, 0x2 | 0x4, nil) == SQLiteAPI.ok else {
            throw ToolFailure(description: "open \(path)")
        }
    }

    deinit { _ = api.close(db) }

    /// The status of running `sql` (SQLITE_DONE when it went through).
    func status(_ sql: String) -> Int32 {
        var statement: OpaquePointer?
        guard api.prepare(db, sql, -1, &statement, nil) == SQLiteAPI.ok else { return -1 }
        defer { _ = api.finalize(statement) }
        var status = api.step(statement)
        while status == SQLiteAPI.row { status = api.step(statement) }
        return status
    }

    func execute(_ sql: String) throws {
        var statement: OpaquePointer?
        guard api.prepare(db, sql, -1, &statement, nil) == SQLiteAPI.ok else {
            throw ToolFailure(description: "prepare \(sql)")
        }
        defer { _ = api.finalize(statement) }
        var status = api.step(statement)
        while status == SQLiteAPI.row { status = api.step(statement) }
        guard status == SQLiteAPI.done else { throw ToolFailure(description: "\(sql): \(status)") }
    }
}
