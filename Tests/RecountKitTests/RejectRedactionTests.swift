import Foundation
import Testing

@testable import RecountKit

/// `rejects.jsonl`'s `raw` never carries prompt or completion text (SPEC §4), also for a line
/// that does not parse: it is cut before its first text field, or left out whole when it does
/// not start an object; ledger lines are shown as read.
@Suite struct RejectRedactionTests {
    let source = SourceLocation(file: "day/log.jsonl", line: 7)
    let pointer = #""[omitted from reports; see day/log.jsonl:7]""#

    func shown(_ line: String, kind: Reject.Kind = .log) -> String? {
        guard case .text(let text) = Redaction.raw(Array(line.utf8), source: source, kind: kind) else { return nil }
        return text
    }

    @Test func aBrokenLineIsCutBeforeItsFirstTextField() {
        // Truncated mid-prompt: not JSON. What identifies the line stays; the prompt does not.
        let line = #"{"id": "r9", "model": "gpt-4o", "request" : {"messages": [{"role": "user", "content": "secret <b>"#
        #expect(shown(line) == #"{"id": "r9", "model": "gpt-4o", "request" :"# + pointer)
        // `prompt_tokens` is not the `prompt` field; a legacy completion's `prompt` is.
        let legacy = #"{"id": "r8", "usage": {"prompt_tokens": 3}, "prompt": "secret", "#
        #expect(shown(legacy) == #"{"id": "r8", "usage": {"prompt_tokens": 3}, "prompt":"# + pointer)
        // The earliest text field wins, whichever it is.
        let reply = #"{"id": "r7", "response": {"choices": [{"text": "secret"}]}, "request": {"#
        #expect(shown(reply) == #"{"id": "r7", "response":"# + pointer)
    }

    @Test func theTailOfALineBrokenInsideAPromptIsLeftOutWhole() {
        #expect(shown(#"secret second half"}]}, "usage": {}}"#) == "[omitted from reports; see day/log.jsonl:7]")
        #expect(shown("") == "")
    }

    @Test func aBrokenLineWithoutTextIsShownMasked() {
        let line = #"{"id": "r6", "key": "sk-abcdefgh12345678", "time": "never"#
        #expect(shown(line) == #"{"id": "r6", "key": "sk-…5678", "time": "never"#)
    }

    @Test func aParsedLinesTextFieldsArePointers() throws {
        let line = #"{"id": "r5", "messages": [{"role": "user", "content": "secret"}], "prompt": "secret"}"#
        let text = try #require(shown(line))
        #expect(!text.contains("secret"))
        #expect(text.contains(#""messages":"# + pointer) && text.contains(#""prompt":"# + pointer))
    }

    @Test func aLedgerLineIsShownAsRead() {
        #expect(shown(#"x1,r,"acct,5"#, kind: .debit) == #"x1,r,"acct,5"#)
    }

    @Test func invalidUTF8IsCutTooBeforeItIsEncoded() throws {
        // Invalid bytes inside the prompt go with it: what is left is text.
        var inPrompt = Array(#"{"id": "r4", "request": {"messages": "#.utf8)
        inPrompt += [0xFF, 0xFE] + Array("secret".utf8)
        #expect(Redaction.raw(inPrompt, source: source, kind: .log) == .text(#"{"id": "r4", "request":"# + pointer))
        // Invalid bytes before the cut: base64 of the cut line, still without the prompt.
        var early = Array(#"{"id": ""#.utf8) + [0xFF] + Array(#"", "request": {"secret"#.utf8)
        guard case .base64(let encoded) = Redaction.raw(early, source: source, kind: .log) else {
            Issue.record("a line that is not UTF-8 is shown as base64")
            return
        }
        let decoded = try #require(Data(base64Encoded: encoded))
        early = Array(#"{"id": ""#.utf8) + [0xFF] + Array(#"", "request":"#.utf8) + Array(pointer.utf8)
        #expect(Array(decoded) == early)
    }
}
