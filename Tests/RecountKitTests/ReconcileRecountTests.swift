import Foundation
import Testing

@testable import RecountKit

/// The recount basis through the pipeline, against figures from `scripts/expected_charges.py`
/// (tiktoken 0.14.0, cookbook chat rule, exact fractions):
///
///     recount-chat: encoding=cl100k_base prompt=417 completion=214 amount=507/20 (25.35) ceil=26
@Suite struct ReconcileRecountTests {
    @Test func chatRequestWithRawSSEStreamIsRecountedExactly() throws {
        let user = String(repeating: "Count the words: 一二三 <|endoftext|> naïve café 🎉", count: 20)
        let completion = "Forty\u{2028}" + String(repeating: " words, more or less. ", count: 30)
        // The completion streamed as raw SSE lines, split mid-text, with CRLF and [DONE].
        let split = completion.index(completion.startIndex, offsetBy: 17)
        func chunk(_ text: Substring) throws -> String {
            let object: [String: Any] = ["choices": [["index": 0, "delta": ["content": String(text)]]]]
            return "data: " + String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
                + "\r\n"
        }
        let line: [String: Any] = [
            "id": "rc", "time": "2024-01-10T00:00:00Z", "account": "a", "model": "gpt-4", "stream": true,
            "request": [
                "messages": [
                    ["role": "system", "content": "You are terse."],
                    ["role": "user", "name": "ann", "content": user],
                ]
            ],
            "response": [try chunk(completion[..<split]), try chunk(completion[split...]), "data: [DONE]"],
            "billed": ["amount": "26"],
        ]
        let fixture = try ReconcileFixture()
        try fixture.log([String(decoding: try JSONSerialization.data(withJSONObject: line), as: UTF8.self)])
        let result = try fixture.run { $0.allRows = true }
        let row = try result.row("rc")
        #expect(row.counts?.basisLabel == "recount/recount")
        #expect(row.counts?.prompt == 417)
        #expect(row.counts?.completion == 214)
        #expect(row.expected == points("26"))  // 25.35 → ceil
        #expect(row.outcomeClass == .ok)
    }
}
