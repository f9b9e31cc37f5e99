import Foundation
import TokenCounter

/// tiktoken's pre-tokenizer patterns run through `NSRegularExpression` (ICU): the slow,
/// readable reference the hand-written scanners are tested against.
///
/// Exact on the oracle corpus except where ICU's Unicode tables differ from tiktoken's 16.0 (the
/// random tests therefore draw letters and digits only from scalars both agree on).
final class ReferenceSplitter: @unchecked Sendable {
    let regex: NSRegularExpression

    static let patterns: [PatternFamily: String] = [
        .r50k: #"'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s"#,
        .cl100k:
            #"'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s"#,
        .o200k: [
            #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
            #"[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?"#,
            #"\p{N}{1,3}"#,
            #" ?[^\s\p{L}\p{N}]+[\r\n/]*"#,
            #"\s*[\r\n]+"#,
            #"\s+(?!\S)"#,
            #"\s+"#,
        ].joined(separator: "|"),
    ]

    init(family: PatternFamily) {
        regex = try! NSRegularExpression(pattern: Self.patterns[family]!)
    }

    /// The UTF-8 bytes of each match. Matches are sliced from the UTF-16 view, because a match
    /// may end inside a grapheme cluster (a combining mark starts a new piece), where
    /// `Range(_:in:)` would give up.
    func pieces(_ text: String) -> [[UInt8]] {
        let utf16 = Array(text.utf16)
        let range = NSRange(location: 0, length: utf16.count)
        return regex.matches(in: text, range: range).map { match in
            let units = utf16[match.range.location..<(match.range.location + match.range.length)]
            return Array(String(decoding: units, as: UTF16.self).utf8)
        }
    }
}
