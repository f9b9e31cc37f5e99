/// tiktoken's split patterns, hand-written over UTF-8 bytes: one scanner per pattern family.
///
/// Each scanner answers "where does the piece that starts here end?", reproducing what
/// fancy-regex's `find_iter` does with the pattern: leftmost-first alternation, possessive
/// quantifiers, backtracking where the pattern has no possessives (o200k), `\s+(?!\S)` giving
/// back the last whitespace scalar, and `$` meaning the end of the input only. Every scalar falls
/// in some piece for these patterns, so pieces tile the text.
///
/// Performance: this replaces NSRegularExpression (4–7 MB/s on this corpus, NOTES §6.2). The
/// text is read through a raw pointer (bounds are checked by the loop conditions) and scalar
/// classes come from `ScalarClassTable`, two loads per non-ASCII scalar. The input must be valid
/// UTF-8 (every `String` is); `Encoding` repairs raw bytes before they get here.
struct PreTokenizer: Sendable {
    let family: PatternFamily
    let classes: ScalarClassTable

    init(family: PatternFamily, classes: ScalarClassTable = .shared) {
        self.family = family
        self.classes = classes
    }

    /// Calls `body(start, end)` for each piece of `text`, in order.
    @inline(__always)
    func forEachPiece(in text: UnsafeBufferPointer<UInt8>, _ body: (Int, Int) -> Void) {
        guard let base = text.baseAddress else { return }
        let scanner = Scanner(bytes: base, count: text.count, classes: classes)
        var start = 0
        switch family {
        case .r50k:
            while start < text.count { let end = scanner.r50kPieceEnd(start); body(start, end); start = end }
        case .cl100k:
            while start < text.count { let end = scanner.cl100kPieceEnd(start); body(start, end); start = end }
        case .o200k:
            while start < text.count { let end = scanner.o200kPieceEnd(start); body(start, end); start = end }
        }
    }
}

/// Byte values the patterns name.
private let apostrophe = UInt8(ascii: "'")
private let space = UInt8(ascii: " ")
private let carriageReturn = UInt8(ascii: "\r")
private let lineFeed = UInt8(ascii: "\n")
private let slash = UInt8(ascii: "/")

/// Raw `ScalarClass` values, compared as bytes in the loops below.
private let classOther: UInt8 = 0
private let classWhitespace: UInt8 = 1
private let classNumber: UInt8 = 2
private let classUpper: UInt8 = 3
private let classLower: UInt8 = 4
private let classOtherLetter: UInt8 = 5
private let classMark: UInt8 = 6

/// `\p{L}`.
@inline(__always) private func isLetter(_ c: UInt8) -> Bool { c &- classUpper < 3 }
/// o200k's `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]`.
@inline(__always) private func isCasedUpper(_ c: UInt8) -> Bool { c == classUpper || c >= classOtherLetter }
/// o200k's `[\p{Ll}\p{Lm}\p{Lo}\p{M}]`.
@inline(__always) private func isCasedLower(_ c: UInt8) -> Bool { c >= classLower }
/// `[^\s\p{L}\p{N}]` (marks included: they are not letters).
@inline(__always) private func isPunctuation(_ c: UInt8) -> Bool { c == classOther || c == classMark }

private struct Scanner {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let classes: ScalarClassTable

    /// The class of the scalar at `i` and the index just after it.
    @inline(__always)
    func scalar(at i: Int) -> (class: UInt8, next: Int) {
        let b0 = UInt32(bytes[i])
        if b0 < 0x80 { return (classes.blocks[Int(b0)], i + 1) }  // block 0 is stored first
        if b0 < 0xE0 {
            return (classes.rawClass((b0 & 0x1F) << 6 | UInt32(bytes[i + 1] & 0x3F)), i + 2)
        }
        if b0 < 0xF0 {
            let value = (b0 & 0x0F) << 12 | UInt32(bytes[i + 1] & 0x3F) << 6 | UInt32(bytes[i + 2] & 0x3F)
            return (classes.rawClass(value), i + 3)
        }
        let value =
            (b0 & 0x07) << 18 | UInt32(bytes[i + 1] & 0x3F) << 12
            | UInt32(bytes[i + 2] & 0x3F) << 6 | UInt32(bytes[i + 3] & 0x3F)
        return (classes.rawClass(value), i + 4)
    }

