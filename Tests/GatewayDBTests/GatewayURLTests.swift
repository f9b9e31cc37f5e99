import Foundation
import Testing

@testable import GatewayDB
@testable import RecountKit

@Suite("Gateway URLs, passwords, encoding, libraries")
struct GatewayURLTests {
    @Test("the three URL shapes parse into their parts")
    func shapes() throws {
        let sqlite = try GatewayDatabaseURL.parse("sqlite:/data/one-api.db?_busy_timeout=3000")
        #expect(sqlite.kind == .sqlite && sqlite.path == "/data/one-api.db" && sqlite.parameters.isEmpty)
        #expect(try GatewayDatabaseURL.parse("sqlite:///data/x.db").path == "/data/x.db")
        #expect(try GatewayDatabaseURL.parse("sqlite:x.db?busy_timeout=250").parameter("busy_timeout") == "250")
        let pg = try GatewayDatabaseURL.parse("postgresql://newapi@db.internal:5433/new-api?sslmode=require")
        #expect(
            pg.kind == .postgres && pg.user == "newapi" && pg.host == "db.internal" && pg.port == 5433
                && pg.database == "new-api")
        #expect(pg.parameter("sslmode") == "require")
        #expect(pg.description == "postgres://newapi@db.internal:5433/new-api?sslmode=require")
        let socket = try GatewayDatabaseURL.parse("postgres://recount@/oneapi?host=/run/postgresql")
        #expect(socket.host == nil && socket.parameter("host") == "/run/postgresql")
        let v6 = try GatewayDatabaseURL.parse("postgres://u@[::1]:5432/d")
        #expect(v6.host == "::1" && v6.port == 5432 && v6.description == "postgres://u@[::1]:5432/d")
        let my = try GatewayDatabaseURL.parse("mariadb://oneapi@localhost/oneapi?socket=/run/mysqld/mysqld.sock")
        #expect(my.kind == .mysql && my.user == "oneapi" && my.host == "localhost" && my.port == nil)
        #expect(my.parameter("socket") == "/run/mysqld/mysqld.sock")
        #expect(try GatewayDatabaseURL.parse("mysql://a%40b@h:3306/db").user == "a@b")
    }

    @Test("a password in the URL is a usage error (64) that does not repeat it")
    func passwordRefused() throws {
        for url in [
            "postgres://user:s3cr3t-Xy@host/db", "mysql://user:s3cr3t-Xy@host:3306/db",
            "postgres://user:s3cr3t-Xy/with@slash@host/db", "postgres://user@host/db?password=s3cr3t-Xy",
            "mysql://user@host/db?pwd=s3cr3t-Xy",
        ] {
            do {
                _ = try GatewayDatabaseURL.parse(url)
                Issue.record("accepted \(url.count)-character URL with a password")
            } catch {
                #expect(error.exitStatus == 64)
                #expect(!error.description.contains("s3cr3t"))
                #expect(error.description.contains("password"))
            }
        }
    }

    @Test("bad URLs are usage errors")
    func badURLs() {
        for url in [
            "http://x/y", "sqlite:", "postgres://u@h:99999/d", "mysql://u@h:3306", "mysql://u@h/db?ssl=1",
            "sqlite:x.db?mode=rw",
        ] {
            #expect(throws: GatewayDBError.self, "\(url)") { _ = try GatewayDatabaseURL.parse(url) }
        }
    }

    @Test("passwords: the file first, then RECOUNT_DB_PASSWORD, else the client library's own")
    func credentials() throws {
        let directory = NSTemporaryDirectory() + TestServers.uniqueName("pw")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let file = directory + "/db-password"
        try Data("from-file\n".utf8).write(to: URL(fileURLWithPath: file))
        let fromFile = try GatewayCredentials.resolve(
            passwordFile: file, environment: ["RECOUNT_DB_PASSWORD": "from-env"])
        #expect(fromFile.password == "from-file")
        #expect(fromFile.description == "--db-password-file \(file)")
        let fromEnvironment = try GatewayCredentials.resolve(
            passwordFile: nil, environment: ["RECOUNT_DB_PASSWORD": "from-env"])
        #expect(fromEnvironment.password == "from-env" && fromEnvironment.description == "RECOUNT_DB_PASSWORD")
        #expect(try GatewayCredentials.resolve(passwordFile: nil, environment: [:]).password == nil)
        #expect(throws: GatewayDBError.passwordFileUnreadable(path: directory + "/none", reason: "no such file")) {
            _ = try GatewayCredentials.resolve(passwordFile: directory + "/none", environment: [:])
        }
        #expect(!String(describing: fromFile).contains("from-file"))
    }

    @Test("openLogs(url:passwordFile:): a password URL is refused before anything is opened")
    func openByText() throws {
        do {
            _ = try GatewayDatabase.openLogs(
                url: "postgres://u:hunter2@127.0.0.1:1/d", passwordFile: nil,
                window: GatewayLogWindow(from: nil, until: nil), environment: [:])
            Issue.record("accepted a password in the URL")
        } catch {
            #expect(error.exitStatus == 64)
            #expect(!error.description.contains("hunter2"))
        }
        #expect(throws: GatewayDBError.databaseMissing(path: "/nonexistent/one-api.db")) {
            _ = try GatewayDatabase.openLogs(
                url: "sqlite:/nonexistent/one-api.db", passwordFile: nil,
                window: GatewayLogWindow(from: nil, until: nil))
        }
    }

    @Test("client messages have the password scrubbed out")
    func scrubbing() {
        #expect(
            scrub("FATAL: bad password 'hunter2' for hunter2\n", secret: "hunter2")
                == "FATAL: bad password '***' for ***")
        #expect(scrub("no secret here", secret: nil) == "no secret here")
    }

    @Test("strings are escaped as row_to_json and sqlite3 -json escape them")
    func escaping() {
        var line: [UInt8] = []
        RowEncoder.appendString(Array("a\"b\\c\u{08}\u{0C}\n\r\t\u{00}\u{1F}\u{7F}é".utf8), to: &line)
        #expect(String(decoding: line, as: UTF8.self) == #""a\"b\\c\b\f\n\r\t\u0000\u001f"# + "\u{7F}é\"")
        let encoder = RowEncoder(columns: ["id", "na\"me"])
        encoder.encode(into: &line) { index, body in
            index == 0 ? body(.integer(-7)) : body(.null)
        }
        #expect(String(decoding: line, as: UTF8.self) == #"{"id":-7,"na\"me":null}"#)
    }

    @Test("a missing client library is a typed error naming the Debian package (69)")
    func missingLibrary() {
        #expect(
            throws: GatewayDBError.libraryMissing(
                client: "SQLite", library: "libsqlite3-nope.so.0", package: "libsqlite3-0")
        ) {
            _ = try SQLiteAPI.load(["libsqlite3-nope.so.0"])
        }
        #expect(
            throws: GatewayDBError.libraryMissing(client: "PostgreSQL", library: "libpq-nope.so.5", package: "libpq5")
        ) {
            _ = try PostgresAPI.load(["libpq-nope.so.5"])
        }
        do {
            _ = try MySQLAPI.load(["libmariadb-nope.so.3", "libmysqlclient-nope.so.21"])
            Issue.record("loaded a library that does not exist")
        } catch {
            #expect(error.exitStatus == 69)
            #expect(error.description.contains("apt-get install libmariadb3"))
            #expect(error.description.contains("libmariadb-nope.so.3 or libmysqlclient-nope.so.21"))
        }
    }

    @Test("the window's SQL: start in [from, until), created_at read to until + margin")
    func windowPredicate() {
        let window = GatewayLogWindow(from: 100, until: 200, marginSeconds: 30)
        #expect(
            window.predicate(hasUseTime: true)
                == "created_at >= 100 AND (created_at - COALESCE(use_time, 0)) >= 100 AND created_at < 230 AND (created_at - COALESCE(use_time, 0)) < 200"
        )
        #expect(
            window.predicate(hasUseTime: false)
                == "created_at >= 100 AND created_at >= 100 AND created_at < 230 AND created_at < 200")
        #expect(GatewayLogWindow(from: nil, until: nil).predicate(hasUseTime: true) == "1 = 1")
        let run = GatewayLogWindow.run(
            from: Timestamp(seconds: 100, nanoseconds: 5), until: Timestamp(seconds: 200, nanoseconds: 1))
        #expect(run.from == 100 && run.until == 201 && run.marginSeconds == 3600)
    }
}

