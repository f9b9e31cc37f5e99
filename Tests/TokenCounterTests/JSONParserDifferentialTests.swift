import Foundation
import TestSupport
import Testing
import TokenCounter

/// `JSONParser` against `ReferenceJSONParser` (the parser before it read strings eight bytes
/// at a time and validated only non-ASCII ones, with its own validator): same value, byte for
/// byte, or the same error at the same offset, over hand-picked tricky inputs and seeded
/// mutations of them.
@Suite struct JSONParserDifferentialTests {
    static let tricky: [[UInt8]] = {
        var inputs: [[UInt8]] = [
            #""""#, #""a""#, #""abcdefg""#, #""abcdefgh""#, #""abcdefghi""#, #""0123456789abcdef\"x""#,
            #""\"\\\/\b\f\n\r\t""#, #""plain then \n escape then a long plain tail of text""#,
            #""\u0041\u00e9\u4e2d\ud83d\ude00""#, #""\ud800""#, #""\ud800x""#, #""\ud800\u0041""#,
            #""\ud800\udbff""#, #""\udc00\ud800""#, #""\ud800\u12""#, #""\ud800\uZZZZ""#, #""\ud800\"#,
            #""\u0000""#, #""\u007f\u0080""#, #""\uFFFF\uFFFE""#, #""\x""#, #""\"#, #""\u12""#, #""abc"#,
            #"{"b":1,"a":2,"b":3}"#, #"{"a":1,"a":{"a":[1,2]},"a":null}"#, #"{"":0,"":1}"#,
            #"{"e\u0301":1,"é":2}"#, #"{"é":1,"e\u0301":2}"#,
            #"[1,-0,0.5,1e5,-2.5E-3,1E+2,10]"#, "[01]", "[1.]", "[-]", "[1e]", "[1e+]", "[.5]",
            "[true,false,null]", "[tru]", "[nul]", "{} x", "[1 2]", "{\"a\" 1}", "{\"a\":1,}", "[1,]",
            " \t\r\n{ \"k\" : [ ] , \"l\" : { } } \n", "", " ", "{", "[", "\"", "@",
        ].map { Array($0.utf8) }
        // Raw bytes: invalid UTF-8 in a key, a value, an escaped string, outside strings, and
        // after / before a syntax error; valid multi-byte text around 8-byte word boundaries.
        let invalid: [[UInt8]] = [
            [0xFF], [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80],
            [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98], [0xE4, 0xB8], [0x80], [0xF8, 0x88, 0x80, 0x80, 0x80],
        ]
        let valid: [[UInt8]] = [Array("é".utf8), Array("中文".utf8), Array("😀".utf8), Array("\u{2028}".utf8)]
        for bad in invalid + valid {
            let q = Array("\"".utf8)
            inputs.append(q + bad + q)
            inputs.append(q + Array("1234567".utf8) + bad + Array("tail".utf8) + q)
            inputs.append(q + Array("a\\n".utf8) + bad + Array("\\t".utf8) + q)
            inputs.append(Array("{\"".utf8) + bad + Array("\":1}".utf8))
            inputs.append(Array("{\"k\":\"".utf8) + bad + Array("\"}".utf8))
            inputs.append(Array("[1,".utf8) + bad + Array("]".utf8))
            inputs.append(Array("[1 2,\"".utf8) + bad + Array("\"]".utf8))
            inputs.append(Array("[\"".utf8) + bad + Array("\",1 2]".utf8))
            inputs.append(Array("[\"ok\",\"x".utf8) + bad + Array("\",\"\\q\"]".utf8))
            inputs.append(Array("{\"k\":\"abc".utf8) + bad)
            inputs.append(Array("[\"\\u0041".utf8) + bad + Array("\u{01}\"]".utf8))
        }
        for depth in [255, 256, 257] {
            inputs.append(Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8))
            inputs.append(
                Array((String(repeating: "{\"a\":", count: depth) + "1" + String(repeating: "}", count: depth)).utf8))
        }
        for control in 0..<0x20 {
            inputs.append([0x22, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, UInt8(control), 0x22])
        }
        // Each kind of byte the word-at-a-time scan stops at, at each place in a word, with
        // more of them right after it in the same word.
        let stops: [[UInt8]] = [
            Array("\\n".utf8), [0x01], [0x1F], Array("é".utf8), [0xFF], Array("\\\"".utf8), [0x22], [0x7F, 0x80],
        ]
        for prefix in 0..<17 {
            for stop in stops {
                let plain = [UInt8](repeating: 0x61, count: prefix)
                inputs.append([0x22] + plain + stop + Array("bc\\td\"ccccccccc\"".utf8))
                inputs.append(Array("[\"".utf8) + plain + stop + [0x22, 0x5D])
            }
        }
        inputs.append(Array(String(repeating: "abcdefgh", count: 40).utf8))
        inputs.append(Array(("\"" + String(repeating: "\\n中文 text é", count: 50) + "\"").utf8))
        let logs = try! String(contentsOf: fixtureURL("explain/input/logs.jsonl"), encoding: .utf8)
        inputs += logs.split(separator: "\n").map { Array($0.utf8) }
        return inputs
    }()

    static func fixtureURL(_ path: String) -> URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Fixtures").appendingPathComponent(path)
    }

    @Test func matchesTheReferenceOnTrickyInputs() {
        for input in Self.tricky {
            if let difference = Self.difference(input) { Issue.record("\(input): \(difference)") }
        }
    }

    /// Seeded byte-level mutations of the tricky inputs: flips, inserted quotes, backslashes,
    /// control and non-ASCII bytes, truncations, splices.
    @Test func matchesTheReferenceOnMutations() {
        var random = SeededRandom(seed: 0x4A53_4F4E)
        let specials: [UInt8] = [
            0x22, 0x5C, 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xBF, 0xC3, 0xE4, 0xED, 0xF0, 0xFF, 0x75, 0x7B, 0x7D, 0x5B, 0x5D,
            0x3A, 0x2C,
        ]
        var failures = 0
        for _ in 0..<20_000 {
            var bytes = Self.tricky[random.below(Self.tricky.count)]
            for _ in 0...random.below(3) {
                let at = random.below(bytes.count + 1)
                switch random.below(5) {
                case 0 where at < bytes.count: bytes[at] = specials[random.below(specials.count)]
                case 1: bytes.insert(specials[random.below(specials.count)], at: at)
                case 2: bytes.removeLast(bytes.count - at)
                case 3 where at < bytes.count: bytes[at] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
                default:
                    let other = Self.tricky[random.below(Self.tricky.count)]
                    bytes.insert(contentsOf: other.prefix(random.below(other.count + 1)), at: at)
                }
            }
            if let difference = Self.difference(bytes) {
                failures += 1
                if failures <= 10 { Issue.record("\(bytes): \(difference)") }
            }
        }
    }

    /// Nil when both parsers agree exactly.
    static func difference(_ bytes: [UInt8]) -> String? {
        let expected: Result<JSONValue, ReferenceJSONParser.Error>
        do { expected = .success(try ReferenceJSONParser.parse(bytes)) } catch { expected = .failure(error) }
        let actual: Result<JSONValue, JSONParser.Error>
        do { actual = .success(try JSONParser.parse(bytes)) } catch { actual = .failure(error) }
        switch (expected, actual) {
        case (.success(let a), .success(let b)):
            return identical(a, b) ? nil : "values differ: \(a) vs \(b)"
        case (.failure(let a), .failure(let b)):
            return a.offset == b.offset && a.reason == b.reason ? nil : "errors differ: \(a) vs \(b)"
        default:
            return "outcomes differ: \(expected) vs \(actual)"
        }
    }

    /// Equal byte for byte (`==` on strings is canonical equivalence, too lenient here), and
    /// with the same character counts, which catches a string wrongly flagged as ASCII.
    static func identical(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)), (.string(let x), .string(let y)): return sameString(x, y)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(identical)
        case (.object(let x), .object(let y)):
            return x.count == y.count && zip(x.keys, y.keys).allSatisfy(sameString)
                && zip(x.values, y.values).allSatisfy(identical)
        default: return false
        }
    }

    static func sameString(_ x: String, _ y: String) -> Bool {
        x.utf8.elementsEqual(y.utf8) && x.count == y.count && x.utf16.count == y.utf16.count
            && x.unicodeScalars.count == y.unicodeScalars.count
    }
}