    /// The end of the run of scalars from `i` whose class satisfies `member`.
    @inline(__always)
    func runEnd(from i: Int, _ member: (UInt8) -> Bool) -> Int {
        var end = i
        while end < count {
            let (c, next) = scalar(at: end)
            guard member(c) else { break }
            end = next
        }
        return end
    }

    @inline(__always)
    func byte(_ i: Int) -> UInt8 { i < count ? bytes[i] : 0 }

    @inline(__always)
    func lowercased(_ i: Int) -> UInt8 { byte(i) | 0x20 }

    // MARK: contractions

    /// r50k: `'(?:[sdmt]|ll|ve|re)`, case-sensitive. `start` holds an apostrophe.
    func r50kContractionEnd(_ start: Int) -> Int? {
        switch byte(start + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"): return start + 2
        case UInt8(ascii: "l") where byte(start + 2) == UInt8(ascii: "l"): return start + 3
        case UInt8(ascii: "v"), UInt8(ascii: "r"): return byte(start + 2) == UInt8(ascii: "e") ? start + 3 : nil
        default: return nil
        }
    }

    /// cl100k: `'(?i:[sdmt]|ll|ve|re)`; o200k: `(?i:'s|'t|'re|'ve|'m|'ll|'d)`. Both have the same
    /// language. Case-insensitive by simple case folding: ASCII case, plus U+017F ſ for `s` (the
    /// only non-ASCII scalar that folds to one of these letters).
    func caselessContractionEnd(_ start: Int) -> Int? {
        guard byte(start) == apostrophe else { return nil }
        switch lowercased(start + 1) {
        case UInt8(ascii: "s"), UInt8(ascii: "d"), UInt8(ascii: "m"), UInt8(ascii: "t"): return start + 2
        case UInt8(ascii: "l") where lowercased(start + 2) == UInt8(ascii: "l"): return start + 3
        case UInt8(ascii: "v"), UInt8(ascii: "r"): return lowercased(start + 2) == UInt8(ascii: "e") ? start + 3 : nil
        default:
            // ſ is C5 BF. (`| 0x20` leaves 0xC5 and 0xE5 apart, so no other byte lands here.)
            return byte(start + 1) == 0xC5 && byte(start + 2) == 0xBF ? start + 3 : nil
        }
    }

    // MARK: whitespace

    /// The whitespace alternatives, from a whitespace scalar at `start`:
    /// `\s++$` (r50k, cl100k: `endTakesAll`), `\s*[\r\n]` / `\s*[\r\n]+` (cl100k, o200k:
    /// `newlines`, ends just after the run's last CR or LF), then `\s+(?!\S)` (a run of two or
    /// more gives back its last scalar; at the end of input it keeps it), then `\s`.
    @inline(__always)
    func whitespaceEnd(_ start: Int, newlines: Bool, endTakesAll: Bool) -> Int {
        var end = start
        var lastStart = start
        var newlineEnd = -1
        while end < count {
            let b = bytes[end]
            if b == carriageReturn || b == lineFeed {
                lastStart = end
                end += 1
                newlineEnd = end
                continue
            }
            let (c, next) = scalar(at: end)
            guard c == classWhitespace else { break }
            lastStart = end
            end = next
        }
        if endTakesAll && end == count { return count }
        if newlines && newlineEnd > 0 { return newlineEnd }
        if end == count { return count }
        return lastStart > start ? lastStart : end
    }

    // MARK: r50k / p50k

    /// `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++|\s++$|\s+(?!\S)|\s`
    func r50kPieceEnd(_ start: Int) -> Int {
        let first = bytes[start]
        if first == apostrophe, let end = r50kContractionEnd(start) { return end }
        var (c, next) = scalar(at: start)
        var bodyStart = start
        if first == space && next < count {
            let following = scalar(at: next).class
            if following != classWhitespace {
                c = following
                bodyStart = next
            }
        }
        if isLetter(c) { return runEnd(from: bodyStart, isLetter) }
        if c == classNumber { return runEnd(from: bodyStart) { $0 == classNumber } }
        if isPunctuation(c) { return runEnd(from: bodyStart, isPunctuation) }
        return whitespaceEnd(start, newlines: false, endTakesAll: true)
    }

    // MARK: cl100k