@Suite("Gateway rows through the pipeline's line readers")
struct GatewayLineAdapterTests {
    func database() throws -> SQLiteScratch {
        let database = try SQLiteScratch(wal: true)
        try database.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite))
        return database
    }

    @Test("GatewayLogLines numbers each line by logs.id; GatewayRowByteSource feeds LineReader the same lines")
    func adapters() throws {
        let database = try database()
        defer { database.remove() }
        let lines = GatewayLogLines(try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window))
        var numbered: [(Int, String)] = []
        while let line = try lines.next() {
            numbered.append((line.number, String(decoding: line.bytes, as: UTF8.self)))
        }
        #expect(numbered.map(\.0) == NewAPIRows.expectedIDs.map(Int.init))
        #expect(numbered.map(\.1) == NewAPIRows.expectedIntegerBooleans)
        #expect(lines.source == "sqlite:" + database.path)
        let reader = LineReader(
            GatewayRowByteSource(try GatewayDatabase.openLogs(database.url, window: NewAPIRows.window)), bufferBytes: 64
        )
        var read: [String] = []
        while let line = try reader.next() { read.append(String(decoding: line.bytes, as: UTF8.self)) }
        #expect(read == NewAPIRows.expectedIntegerBooleans)
    }

    @Test("rows from the database decode exactly as the same rows exported by sqlite3 -json")
    func decodeLikeExport() throws {
        let database = try database()
        defer { database.remove() }
        let read = try readAll(database.url, window: NewAPIRows.window)
        let exported = try database.json("SELECT * FROM logs WHERE id IN (3,4,7,8,9,10) ORDER BY id")
            .trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast().components(separatedBy: ",\n")
        let fromDatabase = NewAPIRows.decoded(read.lines)
        #expect(fromDatabase == NewAPIRows.decoded(exported))
        // What the decoder makes of them, by hand: 3, 4, 10 are requests (10's negative quota
        // and 7's NULLs and 9's top-up type are the decoder's rejects, not the reader's).
        #expect(fromDatabase[0].hasPrefix("3 1700000097 alice k1 default gpt-4o 200 false"))
        // 4 started at until − 100 (created_at until + 1800, use_time 1900).
        #expect(fromDatabase[1].hasPrefix("4 1700086300 alice k1 default gpt-4o 200 false"))
        #expect(fromDatabase[2].hasPrefix("reject"))
        #expect(fromDatabase[4].hasPrefix("reject"))
    }
}
