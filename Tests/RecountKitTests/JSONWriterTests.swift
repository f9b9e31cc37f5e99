import Testing

@testable import RecountKit

/// `JSONWriter.quote` copies a value whole when no byte of it can need an escape; otherwise it
/// escapes scalar by scalar. Both must give what the scalar-by-scalar rules give.
@Suite struct JSONWriterTests {
    /// The rules, written out once more, one scalar at a time.
    static func reference(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "<": out += "\\u003c"
            case ">": out += "\\u003e"
            case "&": out += "\\u0026"
            case "\u{2028}": out += "\\u2028"
            case "\u{2029}": out += "\\u2029"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    @Test func quoteMatchesTheScalarRules() {
        let pieces = [
            "plain", "中文", "emoji 😀", "\"", "\\", "\n", "\r", "\t", "<", ">", "&", "\u{2028}", "\u{2029}",
            "\u{2027}", "\u{2030}", "€", "\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "é", "/", "'", " ",
        ]
        var generator = FuzzRandom(seed: 5)
        for _ in 0..<2_000 {
            let text = (0..<Int(generator.next() % 6)).map { _ in pieces[Int(generator.next() % UInt64(pieces.count))] }
                .joined()
            var out = ""
            JSONWriter.quote(text, into: &out)
            #expect(out == Self.reference(text), "\(text.debugDescription)")
        }
    }
}
