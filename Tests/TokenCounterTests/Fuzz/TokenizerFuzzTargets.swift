import CVocabulary
import Foundation

@testable import TokenCounter

/// Differential fuzz targets for the counter, shared by the libFuzzer harnesses (`fuzz/`) and
/// `swift test`. A target returns nil, or what disagreed.
///
/// - `pretokenizer`: the hand-written scanner of each pattern family against
///   `BacktrackingSplitter` (same pieces, no unmatched scalar).
/// - `encoding`: `Encoding.encode` of each encoding against a textbook BPE over the
///   backtracking splitter, with special tokens as text and recognised; plus
///   `count == encode.count` and `decode(encode(text)) == text`.
///
/// Input bytes become text in one of two ways (first byte's low bit): raw UTF-8, repaired as
/// `String(decoding:)` repairs it, or "palette" text where each byte ≥ 0x80 picks one of the
/// scalars and fragments that trip pre-tokenizers up, so the fuzzer reaches them quickly.
enum TokenizerFuzzTargets {
    static let names = ["pretokenizer", "encoding"]

    static func run(_ target: String, _ bytes: [UInt8]) -> String? {
        switch target {
        case "pretokenizer": pretokenizer(bytes)
        case "encoding": encoding(bytes)
        default: "unknown fuzz target '\(target)'"
        }
    }

    static let splitters: [(PatternFamily, BacktrackingSplitter)] = [.r50k, .cl100k, .o200k].map {
        ($0, BacktrackingSplitter(family: $0))
    }

    static func pretokenizer(_ bytes: [UInt8]) -> String? {
        var text = self.text(from: bytes)
        for (family, reference) in splitters {
            let expected = reference.pieces(text)
            if let unmatched = expected.first(where: \.unmatched) {
                return "\(family): the pattern matches nothing at byte \(unmatched.start) of \(describe(text))"
            }
            var pieces: [(Int, Int)] = []
            text.withUTF8 { utf8 in
                PreTokenizer(family: family).forEachPiece(in: utf8) { pieces.append(($0, $1)) }
            }
            if pieces.count != expected.count
                || zip(pieces, expected).contains(where: { $0.0 != $1.start || $0.1 != $1.end })
            {
                return
                    "\(family): pieces \(pieces.map { "\($0)-\($1)" }) != reference \(expected.map { "\($0.start)-\($0.end)" }) for \(describe(text))"
            }
        }
        return nil
    }

    /// One encoding per input, picked by bits 2–3 of the first byte (the textbook reference is
    /// the slow part; four encodings per input quartered the fuzzer's speed).
    static func encoding(_ bytes: [UInt8]) -> String? {
        let text = self.text(from: bytes)
        let all = [EncodingName.r50k_base, .p50k_base, .cl100k_base, .o200k_base]
        for name in [all[Int((bytes.first ?? 0) >> 2 & 3)]] {
            let encoding = try! Encoding.named(name)
            let reference = BPEReference.named(name)
            let tokens = encoding.encode(text)
            let expected = reference.encode(text)
            if tokens != expected { return "\(name): \(tokens) != reference \(expected) for \(describe(text))" }
            let counted = encoding.count(text)
            if counted != tokens.count {
                return "\(name): count \(counted) != \(tokens.count) tokens"
            }
            // Again: a text of 32 bytes or more is now remembered whole (PieceCountCache).
            if encoding.count(text) != counted {
                return "\(name): remembered count \(encoding.count(text)) != \(counted) for \(describe(text))"
            }
            if encoding.decode(tokens) != Array(text.utf8) {
                return "\(name): decode(encode(text)) != text for \(describe(text))"
            }
            if bytes.first.map({ $0 & 2 == 2 }) == true {
                let special = encoding.encode(text, specials: .recognised)
                let expectedSpecial = reference.encodeRecognisingSpecials(text, specials: name.specialTokens)
                if special != expectedSpecial {
                    return "\(name) with specials: \(special) != reference \(expectedSpecial) for \(describe(text))"
                }
                if encoding.count(text, specials: .recognised) != special.count {
                    return "\(name): count with specials differs"
                }
                // The ordinary count remembered above must not answer for the recognised one.
                if encoding.count(text) != tokens.count || encoding.count(text, specials: .recognised) != special.count
                {
                    return "\(name): remembered counts mix the special-token policies"
                }
            }
        }
        // Raw bytes as `recount count` reads them.
        if bytes.first.map({ $0 & 1 == 1 }) == true {
            let encoding = try! Encoding.named(.cl100k_base)
            if encoding.encode(bytes: bytes) != encoding.encode(String(decoding: bytes, as: UTF8.self)) {
                return "encode(bytes:) differs from encode(String(decoding:))"
            }
        }
        return nil
    }

    static func describe(_ text: String) -> String {
        "scalars [" + text.unicodeScalars.prefix(200).map { String($0.value, radix: 16) }.joined(separator: " ") + "]"
    }

    /// See the type's comment.
    static func text(from bytes: [UInt8]) -> String {
        guard let mode = bytes.first else { return "" }
        let body = bytes.dropFirst()
        if mode & 1 == 1 { return String(decoding: body, as: UTF8.self) }
        var text = ""
        for byte in body {
            if byte < 0x80 {
                text.unicodeScalars.append(Unicode.Scalar(byte))
            } else {
                text += palette[Int(byte - 0x80) % palette.count]
            }
        }
        return text
    }

