import Foundation
import Testing
import TokenCounter

/// The tiktoken oracle's corpus and expected answers, copied into `Tests/Fixtures/oracle/`
/// from `shared/oracle/` so that CI needs neither Python nor the shared directory.
enum OracleFixtures {
    static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/oracle")

    /// The raw bytes of a corpus file (no line-ending translation: some files hold CRLF and lone CR).
    static func corpusBytes(_ file: String) throws -> [UInt8] {
        let url = root.appendingPathComponent("corpus").appendingPathComponent(file)
        return [UInt8](try Data(contentsOf: url))
    }

    /// One line of `expected/<encoding>.jsonl`.
    struct Case: Sendable {
        enum Kind: String, Sendable { case file, chunk, edge }
        let kind: Kind
        let id: String
        let file: String
        let offset: Int
        let length: Int
        let count: Int
        let fnv1a64: String
        let tokens: [Token]
    }

    /// Every expected case for `encoding` (`p50k_edit` and `o200k_harmony` use their base's file:
    /// for ordinary text they count exactly like it).
    static func cases(for encoding: EncodingName) throws -> [Case] {
        let base: String =
            switch encoding {
            case .p50k_edit: "p50k_base"
            case .o200k_harmony: "o200k_base"
            default: encoding.rawValue
            }
        let url = root.appendingPathComponent("expected/\(base).jsonl")
        return try jsonLines(url).map { value in
            let kind = try #require(value["kind"]?.stringValue.flatMap(Case.Kind.init(rawValue:)))
            let id = try #require(value["id"]?.stringValue)
            return Case(
                kind: kind, id: id,
                file: value["file"]?.stringValue ?? (kind == .file ? id : ""),
                offset: value["offset"]?.numberText.flatMap { Int($0) } ?? 0,
                length: value["length"]?.numberText.flatMap { Int($0) } ?? 0,
                count: try #require(value["count"]?.numberText.flatMap { Int($0) }),
                fnv1a64: value["tokens_fnv1a64"]?.stringValue ?? "",
                tokens: (value["tokens"]?.arrayValue ?? []).compactMap { $0.numberText.flatMap { Token($0) } })
        }
    }

    /// Edge-case texts by id (`corpus/edge_cases.jsonl`).
    static func edgeTexts() throws -> [String: String] {
        var texts: [String: String] = [:]
        for value in try jsonLines(root.appendingPathComponent("corpus/edge_cases.jsonl")) {
            texts[try #require(value["id"]?.stringValue)] = try #require(value["text"]?.stringValue)
        }
        return texts
    }

    static func jsonLines(_ url: URL) throws -> [JSONValue] {
        let text = String(decoding: try Data(contentsOf: url), as: UTF8.self)
        return try text.split(separator: "\n").map { try JSONParser.parse(String($0)) }
    }

    /// FNV-1a 64 of the ids joined with "," (the oracle's `tokens_fnv1a64`), as 16 hex digits.
    static func fnv1a64(_ tokens: [Token]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        for (index, token) in tokens.enumerated() {
            if index > 0 { mix(UInt8(ascii: ",")) }
            for byte in String(token).utf8 { mix(byte) }
        }
        let hex = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}
