@testable import TokenCounter

/// tiktoken's split patterns run by a tiny backtracking regex engine over Unicode scalars: a
/// second reference for the hand-written scanners that does not go through ICU.
///
/// `ReferenceSplitter` (NSRegularExpression) uses ICU's Unicode tables, which differ from
/// tiktoken's 16.0 for some scalars, so random texts must avoid those. This one takes scalar
/// classes from `ScalarClassTable` (pinned against Swift's properties by
/// `ScalarClassTableTests`) and checks only the *matching*: alternation order, greedy versus
/// possessive quantifiers, `(?!\S)`, `$`, case-insensitive contractions. Any scalar can go in.
/// The patterns below are transcribed from tiktoken_ext/openai_public.py, node by node.
/// No `Testing` import: `fuzz/build.sh` compiles this file into the harnesses.
struct BacktrackingSplitter: Sendable {
    indirect enum Node: Sendable {
        case scalar(@Sendable (Unicode.Scalar, ScalarClass) -> Bool)
        case sequence([Node])
        /// Leftmost-first alternation.
        case choice([Node])
        /// `{min,max}`, greedy; `possessive` never gives back what it took.
        case loop(Node, min: Int, max: Int, possessive: Bool)
        case notFollowedBy(Node)
        /// `$` without multi-line mode: the end of the text only.
        case endOfText
    }

    let pattern: Node

    init(family: PatternFamily) {
        pattern =
            switch family {
            case .r50k: Self.r50k
            case .cl100k: Self.cl100k
            case .o200k: Self.o200k
            }
    }

    /// Pieces as byte ranges of the UTF-8 text, in order. A scalar no alternative matches at
    /// (never, for these patterns) becomes a one-scalar piece marked `unmatched`.
    func pieces(_ text: String) -> [(start: Int, end: Int, unmatched: Bool)] {
        let scalars = Array(text.unicodeScalars)
        let classes = scalars.map { ScalarClassTable.shared($0.value) }
        var offsets = [0]
        for scalar in scalars { offsets.append(offsets.last! + UTF8.width(scalar)) }
        let input = Input(scalars: scalars, classes: classes)
        var result: [(Int, Int, Bool)] = []
        var position = 0
        while position < scalars.count {
            var found: Int?
            _ = Self.match(pattern, position, input) { end in
                found = end; return true
            }
            if let end = found, end > position {
                result.append((offsets[position], offsets[end], false))
                position = end
            } else {
                result.append((offsets[position], offsets[position + 1], true))
                position += 1
            }
        }
        return result
    }

    struct Input {
        let scalars: [Unicode.Scalar]
        let classes: [ScalarClass]
        var count: Int { scalars.count }
    }

    /// Continuation-passing backtracking: `next` gets each end position in preference order
    /// and returns true to accept it.
    static func match(_ node: Node, _ i: Int, _ input: Input, _ next: (Int) -> Bool) -> Bool {
        switch node {
        case .scalar(let test):
            return i < input.count && test(input.scalars[i], input.classes[i]) && next(i + 1)
        case .sequence(let nodes):
            func from(_ index: Int, _ position: Int) -> Bool {
                index == nodes.count ? next(position) : match(nodes[index], position, input) { from(index + 1, $0) }
            }
            return from(0, i)
        case .choice(let nodes):
            for node in nodes where match(node, i, input, next) { return true }
            return false
        case .loop(let node, let min, let max, let possessive):
            if possessive {
                var position = i
                var taken = 0
                while taken < max {
                    var end: Int?
                    _ = match(node, position, input) {
                        end = $0; return true
                    }
                    guard let end, end > position else { break }
                    position = end
                    taken += 1
                }
                return taken >= min && next(position)
            }
            func from(_ taken: Int, _ position: Int) -> Bool {
                if taken < max, match(node, position, input, { $0 > position && from(taken + 1, $0) }) { return true }
                return taken >= min && next(position)
            }
            return from(0, i)
        case .notFollowedBy(let node):
            return !match(node, i, input, { _ in true }) && next(i)
        case .endOfText:
            return i == input.count && next(i)
        }
    }

    // MARK: - Character classes

