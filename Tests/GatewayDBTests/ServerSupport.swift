import Foundation
import Testing

@testable import GatewayDB

/// The test servers `scripts/db-servers.sh` starts, found through the variables it prints
/// (`eval "$(scripts/db-servers.sh env)"`) or at its defaults. Under `CI=true` the server tests
/// always run, so a missing server fails them instead of skipping them.
enum TestServers {
    static let environment = ProcessInfo.processInfo.environment
    static let isCI = environment["CI"] == "true"
    static let password = environment["RECOUNT_TEST_DB_PASSWORD"] ?? "recount-test-pw"
    static let postgresURL = environment["RECOUNT_TEST_PG"] ?? "postgres://recount@127.0.0.1:55432/recount_test"
    static let mysqlURL = environment["RECOUNT_TEST_MYSQL"] ?? "mysql://recount@127.0.0.1:53306/recount_test"
    static let postgresSocketURL =
        environment["RECOUNT_TEST_PG_SOCKET"]
        ?? "postgres://recount@/recount_test?host=/tmp/recount-db/pg/sock&port=55432"
    static let mysqlSocketURL =
        environment["RECOUNT_TEST_MYSQL_SOCKET"]
        ?? "mysql://recount@localhost/recount_test?socket=/tmp/recount-db/mariadb/mariadb.sock"

    static var postgresEnabled: Bool {
        isCI || environment["RECOUNT_TEST_PG"] != nil
            || FileManager.default.fileExists(atPath: "/tmp/recount-db/pg/sock/.s.PGSQL.55432")
    }
    static var mysqlEnabled: Bool {
        isCI || environment["RECOUNT_TEST_MYSQL"] != nil
            || FileManager.default.fileExists(atPath: "/tmp/recount-db/mariadb/mariadb.sock")
    }

    static var credentials: GatewayCredentials { .password(password, origin: "test") }

    static func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures/gateway-schema/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(getpid())_\(UInt32.random(in: 0...UInt32.max))"
    }
}

struct ToolFailure: Error, CustomStringConvertible {
    let description: String
}

/// Runs a command-line client (psql, mariadb, sqlite3) with `input` on stdin; returns stdout.
@discardableResult
func runTool(
    _ executable: String, _ arguments: [String], input: String = "", environment extra: [String: String] = [:]
) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    var environment = ProcessInfo.processInfo.environment
    for (key, value) in extra { environment[key] = value }
    process.environment = environment
    // Files, not pipes: Foundation's pipe reads trap on EINTR while other tests run.
    let base = NSTemporaryDirectory() + TestServers.uniqueName("tool")
    let inputPath = base + ".in", outputPath = base + ".out", errorPath = base + ".err"
    defer { for path in [inputPath, outputPath, errorPath] { try? FileManager.default.removeItem(atPath: path) } }
    _ = FileManager.default.createFile(atPath: inputPath, contents: Data(input.utf8))
    _ = FileManager.default.createFile(atPath: outputPath, contents: nil)
    _ = FileManager.default.createFile(atPath: errorPath, contents: nil)
    let stdin = try FileHandle(forReadingFrom: URL(fileURLWithPath: inputPath))
    let stdout = try FileHandle(forWritingTo: URL(fileURLWithPath: outputPath))
    let stderr = try FileHandle(forWritingTo: URL(fileURLWithPath: errorPath))
    defer { try? stdin.close(); try? stdout.close(); try? stderr.close() }
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stderr
    try process.run()
    process.waitUntilExit()
    let output = FileManager.default.contents(atPath: outputPath) ?? Data()
    let errorData = FileManager.default.contents(atPath: errorPath) ?? Data()
    guard process.terminationStatus == 0 else {
        throw ToolFailure(
            description:
                "\(executable) \(arguments.joined(separator: " ")) exited \(process.terminationStatus): \(String(decoding: errorData, as: UTF8.self))"
        )
    }
    return String(decoding: output, as: UTF8.self)
}

/// A schema of its own in the test PostgreSQL database (tests run in parallel).
struct PostgresScratch {
    let schema: String
    let url: GatewayDatabaseURL

