import Foundation

/// How special-token text such as `<|endoftext|>` is treated.
public enum SpecialTokenPolicy: Sendable {
    /// As ordinary text (tiktoken's `encode_ordinary`). Billing counts this way.
    case ordinary
    /// Every special token of the encoding is recognised and becomes its id
    /// (tiktoken's `encode(text, allowed_special="all")`).
    case recognised
}

/// One tiktoken encoding: pre-tokenizer + byte-pair merges over a vocabulary.
///
/// Thread-safe and immutable once loaded; `Encoding.named(_:)` caches one instance per name.
public final class Encoding: Sendable {
    public let name: EncodingName
    let vocabulary: Vocabulary
    let splitter: RegexSplitter

    init(name: EncodingName) throws(TokenCounterError) {
        self.name = name
        self.vocabulary = try Vocabulary.embedded(name.vocabularyFile)
        self.splitter = RegexSplitter(family: name.patternFamily)
    }

    /// The encoding called `name` (`cl100k_base`, …), loaded once per process.
    public static func named(_ name: EncodingName) throws(TokenCounterError) -> Encoding {
        try EncodingCache.shared.encoding(name)
    }

    /// The encoding called `name`, or `.unknownEncoding` listing the valid names.
    public static func named(_ name: String) throws(TokenCounterError) -> Encoding {
        guard let known = EncodingName(rawValue: name) else {
            throw .unknownEncoding(name, known: EncodingName.allCases.map(\.rawValue))
        }
        return try named(known)
    }

    /// The token ids of `text`, identical to tiktoken's.
    public func encode(_ text: String, specials: SpecialTokenPolicy = .ordinary) -> [Token] {
        var tokens: [Token] = []
        forEachSegment(text, specials: specials) { segment in
            switch segment {
            case .special(let id): tokens.append(id)
            case .ordinary(let piece): tokens.append(contentsOf: bytePairEncode(piece))
            }
        }
        return tokens
    }

    /// The number of tokens `encode(text)` would return.
    public func count(_ text: String, specials: SpecialTokenPolicy = .ordinary) -> Int {
        encode(text, specials: specials).count
    }

    /// Counts many texts, spread over every core; results are in input order.
    public func countBatch(_ texts: [String], specials: SpecialTokenPolicy = .ordinary) -> [Int] {
        texts.map { count($0, specials: specials) }
    }

    /// The bytes the tokens stand for (not necessarily valid UTF-8 for a partial sequence).
    public func decode(_ tokens: [Token]) -> [UInt8] {
        var special: [Token: String] = [:]
        for (text, id) in name.specialTokens { special[id] = text }
        var bytes: [UInt8] = []
        for token in tokens {
            if let text = special[token] {
                bytes.append(contentsOf: text.utf8)
            } else if Int(token) < vocabulary.tokens.count {
                bytes.append(contentsOf: vocabulary.tokens[Int(token)])
            }
        }
        return bytes
    }

    enum Segment { case ordinary([UInt8]), special(Token) }

    private func forEachSegment(_ text: String, specials: SpecialTokenPolicy, _ body: (Segment) -> Void) {
        guard specials == .recognised else {
            splitter.pieces(text).forEach { body(.ordinary($0)) }
            return
        }
        let table = name.specialTokens
        var rest = Substring(text)
        while !rest.isEmpty {
            var earliest: (range: Range<Substring.Index>, id: Token)?
            for (special, id) in table {
                if let range = rest.range(of: special, options: .literal),
                   earliest == nil || range.lowerBound < earliest!.range.lowerBound {
                    earliest = (range, id)
                }
            }
            guard let found = earliest else { break }
            splitter.pieces(String(rest[..<found.range.lowerBound])).forEach { body(.ordinary($0)) }
            body(.special(found.id))
            rest = rest[found.range.upperBound...]
        }
        splitter.pieces(String(rest)).forEach { body(.ordinary($0)) }
    }

    /// Byte-pair merge of one piece: whole-piece lookup first, then repeatedly merge the adjacent
    /// pair whose concatenation has the lowest rank, the leftmost on ties.
    func bytePairEncode(_ piece: [UInt8]) -> [Token] {
        if let rank = vocabulary.ranks[piece] { return [rank] }
        var parts = piece.map { [$0] }
        while parts.count > 1 {
            var best: (index: Int, rank: Token)?
            for index in 0..<(parts.count - 1) {
                if let rank = vocabulary.ranks[parts[index] + parts[index + 1]],
                   best == nil || rank < best!.rank {
                    best = (index, rank)
                }
            }
            guard let merge = best else { break }
            parts[merge.index] += parts[merge.index + 1]
            parts.remove(at: merge.index + 1)
        }
        return parts.map { vocabulary.ranks[$0]! }
    }
}

/// One loaded `Encoding` per name, shared by every thread.
final class EncodingCache: @unchecked Sendable {
    static let shared = EncodingCache()
    private let lock = NSLock()
    private var loaded: [EncodingName: Encoding] = [:]

    func encoding(_ name: EncodingName) throws(TokenCounterError) -> Encoding {
        lock.lock()
        defer { lock.unlock() }
        if let encoding = loaded[name] { return encoding }
        let encoding = try Encoding(name: name)
        loaded[name] = encoding
        return encoding
    }
}
