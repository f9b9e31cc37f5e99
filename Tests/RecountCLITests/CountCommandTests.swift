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
        #expect(
            run.err.contains(
                "--encoding takes r50k_base, p50k_base, p50k_edit, cl100k_base, o200k_base or o200k_harmony, not 'nope'"
            ))
    }

    @Test func missingFileExits66() {
        let run = runRecount(["count", "/nonexistent/file.txt"])
        #expect(run.status == 66)
        #expect(run.err.contains("/nonexistent/file.txt"))
    }
}

/// A file in a fresh temporary directory, removed by the caller's `defer`.
private func temporaryFile(_ bytes: [UInt8], name: String = "input.txt") throws -> URL {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("recount-count-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
}

private let oracleFixtures = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures/oracle")

/// The request body of chat case `id` from `corpus/chat_cases.jsonl`, as its raw JSON line.
private func chatCase(_ id: String) throws -> Data {
    let text = try String(contentsOf: oracleFixtures.appendingPathComponent("corpus/chat_cases.jsonl"), encoding: .utf8)
    let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("{\"id\": \"\(id)\"") })
    return Data(line.utf8)
}

/// Exact bytes: token ids below are tiktoken's (expected/o200k_base.jsonl, cl100k_base.jsonl).
@Suite struct CountCommandBytesTests {
    @Test func bomCountsAsText() throws {
        let bom: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("hello".utf8)
        let file = try temporaryFile(bom)
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        #expect(runRecount(["count", "--ids", file.path]).out == "5574 24912\n")  // ws-053, o200k
        #expect(runRecount(["count", "--encoding", "cl100k_base", "--ids", file.path]).out == "3305 15339\n")
        #expect(runRecount(["count", file.path]).out == "2\n")
    }

    @Test func lineEndsAreNotTranslated() {
        // ws-031 "\r\n\r\n" is one token, 1414; as "\n\n" it would be 279 (ws-028).
        let run = runRecount(["count", "--ids", "-"], stdin: Data("\r\n\r\n".utf8))
        #expect(run.out == "1414\n")
        #expect(run.err.isEmpty)
    }

    /// Maximal subparts (Unicode §3.9): C0 and FF can start nothing, so each byte is one
    /// U+FFFD; "\u{FFFD}\u{FFFD}" is o200k 10123 (punct-070), "\u{FFFD}" is 3251 (punct-069).
    @Test(arguments: [([0xC0, 0x80] as [UInt8], "10123", 2), ([0xFF], "3251", 1), ([0xEF, 0xBF, 0xBD], "3251", 0)])
    func invalidUTF8BecomesReplacementCharacters(bytes: [UInt8], ids: String, replaced: Int) {
        let run = runRecount(["count", "--ids"], stdin: Data(bytes))
        #expect(run.status == 0)
        #expect(run.out == ids + "\n")
        if replaced > 0 {
            #expect(run.err.contains("<stdin>: \(replaced) invalid UTF-8 sequence(s) replaced by U+FFFD"))
        } else {
            #expect(run.err.isEmpty)
        }
    }

    /// A truncated 4-byte sequence is one maximal subpart (one U+FFFD); a UTF-8-encoded
    /// surrogate (ED A0 80) is three, since ED A0 is never valid.
    @Test(arguments: [
        ([0x61, 0xF0, 0x9F, 0x98, 0x62] as [UInt8], "a\u{FFFD}b", 1),
        ([0xED, 0xA0, 0x80], "\u{FFFD}\u{FFFD}\u{FFFD}", 3),
        ([0x61, 0xE2, 0x82], "a\u{FFFD}", 1),
    ])
    func truncatedAndSurrogateSequences(bytes: [UInt8], equivalent: String, replaced: Int) {
        let invalid = runRecount(["count", "--ids"], stdin: Data(bytes))
        let spelled = runRecount(["count", "--ids"], stdin: Data(equivalent.utf8))
        #expect(invalid.out == spelled.out)
        #expect(invalid.err.contains("\(replaced) invalid UTF-8"))
    }

    @Test func unknownModelFallsBackToO200kWithANote() {
        let run = runRecount(["count", "--model", "my-relay-model", "--ids"], stdin: Data("hello world".utf8))
        #expect(run.status == 0)
        #expect(run.out == "24912 2375\n")
        #expect(run.err.contains("model 'my-relay-model' is not in tiktoken's model map; counting with o200k_base"))
    }

