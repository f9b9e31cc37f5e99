import TokenCounter

/// Writes JSON with a fixed key order (the order given) so output is byte-identical across runs.
/// Non-ASCII text is written as UTF-8; control characters, `<`, `>` and `&` are escaped so a
/// value pasted into HTML cannot close a script tag.
public enum JSONWriter {
    public static func string(_ value: JSONValue, indent: Int? = nil) -> String {
        var out = ""
        write(value, into: &out, indent: indent, level: 0)
        return out
    }

    static func write(_ value: JSONValue, into out: inout String, indent: Int?, level: Int) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .number(let text): out += text
        case .string(let text): quote(text, into: &out)
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "]"
        case .object(let object):
            guard object.count > 0 else { out += "{}"; return }
            out += "{"
            for (index, (key, item)) in object.pairs.enumerated() {
                if index > 0 { out += "," }
                newline(&out, indent: indent, level: level + 1)
                quote(key, into: &out)
                out += indent == nil ? ":" : ": "
                write(item, into: &out, indent: indent, level: level + 1)
            }
            newline(&out, indent: indent, level: level)
            out += "}"
        }
    }

    static func newline(_ out: inout String, indent: Int?, level: Int) {
        guard let indent else { return }
        out += "\n" + String(repeating: " ", count: indent * level)
    }

    static func quote(_ text: String, into out: inout String) {
        out += "\""
        // Most values need no escape at all: then the text goes in whole. Any byte that might
        // start one (0xE2 for U+2028/U+2029 included) takes the scalar-by-scalar path.
        if text.utf8.allSatisfy(Self.isPlain) {
            out += text
            out += "\""
            return
        }
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
                    out += "\\u" + String(scalar.value, radix: 16).leftPadded(to: 4)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}

extension JSONWriter {
    /// A byte that is never part of an escape: printable ASCII other than `"`, `\`, `<`, `>`,
    /// `&`, DEL, and any byte of a multi-byte scalar except 0xE2.
    @inline(__always)
    static func isPlain(_ byte: UInt8) -> Bool {
        switch byte {
        case 0..<0x20, 0x22, 0x26, 0x3C, 0x3E, 0x5C, 0x7F, 0xE2: false
        default: true
        }
    }
}

/// Small builders so report code reads as data.
extension JSONValue {
    static func num(_ value: Int) -> JSONValue { .number(String(value)) }
    static func str(_ value: String?) -> JSONValue { value.map { .string($0) } ?? .null }
    static func obj(_ pairs: KeyValuePairs<String, JSONValue>) -> JSONValue { .object(JSONObject(pairs)) }
    static func obj(_ pairs: [(String, JSONValue)]) -> JSONValue {
        var object = JSONObject()
        for (key, value) in pairs { object[key] = value }
        return .object(object)
    }
}
