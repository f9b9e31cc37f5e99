import Foundation
import RecountKit
import Testing

/// Statements a customer can read (issue 19): words instead of class codes, in English or
/// Chinese; the CSV's headers the same as the HTML's; a TOTAL row that adds up to its columns;
/// times in the platform's zone; a mistyped account answered with the nearest ones.
@Suite struct StatementReadingTests {
    /// SampleLogs, account initech: the rows and their sums are checked from the CSV itself
    /// (each number column summed here), not taken from Recount's own totals.
    func statement(_ account: String, _ extra: [String] = []) throws -> (out: String, run: CapturedRun) {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("statement-read-\(UUID().uuidString)")
            .path
        let run = runRecount(["statement", account, "SampleLogs", "--out", out] + extra)
        return (out, run)
    }

    func file(_ directory: String, suffix: String) throws -> String {
        let name = try #require(
            try FileManager.default.contentsOfDirectory(atPath: directory).first { $0.hasSuffix(suffix) })
        return try String(contentsOfFile: directory + "/" + name, encoding: .utf8)
    }

    @Test func totalRowAddsUpToEveryNumberColumn() throws {
        let (out, run) = try statement("initech")
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(run.status == 0, "\(run.err)")
        let records = parseCSV(try file(out, suffix: ".csv"))
        let header = try #require(records.first)
        let total = try #require(records.first { $0.first == "TOTAL" })
        let rows = records.dropFirst().prefix { $0.first != "TOTAL" }
        #expect(rows.count == 6)
        for name in ["prompt tokens", "completion tokens", "charged", "recomputed", "difference", "credit"] {
            let column = try #require(header.firstIndex(of: name))
            let sum = rows.reduce(Rational.zero) {
                try! $0.adding($1[column].isEmpty ? .zero : Rational(parsing: $1[column]))
            }
            #expect(Amounts.format(sum, scale: 0) == total[column], "column \(name)")
        }
        // The charge nobody could recompute (an orphan debit of 1500) is said separately.
        #expect(
            records.last?.first
                == "1500 points charged on requests that could not be recomputed is not in the difference; it is reviewed by hand"
        )
    }

    @Test func csvAndHTMLShareTheirHeadersAndShowWords() throws {
        let (out, _) = try statement("initech")
        defer { try? FileManager.default.removeItem(atPath: out) }
        let header = try #require(parseCSV(try file(out, suffix: ".csv")).first)
        let html = try file(out, suffix: ".html")
        for name in header { #expect(html.contains(">\(name)</th>"), "\(name)") }
        #expect(html.contains("<td>overcharged</td>") && html.contains("<td>not charged</td>"))
        #expect(!html.contains("missing_charge") && !html.contains("orphan_debit"))
        #expect(html.contains("times in UTC+08:00"))
        #expect(html.contains("11,715"))  // thousands separators on the page (the CSV keeps 11715)
    }

    @Test func chineseStatement() throws {
        let (out, run) = try statement("张三工作室", ["--lang", "zh"])
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(run.status == 0)
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.contains { $0.hasPrefix("statement-张三工作室-") && $0.hasSuffix(".csv") })
        let csv = try file(out, suffix: ".csv")
        #expect(csv.hasPrefix("时间,请求 ID,模型,输入 tokens,输出 tokens,已扣费,复核应扣,差额,结果,补偿\r\n"))
        // req-0002 started 2024-03-01T08:40:11+08:00: shown as the customer's dashboard shows it.
        #expect(csv.contains("2024-03-01 08:40:11,req-0002,gpt-3.5-turbo,"))
        #expect(csv.contains(",正确,"))
        #expect(csv.contains("合计,4 个请求,"))
        #expect(try file(out, suffix: ".html").contains("张三工作室 的对账单"))
    }

    @Test func timesFollowTheDayOffset() throws {
        let (out, _) = try statement("张三工作室", ["--day-offset", "+00:00"])
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(try file(out, suffix: ".csv").contains("2024-03-01 00:40:11,req-0002,"))
    }

    @Test func mistypedAccountSuggestsTheNearestAndExits66() throws {
        let (out, run) = try statement("acme-corpp")
        defer { try? FileManager.default.removeItem(atPath: out) }
        #expect(run.status == 66)
        #expect(run.err.contains("no requests of account 'acme-corpp' in the logs; nearest: 'acme-corp'"), "\(run.err)")
        let written = ((try? FileManager.default.contentsOfDirectory(atPath: out)) ?? []).filter { !$0.hasPrefix(".") }
        #expect(written.isEmpty)
    }
}
