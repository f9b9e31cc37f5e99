import ArgumentParsing
import Foundation
import GatewayDB
import RecountCLI
import Synchronization
import Testing

// `recount reconcile --gateway-db` end to end (issue 14): the same rows from SQLite, PostgreSQL,
// MariaDB and a JSONL export give the same reports; the password is in no output; a connection
// dropped midway fails with 74 and leaves the previous reports as they were.

/// Runs the command line in-process and captures what it printed.
struct CLIRun {
    let status: Int32
    let out: String
    let err: String
}

final class CLICapture: Sendable {
    let out = Mutex("")
    let err = Mutex("")
}

func recount(_ argv: [String]) -> CLIRun {
    let capture = CLICapture()
    let console = Console(
        writeOut: { text in capture.out.withLock { $0 += text } },
        writeError: { text in capture.err.withLock { $0 += text } },
        errorIsTerminal: false, readInput: { Data() })
    let status = RecountCommandLine.run(argv, console: console)
    return CLIRun(status: status, out: capture.out.withLock { $0 }, err: capture.err.withLock { $0 })
}

/// A scratch directory with the price catalog, the password file and one `--out` per source.
struct CLIScratch {
    let directory: String

    init() throws {
        directory = NSTemporaryDirectory() + TestServers.uniqueName("recount-dbcli")
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ text: String) throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The catalog of the rows' models, from settings as the gateway's admin UI stores them.
    func catalog() throws -> String {
        let settings = try write(
            "settings.json",
            #"""
            {"ModelRatio": "{\"gpt-4o\": 1.25, \"gpt-4o-mini\": 0.075}", "CompletionRatio": "{\"gpt-4o\": 4, \"gpt-4o-mini\": 4}",
             "GroupRatio": "{\"default\": 1}"}
            """#)
        let path = directory + "/pricing.json"
        let run = recount(["prices", "import", "--settings", settings, "--out", path, "--effective-from", "1699000000"])
        guard run.status == 0 else { throw ToolFailure(description: "prices import: \(run.err)") }
        return path
    }

    func passwordFile() throws -> String { try write("db-password", TestServers.password + "\n") }

    /// The eight report files of `--out name`.
    func reports(_ name: String) throws -> [String: String] {
        let out = directory + "/" + name
        var files: [String: String] = [:]
        for file in try FileManager.default.contentsOfDirectory(atPath: out) where !file.hasPrefix(".") {
            files[file] = try String(contentsOfFile: out + "/" + file, encoding: .utf8)
        }
        return files
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }
}

/// The rows of the cross-source test: ids 1…8 start in the window (so a JSONL export of them
/// numbers its lines as the database numbers its rows), 9 and 10 do not.
enum SameRows {
    static let from = NewAPIRows.from, until = NewAPIRows.until
    static let fromText = "2023-11-14T22:13:20Z", untilText = "2023-11-15T22:13:20Z"
    typealias Value = NewAPIRows.Value

    static let rows: [[String: Value]] = [
        // gpt-4o: 1000 prompt + 50 completion at ratio 1.25, completion ratio 4: (1000 + 200) × 1.25 = 1500.
        NewAPIRows.row(
            1, created: from + 100, useTime: 3,
            ["quota": .int(1500), "prompt_tokens": .int(1000), "completion_tokens": .int(50)]),
        // The same tokens charged 1800: an overcharge of 300.
        NewAPIRows.row(
            2, created: from + 150, useTime: 2,
            [
                "username": .text("bob"), "quota": .int(1800),
                "prompt_tokens": .int(1000), "completion_tokens": .int(50),
            ]),
        NewAPIRows.row(
            3, created: from + 200, useTime: 1,
            [
                "model_name": .text("gpt-4o-mini"), "is_stream": .bool(true),
                "quota": .int(15), "prompt_tokens": .int(100), "completion_tokens": .int(25),
            ]),
        // NULL in every nullable column: rejected (no model).
        ["id": .int(4), "created_at": .int(from + 250)],
        NewAPIRows.row(5, created: from + 300, useTime: 1, ["other": .text("not json {")]),
        NewAPIRows.row(
            6, created: from + 350, useTime: 0, ["type": .int(1), "quota": .int(500000), "content": .text("top-up")]),
        // An error row (type 5) that took nothing.
        NewAPIRows.row(
            7, created: from + 400, useTime: 0, ["type": .int(5), "quota": .int(0), "username": .text("carol")]),
        NewAPIRows.row(
            8, created: from + 450, useTime: 4,
            [
                "username": .text("carol"), "content": .text("say \"hi\"\n\té 中"),
                "quota": .int(100), "prompt_tokens": .int(10), "completion_tokens": .int(5),
            ]),
        NewAPIRows.row(9, created: until + 10, useTime: 5),
        NewAPIRows.row(10, created: from - 10, useTime: 0),
    ]

    static func reconcile(source: [String], catalog: String, out: String, passwordFile: String? = nil) -> CLIRun {
        recount(
            ["reconcile"] + source + [
                "--pricing", catalog, "--out", out, "--from", fromText, "--until", untilText, "--jobs", "2",
            ]
                + (passwordFile.map { ["--db-password-file", $0] } ?? []))
    }

    /// What differs between a database source and a file by necessity: its name (the redacted
    /// URL or the path), its kind in `summary.json`'s inputs, and `summary.json`'s `gateway_db`.
    static func normalised(_ files: [String: String], source: String) -> [String: String] {
        files.mapValues { text in
            // The HTML's embedded JSON writes `/` as `\/`, its text as `&#x2F;`.
            var text = text.replacingOccurrences(of: source, with: "SOURCE")
                .replacingOccurrences(of: source.replacingOccurrences(of: "/", with: "\\/"), with: "SOURCE")
                .replacingOccurrences(of: source.replacingOccurrences(of: "/", with: "&#x2F;"), with: "SOURCE")
            text = text.replacingOccurrences(of: #""kind": "gateway-db""#, with: #""kind": "log""#)
            if let start = text.range(of: "  \"gateway_db\": {"),
                let end = text.range(of: "  },\n", range: start.upperBound..<text.endIndex)
            {
                text.removeSubrange(start.lowerBound..<end.upperBound)
            }
            return text
        }
    }
}

@Suite("recount --gateway-db: same reports from every source", .serialized)
struct GatewayCLITests {
    @Test("SQLite, PostgreSQL, MariaDB and JSONL exports of the same rows give byte-identical reports")
    func sameBytesFromEverySource() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let catalog = try scratch.catalog()
        let passwordFile = try scratch.passwordFile()

        let sqlite = try SQLiteScratch(wal: true)
        defer { sqlite.remove() }
        try sqlite.run(
            try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite, rows: SameRows.rows))
        // The export an operator would make: the sqlite3 shell's JSON, one row a line.
        let exported = try sqlite.json("SELECT * FROM logs WHERE id <= 8 ORDER BY id")
            .trimmingCharacters(in: .whitespacesAndNewlines).dropFirst().dropLast().components(separatedBy: ",\n")
        #expect(exported.count == 8)
        let jsonl = try scratch.write("logs.jsonl", exported.joined(separator: "\n") + "\n")
        let sqliteExportBytes = exported.joined(separator: "\n").utf8.count + 1
        var pgExportBytes = 0

        var runs: [(name: String, source: String, run: CLIRun)] = []
        runs.append(
            ("jsonl", jsonl, SameRows.reconcile(source: [jsonl], catalog: catalog, out: scratch.directory + "/jsonl")))
        runs.append(
            (
                "sqlite", sqlite.url.description,
                SameRows.reconcile(
                    source: ["--gateway-db", sqlite.url.description], catalog: catalog,
                    out: scratch.directory + "/sqlite")
            ))
        var postgres: PostgresScratch?
        if TestServers.postgresEnabled {
            let scratchDB = try PostgresScratch()
            postgres = scratchDB
            try scratchDB.run(
                try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres, rows: SameRows.rows))
            runs.append(
                (
                    "postgres", scratchDB.url.description,
                    SameRows.reconcile(
                        source: ["--gateway-db", scratchDB.url.description], catalog: catalog,
                        out: scratch.directory + "/postgres", passwordFile: passwordFile)
                ))
            // psql's row_to_json export of the same rows, as a file.
            let pgLines = try scratchDB.query("SELECT row_to_json(l) FROM logs l WHERE id <= 8 ORDER BY id")
            let pgJSONL = try scratch.write("logs-pg.jsonl", pgLines)
            pgExportBytes = pgLines.utf8.count
            runs.append(
                (
                    "postgres-jsonl", pgJSONL,
                    SameRows.reconcile(source: [pgJSONL], catalog: catalog, out: scratch.directory + "/postgres-jsonl")
                ))
        }
        defer { postgres?.drop() }
        var mysql: MySQLScratch?
        if TestServers.mysqlEnabled {
            let scratchDB = try MySQLScratch()
            mysql = scratchDB
            try scratchDB.run(
                try TestServers.fixture("new-api.mysql.sql") + NewAPIRows.insertSQL(.mysql, rows: SameRows.rows))
            runs.append(
                (
                    "mariadb", scratchDB.url.description,
                    SameRows.reconcile(
                        source: ["--gateway-db", scratchDB.url.description], catalog: catalog,
                        out: scratch.directory + "/mariadb", passwordFile: passwordFile)
                ))
        }
        defer { mysql?.drop() }

        for entry in runs { #expect(entry.run.status == 0, "\(entry.name): \(entry.run.err)") }
        let reports = try runs.map {
            (name: $0.name, files: SameRows.normalised(try scratch.reports($0.name), source: $0.source))
        }
        let reference = reports[0].files
        #expect(reference.count == 8)
        // Hand-checked facts of the reference run, so "all equal" cannot mean "all empty".
        // Rejects: row 5 (`other` not JSON) and one more; row 6, a top-up, is no request and is
        // skipped and counted, not rejected (SPEC §2.9).
        #expect(reference["rejects.jsonl"]?.split(separator: "\n").count == 2)
        #expect(reference["summary.json"]?.contains(#""non_request_rows": 1"#) == true)
        #expect(reference["discrepancies.csv"]?.contains(#"2,"#) == true)
        #expect(reference["summary.json"]?.contains(#""requests": 5"#) == true)
        #expect(reference["summary.json"]?.contains(#""outside_window": 0"#) == true)
        for other in reports.dropFirst() {
            // The database source reads PostgreSQL's `boolean` as 0/1, as SQLite and MariaDB
            // store it: its run equals the others in every byte. psql's plain `row_to_json(l)`
            // export prints true/false: the `raw` of a rejected row and the bytes read say so,
            // and once those two things are undone nothing else may differ.
            for name in reference.keys.sorted() {
                var text = other.files[name]
                if other.name == "postgres-jsonl" {
                    text = text?.replacingOccurrences(of: #"\"is_stream\":false"#, with: #"\"is_stream\":0"#)
                        .replacingOccurrences(of: #"\"is_stream\":true"#, with: #"\"is_stream\":1"#)
                    if name == "summary.json" {
                        text = text?.replacingOccurrences(
                            of: #""bytes": \#(pgExportBytes),"#, with: #""bytes": \#(sqliteExportBytes),"#)
                    }
                }
                #expect(text == reference[name], "\(other.name): \(name) differs")
            }
        }
        if TestServers.isCI { #expect(runs.count == 5, "CI must reach both servers") }
    }

    @Test(
        "the password is in no report, no stdout and no stderr: a good run, a wrong password, a missing table",
        .enabled(if: TestServers.postgresEnabled, "needs scripts/db-servers.sh (always on under CI=true)"))
    func passwordNowhere() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let catalog = try scratch.catalog()
        let passwordFile = try scratch.passwordFile()
        let database = try PostgresScratch()
        defer { database.drop() }
        try database.run(
            try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres, rows: SameRows.rows))

        let good = SameRows.reconcile(
            source: ["--gateway-db", database.url.description], catalog: catalog,
            out: scratch.directory + "/good", passwordFile: passwordFile)
        #expect(good.status == 0, "\(good.err)")
        let summary = try scratch.reports("good")["summary.json"] ?? ""
        #expect(summary.contains(#""password_from": "--db-password-file \#(passwordFile)""#))
        #expect(summary.contains(#""source": "\#(database.url.description)""#))

        let wrongFile = try scratch.write("wrong-password", "Wr0ng-pa55-zebra\n")
        let wrong = SameRows.reconcile(
            source: ["--gateway-db", database.url.description], catalog: catalog,
            out: scratch.directory + "/wrong", passwordFile: wrongFile)
        #expect(wrong.status == 69)
        #expect(!wrong.err.contains("Wr0ng-pa55-zebra"))
        #expect(wrong.err.contains(database.url.description), "names the source: \(wrong.err)")

        try database.run("DROP TABLE logs;")
        let missing = SameRows.reconcile(
            source: ["--gateway-db", database.url.description], catalog: catalog,
            out: scratch.directory + "/missing", passwordFile: passwordFile)
        #expect(missing.status == 65)
        #expect(missing.err.contains("table logs does not exist"))

        var everything = [good.out, good.err, wrong.out, wrong.err, missing.out, missing.err]
        for name in ["good", "wrong", "missing"] {
            let out = scratch.directory + "/" + name
            for file in (try? FileManager.default.contentsOfDirectory(atPath: out)) ?? [] {
                everything.append((try? String(contentsOfFile: out + "/" + file, encoding: .utf8)) ?? "")
            }
        }
        #expect(everything.count >= 14)
        for text in everything { #expect(!text.contains(TestServers.password)) }
    }

    @Test(
        "exit statuses: bad URL 64, missing SQLite file 66, missing password file 66, unreachable 69, missing column 65"
    )
    func exitStatuses() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let catalog = try scratch.catalog()
        func status(_ url: String, _ extra: [String] = []) -> Int32 {
            recount(
                ["reconcile", "--gateway-db", url, "--pricing", catalog, "--out", scratch.directory + "/out"] + extra
            ).status
        }
        #expect(status("ftp://x/y") == 64)
        #expect(status("postgres://u:secret@127.0.0.1:1/db") == 64)
        #expect(status("sqlite:" + scratch.directory + "/none.db") == 66)
        #expect(
            status("postgres://u@127.0.0.1:1/db", ["--db-password-file", scratch.directory + "/no-such-file"]) == 66)
        #expect(status("postgres://u@127.0.0.1:1/db?connect_timeout=2") == 69)
        let sqlite = try SQLiteScratch()
        defer { sqlite.remove() }
        try sqlite.run(
            "CREATE TABLE logs (id integer primary key, created_at integer, type integer, quota integer, username text);"
        )
        let run = recount([
            "reconcile", "--gateway-db", sqlite.url.description, "--pricing", catalog, "--out",
            scratch.directory + "/out",
        ])
        #expect(run.status == 65)
        #expect(run.err.contains("table logs has no column model_name"))
        #expect(recount(["reconcile", "--db-password-file", "x", "--pricing", catalog, "SampleLogs"]).status == 64)
    }

    @Test("explain and statement read the database too")
    func explainAndStatement() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let catalog = try scratch.catalog()
        let sqlite = try SQLiteScratch()
        defer { sqlite.remove() }
        try sqlite.run(
            try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.insertSQL(.sqlite, rows: SameRows.rows))
        let explain = recount(["explain", "2", "--gateway-db", sqlite.url.description, "--pricing", catalog, "--json"])
        #expect(explain.status == 0, "\(explain.err)")
        #expect(explain.out.contains("overcharge"))
        // An id on a rejected row (row 5's `other` is not JSON; row 4 lacks an account): 65,
        // and the message names the source and the row's logs.id, never a password.
        let rejected = recount(["explain", "5", "--gateway-db", sqlite.url.description, "--pricing", catalog])
        #expect(rejected.status == 65)
        #expect(
            rejected.err.contains(sqlite.url.description + ":4:")
                || rejected.err.contains(sqlite.url.description + ":5:"),
            "\(rejected.err)")
        // Row 6 is a top-up (type 1): not a request, so not a request id either.
        #expect(recount(["explain", "6", "--gateway-db", sqlite.url.description, "--pricing", catalog]).status == 66)
        let statement = recount([
            "statement", "bob", "--gateway-db", sqlite.url.description, "--pricing", catalog,
            "--from", SameRows.fromText, "--until", SameRows.untilText, "--out", scratch.directory + "/st",
        ])
        #expect(statement.status == 0, "\(statement.err)")
        #expect(statement.out.contains("1 request, recorded 1800"))
    }

    @Test("prices snapshot --gateway-db reads the options table; twice with no change appends nothing")
    func pricesSnapshot() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let sqlite = try SQLiteScratch()
        defer { sqlite.remove() }
        try sqlite.run(try TestServers.fixture("new-api.sqlite.sql") + NewAPIRows.optionsSQL)
        let catalog = scratch.directory + "/catalog.json"
        let first = recount([
            "prices", "snapshot", "--gateway-db", sqlite.url.description, "--catalog", catalog, "--effective-from",
            "1699000000",
        ])
        #expect(first.status == 0, "\(first.err)")
        #expect(first.out.hasPrefix("appended version"))
        #expect(
            recount(["prices", "snapshot", "--gateway-db", sqlite.url.description, "--catalog", catalog]).out
                == "unchanged\n")
        try sqlite.run("UPDATE options SET value = '{\"gpt-4o\":2.5}' WHERE key = 'ModelRatio';")
        #expect(
            recount(["prices", "snapshot", "--gateway-db", sqlite.url.description, "--catalog", catalog]).out.hasPrefix(
                "appended version"))
        let text = try String(contentsOfFile: catalog, encoding: .utf8)
        #expect(
            text.contains("2.5") || text.contains("\"5\"") || text.contains("5/"), "the new ratio is in the catalog")
        if TestServers.postgresEnabled {
            let database = try PostgresScratch()
            defer { database.drop() }
            try database.run(try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.optionsSQL)
            let run = recount([
                "prices", "import", "--gateway-db", database.url.description, "--db-password-file",
                try scratch.passwordFile(),
                "--out", scratch.directory + "/pg-catalog.json",
            ])
            #expect(run.status == 0, "\(run.err)")
        }
    }
}

@Suite(
    "recount --gateway-db: a connection dropped midway",
    .enabled(if: TestServers.postgresEnabled, "needs scripts/db-servers.sh (always on under CI=true)"))
struct GatewayCLIMidwayTests {
    /// `logs` is a view whose row 1500 waits for an advisory lock this test holds, so the run
    /// is stopped mid-read (after the first FETCH of 1000 rows) for as long as the test wants:
    /// then its backend is terminated, as a server restart or a network cut would.
    @Test("pg_terminate_backend mid-read: exit 74, the previous reports as they were")
    func droppedMidway() throws {
        let scratch = try CLIScratch()
        defer { scratch.remove() }
        let catalog = try scratch.catalog()
        let passwordFile = try scratch.passwordFile()
        let database = try PostgresScratch()
        defer { database.drop() }
        let rows = (1...3000).map { NewAPIRows.row(Int64($0), created: SameRows.from + Int64($0), useTime: 0) }
        try database.run(
            try TestServers.fixture("new-api.postgres.sql") + NewAPIRows.insertSQL(.postgres, rows: rows) + """
                ALTER TABLE logs RENAME TO logs_data;
                CREATE FUNCTION pass(row_id bigint) RETURNS boolean LANGUAGE plpgsql VOLATILE AS $$
                BEGIN
                  IF row_id = 1500 THEN PERFORM pg_advisory_xact_lock_shared(4242); END IF;
                  RETURN true;
                END $$;
                CREATE VIEW logs AS SELECT * FROM logs_data WHERE pass(id);
                """)
        let out = scratch.directory + "/Reports"
        // The previous night's reports.
        let before = SameRows.reconcile(
            source: ["--gateway-db", database.url.description], catalog: catalog,
            out: out, passwordFile: passwordFile)
        #expect(before.status == 0, "\(before.err)")
        let previous = try directorySnapshot(out)
        #expect(previous.count == 8)

        // Hold the lock from a second connection while the run reads.
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        let holderName = "recount_holder_\(getpid())"
        holder.arguments = database.connectionArguments + ["-c", "SELECT pg_advisory_lock(4242), pg_sleep(100)"]
        holder.environment = ProcessInfo.processInfo.environment.merging([
            "PGPASSWORD": TestServers.password, "PGAPPNAME": holderName,
        ]) { $1 }
        holder.standardOutput = FileHandle.nullDevice
        holder.standardError = FileHandle.nullDevice
        try holder.run()
        func count(_ sql: String) -> Int {
            Int((try? database.query(sql))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? -1
        }
        // Ends the holder's session (its psql then exits) rather than waiting out its sleep.
        defer {
            _ = count(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(holderName)'"
            )
            holder.waitUntilExit()
        }
        #expect(
            waitFor {
                count("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND objid = 4242 AND granted") == 1
            })

        let name = "recount_midway_\(getpid())"
        let url = database.url.description + "&application_name=\(name)"
        let result = Mutex<CLIRun?>(nil)
        let thread = Thread {
            let run = SameRows.reconcile(
                source: ["--gateway-db", url], catalog: catalog, out: out, passwordFile: passwordFile)
            result.withLock { $0 = run }
        }
        thread.start()
        // The run's backend waits on the lock: the first 1000 rows are read, the rest are not.
        #expect(
            waitFor {
                count(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = '\(name)' AND wait_event_type = 'Lock'"
                ) == 1
            })
        #expect(
            count("SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(name)'")
                == 1)
        #expect(waitFor { result.withLock { $0 } != nil })
        let run = result.withLock { $0 }
        #expect(run?.status == 74, "\(run?.err ?? "")")
        #expect(run?.err.contains(database.url.description) == true, "names the source: \(run?.err ?? "")")
        #expect(try directorySnapshot(out) == previous, "the previous reports are left as they were")
    }
}

/// Waits (bounded, 60 s) until `condition` holds; false if it never did.
func waitFor(_ condition: () -> Bool) -> Bool {
    for _ in 0..<6000 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Every entry of a directory but the lock, with the bytes of regular files.
func directorySnapshot(_ path: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != ".recount.lock" {
        files[name] = FileManager.default.contents(atPath: path + "/" + name) ?? Data()
    }
    return files
}
