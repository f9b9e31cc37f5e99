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

    /// Past 16 members the repeated-key check uses an index: the same answers as the scan —
    /// the last value at the first key's place — and keys compared as bytes, so two spellings
    /// of `café` (composed, or `e` and a combining accent) stay two keys at any width.
    @Test(arguments: [4, 40])
    func repeatedKeysAreTheSameInSmallAndWideObjects(width: Int) throws {
        let filler = (0..<width).map { #""k\#($0)":\#($0)"# }.joined(separator: ",")
        let text = "{" + filler + #","b":1,"caf\u00e9":"nfc","cafe\u0301":"nfd","b":2,"k0":"last"}"#
        let object = try #require(try JSONParser.parse(text).objectValue)
        #expect(object.count == width + 3)
        #expect(object.keys.suffix(3) == ["b", "caf\u{E9}", "cafe\u{301}"])
        #expect(object["b"] == .number("2") && object["k0"] == .string("last") && object.keys.first == "k0")
        #expect(object["caf\u{E9}"] == .string("nfc") && object["cafe\u{301}"] == .string("nfd"))
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
