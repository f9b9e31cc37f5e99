import TokenCounter

/// What a rejected line may show in a report. `rejects.jsonl` points at the line (file and
/// line) so nothing is lost, but reports never carry a full API key or a prompt (SPEC §4).
///
/// A log line shows only the fields `RejectFields.log` names, each only when its value has the
/// field's shape (short names, numbers, flags, identifier keys), parsed and written anew — never
/// the line's own bytes, which may repeat a key, escape one, or not be UTF-8. Every other
/// member, its name included (a name is text of the line too), and whatever the line broke off
/// before, become one `"…"`: a pointer to the line. A line that is not a record's at all (no
/// id, or neither model nor time: a piece of a line a log shipper split inside a conversation)
/// is the pointer alone. The list says what may be shown, not what must be hidden, because the
/// pieces of a broken line cannot be told apart. A line that does not parse shows its whole
/// pairs, each value parsed on its own (`LenientScanner`). A JSONL ledger line shows
/// `RejectFields.ledger`'s fields the same way; a CSV ledger record is shown as read.
/// `sk-…` key-like runs are masked in whatever is shown.
public enum Redaction {
    public enum Raw: Equatable { case text(String), base64(String) }

    public static func raw(_ bytes: [UInt8], source: SourceLocation, kind: Reject.Kind = .log) -> Raw {
        let pointer = "[omitted from reports; see \(source)]"
        // A CSV ledger's record is the ledger's own bytes; the reader tells CSV by the name too.
        if kind == .debit, source.file.hasSuffix(".csv") { return asRead(bytes) }
        let fields = kind == .debit ? RejectFields.ledger : RejectFields.log
        // Read as UTF-8, invalid bytes repaired to U+FFFD: what is shown is written anew from
        // what was parsed, never the line's own bytes (they may repeat a key, or escape one).
        let readable = Array(String(decoding: bytes, as: UTF8.self).utf8)
        if let parsed = try? JSONParser.parse(readable) {
            guard case .object(let object) = parsed else { return .text(pointer) }
            return .text(shown(object.members, fields, pointer: pointer, complete: true))
        }
        guard readable.first(where: { !LenientScanner.isBlank($0) }) == UInt8(ascii: "{") else { return .text(pointer) }
        let (members, complete) = wholePairs(readable)
        return .text(shown(members, fields, pointer: pointer, complete: complete))
    }

    /// A CSV ledger record: the bytes as read (keys masked on the bytes when not UTF-8).
    static func asRead(_ bytes: [UInt8]) -> Raw {
        guard let text = String(validating: bytes, as: UTF8.self) else {
            return .base64(Base64Encoding.encode(KeyMask.redact(bytes)))
        }
        return .text(maskKeyLikeRuns(text))
    }

    /// The members a report shows, written as JSON: each shown field, then `"…": pointer` in
    /// place of every other member (its name is text of the line too) and of what the line
    /// broke off before; the pointer alone when they are no record's.
    static func shown(
        _ members: [JSONObject.Member], _ fields: RejectFields, pointer: String, complete: Bool
    ) -> String {
        guard fields.isRecord(members) else { return pointer }
        var shown = members.compactMap { key, value in fields.shown(key, value).map { (key, $0) } }
        if !complete || shown.count < members.count { shown.append(("…", .string(pointer))) }
        return maskKeyLikeRuns(JSONWriter.string(.object(JSONObject(members: shown))))
    }

    /// The whole `"key": value` pairs a broken object starts with, each value parsed on its
    /// own (the first that does not parse ends them), and whether they were all of the line.
    static func wholePairs(_ bytes: [UInt8]) -> (members: [JSONObject.Member], complete: Bool) {
        var scanner = LenientScanner(bytes: bytes)
        var members: [JSONObject.Member] = []
        guard scanner.consume(UInt8(ascii: "{")) else { return ([], false) }
        while let (key, valueBytes) = scanner.pair(), let value = try? JSONParser.parse(Array(valueBytes)) {
            members.append((key, value))
            let more = scanner.consume(UInt8(ascii: ","))
            if !more { _ = scanner.consume(UInt8(ascii: "}")) }
            if scanner.reachedEnd() { return (members, true) }
            guard more else { break }
        }
        return (members, false)
    }

    /// Masks `sk-` followed by 8 or more key characters (letters, digits, `-`, `_`).
    public static func maskKeyLikeRuns(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        var out = String.UnicodeScalarView()
        var index = 0
        func isKeyScalar(_ s: Unicode.Scalar) -> Bool {
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_")
        }
        while index < scalars.count {
            if index + 3 <= scalars.count, scalars[index] == "s", scalars[index + 1] == "k", scalars[index + 2] == "-" {
                var end = index + 3
                while end < scalars.count, isKeyScalar(scalars[end]) { end += 1 }
                if end - index - 3 >= 8 {
                    out.append(
                        contentsOf: KeyMask.mask(String(String.UnicodeScalarView(scalars[index..<end]))).unicodeScalars)
                    index = end
                    continue
                }
            }
            out.append(scalars[index])
            index += 1
        }
        return String(out)
    }
}
