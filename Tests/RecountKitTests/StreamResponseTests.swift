import Foundation
import Testing
import TokenCounter

@testable import RecountKit

/// Response shapes (SPEC §2.1 `response`, §6 Tokens): object, chunk array, raw SSE lines, text.
@Suite struct StreamResponseTests {
    func output(_ json: String) throws -> GeneratedOutput {
        StreamAssembler.output(of: try JSONParser.parse(Array(json.utf8)))
    }

    @Test func responseObjectWithChoicesAndToolCalls() throws {
        let out = try output(
            #"{"choices": [{"index": 1, "message": {"content": "B"}}, {"index": 0, "message": {"content": "A", "tool_calls": [{"function": {"name": "f", "arguments": "{}"}}]}}]}"#
        )
        #expect(out.choiceTexts == ["A", "B"])
        #expect(out.toolCalls == [.init(name: "f", arguments: "{}")])
    }

    @Test func chunkArrayConcatenatesDeltasAndToolCallFragments() throws {
        let out = try output(
            """
            [{"choices": [{"index": 0, "delta": {"role": "assistant", "content": "Hel"}}]},
             {"choices": [{"index": 0, "delta": {"content": "lo"}}]},
             {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"name": "get_", "arguments": "{\\"a\\""}}]}}]},
             {"choices": [{"index": 0, "delta": {"tool_calls": [{"index": 0, "function": {"name": "weather", "arguments": ":1}"}}]}}]},
             {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}]
            """)
        #expect(out.choiceTexts == ["Hello"])
        #expect(out.toolCalls == [.init(name: "get_weather", arguments: #"{"a":1}"#)])
    }

    @Test func rawSSELines() throws {
        // Items: a data line, an event+data block with CRLF, a comment, [DONE]. The second payload
        // holds U+2028 and U+0085 inside its JSON string: not line breaks.
        let json = """
            ["data: {\\"choices\\": [{\\"index\\": 0, \\"delta\\": {\\"content\\": \\"a\\"}}]}",
             "event: message\\r\\ndata: {\\"choices\\": [{\\"index\\": 0, \\"delta\\": {\\"content\\": \\"b\u{2028}c\u{85}d\\"}}]}\\r\\n",
             ": keep-alive",
             "data:{\\"choices\\": [{\\"index\\": 0, \\"delta\\": {\\"content\\": \\"e\\"}}]}",
             "data: [DONE]"]
            """
        let out = try output(json)
        #expect(out.choiceTexts == ["ab\u{2028}c\u{85}de"])
    }

    @Test func plainString() throws {
        #expect(try output(#""just text""#).choiceTexts == ["just text"])
    }

    func usage(_ line: String) throws -> ReportedUsage? {
        let decoded = Array(line.utf8).withUnsafeBufferPointer {
            RecordDecoder.decode($0, at: SourceLocation(file: "t", line: 1))
        }
        return try decoded.get().usage
    }

    @Test func usagePrecedence() throws {
        let base = #""id": "u", "time": 1704844800, "account": "a", "model": "m""#
        // Top-level wins over response.usage.
        #expect(
            try usage(
                "{\(base), \"usage\": {\"prompt_tokens\": 1, \"completion_tokens\": 1}, \"response\": {\"usage\": {\"prompt_tokens\": 2, \"completion_tokens\": 2}}}"
            )?.promptTokens == 1)
        // response.usage when there is no top-level usage (null means absent).
        #expect(
            try usage(
                "{\(base), \"usage\": null, \"response\": {\"usage\": {\"prompt_tokens\": 2, \"completion_tokens\": 2}}}"
            )?.promptTokens == 2)
        // The last chunk whose usage is not null.
        let chunks =
            #"[{"usage": {"prompt_tokens": 3}}, {"usage": {"prompt_tokens": 4}}, {"usage": null}, "data: [DONE]"]"#
        #expect(try usage("{\(base), \"response\": \(chunks)}")?.promptTokens == 4)
        // …also when the chunks are raw SSE lines.
        let sse =
            #"["data: {\"usage\": {\"prompt_tokens\": 5, \"completion_tokens\": 6}}", "data: {\"usage\": null}", "data: [DONE]"]"#
        #expect(try usage("{\(base), \"response\": \(sse)}")?.completionTokens == 6)
        #expect(try usage("{\(base), \"response\": \"text\"}") == nil)
    }

    @Test func upstreamUsageFromTheStreamDecidesTheCharge() throws {
        // 3 prompt + 4 completion from the last chunk: 3 × 1 + 4 × 2 = 11 points.
        let fixture = try ReconcileFixture()
        try fixture.log([
            #"{"id": "s", "time": 1704844800, "account": "a", "model": "m", "stream": true, "response": [{"choices": [{"index": 0, "delta": {"content": "hi"}}]}, {"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4}}], "billed": {"amount": "11"}}"#
        ])
        let result = try fixture.run { $0.allRows = true }
        let row = try result.row("s")
        #expect(row.outcomeClass == .ok)
        #expect(row.counts?.basisLabel == "upstream/upstream")
    }
}
