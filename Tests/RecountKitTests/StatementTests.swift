import Foundation
import Testing

@testable import RecountKit

@Suite("statement file names")
struct StatementTests {
    @Test(
        "a stem never leaves the directory",
        arguments: [
            "../../etc/passwd", "..", ".", "/", "a/../../b", "<script>alert(1)</script>", "张三工作室", "...hidden",
            "a\u{0}b", "con",
        ])
    func safeStem(account: String) {
        let stem = AccountStatement.fileStem(for: account)
        #expect(!stem.contains("/"))
        #expect(!stem.contains(".."))
        #expect(!stem.hasPrefix("."))
        #expect(
            stem.unicodeScalars.allSatisfy {
                $0 == "." || $0 == "_" || $0 == "-" || AccountStatement.isLetterOrDigit($0)
            })
        #expect(!stem.unicodeScalars.contains { $0.properties.generalCategory == .control || $0 == " " })
        #expect(stem.hasPrefix("statement-"))
    }

    @Test("accounts that sanitise alike still get different files")
    func collisions() {
        #expect(AccountStatement.fileStem(for: "a/b") != AccountStatement.fileStem(for: "a?b"))
        #expect(AccountStatement.fileStem(for: "张三") != AccountStatement.fileStem(for: "李四"))
        #expect(AccountStatement.fileStem(for: "acme-corp").hasPrefix("statement-acme-corp-"))
    }

    @Test("a Chinese account keeps its name, readable")
    func readableChineseName() {
        let stem = AccountStatement.fileStem(for: "张三工作室")
        #expect(stem.hasPrefix("statement-张三工作室-"))
        #expect(stem.count == "statement-张三工作室-".count + 8)
        #expect(AccountStatement.fileStem(for: "张三 工作室/北京").hasPrefix("statement-张三_工作室_北京-"))
    }

    @Test("long accounts are cut to a bounded name")
    func bounded() {
        #expect(AccountStatement.fileStem(for: String(repeating: "x", count: 5000)).count <= 10 + 48 + 9)
    }
}