    init() throws {
        schema = TestServers.uniqueName("t")
        url = try GatewayDatabaseURL.parse(TestServers.postgresURL + "?options=-csearch_path%3D\(schema)")
        try run("CREATE SCHEMA \(schema);")
    }

    var connectionArguments: [String] {
        let base = try! GatewayDatabaseURL.parse(TestServers.postgresURL)
        return [
            "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", base.host ?? "127.0.0.1", "-p", String(base.port ?? 5432),
            "-U", base.user ?? "recount", "-d", base.database ?? "recount_test",
        ]
    }

    @discardableResult
    func run(_ sql: String, tuplesOnly: Bool = false) throws -> String {
        try runTool(
            "/usr/bin/psql",
            connectionArguments + (tuplesOnly ? ["-At"] : []) + ["-c", "SET search_path = \(schema)", "-f", "-"],
            input: sql,
            environment: ["PGPASSWORD": TestServers.password, "PGOPTIONS": "-c client_min_messages=warning"])
    }

    func query(_ sql: String) throws -> String {
        try runTool(
            "/usr/bin/psql", connectionArguments + ["-At", "-c", "SET search_path = \(schema)", "-c", sql],
            environment: ["PGPASSWORD": TestServers.password])
    }

    func drop() { _ = try? run("DROP SCHEMA \(schema) CASCADE;") }
}

/// A database of its own on the test MariaDB server.
struct MySQLScratch {
    let database: String
    let url: GatewayDatabaseURL
    let base: GatewayDatabaseURL

    init() throws {
        database = TestServers.uniqueName("recount_t")
        base = try GatewayDatabaseURL.parse(TestServers.mysqlURL)
        url = try GatewayDatabaseURL.parse(
            TestServers.mysqlURL.replacingOccurrences(of: "/" + (base.database ?? ""), with: "/" + database))
        try runTool(
            "/usr/bin/mariadb", arguments(database: nil), input: "CREATE DATABASE \(database) CHARACTER SET utf8mb4;",
            environment: ["MYSQL_PWD": TestServers.password])
    }

    func arguments(database: String?) -> [String] {
        [
            "--no-defaults", "-h", base.host ?? "127.0.0.1", "-P", String(base.port ?? 3306), "-u",
            base.user ?? "recount", "-N", "-B",
        ]
            + (database.map { [$0] } ?? [])
    }

    @discardableResult
    func run(_ sql: String) throws -> String {
        try runTool(
            "/usr/bin/mariadb", arguments(database: database), input: sql,
            environment: ["MYSQL_PWD": TestServers.password])
    }

    func drop() {
        _ = try? runTool(
            "/usr/bin/mariadb", arguments(database: nil), input: "DROP DATABASE \(database);",
            environment: ["MYSQL_PWD": TestServers.password])
    }
}

/// A temporary SQLite database file made with the `sqlite3` shell.
struct SQLiteScratch {
    let directory: String
    let path: String
    var url: GatewayDatabaseURL { try! GatewayDatabaseURL.parse("sqlite:" + path) }

    init(wal: Bool = false) throws {
        directory = NSTemporaryDirectory() + TestServers.uniqueName("recount-sqlite")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        path = directory + "/one-api.db"
        if wal { try run("PRAGMA journal_mode=WAL;") }
    }

    @discardableResult
    func run(_ sql: String) throws -> String { try runTool("/usr/bin/sqlite3", ["-bail", path], input: sql) }

    func json(_ sql: String) throws -> String { try runTool("/usr/bin/sqlite3", ["-json", path, sql]) }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// Reads every row of a window as (id, line) pairs.
func readAll(
    _ url: GatewayDatabaseURL, window: GatewayLogWindow, credentials: GatewayCredentials = TestServers.credentials,
    options: GatewayReadOptions = .init()
) throws -> (ids: [Int64], lines: [String], dialect: GatewayDialect) {
    let reader = try GatewayDatabase.openLogs(url, credentials: credentials, window: window, options: options)
    var ids: [Int64] = [], lines: [String] = []
    while let row = try reader.next() {
        ids.append(row.id)
        lines.append(String(decoding: row.line, as: UTF8.self))
    }
    return (ids, lines, reader.dialect)
}
