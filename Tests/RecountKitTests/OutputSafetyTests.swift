import Foundation
import Testing

@testable import RecountKit
@testable import RecountSample

/// CSV safety (SPEC §4): formula neutralisation, RFC 4180 quoting, masked keys in every file.
@Suite struct OutputSafetyTests {
    @Test(arguments: [
        ("=SUM(A1)", "'=SUM(A1)"), ("+1", "'+1"), ("-2", "'-2"), ("@cmd", "'@cmd"),
        ("\tx", "'\tx"), ("\rx", "\"'\rx\""), ("plain", "plain"),
        ("a,b", "\"a,b\""), ("say \"hi\"", "\"say \"\"hi\"\"\""), ("two\nlines", "\"two\nlines\""),
        ("=a,b", "\"'=a,b\""),
        // A quote, comma or newline followed by a combining mark is one Swift Character but
        // still those bytes in the file: it must be quoted all the same.
        ("x,\u{301}y", "\"x,\u{301}y\""), ("q\"\u{301}", "\"q\"\"\u{301}\""), ("n\n\u{301}", "\"n\n\u{301}\""),
    ])
    func csvField(value: String, written: String) {
        #expect(CSVWriter.field(value) == written)
    }

    @Test func csvRowsParseBackToTheSameFields() {
        let values = ["=1+1", "a,\u{301}b", "c\"\u{301}d", "e\r\nf", "-3", "ok"]
        var writer = CSVWriter(header: ["h"], bom: false)
        writer.row(values.map { .text($0) })
        let bytes = Array(writer.bytes.drop(while: { $0 != 0x0A }).dropFirst().dropLast(2))
        guard case .fields(let fields) = CSVRecord.parse(bytes) else {
            Issue.record("row does not parse as one CSV record")
            return
        }
        #expect(fields == ["'=1+1", "a,\u{301}b", "c\"\u{301}d", "e\r\nf", "'-3", "ok"])
    }

    @Test(
        arguments: [
            ("sk-abcdefghijklmnop1234", "sk-…1234"), ("short", "…"), (nil, ""), ("12345678", "…"),
            ("123456789", "…6789"),
            ("abcdefghij-klm", "…-klm"), ("sk-proj-abcdefgh", "sk-…efgh"), ("abcdef-ghijk", "abcdef-…hijk"),
            ("ключ-секретный1234", "ключ-…1234"), ("密钥密钥密钥密钥", "…"), ("密钥-密钥密钥密钥x", "密钥-…钥密钥x"),
        ] as [(String?, String)])
    func keyMask(key: String?, masked: String) {
        #expect(KeyMask.mask(key) == masked)
    }

    @Test func noOutputFileHoldsAFullKey() throws {
        let key = "sk-proj-SECRETSECRETSECRET9f3a"
        let fixture = try ReconcileFixture()
        try fixture.log([
            logLine("over", amount: "25", extra: "\"key\": \"\(key)\""),
            logLine("bad", time: "\"never\"", extra: "\"key\": \"\(key)\""),  // rejected: raw line
            "{\"id\": \"broken\", \"key\": \"\(key)\"",  // not JSON
            #"{"id": 9, "created_at": 1704844800, "username": "u", "token_name": "sk-SECRETSECRETSECRET0000", "model_name": "m", "quota": 5, "type": 1}"#,
        ])
        let result = try fixture.run { $0.allRows = true }
        let files = ReportFiles(result: result, parameters: RunParameters()).files()
        for file in files {
            let text = String(decoding: file.bytes, as: UTF8.self)
            #expect(!text.contains("SECRETSECRET"), "\(file.name) holds a full API key")
        }
        let discrepancies = String(
            decoding: try #require(files.first { $0.name == "discrepancies.csv" }).bytes, as: UTF8.self)
        #expect(discrepancies.contains("sk-…9f3a"))
        #expect(result.rejects.count == 2)  // the type-1 row is a top-up: skipped, not rejected
        #expect(result.counters.nonRequestRows == 1)
    }
}

@Suite struct OutputRedactTests {
    @Test(arguments: [
        (#"{"key": "sk-abcdefghijkl1234", "x": 1}"#, #"{"key": "sk-…1234", "x": 1}"#),
        (#"{"key": "tok_abcdefghijkl5678"}"#, #"{"key": "…5678"}"#),  // the key field, whatever its shape
        ("broken sk-live-abcdefghij9999 line", "broken sk-…9999 line"),
        ("task-abcdefghijklmnop", "task-abcdefghijklmnop"),  // not a key: "sk-" inside a word
        ("sk-short", "sk-short"),
    ])
    func redact(raw: String, written: String) {
        #expect(String(decoding: KeyMask.redact(Array(raw.utf8)), as: UTF8.self) == written)
    }
}

/// `String.replacingAll`, which escapes `/` in the JSON embedded in `report.html`.
@Suite struct ReplacingAllTests {
    @Test(
        arguments: [
            ("a/b/c", "/", "\\/", "a\\/b\\/c"), ("</script>", "/", "\\/", "<\\/script>"),
            ("no slash", "/", "\\/", "no slash"),
            ("路径/文件/", "/", "\\/", "路径\\/文件\\/"), ("", "/", "\\/", ""), ("//", "/", "", ""),
            ("a·b·c", "·", "-", "a-b-c"), ("e\u{301}e", "e\u{301}", "x", "xe"), ("a\r\nb\nc", "\r\n", "|", "a|b\nc"),
        ] as [(String, Character, String, String)])
    func replacesEveryOccurrence(text: String, target: Character, replacement: String, expected: String) {
        #expect(text.replacingAll(target, with: replacement) == expected)
    }

    /// The byte path agrees with splitting on the Character wherever no combining mark follows.
    @Test func bytePathMatchesTheCharacterSplit() {
        var random = SampleRandom(seed: 7, index: 0)
        let pieces = ["/", "a", "路", "😀", "\"", " ", "//", "é"]
        for _ in 0..<500 {
            let text = (0..<random.int(0...12)).map { _ in pieces[random.int(0...(pieces.count - 1))] }.joined()
            let split = text.split(separator: "/", omittingEmptySubsequences: false).joined(separator: "\\/")
            #expect(text.replacingAll("/", with: "\\/") == split, "\(text)")
        }
    }
}
