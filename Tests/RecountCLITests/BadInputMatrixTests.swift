import Foundation
import RecountKit
import Testing

/// The README's "What happens when input is bad", case by case, through the real command line
/// (in-process, or the built executable where only a process shows it). Each case asserts the
/// exact outcome — the reject (file, line, field, reason) or the message and exit status — and
/// that nothing valid was lost.
///
/// | case | test |
/// |---|---|
/// | invalid JSON, a JSON value that is not an object | `rejectedLine` |
/// | invalid UTF-8 bytes | `rejectedLine`, `invalidUTF8RejectKeepsTheExactBytes` |
/// | NUL bytes (raw in a string, after the value, alone; `\u0000` escape accepted) | `rejectedLine`, `escapedNULIsText` |
/// | two log lines with one request id | `rejectedLine` |
/// | negative, huge, non-numeric, `NaN`, Int.min-exponent amounts | `rejectedLine` |
/// | exponent-form amounts | `exponentFormAmounts` |
/// | time without offset, not a time, negative epoch | `rejectedLine` |
/// | time zones and epoch seconds / milliseconds | `timeZonesAndEpochs`, `versionBoundaryInAnotherZone` |
/// | unknown endpoint | `rejectedLine` |
/// | unknown model, unknown group | `unknownModelIsUnpriced`, `unknownGroupIsAWarning` |
/// | a truncated last line | `truncatedLastLine` |
/// | a 50 MB line; a line over the 64 MiB limit | `fiftyMegabyteLine`, `lineOverTheLimit` |
/// | lone surrogate escapes (`\ud800` counts as U+FFFD) | `loneSurrogateCountsAsReplacementCharacter` |
/// | a BOM; CRLF | `byteOrderMark`, `crlf` |
/// | an empty file; a file of blank lines | `emptyFile`, `blankLinesOnly` |
/// | a truncated, corrupt or non-gzip `.gz` | `badGzip` |
/// | a missing, non-JSON, wrong-schema catalog; overlapping versions | `badCatalog` |
/// | a PATH that does not exist; a directory with no logs | `missingPath`, `directoryWithNoLogs` |
/// | an unreadable file (permissions; a directory named `.jsonl`) | `unreadableFile`, `directoryNamedLikeALog` |
/// | an unwritable output directory (permissions; a file in the way) | `unwritableOutputDirectory`, `outputUnderAFile` |
/// | a full disk (`ulimit -f`) | `fullDisk` |
/// | two runs on one output directory at once | `secondRunOnABusyDirectory` |
/// | SIGTERM and SIGINT midway | `terminatedMidway` |
@Suite struct BadInputMatrixTests {
    // MARK: - Helpers

    static let head = #"{"id": "bad", "time": 1704844800, "account": "alice", "model": "m""#

    /// `before`, the bad line, `after`: the run goes on, rejects line 2, keeps both requests.
    func runAround(_ bad: [UInt8], extra: [String] = []) throws -> (CLIFixture, CapturedRun) {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.writeBytes(
            "in/log.jsonl", Array((cliLine("before") + "\n").utf8) + bad + Array(("\n" + cliLine("after") + "\n").utf8))
        return (f, f.reconcile(["--all-rows"] + extra))
    }

    func rejects(_ f: CLIFixture, dir: String? = nil) throws -> [[String: Any]] {
        try f.read("rejects.jsonl", in: dir).split(separator: "\n").map {
            try #require(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    /// discrepancies.csv as rows of named cells.
    func rows(_ f: CLIFixture) throws -> [[String: String]] {
        let records = parseCSV(try f.read("discrepancies.csv"))
        let header = try #require(records.first)
        return records.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(header, $0)) }
    }

    // MARK: - Rejected lines

    struct BadLine: Sendable, CustomTestStringConvertible {
        let name: String
        let bytes: [UInt8]
        let field: String?
        let reason: String
        var testDescription: String { name }

        init(_ name: String, _ text: String, field: String?, _ reason: String) {
            self.init(name, Array(text.utf8), field: field, reason)
        }
        init(_ name: String, _ bytes: [UInt8], field: String?, _ reason: String) {
            self.name = name
            self.bytes = bytes
            self.field = field
            self.reason = reason
        }
    }

