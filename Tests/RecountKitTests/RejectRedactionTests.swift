import Foundation
import Testing

@testable import RecountKit

/// `rejects.jsonl`'s `raw` never carries conversation text or an unmasked key (SPEC §4): a log
/// line shows only the fields `RejectFields.log` names, each only in its own shape, parsed and
/// written anew; a line that is no record's shows nothing; a CSV ledger line is shown as read.
/// The inputs include those a reviewer found leaking an earlier version.
@Suite struct RejectRedactionTests {
    let source = SourceLocation(file: "day/log.jsonl", line: 7)
    let pointer = "[omitted from reports; see day/log.jsonl:7]"
    var omitted: String { #""\#(pointer)""# }
    var rest: String { #","…":"\#(pointer)"}"# }

    func shown(_ line: String, kind: Reject.Kind = .log) -> String? {
        shown(Array(line.utf8), kind: kind)
    }

    func shown(_ bytes: [UInt8], kind: Reject.Kind = .log) -> String? {
        guard case .text(let text) = Redaction.raw(bytes, source: source, kind: kind) else { return nil }
        return text
    }

    @Test func aBrokenLineShowsItsWholeKnownPairs() {
        // Truncated mid-prompt: what identifies the line stays; the prompt does not.
        let line = #"{"id": "r9", "model": "gpt-4o", "request" : {"messages": [{"role": "user", "content": "secret <b>"#
        #expect(shown(line) == #"{"id":"r9","model":"gpt-4o""# + rest)
        // A whole unknown pair is a pointer; the pairs after it are still read.
        let legacy = #"{"id": "r8", "prompt": "secret", "time": 1704844800, "usage": {"prompt_tokens": 3}, "#
        #expect(
            shown(legacy) == #"{"id":"r8","prompt":\#(omitted),"time":1704844800,"usage":{"prompt_tokens":3}}"#)
        // A value that breaks off, or a number that may have, ends the pairs.
        #expect(shown(#"{"id": "r7", "model": "m", "time": "2024-03-01T00:0"#) == #"{"id":"r7","model":"m""# + rest)
        #expect(shown(#"{"id": "r7", "model": "m", "status": 20"#) == #"{"id":"r7","model":"m""# + rest)
        // JSON blanks, CR among them, around the colon.
        #expect(shown("{\"id\"\r\n:\t\"r6\", \"model\"\r:\"m\"") == #"{"id":"r6","model":"m"}"#)
    }

    @Test func aLineCutOffAfterAWholePairIsShownWhole() {
        #expect(
            shown(#"{"id": "r3", "model": "gpt-4o", "billed": {"amount": "12"}"#)
                == #"{"id":"r3","model":"gpt-4o","billed":{"amount":"12"}}"#)
        #expect(shown(#"{"id": "r3", "model": "m", "status": 200,"#) == #"{"id":"r3","model":"m","status":200}"#)
    }

    @Test func nothingHidesInsideAValueThatDoesNotParse() {
        // A missing comma: the run `200"prompt":"…"` is no number, so it is not shown.
        #expect(
            shown(#"{"id":"r1","model":"m","status":200"prompt":"我的密码是猎人二号"}"#) == #"{"id":"r1","model":"m""# + rest)
        #expect(shown(#"{"id":1"request":{"messages":[{"content":"secret"}]}}"#) == pointer)
    }

    @Test func piecesOfALineSplitInsideAConversationShowNothing() {
        #expect(shown(#"secret second half"}]}, "usage": {}}"#) == pointer)
        #expect(shown(#"{"role":"user","content":"secret prompt text"}]},"response":{"x":1}}"#) == pointer)
        #expect(shown(#"{"role":"user","content":"secret two"}"#) == pointer)
        // A tool call's arguments that happen to use known names, in other shapes: no record.
        #expect(
            shown(#"{"id":5,"status":"open","username":"alice","other":"customer says password hunter2"}"#) == pointer)
        #expect(shown(#"["secret"]"#) == pointer)
        #expect(shown("") == pointer)
    }

    @Test func knownFieldsShowOnlyTheirOwnShape() throws {
        // usage with a string in it, and other's strings: out; other's numbers and flags: in.
        let line =
            #"{"id":"r2","model":"m","usage":{"prompt":"secret"},"other":"{\"model_ratio\":1.25,\"stream_status\":{\"end_error\":\"upstream said secret\",\"error_count\":1},\"admin_info\":{\"local_count_tokens\":true}}"}"#
        let text = try #require(shown(line))
        #expect(!text.contains("secret"))
        #expect(text.contains(#""usage":\#(omitted)"#))
        #expect(text.contains(#"model_ratio\":1.25"#) && text.contains(#"error_count\":1"#))
        #expect(text.contains(#"local_count_tokens\":true"#))
    }

    @Test func keysAreMaskedAndOnlyStringsAreKeys() {
        let broken =
            #"{"id": "r5", "model": "m", "key": "sk-abcdefgh12345678", "token_name": "prod-token-1234", "time": "never"#
        #expect(shown(broken) == #"{"id":"r5","model":"m","key":"sk-…5678","token_name":"prod-…1234""# + rest)
        // A key of another shape is not shown at all; an escaped sk- run is decoded, then masked.
        let odd =
            #"{"id":"r5","model":"m","key":["prod-key-abcdef123"],"token_name":123456789012345,"other":"","account":"sk-abcd\u0065fgh12345678"}"#
        #expect(
            shown(odd)
                == #"{"id":"r5","model":"m","key":\#(omitted),"token_name":\#(omitted),"other":"","account":"sk-…5678"}"#
        )
    }

    @Test func notUTF8() throws {
        // A record once repaired, every field as it is: the exact bytes, base64.
        let exact =
            Array(#"{"id": "bad", "time": 1704844800, "account": "al"#.utf8) + [0xFF]
            + Array(#"ice", "model": "m"}"#.utf8)
        guard case .base64(let encoded) = Redaction.raw(exact, source: source, kind: .log) else {
            Issue.record("expected the exact bytes")
            return
        }
        #expect(Array(try #require(Data(base64Encoded: encoded))) == exact)
        // A token name that is not UTF-8 is still masked: the repaired line, written anew.
        let named =
            Array(#"{"id":"r1","model":"m","token_name":"测试-token-1234"#.utf8) + [0xFF] + Array(#"","x":1}"#.utf8)
        let text = try #require(shown(named))
        #expect(text.contains(#""token_name":"测试-…"#) && !text.contains("token-1234"), "\(text)")
        // Invalid bytes inside a prompt go with it.
        let prompt =
            Array(#"{"id": "r4", "model": "m", "request": {"messages": "#.utf8) + [0xFF, 0xFE] + Array("secret".utf8)
        #expect(shown(prompt) == #"{"id":"r4","model":"m""# + rest)
    }

    @Test func ledgerLines() {
        // CSV: the ledger's own bytes. JSONL: its fields only, so a log file given as the
        // ledger by mistake shows no prompt and no key.
        #expect(shown(#"x1,r,"acct,5"#, kind: .debit) == #"x1,r,"acct,5"#)
        #expect(shown(#"{"debit_id": "d1", "amount": "x"}"#, kind: .debit) == #"{"debit_id":"d1","amount":"x"}"#)
        let misfiled = #"{"request_id":"r1","key":"prod-key-abcdef123","request":{"messages":[{"content":"secret"}]}}"#
        #expect(shown(misfiled, kind: .debit) == #"{"request_id":"r1","key":\#(omitted),"request":\#(omitted)}"#)
    }

    /// A wide object is linear: the parser's repeated-key check keeps an index past 16 members.
    @Test func aWideLineIsRedactedInLinearTime() {
        let members = (0..<50_000).map { #""a\#($0)":0"# }.joined(separator: ",")
        let line = "{" + members + #","id":"w","model":"m"}"#
        let text = shown(line)
        #expect(text?.hasSuffix(#""id":"w","model":"m"}"#) == true)
        #expect(text?.contains(#""a49999":\#(omitted)"#) == true)
    }
}
