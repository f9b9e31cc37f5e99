import Foundation
import Testing

@Suite struct CountCommandTests {
    // Ids from tiktoken 0.14.0 (shared/oracle/README.md): "hello world" → [24912, 2375] in o200k.
    @Test func countsStdinAsOneText() {
        let run = runRecount(["count", "--encoding", "o200k_base"], stdin: Data("hello world".utf8))
        #expect(run.status == 0)
        #expect(run.out == "2\n")
    }

    @Test func printsIdsWithIdsFlag() {
        let run = runRecount(["count", "--encoding", "o200k_base", "--ids"], stdin: Data("hello world".utf8))
        #expect(run.out == "24912 2375\n")
    }

    @Test func unknownEncodingIsAUsageError() {
        let run = runRecount(["count", "--encoding", "nope"], stdin: Data())
        #expect(run.status == 64)
        #expect(run.err.contains("unknown encoding 'nope'"))
    }

    @Test func missingFileExits66() {
        let run = runRecount(["count", "/nonexistent/file.txt"])
        #expect(run.status == 66)
        #expect(run.err.contains("/nonexistent/file.txt"))
    }
}
