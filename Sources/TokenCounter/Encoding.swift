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
/// Gives the same token ids as tiktoken 0.14.0 for every input (pinned by the oracle tests).
/// Thread-safe and immutable once loaded; `Encoding.named(_:)` caches one instance per name, so
/// the vocabulary is parsed once per process.
public final class Encoding: Sendable {
    public let name: EncodingName
    let ranks: RankTable
    let preTokenizer: PreTokenizer
    /// Special-token text → id, for `.recognised`.
    let specialIDs: [String: Token]
    /// Special id → text, for `decode` (`<|endofprompt|>` wins over its harmony alias).
    let specialTexts: [Token: [UInt8]]
    /// Which of this thread's `PieceCountCache`s serves `count` (one per encoding name).
    let cacheIndex: Int
    /// Whole texts counted before, by any thread.
    let texts = TextCountMemory()

    init(name: EncodingName) throws(TokenCounterError) {
        self.name = name
        cacheIndex = EncodingName.allCases.firstIndex(of: name)!
        ranks = try Vocabulary.embedded(name.vocabularyFile)
        preTokenizer = PreTokenizer(family: name.patternFamily)
        specialIDs = name.specialTokens
        var texts: [Token: [UInt8]] = [:]
        for (text, id) in specialIDs where texts[id] == nil || !text.hasPrefix("<|reserved_") {
            texts[id] = Array(text.utf8)
        }
        specialTexts = texts
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
        var text = text
        return text.withUTF8 { encode(validUTF8: $0, specials: specials) }
    }

    /// The token ids of raw bytes: each maximal invalid UTF-8 subpart counts as U+FFFD
    /// (what `String(decoding:as:)` does, and what `recount count` bills).
    public func encode(bytes: some Collection<UInt8>, specials: SpecialTokenPolicy = .ordinary) -> [Token] {
        encode(String(decoding: bytes, as: UTF8.self), specials: specials)
    }

    /// The number of tokens `encode(text)` would return, without building the id array.
    public func count(_ text: String, specials: SpecialTokenPolicy = .ordinary) -> Int {
        var text = text
        return text.withUTF8 { count(validUTF8: $0, specials: specials) }
    }

    /// The number of tokens of raw bytes (invalid UTF-8 as in `encode(bytes:)`).
    public func count(bytes: some Collection<UInt8>, specials: SpecialTokenPolicy = .ordinary) -> Int {
        count(String(decoding: bytes, as: UTF8.self), specials: specials)
    }

    /// The bytes the tokens stand for (not necessarily valid UTF-8 for a partial sequence).
    /// Ids that are neither ranks nor special tokens contribute nothing.
    public func decode(_ tokens: [Token]) -> [UInt8] {
        var bytes: [UInt8] = []
        for token in tokens {
            if let text = specialTexts[token] {
                bytes.append(contentsOf: text)
            } else {
                bytes.append(contentsOf: ranks.bytes(of: Int(token)))
            }
        }
        return bytes
    }

    // MARK: - The pipeline over valid UTF-8

    /// Words of merge scratch per call (about 17 KB of stack): see `RankTable.mergeBlocks`.
    static let scratchWords = RankTable.scratchWords

