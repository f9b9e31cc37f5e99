import Testing

@testable import RecountKit

/// A new-api row whose `other` is malformed is rejected naming the key (SPEC §2.6); a good
/// `other` changes nothing in how the row decodes.
@Suite struct GatewayRowRejectTests {
    func decode(_ line: String) -> Result<LogRecord, FieldError> {
        var bytes = Array(line.utf8)
        return bytes.withUnsafeMutableBufferPointer { buffer in
            RecordDecoder.decode(UnsafeBufferPointer(buffer), at: SourceLocation(file: "logs.jsonl", line: 3))
        }
    }

    static func row(other: String) -> String {
        #"{"id": 7, "request_id": "req-7", "created_at": 1704844800, "use_time": 1, "username": "bob", "model_name": "gpt-4o", "quota": 2000, "prompt_tokens": 1000, "completion_tokens": 200, "type": 2, "other": \#(other)}"#
    }

    @Test func goodOtherDecodes() throws {
        let record = try decode(Self.row(other: #""{\"model_ratio\":1.25,\"cache_tokens\":400,\"cache_ratio\":0.5}""#))
            .get()
        #expect(record.id == "req-7")
        #expect(record.billed.amount == Rational(2000))
        #expect(try decode(Self.row(other: #""""#)).get().id == "req-7")
    }

    @Test(arguments: [
        (#""{not json""#, "other"),
        (#""{\"cache_tokens\":\"400\"}""#, "other.cache_tokens"),
        (#""{\"stream_status\":{\"end_reason\":1}}""#, "other.stream_status.end_reason"),
        ("42", "other"),
    ])
    func malformedOtherIsARejectNamingTheKey(other: String, field: String) {
        guard case .failure(let error) = decode(Self.row(other: other)) else {
            Issue.record("expected a reject")
            return
        }
        #expect(error.field == field)
    }
}
