import Foundation
import Testing

@testable import GatewayDB

@Suite(
    "Gateway rows: PostgreSQL",
    .enabled(if: TestServers.postgresEnabled, "needs scripts/db-servers.sh (always on under CI=true)"))
struct PostgresRowsTests {
    @Test(
        "new-api rows come back as row_to_json prints them, the boolean as 0/1; windowed by start time with the margin")
    func newAPIRows() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres))
        let read = try readAll(scratch.url, window: NewAPIRows.window)
        #expect(read.dialect == .newAPI)
        #expect(read.ids == NewAPIRows.expectedIDs)
        // The same bytes as SQLite and MySQL give for these rows.
        #expect(read.lines == NewAPIRows.expectedIntegerBooleans)
        // psql printing row_to_json, unaligned, differs in the boolean alone (true/false).
        let exported = try scratch.query("SELECT row_to_json(l) FROM logs l WHERE id IN (3,4,7,8,9,10) ORDER BY id")
        #expect(
            NewAPIRows.expectedPostgres
                == exported.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init))
    }

    @Test("one FETCH batch at a time reads the same rows; the socket URL works too")
    func batchesAndSocket() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres))
        var options = GatewayReadOptions()
        options.batchRows = 2
        #expect(try readAll(scratch.url, window: NewAPIRows.window, options: options).ids == NewAPIRows.expectedIDs)
        let socket = try GatewayDatabaseURL.parse(
            TestServers.postgresSocketURL + "&options=-csearch_path%3D\(scratch.schema)")
        #expect(try readAll(socket, window: NewAPIRows.window).lines == NewAPIRows.expectedIntegerBooleans)
    }

    @Test("the read is a read-only snapshot: rows committed meanwhile are not in it")
    func snapshot() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres))
        var options = GatewayReadOptions()
        options.batchRows = 1
        let reader = try GatewayDatabase.openLogs(
            scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window, options: options)
        #expect(try reader.next()?.id == 3)
        try scratch.run(
            NewAPIRows.insertSQL(.postgres, rows: [NewAPIRows.row(11, created: NewAPIRows.from + 50, useTime: 0)]))
        var ids: [Int64] = [3]
        while let row = try reader.next() { ids.append(row.id) }
        #expect(ids == NewAPIRows.expectedIDs)
        #expect(try readAll(scratch.url, window: NewAPIRows.window).ids == [3, 4, 7, 8, 9, 10, 11])
    }

    @Test("options table")
    func options() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.optionsSQL)
        #expect(
            try GatewayDatabase.readOptions(scratch.url, credentials: TestServers.credentials)
                == NewAPIRows.expectedOptions)
    }

    @Test("missing table and missing column name the table and the column")
    func missingTableAndColumn() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        #expect(throws: GatewayDBError.missingTable(source: scratch.url.description, table: "logs")) {
            _ = try GatewayDatabase.openLogs(
                scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        }
        try scratch.run(
            "CREATE TABLE logs (id bigserial primary key, user_id bigint, created_at bigint, type bigint, quota bigint);"
        )
        #expect(
            throws: GatewayDBError.missingColumn(source: scratch.url.description, table: "logs", column: "model_name")
        ) {
            _ = try GatewayDatabase.openLogs(
                scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        }
    }

    @Test("unreachable server and wrong password: 'unavailable' (69), the password in no message")
    func unreachableAndWrongPassword() throws {
        let closed = try GatewayDatabaseURL.parse("postgres://recount@127.0.0.1:1/recount_test")
        do {
            _ = try GatewayDatabase.openLogs(closed, credentials: TestServers.credentials, window: NewAPIRows.window)
            Issue.record("expected a connection error")
        } catch {
            guard case .unavailable = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.exitStatus == 69)
        }
        let wrong = "wrong-Pa55word-xyzzy"
        let url = try GatewayDatabaseURL.parse(TestServers.postgresURL)
        do {
            _ = try GatewayDatabase.openLogs(
                url, credentials: .password(wrong, origin: "test"), window: NewAPIRows.window)
            Issue.record("expected an authentication error")
        } catch {
            guard case .unavailable(_, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("password authentication failed"))
            #expect(!error.description.contains(wrong))
            #expect(!String(reflecting: error).contains(wrong))
        }
    }

    @Test("no password of Recount's own: libpq finds it in a pgpass file (the passfile keyword, as PGPASSFILE)")
    func pgpass() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres))
        let file = NSTemporaryDirectory() + TestServers.uniqueName("pgpass")
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data("*:*:*:recount:\(TestServers.password)\n".utf8).write(to: URL(fileURLWithPath: file))
        chmod(file, 0o600)
        let url = try GatewayDatabaseURL.parse(scratch.url.description + "&passfile=\(file)")
        #expect(try readAll(url, window: NewAPIRows.window, credentials: .clientLibrary).ids == NewAPIRows.expectedIDs)
        // And without it the server refuses: the password really came from the file.
        #expect(throws: GatewayDBError.self) {
            _ = try readAll(
                try GatewayDatabaseURL.parse(scratch.url.description + "&passfile=/nonexistent"),
                window: NewAPIRows.window, credentials: .clientLibrary)
        }
    }

    @Test("the connection dropped midway: a typed I/O error (74)")
    func droppedMidway() throws {
        let scratch = try PostgresScratch()
        defer { scratch.drop() }
        try scratch.run(
            try TestServers.fixture("new-api.postgres.sql") + """
                INSERT INTO logs (id, user_id, created_at, type, model_name, quota) SELECT n, 1, \(NewAPIRows.from) + n, 2, 'gpt-4o', 1 FROM generate_series(1, 100) n;
                """)
        let name = TestServers.uniqueName("recount_drop")
        let url = try GatewayDatabaseURL.parse(scratch.url.description + "&application_name=\(name)")
        var options = GatewayReadOptions()
        options.batchRows = 10
        let reader = try GatewayDatabase.openLogs(
            url, credentials: TestServers.credentials, window: NewAPIRows.window, options: options)
        #expect(try reader.next()?.id == 1)
        let killed = try scratch.query(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(name)'")
        #expect(killed.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        var read = 1
        do {
            while try reader.next() != nil { read += 1 }
            Issue.record("expected the dropped connection to stop the read")
        } catch {
            guard case .io = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.exitStatus == 74)
        }
        #expect(read == 10, "the rows of the batch already fetched, then the failure")
    }
}

