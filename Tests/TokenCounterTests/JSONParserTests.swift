import Testing
import TokenCounter

@Suite struct JSONParserTests {
    @Test func keepsNumbersAsExactText() throws {
        let value = try JSONParser.parse(#"{"amount": 0.10000000000000000001, "n": -3e2}"#)
        #expect(value["amount"] == .number("0.10000000000000000001"))
        #expect(value["n"] == .number("-3e2"))
    }

    @Test func keepsKeyOrderAndLastDuplicateWins() throws {
        let object = try #require(try JSONParser.parse(#"{"b":1,"a":2,"b":3}"#).objectValue)
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == .number("3"))
    }

    @Test func loneSurrogateEscapeBecomesReplacementCharacter() throws {
        #expect(try JSONParser.parse(#""a\ud800b""#) == .string("a\u{FFFD}b"))
        #expect(try JSONParser.parse(#""\udc00""#) == .string("\u{FFFD}"))
        #expect(try JSONParser.parse(#""\ud83d\ude00""#) == .string("😀"))
    }

    @Test func nullMeansAbsentThroughSubscript() throws {
        let value = try JSONParser.parse(#"{"key": null}"#)
        #expect(value["key"] == nil)
    }

    @Test(arguments: [
        "", "{", "[1,]", "{\"a\"}", "01", "1.", "-", "tru", "\"\\x\"", "\"a\u{01}\"", "{} x", "[1 2]",
    ])
    func rejectsMalformedJSON(_ text: String) {
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(text) }
    }

    @Test func rejectsInvalidUTF8InStrings() {
        let bytes: [UInt8] = [0x22, 0x61, 0xFF, 0x22]
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(bytes) }
    }

    @Test func limitsNestingDepth() {
        let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
        #expect(throws: JSONParser.Error.self) { try JSONParser.parse(deep) }
    }
}