    static let whitespace = Node.scalar { _, c in c == .whitespace }  // \s
    static let notWhitespace = Node.scalar { _, c in c != .whitespace }  // \S
    static let letter = Node.scalar { _, c in c == .upper || c == .lower || c == .otherLetter }  // \p{L}
    static let number = Node.scalar { _, c in c == .number }  // \p{N}
    /// `[^\s\p{L}\p{N}]`
    static let punctuation = Node.scalar { _, c in c == .other || c == .mark }
    /// `[^\r\n\p{L}\p{N}]`
    static let notNewlineLetterNumber = Node.scalar { s, c in
        s != "\r" && s != "\n" && c != .upper && c != .lower && c != .otherLetter && c != .number
    }
    static let newline = Node.scalar { s, _ in s == "\r" || s == "\n" }  // [\r\n]
    static let newlineOrSlash = Node.scalar { s, _ in s == "\r" || s == "\n" || s == "/" }  // [\r\n/]
    static let space = Node.scalar { s, _ in s == " " }
    /// `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`
    static let upperish = Node.scalar { _, c in c == .upper || c == .otherLetter || c == .mark }
    /// `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`
    static let lowerish = Node.scalar { _, c in c == .lower || c == .otherLetter || c == .mark }

    static func literal(_ text: String) -> Node {
        .sequence(text.unicodeScalars.map { expected in .scalar { s, _ in s == expected } })
    }

    /// `(?i:…)` by simple case folding: ASCII case, and ſ (U+017F) folds to `s`. (K, U+212A,
    /// folds to `k`, which no contraction holds.)
    static func caseless(_ text: String) -> Node {
        .sequence(
            text.unicodeScalars.map { expected in
                .scalar { s, _ in
                    // The contractions' letters are ASCII: fold by the case bit.
                    s == expected
                        || (s.isASCII && expected.properties.isAlphabetic && s.value | 0x20 == expected.value | 0x20)
                        || (expected == "s" && s == "\u{17F}")
                }
            })
    }

    static func optional(_ node: Node, possessive: Bool = false) -> Node {
        .loop(node, min: 0, max: 1, possessive: possessive)
    }
    static func oneOrMore(_ node: Node, possessive: Bool = false) -> Node {
        .loop(node, min: 1, max: .max, possessive: possessive)
    }
    static func zeroOrMore(_ node: Node, possessive: Bool = false) -> Node {
        .loop(node, min: 0, max: .max, possessive: possessive)
    }

    // MARK: - The patterns

    /// `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
    static let r50k = Node.choice([
        .sequence([
            literal("'"),
            .choice([
                literal("s"), literal("d"), literal("m"), literal("t"), literal("ll"), literal("ve"), literal("re"),
            ]),
        ]),
        .sequence([optional(space), oneOrMore(letter, possessive: true)]),
        .sequence([optional(space), oneOrMore(number, possessive: true)]),
        .sequence([optional(space), oneOrMore(punctuation, possessive: true)]),
        .sequence([oneOrMore(whitespace, possessive: true), .endOfText]),
        .sequence([oneOrMore(whitespace), .notFollowedBy(notWhitespace)]),
        whitespace,
    ])

    /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
    static let cl100k = Node.choice([
        .sequence([literal("'"), .choice(["s", "d", "m", "t", "ll", "ve", "re"].map(caseless))]),
        .sequence([optional(notNewlineLetterNumber, possessive: true), oneOrMore(letter, possessive: true)]),
        .loop(number, min: 1, max: 3, possessive: true),
        .sequence([optional(space), oneOrMore(punctuation, possessive: true), zeroOrMore(newline, possessive: true)]),
        .sequence([oneOrMore(whitespace, possessive: true), .endOfText]),
        .sequence([zeroOrMore(whitespace), newline]),
        .sequence([oneOrMore(whitespace), .notFollowedBy(notWhitespace)]),
        whitespace,
    ])

    /// o200k_base's seven alternatives (no possessives).
    static let o200kContraction = optional(.choice(["'s", "'t", "'re", "'ve", "'m", "'ll", "'d"].map(caseless)))
    static let o200k = Node.choice([
        .sequence([optional(notNewlineLetterNumber), zeroOrMore(upperish), oneOrMore(lowerish), o200kContraction]),
        .sequence([optional(notNewlineLetterNumber), oneOrMore(upperish), zeroOrMore(lowerish), o200kContraction]),
        .loop(number, min: 1, max: 3, possessive: false),
        .sequence([optional(space), oneOrMore(punctuation), zeroOrMore(newlineOrSlash)]),
        .sequence([zeroOrMore(whitespace), oneOrMore(newline)]),
        .sequence([oneOrMore(whitespace), .notFollowedBy(notWhitespace)]),
        oneOrMore(whitespace),
    ])
}