@Suite(
    "Gateway rows: MariaDB",
    .enabled(if: TestServers.mysqlEnabled, "needs scripts/db-servers.sh (always on under CI=true)"))
struct MySQLRowsTests {
    @Test("new-api rows come back as sqlite3 -json would print them, windowed by start time with the margin")
    func newAPIRows() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.mysql.sql") + NewAPIRows.insertSQL(.mysql))
        let read = try readAll(scratch.url, window: NewAPIRows.window)
        #expect(read.dialect == .newAPI)
        #expect(read.ids == NewAPIRows.expectedIDs)
        #expect(read.lines == NewAPIRows.expectedIntegerBooleans)
        let socket = try GatewayDatabaseURL.parse(
            TestServers.mysqlSocketURL.replacingOccurrences(of: "/recount_test?", with: "/\(scratch.database)?"))
        #expect(try readAll(socket, window: NewAPIRows.window).lines == NewAPIRows.expectedIntegerBooleans)
    }

    @Test("one-api's MySQL table")
    func oneAPIRows() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        try scratch.run(
            try TestServers.fixture("one-api.mysql.sql") + """
                INSERT INTO logs (id, user_id, created_at, type, content, username, token_name, model_name, quota, prompt_tokens, completion_tokens, channel_id, request_id, elapsed_time, is_stream, system_prompt_reset)
                VALUES (1, 2, 1700000000, 2, 'x', 'bob', 't', 'gpt-3.5-turbo', 30, 20, 10, 3, 'req-1', 1500, FALSE, FALSE);
                """)
        let read = try readAll(
            scratch.url, window: GatewayLogWindow(from: 1_700_000_000, until: 1_700_000_001, marginSeconds: 0))
        #expect(read.dialect == .oneAPI)
        #expect(
            read.lines == [
                #"{"id":1,"user_id":2,"created_at":1700000000,"type":2,"content":"x","username":"bob","token_name":"t","model_name":"gpt-3.5-turbo","quota":30,"prompt_tokens":20,"completion_tokens":10,"channel_id":3,"request_id":"req-1","elapsed_time":1500,"is_stream":0,"system_prompt_reset":0}"#
            ])
    }

    @Test("the read is a consistent snapshot: rows committed meanwhile are not in it")
    func snapshot() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        try scratch.run(try TestServers.fixture("new-api.mysql.sql") + NewAPIRows.insertSQL(.mysql))
        let reader = try GatewayDatabase.openLogs(
            scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        // The snapshot was taken at START TRANSACTION … WITH CONSISTENT SNAPSHOT, before this.
        try scratch.run(
            NewAPIRows.insertSQL(.mysql, rows: [NewAPIRows.row(11, created: NewAPIRows.from + 50, useTime: 0)]))
        var ids: [Int64] = []
        while let row = try reader.next() { ids.append(row.id) }
        #expect(ids == NewAPIRows.expectedIDs)
    }

    @Test("options table")
    func options() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        try scratch.run(
            try TestServers.fixture("new-api.mysql.sql")
                + NewAPIRows.optionsSQL.replacingOccurrences(of: "(key,", with: "(`key`,"))
        #expect(
            try GatewayDatabase.readOptions(scratch.url, credentials: TestServers.credentials)
                == NewAPIRows.expectedOptions)
    }

    @Test("missing table and missing column name the table and the column")
    func missingTableAndColumn() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        #expect(throws: GatewayDBError.missingTable(source: scratch.url.description, table: "logs")) {
            _ = try GatewayDatabase.openLogs(
                scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        }
        try scratch.run(
            "CREATE TABLE logs (id bigint primary key, username varchar(10), type bigint, model_name varchar(10), quota bigint);"
        )
        #expect(
            throws: GatewayDBError.missingColumn(source: scratch.url.description, table: "logs", column: "created_at")
        ) {
            _ = try GatewayDatabase.openLogs(
                scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        }
    }

    @Test("a login without SELECT on logs is 'unavailable' (69) naming the denial, not a missing table")
    func loginWithoutTheGrant() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        let user = TestServers.uniqueName("ro")
        try scratch.run(
            try TestServers.fixture("new-api.mysql.sql")
                + "CREATE USER '\(user)'@'127.0.0.1' IDENTIFIED BY '\(TestServers.password)';"
                + "GRANT SELECT ON \(scratch.database).options TO '\(user)'@'127.0.0.1';")
        defer { _ = try? scratch.run("DROP USER '\(user)'@'127.0.0.1';") }
        let url = try GatewayDatabaseURL.parse(
            "mysql://\(user)@127.0.0.1:\(scratch.base.port ?? 3306)/\(scratch.database)")
        do {
            _ = try GatewayDatabase.openLogs(url, credentials: TestServers.credentials, window: NewAPIRows.window)
            Issue.record("expected a denial")
        } catch {
            guard case .unavailable(_, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("denied") && error.exitStatus == 69, "\(reason)")
        }
    }

    @Test("unreachable server and wrong password: 'unavailable' (69), the password in no message")
    func unreachableAndWrongPassword() throws {
        let closed = try GatewayDatabaseURL.parse("mysql://recount@127.0.0.1:1/recount_test")
        do {
            _ = try GatewayDatabase.openLogs(closed, credentials: TestServers.credentials, window: NewAPIRows.window)
            Issue.record("expected a connection error")
        } catch {
            guard case .unavailable = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.exitStatus == 69)
        }
        let wrong = "wrong-Pa55word-xyzzy"
        let url = try GatewayDatabaseURL.parse(TestServers.mysqlURL)
        do {
            _ = try GatewayDatabase.openLogs(
                url, credentials: .password(wrong, origin: "test"), window: NewAPIRows.window)
            Issue.record("expected an authentication error")
        } catch {
            guard case .unavailable(_, let reason) = error else { Issue.record("wrong error \(error)"); return }
            #expect(reason.contains("Access denied"))
            #expect(!String(reflecting: error).contains(wrong))
        }
    }

    @Test("the connection killed midway: a typed I/O error (74)")
    func droppedMidway() throws {
        let scratch = try MySQLScratch()
        defer { scratch.drop() }
        // Enough rows (about 40 MB) that the server is still sending when it is killed.
        try scratch.run(
            try TestServers.fixture("new-api.mysql.sql") + """
                INSERT INTO logs (id, user_id, created_at, type, model_name, quota, content)
                SELECT seq, 1, \(NewAPIRows.from) + seq, 2, 'gpt-4o', 1, REPEAT('x', 2000) FROM seq_1_to_20000;
                """)
        let reader = try GatewayDatabase.openLogs(
            scratch.url, credentials: TestServers.credentials, window: NewAPIRows.window)
        #expect(try reader.next()?.id == 1)
        try scratch.run(
            """
            SELECT ID INTO @victim FROM information_schema.PROCESSLIST WHERE DB = '\(scratch.database)' AND INFO LIKE 'SELECT `id`%' LIMIT 1;
            KILL CONNECTION @victim;
            """)
        var read = 1
        do {
            while try reader.next() != nil { read += 1 }
            Issue.record("expected the killed connection to stop the read (read \(read) rows)")
        } catch {
            guard case .io = error else { Issue.record("wrong error \(error)"); return }
            #expect(error.exitStatus == 74)
        }
        #expect(read < 20000)
    }
}

