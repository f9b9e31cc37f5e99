import Foundation
import Testing

@testable import RecountKit

/// A stray `"` in a CSV ledger used to swallow every later line into one reject (and re-parse
/// the growing record at each line: quadratic). Now the opening line is rejected once its
/// quote stays open past `quotedFieldLinesMax` lines, and the lines after it are read again.
@Suite struct LedgerCSVQuoteTests {
    static let header = "debit_id,request_id,account,amount\n"

    func read(_ text: String) throws -> DebitLedgerReader.Result {
        try DebitLedgerReader.readCSV(LineReader(MemorySource(Array(text.utf8))), path: "debits.csv")
    }

    @Test func strayQuoteInTheMiddleLosesOnlyItsLine() throws {
        let lines = (0..<5000).map { "d\($0),r\($0),acct,\($0 % 7)\n" }
        let result = try read(Self.header + "x1,r,\"acct,5\n" + lines.joined())
        #expect(result.rejects.count == 1)
        #expect(result.rejects.first?.source.line == 2)
        #expect(result.rejects.first?.reason == "unterminated quoted field (no closing quote within 64 lines)")
        #expect(result.rejects.first?.raw == Array("x1,r,\"acct,5".utf8))
        #expect(result.debits.count == 5000)
        #expect(result.debits.first?.source.line == 3 && result.debits.last?.source.line == 5002)
    }

    @Test func strayQuoteNearTheEnd() throws {
        let result = try read(Self.header + "d1,r1,a,1\nd2,r2,\"a,2\nd3,r3,a,3\n")
        #expect(result.rejects.map(\.source.line) == [3])
        #expect(result.debits.map(\.debitID) == ["d1", "d3"])
    }

    @Test func quotedNewlinesWithinTheBoundStillJoin() throws {
        let note = (0..<10).map { "line \($0)" }.joined(separator: "\n")
        let result = try read(Self.header + "d1,r1,\"\(note)\",1\nd2,r2,a,2\n")
        #expect(result.rejects.isEmpty)
        #expect(result.debits.map(\.account) == [note, "a"])
        #expect(result.debits.map(\.source.line) == [2, 12])
    }

    /// A CSV line over the 64 MiB limit is rejected like a JSONL one (its 4 KiB sample used to
    /// be parsed as if it were the whole line).
    @Test func overlongLineIsRejected() throws {
        var bytes = Array((Self.header + "d1,r1,a,").utf8)
        bytes += [UInt8](repeating: 0x31, count: (64 << 20) + 1)
        bytes += Array("\nd2,r2,a,2\n".utf8)
        let result = try DebitLedgerReader.readCSV(LineReader(MemorySource(bytes, chunk: 1 << 24)), path: "debits.csv")
        #expect(result.rejects.map(\.reason) == ["line longer than 67108864 bytes"])
        #expect(result.rejects.first?.rawTruncated == true)
        #expect(result.debits.map(\.debitID) == ["d2"])
    }
}