    func encode(validUTF8 text: UnsafeBufferPointer<UInt8>, specials: SpecialTokenPolicy) -> [Token] {
        var sink = TokenSink(capacity: text.count / 3 + 16)
        defer { sink.release() }
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scratchWords) { scratch in
            let scratch = scratch.baseAddress!
            forEachSpan(text, specials: specials) { span in
                let base = span.baseAddress!
                preTokenizer.forEachPiece(in: span) { start, end in
                    ranks.encodePiece(base + start, end - start, scratch: scratch, into: &sink)
                }
            } special: { id in
                sink.append(id)
            }
        }
        return Array(UnsafeBufferPointer(start: sink.tokens, count: sink.count))
    }

    func count(validUTF8 text: UnsafeBufferPointer<UInt8>, specials: SpecialTokenPolicy) -> Int {
        let cache = PieceCountCache.current(vocabulary: cacheIndex)
        guard text.count >= TextCountMemory.textBytesMin, text.count <= TextCountMemory.textBytesMax else {
            return countPieces(text, specials: specials, cache: cache)
        }
        let hash = RankTable.hash(text.baseAddress!, text.count)
        let recognised = specials == .recognised
        if let known = texts.count(text, hash: hash, recognised: recognised) { return known }
        let count = countPieces(text, specials: specials, cache: cache)
        texts.remember(text, hash: hash, recognised: recognised, count: count)
        return count
    }

    /// `count` without the whole-text cache: every piece through `countPiece`.
    private func countPieces(
        _ text: UnsafeBufferPointer<UInt8>, specials: SpecialTokenPolicy, cache: PieceCountCache
    ) -> Int {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: Self.scratchWords) { scratch in
            let scratch = scratch.baseAddress!
            var total = 0
            forEachSpan(text, specials: specials) { span in
                let base = span.baseAddress!
                preTokenizer.forEachPiece(in: span) { start, end in
                    total += ranks.countPiece(base + start, end - start, scratch: scratch, cache: cache)
                }
            } special: { _ in
                total += 1
            }
            return total
        }
    }

    /// Splits `text` into ordinary spans and recognised special tokens, in order. Every special
    /// token has the form `<|name|>` with no `|` in the name, so at each `<|` the candidate ends
    /// at the next `|>`; tiktoken's special regex finds the same leftmost matches.
    @inline(__always)
    private func forEachSpan(
        _ text: UnsafeBufferPointer<UInt8>, specials: SpecialTokenPolicy,
        ordinary: (UnsafeBufferPointer<UInt8>) -> Void, special: (Token) -> Void
    ) {
        guard specials == .recognised else {
            if !text.isEmpty { ordinary(text) }
            return
        }
        var spanStart = 0
        var index = 0
        while index + 4 <= text.count {
            guard text[index] == UInt8(ascii: "<"), text[index + 1] == UInt8(ascii: "|") else {
                index += 1
                continue
            }
            var close = index + 2
            while close + 1 < text.count, close - index < 64,
                !(text[close] == UInt8(ascii: "|") && text[close + 1] == UInt8(ascii: ">"))
            {
                close += 1
            }
            let end = close + 2
            if end <= text.count,
                let id = specialIDs[String(decoding: UnsafeBufferPointer(rebasing: text[index..<end]), as: UTF8.self)]
            {
                if index > spanStart { ordinary(UnsafeBufferPointer(rebasing: text[spanStart..<index])) }
                special(id)
                spanStart = end
                index = end
            } else {
                index += 1
            }
        }
        if spanStart < text.count { ordinary(UnsafeBufferPointer(rebasing: text[spanStart...])) }
    }
}

/// Where `encode` collects ids: a raw buffer grown by doubling, copied into the `[Token]` once
/// at the end. Why: `Array.append` checks uniqueness and capacity on every id, which cost more
/// than the merge on text of short pieces; `reserve` leaves room for the longest piece, so the
/// merge's appends are plain stores.
struct TokenSink {
    private(set) var tokens: UnsafeMutablePointer<Token>
    private(set) var count = 0
    private var capacity: Int

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
        tokens = .allocate(capacity: self.capacity)
    }

    /// Makes room for `extra` more ids.
    @inline(__always)
    mutating func reserve(_ extra: Int) {
        if count + extra > capacity { grow(count + extra) }
    }

    @inline(__always)
    mutating func append(_ token: Token) {
        reserve(1)
        tokens[count] = token
        count += 1
    }

    /// Appends without a capacity check; the caller reserved room.
    @inline(__always)
    mutating func appendReserved(_ token: Token) {
        tokens[count] = token
        count += 1
    }

    private mutating func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let bigger = UnsafeMutablePointer<Token>.allocate(capacity: newCapacity)
        bigger.moveInitialize(from: tokens, count: count)
        tokens.deallocate()
        tokens = bigger
        capacity = newCapacity
    }

    func release() { tokens.deallocate() }
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
