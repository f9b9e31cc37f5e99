import Foundation
import Testing

@testable import RecountKit

/// `rejects.jsonl`'s `raw` never carries conversation text or an unmasked key (SPEC §4): a log
/// line shows only the fields `RejectFields.log` names, each only in its own shape, parsed and
/// written anew; everything else is one `"…"`; a line that is no record's shows nothing; a CSV
/// ledger record is shown as read. The inputs include every one three reviews found leaking an
/// earlier version.
@Suite struct RejectRedactionTests {
    let source = SourceLocation(file: "day/log.jsonl", line: 7)
    let pointer = "[omitted from reports; see day/log.jsonl:7]"
    var rest: String { #","…":"\#(pointer)"}"# }

    func shown(_ line: String, kind: Reject.Kind = .log, file: String = "day/log.jsonl") -> String? {
        shown(Array(line.utf8), kind: kind, file: file)
    }

    func shown(_ bytes: [UInt8], kind: Reject.Kind = .log, file: String = "day/log.jsonl") -> String? {
        let at = SourceLocation(file: file, line: 7)
        guard case .text(let text) = Redaction.raw(bytes, source: at, kind: kind) else { return nil }
        return text
    }

    @Test func aBrokenLineShowsItsWholeKnownPairs() {
        // Truncated mid-prompt: what identifies the line stays; the prompt does not.
        let line = #"{"id": "r9", "model": "gpt-4o", "request" : {"messages": [{"role": "user", "content": "secret <b>"#
        #expect(shown(line) == #"{"id":"r9","model":"gpt-4o""# + rest)
        // A whole unknown pair is left out, its name too; the pairs after it are still read.
        let legacy = #"{"id": "r8", "prompt": "secret", "time": 1704844800, "usage": {"prompt_tokens": 3}, "#
        #expect(shown(legacy) == #"{"id":"r8","time":1704844800,"usage":{"prompt_tokens":3}"# + rest)
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
        #expect(shown("\u{FEFF}" + #"{"id":"r1","model":"m"}"#) == pointer)
        #expect(shown("") == pointer)
    }

    @Test func knownFieldsShowOnlyTheirOwnShape() throws {
        // usage with a string, or a sentence for a key: out. other: its numbers and flags under
        // identifier keys only.
        let line =
            #"{"id":"r2","model":"m","usage":{"prompt":"secret"},"other":"{\"model_ratio\":1.25,\"my secret prompt\":1,\"stream_status\":{\"end_error\":\"upstream said secret\",\"error_count\":1},\"admin_info\":{\"local_count_tokens\":true}}"}"#
        let text = try #require(shown(line))
        #expect(!text.contains("secret") && !text.contains("usage"))
        #expect(text.contains(#"model_ratio\":1.25"#) && text.contains(#"error_count\":1"#))
        #expect(text.contains(#"local_count_tokens\":true"#) && text.hasSuffix(rest))
        #expect(
            shown(#"{"id":"r2","model":"m","usage":{"my secret prompt text":1}}"#) == #"{"id":"r2","model":"m""# + rest)
        // billed: a decimal amount and a version id, nothing else.
        #expect(
            shown(#"{"id":"r2","model":"m","billed":{"amount":"my secret prompt","pricing_version":"more secret"}}"#)
                == #"{"id":"r2","model":"m""# + rest)
        #expect(
            shown(#"{"id":"r2","model":"m","billed":{"amount":"1/3.05","pricing_version":"2024-02"}}"#)
                == #"{"id":"r2","model":"m","billed":{"amount":"1/3.05","pricing_version":"2024-02"}}"#)
        // A name runs short and has no control character; a sentence for a field name is dropped.
        let long = String(repeating: "x", count: 129)
        #expect(shown(#"{"id":"r2","model":"m","account":"\#(long)"}"#) == #"{"id":"r2","model":"m""# + rest)
        #expect(shown(#"{"id":"r2","model":"m","account":"a\nb"}"#) == #"{"id":"r2","model":"m""# + rest)
        #expect(shown(#"{"id":"r2","model":"m","tell me how to make napalm":1}"#) == #"{"id":"r2","model":"m""# + rest)
    }

    @Test func keysAreMaskedAndOnlyStringsAreKeys() {
        let broken =
            #"{"id": "r5", "model": "m", "key": "sk-abcdefgh12345678", "token_name": "prod-token-1234", "time": "never"#
        #expect(shown(broken) == #"{"id":"r5","model":"m","key":"sk-…5678","token_name":"prod-…1234""# + rest)
        // A key of another shape is not shown at all; an escaped sk- run is decoded, then masked.
        let odd =
            #"{"id":"r5","model":"m","key":["prod-key-abcdef123"],"token_name":123456789012345,"other":"","account":"sk-abcd\u0065fgh12345678"}"#
        #expect(shown(odd) == #"{"id":"r5","model":"m","other":"","account":"sk-…5678""# + rest)
        // A key's name written with an escape is still the key.
        #expect(
            shown(#"{"id":"r5","model":"m","\u006bey":"sk-abcdefgh12345678"}"#)
                == #"{"id":"r5","model":"m","key":"sk-…5678"}"#)
    }

    @Test func notUTF8IsRepairedAndWrittenAnew() throws {
        // A repeated key and an invalid byte: the parsed (last) values, never the line's bytes.
        let repeated =
            Array(#"{"id":"r1","model":"m"#.utf8) + [0xFF]
            + Array(#"","usage":"my secret prompt","key":"sk-\u0061bcdefghijklmnop","key":"","usage":{}}"#.utf8)
        let text = try #require(shown(repeated))
        #expect(!text.contains("secret") && !text.contains("ghijklmnop"), "\(text)")
        #expect(text == #"{"id":"r1","model":"m"# + "\u{FFFD}" + #"","usage":{},"key":""}"#, "\(text)")
        // A token name that is not UTF-8 is still masked.
        let named =
            Array(#"{"id":"r1","model":"m","token_name":"测试-token-1234"#.utf8) + [0xFF] + Array(#"","x":1}"#.utf8)
        let masked = try #require(shown(named))
        #expect(masked.contains(#""token_name":"测试-…"#) && !masked.contains("token-1234"), "\(masked)")
        // Invalid bytes inside a prompt go with it.
        let prompt =
            Array(#"{"id": "r4", "model": "m", "request": {"messages": "#.utf8) + [0xFF, 0xFE] + Array("secret".utf8)
        #expect(shown(prompt) == #"{"id":"r4","model":"m""# + rest)
    }

    @Test func ledgerLines() {
        let ledgerPointer = "[omitted from reports; see d.jsonl:7]"
        // CSV: the ledger's own record. JSONL: its fields only, so a log file given as the
        // ledger by mistake, or a line that is not an object, shows no prompt and no key.
        #expect(shown(#"x1,r,"acct,5"#, kind: .debit, file: "ledger.csv") == #"x1,r,"acct,5"#)
        #expect(
            shown(#"{"debit_id": "d1", "amount": "x"}"#, kind: .debit, file: "d.jsonl")
                == #"{"debit_id":"d1","amount":"x"}"#)
        let misfiled = #"{"request_id":"r1","key":"prod-key-abcdef123","request":{"messages":[{"content":"secret"}]}}"#
        #expect(shown(misfiled, kind: .debit, file: "d.jsonl") == #"{"request_id":"r1","…":"\#(ledgerPointer)"}"#)
        let bom = "\u{FEFF}" + #"{"debit_id":"d1","note":"secret prompt","key":"sk-\u0061bcdefghijklm"}"#
        #expect(shown(bom, kind: .debit, file: "d.jsonl") == ledgerPointer)
        #expect(shown(#"[{"debit_id":"d1","note":"secret"}]"#, kind: .debit, file: "d.jsonl") == ledgerPointer)
    }

    /// A wide object (50,000 members: the parser's index past 16 members keeps it linear;
    /// `JSONParserTests` checks the index gives the scan's answers) keeps only its record.
    @Test func aWideLineKeepsOnlyItsRecord() {
        let members = (0..<50_000).map { #""a\#($0)":0"# }.joined(separator: ",")
        let line = "{" + members + #","id":"w","model":"m"}"#
        #expect(shown(line) == #"{"id":"w","model":"m""# + rest)
    }
}