    /// `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
    func cl100kPieceEnd(_ start: Int) -> Int {
        let first = bytes[start]
        if first == apostrophe, let end = caselessContractionEnd(start) { return end }
        let (c, next) = scalar(at: start)
        if isLetter(c) { return runEnd(from: start, isLetter) }
        if c == classNumber { return numberEnd(start) }
        // `[^\r\n\p{L}\p{N}]?+\p{L}++`: one leading non-letter, non-digit, non-newline scalar.
        if first != carriageReturn && first != lineFeed && next < count && isLetter(scalar(at: next).class) {
            return runEnd(from: next, isLetter)
        }
        // ` ?[^\s\p{L}\p{N}]++[\r\n]*+`
        var body = start
        if first == space && next < count && isPunctuation(scalar(at: next).class) { body = next }
        if isPunctuation(scalar(at: body).class) {
            var end = runEnd(from: body, isPunctuation)
            while end < count && (bytes[end] == carriageReturn || bytes[end] == lineFeed) { end += 1 }
            return end
        }
        return whitespaceEnd(start, newlines: true, endTakesAll: true)
    }

    /// `\p{N}{1,3}`: at most three number scalars.
    @inline(__always)
    func numberEnd(_ start: Int) -> Int {
        var end = scalar(at: start).next
        for _ in 0..<2 {
            guard end < count else { break }
            let (c, next) = scalar(at: end)
            guard c == classNumber else { break }
            end = next
        }
        return end
    }

    // MARK: o200k

    /// The seven alternatives of o200k_base (NOTES §2), in order: two word forms with an optional
    /// leading scalar and an attached contraction, `\p{N}{1,3}`, ` ?[^\s\p{L}\p{N}]+[\r\n/]*`,
    /// `\s*[\r\n]+`, `\s+(?!\S)`, `\s+`. No possessives: the word forms backtrack (see
    /// `lowerWordEnd`).
    func o200kPieceEnd(_ start: Int) -> Int {
        let first = bytes[start]
        let (c, next) = scalar(at: start)
        // `[^\r\n\p{L}\p{N}]?` may take the first scalar; it is tried taken first, then empty.
        let mayLead = first != carriageReturn && first != lineFeed && !isLetter(c) && c != classNumber
        // Alternative 1: `lead? [Lu Lt Lm Lo M]* [Ll Lm Lo M]+ contraction?`
        if mayLead && next < count, let end = lowerWordEnd(from: next) { return contractionEnd(end) }
        if c >= classUpper, let end = lowerWordEnd(from: start) { return contractionEnd(end) }
        // Alternative 2: `lead? [Lu Lt Lm Lo M]+ [Ll Lm Lo M]* contraction?`. Reached only when
        // alternative 1 failed, so the upper run holds only Lu/Lt and no Ll follows it.
        if mayLead && next < count {
            let end = runEnd(from: next, isCasedUpper)
            if end > next { return contractionEnd(end) }
        }
        if isCasedUpper(c) { return contractionEnd(runEnd(from: start, isCasedUpper)) }
        if c == classNumber { return numberEnd(start) }
        // ` ?[^\s\p{L}\p{N}]+[\r\n/]*`
        var body = start
        if first == space && next < count && isPunctuation(scalar(at: next).class) { body = next }
        if isPunctuation(scalar(at: body).class) {
            var end = runEnd(from: body, isPunctuation)
            while end < count && (bytes[end] == carriageReturn || bytes[end] == lineFeed || bytes[end] == slash) {
                end += 1
            }
            return end
        }
        return whitespaceEnd(start, newlines: true, endTakesAll: false)
    }

    /// Where `[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+` matches from `start`
    /// under backtracking, or nil. The greedy upper run is followed by an Ll run when one comes
    /// next; otherwise the upper run gives back scalars until it ends just after its last Lm/Lo/M
    /// scalar (which then serves as the one-scalar lower run).
    @inline(__always)
    func lowerWordEnd(from start: Int) -> Int? {
        var end = start
        var lastSharedEnd = -1
        while end < count {
            let (c, next) = scalar(at: end)
            if c == classUpper {
                end = next
            } else if c == classOtherLetter || c == classMark {
                end = next
                lastSharedEnd = next
            } else if c == classLower {
                return runEnd(from: next, isCasedLower)
            } else {
                break
            }
        }
        return lastSharedEnd >= 0 ? lastSharedEnd : nil
    }

    @inline(__always)
    func contractionEnd(_ end: Int) -> Int {
        end < count && bytes[end] == apostrophe ? caselessContractionEnd(end) ?? end : end
    }
}