    /// 128 entries: scalars of every class the patterns ask about, the classes' edge cases
    /// (Lt, Lm, marks, Unicode 16 additions, 17.0 scalars tiktoken sees as unassigned, White_Space
    /// outside ASCII), contraction spellings and multi-scalar sequences.
    static let palette: [String] = [
        "é", "É", "ß", "ǅ", "ʰ", "ſ", "\u{212A}", "ı", "İ", "ﬀ", "Ω", "ω", "Ж", "ж", "ա", "Ա",
        "中", "日本", "한", "ア", "ｱ", "ا", "ש", "ह", "ि", "्", "ไ", "ั", "\u{301}", "\u{308}", "\u{20DD}", "\u{903}",
        "٣", "²", "Ⅷ", "１", "½", "𝟘", "\u{16D70}", "\u{1C89}", "\u{10D50}", "\u{10D70}", "\u{105C0}", "\u{2EBF0}",
        "\u{323B0}", "\u{10940}", "\u{1E900}", "\u{1E922}",
        "\u{A0}", "\u{85}", "\u{2028}", "\u{2029}", "\u{3000}", "\u{1680}", "\u{2000}", "\u{202F}", "\u{180E}",
        "\u{200B}", "\u{FEFF}", "\u{0B}", "\u{0C}", "\u{1C}", "\u{1F}", "\t",
        "\r\n", "\n\n", " \n", "\r", "\u{0}", "\u{7F}", "\u{FFFD}", "\u{E000}", "\u{10FFFD}", "\u{FFFF}", "\u{1F600}",
        "👍🏽", "👨‍👩‍👧", "🇯🇵", "❤️", "✓",
        "'s", "'S", "'ſ", "'t", "'T", "'re", "'RE", "'rE", "'ve", "'VE", "'m", "'M", "'ll", "'LL", "'Ll", "'d",
        "'D", "’s", "''", "' ", "'x", "'\u{17F}t", "'l", "'v", "'r", "n't", "N'T", "'é", "'中", "'1", "' s", "'\n",
        "<|endoftext|>", "<|fim_prefix|>", "<|endofprompt|>", "<|im_start|>", "<|", "|>", "<|endoftext",
        "<|<|endoftext|>",
        "//", "}\n//", "...", "!!!", "\u{2014}", "«", "€", "©",
    ]
}

/// Textbook BPE (leftmost lowest-rank pair, arrays rebuilt each round) over the backtracking
/// splitter, with a rank dictionary parsed independently of the library's loader.
final class BPEReference: @unchecked Sendable {
    let splitter: BacktrackingSplitter
    let ranks: [[UInt8]: Token]

    private static let lock = NSLock()
    nonisolated(unsafe) private static var loaded: [EncodingName: BPEReference] = [:]

    static func named(_ name: EncodingName) -> BPEReference {
        lock.lock()
        defer { lock.unlock() }
        if let reference = loaded[name] { return reference }
        let reference = BPEReference(name)
        loaded[name] = reference
        return reference
    }

    init(_ name: EncodingName) {
        splitter = BacktrackingSplitter(family: name.patternFamily)
        var length = 0
        let base = recount_vocabulary_bytes(name.vocabularyFile, &length)!
        var ranks: [[UInt8]: Token] = [:]
        for line in UnsafeBufferPointer(start: base, count: length).split(separator: 0x0A) {
            let fields = line.split(separator: 0x20)
            let bytes = Data(base64Encoded: Data(fields[0]))!
            ranks[[UInt8](bytes)] = Token(String(decoding: fields[1], as: UTF8.self))!
        }
        self.ranks = ranks
    }

    func encode(_ text: String) -> [Token] {
        let utf8 = Array(text.utf8)
        return splitter.pieces(text).flatMap { bytePairEncode(Array(utf8[$0.start..<$0.end])) }
    }

    /// Special-token texts become their ids (leftmost first; no special token is a prefix of
    /// another), the text between them is encoded as ordinary text.
    func encodeRecognisingSpecials(_ text: String, specials: [String: Token]) -> [Token] {
        let utf8 = Array(text.utf8)
        var tokens: [Token] = []
        var spanStart = 0
        var index = 0
        while index < utf8.count {
            if let (special, id) = specials.first(where: { utf8[index...].starts(with: $0.key.utf8) }) {
                tokens += encode(String(decoding: utf8[spanStart..<index], as: UTF8.self))
                tokens.append(id)
                index += special.utf8.count
                spanStart = index
            } else {
                index += 1
            }
        }
        return tokens + encode(String(decoding: utf8[spanStart...], as: UTF8.self))
    }

    func bytePairEncode(_ piece: [UInt8]) -> [Token] {
        if let rank = ranks[piece] { return [rank] }
        var parts = piece.map { [$0] }
        while parts.count > 1 {
            var best: (index: Int, rank: Token)?
            for index in 0..<(parts.count - 1) {
                if let rank = ranks[parts[index] + parts[index + 1]], best == nil || rank < best!.rank {
                    best = (index, rank)
                }
            }
            guard let merge = best else { break }
            parts[merge.index] += parts[merge.index + 1]
            parts.remove(at: merge.index + 1)
        }
        return parts.map { ranks[$0]! }
    }
}