    @Test func directoryIsAnIOError() throws {
        let file = try temporaryFile([])
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let run = runRecount(["count", file.deletingLastPathComponent().path])
        #expect(run.status == 74)
        #expect(run.err.contains(file.deletingLastPathComponent().path))
    }

    @Test(arguments: [
        ["count", "--chat", "--encoding", "cl100k_base"], ["count", "--chat", "--ids"],
        ["count", "--breakdown"], ["count", "--model", "gpt-4", "--encoding", "r50k_base"],
        ["count", "a", "b"],
    ])
    func usageErrors(argv: [String]) {
        #expect(runRecount(argv).status == 64)
    }
}

@Suite struct CountCommandChatTests {
    /// The cookbook's API-measured prompt_tokens (expected/chat.jsonl `api_prompt_tokens`).
    @Test(arguments: [
        ("cookbook-00", "127"), ("cookbook-02", "129"), ("cookbook-06", "124"),
        ("cookbook-09", "105"), ("cookbook-11", "101"),
    ])
    func printsThePromptTotalAlone(id: String, total: String) throws {
        let run = runRecount(["count", "--chat"], stdin: try chatCase(id))
        #expect(run.status == 0)
        #expect(run.out == total + "\n")
        #expect(run.err.isEmpty)
    }

    @Test func modelFlagOverridesTheBodyModel() throws {
        // cookbook-00 is gpt-3.5-turbo-0301 (127); the same messages as gpt-3.5-turbo-0613 are 129.
        let run = runRecount(["count", "--chat", "--model", "gpt-3.5-turbo-0613"], stdin: try chatCase("cookbook-00"))
        #expect(run.out == "129\n")
    }

    @Test func breakdownGoesToStderr() throws {
        let run = runRecount(["count", "--chat", "--breakdown"], stdin: try chatCase("cookbook-09"))
        #expect(run.out == "105\n")
        // cookbook-09: messages 18 and 13, tools 71 (expected/chat.jsonl).
        #expect(run.err.contains("messages[0] system: ") && run.err.contains("= 18\n"))
        #expect(run.err.contains("messages[1] user: ") && run.err.contains("= 13\n"))
        #expect(run.err.contains("tool definitions (cookbook:gpt-3.5/gpt-4): 71"))
        #expect(run.err.contains("reply priming: 3"))
        #expect(run.err.contains("total: 105"))
    }

    @Test func malformedJSONExits65WithFileAndOffset() throws {
        let file = try temporaryFile(Array(#"{"model":"x", "messages":["#.utf8), name: "body.json")
        defer { try? FileManager.default.removeItem(at: file.deletingLastPathComponent()) }
        let run = runRecount(["count", "--chat", file.path])
        #expect(run.status == 65)
        #expect(run.err.contains("\(file.path): invalid JSON at byte 27"))  // 26 bytes, then the end
    }

    @Test func invalidShapeExits65WithThePath() {
        let body = #"{"model": "gpt-4o", "messages": [{}, {}, {}, {"role": "user", "content": 7}]}"#
        let run = runRecount(["count", "--chat"], stdin: Data(body.utf8))
        #expect(run.status == 65)
        #expect(run.err.contains("<stdin>: messages[3].content: expected string or array, found number"))
    }

    @Test func incompleteCountSaysWhyOnStderr() {
        let body =
            #"{"model": "gpt-4o", "messages": [{"role": "user", "content": [{"type": "text", "text": "Hello!"}, {"type": "image_url", "image_url": {"url": "u"}}]}]}"#
        let run = runRecount(["count", "--chat"], stdin: Data(body.utf8))
        #expect(run.status == 0)
        #expect(run.out == "9\n")  // single-user/gpt-4o without the image
        #expect(run.err.contains("incomplete: messages[0].content[1].image_url: image size unknown"))
    }

    @Test func unknownModelInBodyIsNoted() {
        let body = #"{"model": "relay-special", "messages": [{"role": "user", "content": "Hello!"}]}"#
        let run = runRecount(["count", "--chat"], stdin: Data(body.utf8))
        #expect(run.out == "9\n")
        #expect(run.err.contains("model 'relay-special' is not in tiktoken's model map; counting with o200k_base"))
    }
}