    static let badLines: [BadLine] = [
        BadLine("invalid JSON", #"{"id": "bad", oops}"#, field: nil, "invalid JSON at byte 15: expected a string key"),
        BadLine("not an object", "[1, 2]", field: nil, "expected a JSON object, found array"),
        BadLine(
            "invalid UTF-8",
            Array(#"{"id": "bad", "time": 1704844800, "account": "al"#.utf8) + [0xFF]
                + Array(#"ice", "model": "m"}"#.utf8),
            field: nil, "invalid JSON at byte 47: string is not valid UTF-8"),
        BadLine(
            "raw NUL in a string",
            Array(#"{"id": "b"#.utf8) + [0x00]
                + Array(#"ad", "time": 1704844800, "account": "alice", "model": "m"}"#.utf8),
            field: nil, "invalid JSON at byte 10: control character in string"),
        BadLine(
            "NUL after the object", Array((head + "}").utf8) + [0x00], field: nil,
            "invalid JSON at byte 68: unexpected data after the JSON value"),
        BadLine("a lone NUL", [0x00], field: nil, "invalid JSON at byte 1: unexpected character '\\x0'"),
        BadLine(
            "repeated request id", cliLine("before"), field: "id",
            "duplicate request id 'before' (seen earlier in the logs)"),
        BadLine(
            "negative amount", head + #", "billed": {"amount": "-5"}}"#, field: "billed.amount",
            "amount must not be negative (-5)"),
        BadLine(
            "negative amount number", head + #", "billed": {"amount": -0.5}}"#, field: "billed.amount",
            "amount must not be negative (-0.5)"),
        BadLine(
            "huge exponent amount", head + #", "billed": {"amount": 1e400}}"#, field: "billed.amount",
            "'1e400' is not a decimal amount (invalid number '1e400': magnitude out of range (10^400))"),
        BadLine(
            "huge amount", head + #", "billed": {"amount": "123456789012345678901234567890123456789012"}}"#,
            field: "billed.amount",
            "'1234567890123456789012345678901234567890' is not a decimal amount (invalid number '123456789012345678901234567890123456789012': more than 36 significant digits)"
        ),
        BadLine(
            "Int.min exponent amount", head + #", "billed": {"amount": 1e-9223372036854775808}}"#,
            field: "billed.amount",
            "'1e-9223372036854775808' is not a decimal amount (invalid number '1e-9223372036854775808': expected a decimal number such as 0.002, 1e-3 or a fraction such as 1/3.05)"
        ),
        BadLine(
            "non-numeric amount", head + #", "billed": {"amount": "12 points"}}"#, field: "billed.amount",
            "'12 points' is not a decimal amount (invalid number '12 points': expected a decimal number such as 0.002, 1e-3 or a fraction such as 1/3.05)"
        ),
        BadLine(
            "NaN amount", head + #", "billed": {"amount": NaN}}"#, field: nil,
            "invalid JSON at byte 90: unexpected character 'N'"),
        BadLine(
            "amount of the wrong type", head + #", "billed": {"amount": true}}"#, field: "billed.amount",
            "expected a decimal amount, found boolean"),
        BadLine(
            "time without offset", #"{"id": "bad", "time": "2024-01-10T08:00:00", "account": "alice", "model": "m"}"#,
            field: "time",
            "'2024-01-10T08:00:00' is not an RFC 3339 time with offset or a Unix time (no offset: add Z (UTC) or the zone's offset, e.g. +08:00)"
        ),
        BadLine(
            "time that is not a time", #"{"id": "bad", "time": "yesterday", "account": "alice", "model": "m"}"#,
            field: "time",
            "'yesterday' is not an RFC 3339 time with offset or a Unix time (expected YYYY-MM-DDTHH:MM:SS[.fraction] and Z or ±HH:MM, e.g. 2024-03-01T00:00:00+08:00)"
        ),
        BadLine(
            "negative epoch", #"{"id": "bad", "time": -1, "account": "alice", "model": "m"}"#, field: "time",
            "-1 is not a Unix time in seconds or milliseconds"),
        BadLine(
            "unknown endpoint", head + #", "endpoint": "moderations"}"#, field: "endpoint",
            "unknown endpoint 'moderations' (known: chat.completions, completions, embeddings, images.generations, audio.transcriptions, audio.speech)"
        ),
    ]

    @Test(arguments: badLines)
    func rejectedLine(_ c: BadLine) throws {
        let (f, run) = try runAround(c.bytes)
        #expect(run.status == 0, "\(run.err)")
        #expect(run.out.contains("2 requests") && run.out.contains("1 rejected line (rejects.jsonl)"), "\(run.out)")
        let all = try rejects(f)
        #expect(all.count == 1)
        let reject = try #require(all.first)
        #expect(reject["file"] as? String == f.input + "/log.jsonl")
        #expect(reject["line"] as? Int == 2)
        #expect(reject["field"] as? String == c.field)
        #expect(reject["reason"] as? String == c.reason)
        #expect(reject["raw"] != nil || reject["raw_base64"] != nil)
        #expect(try rows(f).map { $0["request_id"]! }.sorted() == ["after", "before"])
    }

    /// A log line that is not UTF-8 is rejected with its place (file and line: its exact bytes
    /// stay in the log) and its fields repaired to U+FFFD and written anew: a line's own bytes
    /// could repeat or escape a key the report must mask (SPEC §4).
    @Test func invalidUTF8RejectIsShownRepaired() throws {
        let bad =
            Array(#"{"id": "bad", "time": 1704844800, "account": "al"#.utf8) + [0xFF]
            + Array(#"ice", "model": "m"}"#.utf8)
        let (f, run) = try runAround(bad)
        #expect(run.status == 0)
        let reject = try #require(try rejects(f).first)
        #expect(reject["raw_base64"] == nil && reject["line"] as? Int == 2)
        #expect(reject["raw"] as? String == #"{"id":"bad","time":1704844800,"account":"al\#u{FFFD}ice","model":"m"}"#)
    }

    @Test func truncatedLastLine() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", cliLine("a") + "\n" + cliLine("b") + "\n" + #"{"id": "c", "time": 17048"#)
        let run = f.reconcile(["--all-rows"])
        #expect(run.status == 0)
        let reject = try #require(try rejects(f).first)
        #expect(reject["line"] as? Int == 3)
        #expect(reject["reason"] as? String == "invalid JSON at byte 26: unterminated object")
        #expect(try rows(f).map { $0["request_id"]! } == ["a", "b"])
    }

    // MARK: - Accepted oddities

    @Test(arguments: [(#""2.5e1""#, "25"), ("2.5E+1", "25"), (#""2e1""#, "20"), ("20.0", "20"), (#"" 20 ""#, "20")])
    func exponentFormAmounts(_ amount: String, _ recorded: String) throws {
        let (f, run) = try runAround(
            Array(
                (Self.head.replacingOccurrences(of: "\"bad\"", with: "\"exp\"")
                    + #", "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "billed": {"amount": \#(amount)}}"#)
                    .utf8))
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        let row = try #require(try rows(f).first { $0["request_id"] == "exp" })
        #expect(row["recorded_amount"] == recorded)
        #expect(row["expected_amount"] == "20")
    }

    @Test(arguments: [
        // Written in the report's one zone (the catalog's, UTC here), whatever the line's own.
        (#""2024-01-10T08:00:00+08:00""#, "2024-01-10T00:00:00Z"),
        (#""2024-01-09T18:30:00-05:30""#, "2024-01-10T00:00:00Z"),
        (#""2024-01-10t00:00:00z""#, "2024-01-10T00:00:00Z"),
        (#""2024-01-10 08:00:00.123456789+08:00""#, "2024-01-10T00:00:00.123456789Z"),
        ("1704844800", "2024-01-10T00:00:00Z"),
        ("1704844800.5", "2024-01-10T00:00:00.500Z"),
        ("1704844800000", "2024-01-10T00:00:00Z"),
        ("1704844800123", "2024-01-10T00:00:00.123Z"),
        ("99999999999", "5138-11-16T09:46:39Z"),  // the largest Unix seconds
        ("100000000000", "1973-03-03T09:46:40Z"),  // the smallest Unix milliseconds
    ])
    func timeZonesAndEpochs(_ time: String, _ written: String) throws {
        let line =
            #"{"id": "tz", "time": \#(time), "account": "alice", "model": "m", "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "billed": {"amount": "20"}}"#
        let (f, run) = try runAround(Array(line.utf8))
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        let row = try #require(try rows(f).first { $0["request_id"] == "tz" })
        #expect(row["time"] == written)
    }

    /// The catalog's v1 starts at 2024-01-01T00:00:00Z: the same instant written in +08:00 is
    /// priced, one millisecond before it (in −05:00) is not.
    @Test func versionBoundaryInAnotherZone() throws {
        let f = try CLIFixture()
        try f.standard([
            cliLine("at").replacingOccurrences(of: "2024-01-10T00:00:00Z", with: "2024-01-01T08:00:00+08:00"),
            cliLine("before").replacingOccurrences(of: "2024-01-10T00:00:00Z", with: "2023-12-31T18:59:59.999-05:00"),
        ])
        #expect(f.reconcile(["--all-rows"]).status == 0)
        let rows = try rows(f)
        #expect(rows.first { $0["request_id"] == "at" }?["pricing_version"] == "v1")
        #expect(rows.first { $0["request_id"] == "at" }?["class"] == "ok")
        #expect(rows.first { $0["request_id"] == "before" }?["class"] == "unpriced_model")
    }

    @Test func unknownModelIsUnpriced() throws {
        let (f, run) = try runAround(
            Array(cliLine("gpt").replacingOccurrences(of: "\"model\": \"m\"", with: "\"model\": \"gpt-9\"").utf8))
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        let row = try #require(try rows(f).first { $0["request_id"] == "gpt" })
        #expect(row["class"] == "unpriced_model")
        #expect(row["cause"] == "no_price")
        #expect(row["cause_detail"]?.contains("gpt-9") == true)
        #expect(row["expected_amount"] == "")
    }

    @Test func unknownGroupIsAWarning() throws {
        let (f, run) = try runAround(Array(cliLine("g", extra: #""group": "platinum""#).utf8))
        #expect(run.status == 0)
        let row = try #require(try rows(f).first { $0["request_id"] == "g" })
        #expect(row["group"] == "platinum")
        #expect(row["class"] == "ok")  // multiplier 1
        #expect(try f.read("summary.json").contains("platinum"))
    }

    @Test func escapedNULIsText() throws {
        let (f, run) = try runAround(Array(cliLine("nul", account: #"a\u0000b"#).utf8))
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        #expect(try rows(f).first { $0["request_id"] == "nul" }?["account"] == "a\u{0}b")
    }

    /// `\ud800` alone decodes to U+FFFD (tiktoken's count): the recount equals that of a line
    /// that holds U+FFFD itself. `\ud800\u0041` is U+FFFD then A.
    @Test func loneSurrogateCountsAsReplacementCharacter() throws {
        let f = try CLIFixture()
        func line(_ id: String, _ content: String) -> String {
            #"{"id": "\#(id)", "time": "2024-01-10T00:00:00Z", "account": "a", "model": "m", "request": {"messages": [{"role": "user", "content": "\#(content)"}]}, "response": "ok", "billed": {"amount": "20"}}"#
        }
        try f.standard([
            line("lone", #"x\ud800y \udc00"#), line("fffd", "x\u{FFFD}y \u{FFFD}"), line("pair", #"x\ud800\u0041"#),
            line("fffdA", "x\u{FFFD}A"),
        ])
        #expect(f.reconcile(["--all-rows", "--basis", "recount"]).status == 0)
        #expect(try rejects(f).isEmpty)
        let rows = try rows(f)
        func prompt(_ id: String) -> String? { rows.first { $0["request_id"] == id }?["recount_prompt_tokens"] }
        #expect(prompt("lone") != nil && prompt("lone") != "")
        #expect(prompt("lone") == prompt("fffd"))
        #expect(prompt("pair") == prompt("fffdA"))
    }

    @Test func byteOrderMark() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.writeBytes(
            "in/log.jsonl", [0xEF, 0xBB, 0xBF] + Array((cliLine("first") + "\r\n" + cliLine("second") + "\r\n").utf8))
        let run = f.reconcile(["--all-rows"])
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        #expect(try rows(f).map { $0["request_id"]! } == ["first", "second"])
    }

    @Test func crlf() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", [cliLine("a"), cliLine("b"), "", cliLine("c")].joined(separator: "\r\n") + "\r\n")
        let run = f.reconcile(["--all-rows"])
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        #expect(try rows(f).map { $0["source"]! } == ["1", "2", "4"].map { f.input + "/log.jsonl:" + $0 })
        #expect(try f.read("summary.json").contains("\"blank_lines\": 1"))
    }

    @Test func emptyFile() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", "")
        let run = f.reconcile()
        #expect(run.status == 0)
        #expect(run.out.hasPrefix("recount: 0 requests, no discrepancies; 0 credits = 0 points"))
        #expect(
            Set(try f.files().keys) == [
                "summary.json", "report.html", "discrepancies.csv", "accounts.csv", "daily.csv",
                "credits.jsonl", "credits.csv", "rejects.jsonl",
            ])
        #expect(try f.read("rejects.jsonl") == "")
    }

    @Test func blankLinesOnly() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", "\n \t\n\r\n")
        #expect(f.reconcile().status == 0)
        #expect(try f.read("summary.json").contains("\"blank_lines\": 3"))
        #expect(try f.read("rejects.jsonl") == "")
    }

    /// 50 MB on one line (under the 64 MiB limit) is read whole; the next line is read too.
    @Test func fiftyMegabyteLine() throws {
        let padding = String(repeating: "x", count: 50_000_000)
        let (f, run) = try runAround(Array(cliLine("big", extra: "\"note\": \"\(padding)\"").utf8))
        #expect(run.status == 0)
        #expect(try rejects(f).isEmpty)
        #expect(try rows(f).map { $0["request_id"]! }.sorted() == ["after", "before", "big"])
    }

    /// Over 64 MiB: rejected with its first 4 KiB; the lines after it are still read.
    @Test func lineOverTheLimit() throws {
        let line =
            Array(cliLine("huge", extra: "\"note\": \"").utf8) + [UInt8](repeating: 0x78, count: (64 << 20) + 10)
            + Array("\"}".utf8)
        let (f, run) = try runAround(line)
        #expect(run.status == 0)
        let reject = try #require(try rejects(f).first)
        #expect(reject["line"] as? Int == 2)
        #expect(reject["reason"] as? String == "line longer than 67108864 bytes")
        #expect(reject["raw_truncated"] as? Bool == true)
        // The first 4 KiB, of which the report shows the known fields before `note`.
        let raw = try #require(reject["raw"] as? String)
        #expect(raw.hasPrefix(#"{"id":"huge","time":"#) && raw.contains("[omitted from reports; see "))
        #expect(!raw.contains("xxxx"))
        #expect(try rows(f).map { $0["request_id"]! }.sorted() == ["after", "before"])
    }

    // MARK: - Inputs that stop the run

    enum GzipDamage: String, CaseIterable, Sendable { case truncated, corrupt, notGzip }

    @Test(arguments: GzipDamage.allCases)
    func badGzip(_ damage: GzipDamage) throws {
        let f = try CLIFixture()
        try f.standard((0..<400).map { cliLine("r\($0)") })
        let gz = f.input + "/log.jsonl.gz"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/gzip")
        process.arguments = ["-f", f.input + "/log.jsonl"]
        try process.run()
        process.waitUntilExit()
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: gz)))
        switch damage {
        case .truncated: bytes.removeLast(bytes.count / 3)
        case .corrupt: for index in stride(from: 40, to: bytes.count - 20, by: 7) { bytes[index] ^= 0x5A }
        case .notGzip: bytes = Array((cliLine("plain") + "\n").utf8)
        }
        try Data(bytes).write(to: URL(fileURLWithPath: gz))
        let run = f.reconcile()
        #expect(run.status == 74)
        #expect(run.err.hasPrefix("recount reconcile: \(gz): corrupt or truncated gzip data: "), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: f.out + "/summary.json"))
    }

    enum CatalogDamage: String, CaseIterable, Sendable { case missing, notJSON, wrongSchema, overlappingVersions }

    @Test(arguments: CatalogDamage.allCases)
    func badCatalog(_ damage: CatalogDamage) throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        let path = f.input + "/pricing.json"
        let expected: (status: Int32, message: String)
        switch damage {
        case .missing:
            try FileManager.default.removeItem(atPath: path)
            let run = runRecount(["reconcile", f.input + "/log.jsonl", "--pricing", path, "--out", f.out])
            #expect(run.status == 66)
            #expect(run.err.contains(path), "\(run.err)")
            return
        case .notJSON:
            try f.write("in/pricing.json", "{\"schema\": \"recount.pricing/1\",")
            expected = (65, "\(path): invalid JSON at line 1, column 32: expected a string key")
        case .wrongSchema:
            try f.write("in/pricing.json", #"{"schema": "recount.pricing/2"}"#)
            expected = (65, "\(path): schema: expected \"recount.pricing/1\", found 'recount.pricing/2'")
        case .overlappingVersions:
            let twice = cliCatalog.replacingOccurrences(
                of: "\"versions\": [{",
                with:
                    "\"versions\": [{\"id\": \"v0\", \"effective_from\": \"2024-01-01T08:00:00+08:00\", \"rounding\": \"ceil\", \"models\": {\"m\": {\"input_per_1k\": \"1\", \"output_per_1k\": \"2\"}}}, {"
            )
            try f.write("in/pricing.json", twice)
            expected = (
                65,
                "\(path): versions[1].effective_from: same effective_from as versions[0] ('v0'); which one applies would be ambiguous"
            )
        }
        let run = f.reconcile()
        #expect(run.status == expected.status)
        #expect(run.err.hasPrefix("recount reconcile: " + expected.message), "\(run.err)")
        #expect(!FileManager.default.fileExists(atPath: f.out))
    }

    @Test func missingPath() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        let nowhere = f.directory + "/2024-03-01"
        let run = runRecount(["reconcile", nowhere, "--pricing", f.input + "/pricing.json", "--out", f.out])
        #expect(run.status == 66)
        #expect(run.err == "recount reconcile: \(nowhere): no such file or directory\n")
    }

    @Test func directoryWithNoLogs() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/notes.txt", "not a log")
        let run = f.reconcile()
        #expect(run.status == 66)
        #expect(run.err == "recount reconcile: \(f.input): no *.jsonl or *.jsonl.gz log files in this directory\n")
    }

    @Test func unreadableFile() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        chmod(f.input + "/log.jsonl", 0o000)
        defer { chmod(f.input + "/log.jsonl", 0o644) }
        // As root, permissions do not stop reading: only this assertion is skipped then
        // (`directoryNamedLikeALog` covers an unreadable input for root too).
        guard getuid() != 0 else { return }
        let run = f.reconcile()
        #expect(run.status == 74)
        #expect(run.err == "recount reconcile: \(f.input)/log.jsonl: cannot read: Permission denied\n")
    }

    /// A directory called `x.jsonl` in a PATH directory is listed as a log and cannot be read.
    @Test func directoryNamedLikeALog() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        try FileManager.default.createDirectory(atPath: f.input + "/z.jsonl", withIntermediateDirectories: false)
        let run = f.reconcile()
        #expect(run.status == 74)
        #expect(run.err == "recount reconcile: \(f.input)/z.jsonl: cannot read: Is a directory\n")
        #expect(!FileManager.default.fileExists(atPath: f.out + "/summary.json"))
    }

    @Test func unwritableOutputDirectory() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        #expect(f.reconcile().status == 0)
        let before = try directorySnapshot(f.out)
        chmod(f.out, 0o555)
        defer { chmod(f.out, 0o755) }
        guard getuid() != 0 else { return }  // root writes anyway; `outputUnderAFile` covers root
        try f.standard([cliLine("b", amount: "99")])
        let run = f.reconcile()
        #expect(run.status == 74)
        #expect(run.err.contains(f.out) && run.err.contains("Permission denied"), "\(run.err)")
        #expect(try directorySnapshot(f.out) == before)
    }

    @Test func outputUnderAFile() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        try f.write("blocker", "a file, not a directory")
        let out = f.directory + "/blocker/reports"
        let run = f.reconcile(out: out)
        #expect(run.status == 74)
        #expect(run.err.hasPrefix("recount reconcile: \(out): cannot create the output directory: "), "\(run.err)")
    }

    /// A file-size limit makes writes fail like a full disk: exit 74 naming the file, the
    /// previous reports untouched, no temporary left.
    @Test func fullDisk() throws {
        let f = try CLIFixture()
        try f.standard([cliLine("a")])
        #expect(f.reconcile().status == 0)
        let before = try directorySnapshot(f.out)
        try f.standard((0..<200).map { cliLine("r\($0)", amount: "99") })
        let process = try RecountProcess(
            ["reconcile", f.input, "--out", f.out, "--jobs", "1"], in: f.directory, shell: "ulimit -f 8")
        let end = process.wait()
        #expect(end.exited && end.status == 74, "\(end)")
        #expect(end.err.hasPrefix("recount reconcile: \(f.out)/"), "\(end.err)")
        #expect(end.err.contains("cannot write: File too large"), "\(end.err)")
        #expect(try directorySnapshot(f.out) == before)
    }

    /// A second run on a directory another run is writing stops at once with 74 and leaves
    /// the first run's files alone; the first run then finishes normally.
    @Test func secondRunOnABusyDirectory() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", cliLine("old") + "\n")
        #expect(f.reconcile().status == 0)
        let before = try directorySnapshot(f.out)
        try FileManager.default.removeItem(atPath: f.input + "/log.jsonl")
        let fifo = try FIFOLog(path: f.input + "/log.jsonl")
        let first = try RecountProcess(["reconcile", f.input, "--out", f.out, "--jobs", "1"], in: f.directory)
        try fifo.connect(to: first)
        try f.write("second.jsonl", cliLine("second") + "\n")
        let second = runRecount([
            "reconcile", f.directory + "/second.jsonl", "--pricing", f.input + "/pricing.json", "--out", f.out,
        ])
        #expect(second.status == 74)
        #expect(
            second.err
                == "recount reconcile: \(f.out): another recount run is writing to this directory (lock held on \(f.out)/.recount.lock); not touching it\n"
        )
        #expect(try directorySnapshot(f.out) == before)
        fifo.finish(with: cliLine("new") + "\n")
        let end = first.wait()
        #expect(end.exited && end.status == 0, "\(end.err)")
        #expect(try f.read("discrepancies.csv").isEmpty == false)
        #expect(end.out.contains("1 request,"))
    }

    /// SIGTERM / SIGINT while the reports are being written: exit 128 + signal, the previous
    /// reports intact, every temporary removed. "Midway" is made exact: the log is a FIFO (the
    /// run waits for it) and `summary.json`'s temporary — staged last — is a FIFO too, so the
    /// run stops there with every other report staged.
    @Test(arguments: [(SIGTERM, Int32(143)), (SIGINT, Int32(130))])
    func terminatedMidway(_ signal: Int32, _ status: Int32) throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", cliLine("old") + "\n")
        #expect(f.reconcile().status == 0)
        let before = try directorySnapshot(f.out)
        try FileManager.default.removeItem(atPath: f.input + "/log.jsonl")
        let fifo = try FIFOLog(path: f.input + "/log.jsonl")
        let run = try RecountProcess(["reconcile", f.input, "--out", f.out, "--jobs", "1"], in: f.directory)
        try fifo.connect(to: run)
        let summaryTemporary = f.out + "/.summary.json.tmp-\(run.pid)"
        try #require(mkfifo(summaryTemporary, 0o644) == 0)
        fifo.finish(with: (0..<50).map { cliLine("new\($0)", amount: "25") + "\n" }.joined())
        func temporaries() -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: f.out)) ?? []).filter { $0.contains(".tmp-") }
        }
        // rejects.jsonl is staged just before summary.json: once it is there, the run is on its
        // way to the FIFO and blocks in opening it.
        let staged = eventually { temporaries().contains(".rejects.jsonl.tmp-\(run.pid)") }
        #expect(staged, "the run never staged rejects.jsonl: \(temporaries())")
        usleep(300_000)
        kill(run.pid, signal)
        let end = run.wait()
        #expect(end.exited && end.status == status, "\(end)")
        // One line says what was left as it was.
        #expect(
            end.err.hasSuffix(
                "recount: stopped by a signal; the reports in \(f.out)/ were left as they were (this run's temporary files removed)\n"
            ), "\(end.err)")
        #expect(temporaries().isEmpty)
        #expect(try directorySnapshot(f.out) == before)
        try FileManager.default.removeItem(atPath: fifo.path)
        try f.write("in/log.jsonl", cliLine("later") + "\n")
        #expect(f.reconcile().status == 0)  // the lock was released with the process
    }
}

extension CLIFixture {
    @discardableResult
    func writeBytes(_ name: String, _ bytes: [UInt8]) throws -> String {
        let path = directory + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        return path
    }
}
