import Foundation
import Testing

@testable import RecountKit

/// `rejects.jsonl`'s `raw` never carries prompt or completion text (SPEC §4): a log line shows
/// only its known fields (`Redaction.shownFields`), a line that does not parse the whole known
/// pairs it starts with, and a ledger line is shown as read.
@Suite struct RejectRedactionTests {
    let source = SourceLocation(file: "day/log.jsonl", line: 7)
    let pointer = "[omitted from reports; see day/log.jsonl:7]"
    var rest: String { #", "…": "\#(pointer)"}"# }

    func shown(_ line: String, kind: Reject.Kind = .log) -> String? {
        guard case .text(let text) = Redaction.raw(Array(line.utf8), source: source, kind: kind) else { return nil }
        return text
    }

    @Test func aBrokenLineShowsTheKnownPairsItStartsWith() {
        // Truncated mid-prompt: not JSON. What identifies the line stays; the prompt does not.
        let line = #"{"id": "r9", "model": "gpt-4o", "request" : {"messages": [{"role": "user", "content": "secret <b>"#
        #expect(shown(line) == #"{"id": "r9", "model": "gpt-4o""# + rest)
        // A whole nested value is one pair; `prompt` is no known field.
        let legacy = #"{"id": "r8", "usage": {"prompt_tokens": 3}, "prompt": "secret", "#
        #expect(shown(legacy) == #"{"id": "r8", "usage": {"prompt_tokens": 3}"# + rest)
        // A value that breaks off is not shown, nor is a number that may have.
        #expect(shown(#"{"id": "r7", "time": "2024-03-01T00:0"#) == #"{"id": "r7""# + rest)
        #expect(shown(#"{"id": "r7", "status": 20"#) == #"{"id": "r7""# + rest)
        // JSON blanks, CR among them, around the colon.
        #expect(shown("{\"id\"\r\n:\t\"r6\", \"prompt\"\r:\"secret\"") == #"{"id": "r6""# + rest)
    }

    @Test func aLineOfKnownPairsCutOffAfterOneIsShownAsRead() {
        // A missing `}` or a trailing comma: nothing is omitted, so nothing is replaced.
        let unclosed = #"{"id": "r3", "model": "gpt-4o", "billed": {"amount": "12"}"#
        #expect(shown(unclosed) == unclosed)
        #expect(shown(#"{"id": "r3", "status": 200,"#) == #"{"id": "r3", "status": 200,"#)
        // …but an unknown pair at the very end is still omitted, and a key still masked.
        #expect(shown(#"{"id": "r3", "note": "secret""#) == #"{"id": "r3""# + rest)
        #expect(shown(#"{"id": "r3", "key": "sk-abcdefgh12345678""#) == #"{"id": "r3", "key": "sk-…5678"}"#)
    }

    @Test func piecesOfALineBrokenInsideAConversationShowNothingOfIt() {
        // The tail after a split inside a prompt, and pieces that start at a message object:
        // not parseable, or parseable as an object of their own.
        #expect(shown(#"secret second half"}]}, "usage": {}}"#) == pointer)
        #expect(shown(#"{"role":"user","content":"secret prompt text"}]},"response":{"x":1}}"#) == pointer)
        let piece = shown(#"{"role":"user","content":"secret two"}"#)
        #expect(piece == #"{"role":"\#(pointer)","content":"\#(pointer)"}"#)
        #expect(shown(#"["secret"]"#) == pointer)
        #expect(shown("") == pointer)
    }

    @Test func keysAreMaskedOnBothPaths() {
        let broken = #"{"id": "r5", "key": "sk-abcdefgh12345678", "token_name": "prod-token-1234", "time": "never"#
        #expect(shown(broken) == #"{"id": "r5", "key": "sk-…5678", "token_name": "prod-…1234""# + rest)
        let parsed = #"{"id": "r5", "token_name": "prod-token-1234", "messages": [{"content": "secret"}]}"#
        #expect(shown(parsed) == #"{"id":"r5","token_name":"prod-…1234","messages":"\#(pointer)"}"#)
    }

    @Test func aLedgerLineIsShownAsRead() {
        #expect(shown(#"x1,r,"acct,5"#, kind: .debit) == #"x1,r,"acct,5"#)
        #expect(shown(#"{"debit_id": "d1", "amount": "x"}"#, kind: .debit) == #"{"debit_id": "d1", "amount": "x"}"#)
    }

    @Test func invalidUTF8InsideThePromptGoesWithIt() {
        var bytes = Array(#"{"id": "r4", "request": {"messages": "#.utf8)
        bytes += [0xFF, 0xFE] + Array("secret".utf8)
        #expect(Redaction.raw(bytes, source: source, kind: .log) == .text(#"{"id": "r4""# + rest))
    }
}