@Suite(
    "Gateway rows: every source the same",
    .enabled(
        if: TestServers.postgresEnabled && TestServers.mysqlEnabled,
        "needs scripts/db-servers.sh (always on under CI=true)"))
struct SameRowsEverySourceTests {
    @Test("the same rows in SQLite, PostgreSQL and MariaDB decode to the same records")
    func sameRecords() throws {
        let sqlite = try SQLiteScratch(wal: true)
        defer { sqlite.remove() }
        try sqlite.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        let postgres = try PostgresScratch()
        defer { postgres.drop() }
        try postgres.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres))
        let mysql = try MySQLScratch()
        defer { mysql.drop() }
        try mysql.run(try TestServers.fixture("new-api.mysql.sql") + NewAPIRows.insertSQL(.mysql))
        let fromSQLite = try readAll(sqlite.url, window: NewAPIRows.window)
        let fromPostgres = try readAll(postgres.url, window: NewAPIRows.window)
        let fromMySQL = try readAll(mysql.url, window: NewAPIRows.window)
        #expect(fromSQLite.ids == fromPostgres.ids && fromPostgres.ids == fromMySQL.ids)
        #expect(fromSQLite.lines == fromMySQL.lines, "SQLite and MySQL both store bool as 0/1")
        let records = NewAPIRows.decoded(fromSQLite.lines)
        #expect(NewAPIRows.decoded(fromPostgres.lines) == records)
        #expect(NewAPIRows.decoded(fromMySQL.lines) == records)
        // Row 8's `other` is not JSON: a reject naming `other` (SPEC §2.6), whatever the source.
        #expect(records.filter { !$0.hasPrefix("reject") }.count == 2)
        #expect(records.contains { $0.hasPrefix("reject") && $0.contains("other") })
    }
}
