import Foundation
import Synchronization
import Testing

@testable import TokenCounter

/// `count` remembers merged pieces per thread (`PieceCountCache`); a remembered count must be
/// the count the merge gives, whether the cache is cold, warm, full or just started over.
@Suite struct PieceCountCacheTests {
    static let corpusFiles = ["en_prose.txt", "zh.txt", "code_python.txt", "json.txt", "multilingual.txt", "emoji.txt"]

    /// Every line counted three times in a row (cold, then warm twice) equals the id count.
    @Test(arguments: [EncodingName.cl100k_base, .o200k_base, .r50k_base])
    func warmCountsEqualEncodedCounts(_ name: EncodingName) throws {
        let encoding = try Encoding.named(name)
        for file in Self.corpusFiles {
            let text = String(decoding: try OracleFixtures.corpusBytes(file), as: UTF8.self)
            for line in text.split(separator: "\n").prefix(400) {
                let line = String(line)
                let expected = encoding.encode(line).count
                for pass in 0..<3 {
                    #expect(encoding.count(line) == expected, "\(name) \(file) pass \(pass): \(line.prefix(40))")
                }
            }
        }
    }

    /// More distinct multi-token pieces than the table holds: the cache starts over at least
    /// once, and counts before and after the restart stay exact.
    @Test func countsStayExactAcrossRestarts() throws {
        let encoding = try Encoding.named(.cl100k_base)
        var generator = RandomTextTests.Generator(state: 7)
        let letters = Array("bcdfghjklmnpqrstvwxz")
        var words: [String] = []
        for _ in 0..<(PieceCountCache.slotCount / 2 + 5_000) {
            words.append(" " + String((0..<12).map { _ in letters[generator.below(letters.count)] }))
        }
        for round in 0..<2 {
            for chunkStart in stride(from: 0, to: words.count, by: 1_000) {
                let text = words[chunkStart..<min(words.count, chunkStart + 1_000)].joined()
                #expect(encoding.count(text) == encoding.encode(text).count, "round \(round) chunk \(chunkStart)")
            }
        }
    }

    @Test func remembersExactBytesOnly() {
        let cache = PieceCountCache()
        let first = Array("abcdef".utf8), second = Array("abcdeg".utf8)
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                // The same hash for different bytes (a forced collision) must not hit.
                cache.remember(a.baseAddress!, a.count, hash: 42, count: 3)
                #expect(cache.count(a.baseAddress!, a.count, hash: 42) == 3)
                #expect(cache.count(b.baseAddress!, b.count, hash: 42) == nil)
                #expect(cache.count(a.baseAddress!, 5, hash: 42) == nil)
                cache.remember(b.baseAddress!, b.count, hash: 42, count: 2)
                #expect(cache.count(b.baseAddress!, b.count, hash: 42) == 2)
                #expect(cache.count(a.baseAddress!, a.count, hash: 42) == 3)
            }
        }
    }

    /// Whole texts: a forced hash collision, a different length and the other special-token
    /// policy must all miss; only the exact bytes under the same policy hit.
    @Test func remembersExactTextsOnly() {
        let cache = TextCountMemory()
        let first = Array(String(repeating: "abcdefgh", count: 5).utf8)
        var second = first
        second[second.count - 1] = UInt8(ascii: "x")
        first.withUnsafeBufferPointer { a in
            second.withUnsafeBufferPointer { b in
                cache.remember(a, hash: 7, recognised: false, count: 11)
                #expect(cache.count(a, hash: 7, recognised: false) == 11)
                #expect(cache.count(b, hash: 7, recognised: false) == nil)
                #expect(cache.count(a, hash: 7, recognised: true) == nil)
                #expect(cache.count(UnsafeBufferPointer(rebasing: a.dropLast()), hash: 7, recognised: false) == nil)
                cache.remember(a, hash: 7, recognised: true, count: 12)
                #expect(cache.count(a, hash: 7, recognised: true) == 12)
                #expect(cache.count(a, hash: 7, recognised: false) == 11)
            }
        }
    }

    /// A text holding a special token's text, counted under both policies in turn and again:
    /// each policy keeps its own count (1 id for `<|endoftext|>` recognised, several ordinary).
    @Test func rememberedTextsKeepTheirPolicy() throws {
        let encoding = try Encoding.named(.cl100k_base)
        let text = "The reply ends here <|endoftext|> and the next document starts."
        let ordinary = encoding.encode(text).count
        let recognised = encoding.encode(text, specials: .recognised).count
        #expect(ordinary > recognised)
        for _ in 0..<3 {
            #expect(encoding.count(text) == ordinary)
            #expect(encoding.count(text, specials: .recognised) == recognised)
        }
    }

    /// More distinct texts than the text table holds, and texts that differ in one byte only:
    /// counts before and after the table starts over stay exact.
    @Test func textCountsStayExactAcrossRestarts() throws {
        let encoding = try Encoding.named(.o200k_base)
        var generator = RandomTextTests.Generator(state: 5)
        let syllables = ["ka", "to", "ri", "的", "问题", " mo", "ne", "ш", "ー", "42"]
        var texts: [String] = []
        for _ in 0..<(TextCountMemory.slotCount / 2 + 500) {
            texts.append(
                (0..<(12 + generator.below(20))).map { _ in syllables[generator.below(syllables.count)] }.joined())
        }
        let expected = texts.map { encoding.encode($0).count }
        for round in 0..<2 {
            for (index, text) in texts.enumerated() where encoding.count(text) != expected[index] {
                Issue.record("round \(round) text \(index): \(text)")
            }
        }
    }

    /// The memory is shared by the threads of a run: both counting the same texts at once
    /// (each text remembered by whichever finishes first, or by both) stay exact.
    @Test func sharedTextCountsStayExactUnderTwoThreads() throws {
        let encoding = try Encoding.named(.o200k_base)
        var generator = RandomTextTests.Generator(state: 9)
        let words = ["Reconcile", " the", " 账单", "的问题", " día", " 42", "\n", " tokens", "ー", " ok"]
        let texts = (0..<4000).map { _ in
            (0..<(10 + generator.below(40))).map { _ in words[generator.below(words.count)] }.joined()
        }
        let expected = texts.map { encoding.encode($0).count }
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 2) { thread in
            for round in 0..<3 {
                for index in stride(from: (thread + round) % 2, to: texts.count, by: 1)
                where encoding.count(texts[index]) != expected[index] {
                    wrong.withLock { $0 += 1 }
                }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    /// `forgetRememberedCounts` (benchmarks' cold rounds) empties the shared text memory too.
    @Test func forgettingEmptiesTheTextMemory() {
        let memory = TextCountMemory()
        let text = Array(String(repeating: "forget me ", count: 5).utf8)
        text.withUnsafeBufferPointer { bytes in
            memory.remember(bytes, hash: 3, recognised: false, count: 10)
            #expect(memory.count(bytes, hash: 3, recognised: false) == 10)
            Encoding.forgetRememberedCounts()
            #expect(memory.count(bytes, hash: 3, recognised: false) == nil)
        }
    }

    @Test func startsOverWhenHalfFull() {
        let cache = PieceCountCache()
        var keys: [[UInt8]] = []
        for i in 0..<(PieceCountCache.slotCount / 2) { keys.append(Array("k\(i)xyz".utf8)) }
        for (i, key) in keys.enumerated() {
            key.withUnsafeBufferPointer {
                cache.remember($0.baseAddress!, $0.count, hash: UInt64(i) << 16, count: i % 7 + 1)
            }
        }
        keys[0].withUnsafeBufferPointer { #expect(cache.count($0.baseAddress!, $0.count, hash: 0) == 1) }
        let extra = Array("extra".utf8)
        extra.withUnsafeBufferPointer { cache.remember($0.baseAddress!, $0.count, hash: 99 << 16, count: 4) }
        keys[0].withUnsafeBufferPointer { #expect(cache.count($0.baseAddress!, $0.count, hash: 0) == nil) }
        extra.withUnsafeBufferPointer { #expect(cache.count($0.baseAddress!, $0.count, hash: 99 << 16) == 4) }
    }

    /// Packed keys of 3 ... 7-byte pieces are equal exactly when the bytes are, NUL bytes and
    /// all (a piece and the same piece with a trailing NUL must not share a key).
    @Test func packedKeysAreExact() {
        var pieces: Set<[UInt8]> = []
        var generator = RandomTextTests.Generator(state: 11)
        let alphabet: [UInt8] = [0, 1, 0x20, 0x41, 0x61, 0x7F, 0x80, 0xBF, 0xE4, 0xFF]
        while pieces.count < 20_000 {
            let length = 3 + generator.below(5)
            pieces.insert((0..<length).map { _ in alphabet[generator.below(alphabet.count)] })
        }
        var keys: [UInt64: [UInt8]] = [:]
        for piece in pieces {
            let key = piece.withUnsafeBufferPointer { PieceCountCache.packedKey($0.baseAddress!, $0.count) }
            #expect(key != 0)
            if let other = keys.updateValue(piece, forKey: key) { Issue.record("\(piece) and \(other) share a key") }
        }
    }

    /// After `forgetRememberedCounts` every count is recomputed, and still exact.
    @Test func forgettingKeepsCountsExact() throws {
        let encoding = try Encoding.named(.cl100k_base)
        let text = String(decoding: try OracleFixtures.corpusBytes("code_python.txt"), as: UTF8.self)
        let expected = encoding.encode(text).count
        #expect(encoding.count(text) == expected)
        Encoding.forgetRememberedCounts()
        #expect(encoding.count(text) == expected)
        #expect(encoding.count(text) == expected)
    }

    /// Threads keep separate caches; counting the same texts on many threads at once agrees.
    @Test func concurrentCountsAgree() throws {
        let encoding = try Encoding.named(.o200k_base)
        let text = String(decoding: try OracleFixtures.corpusBytes("multilingual.txt"), as: UTF8.self)
        let lines = text.split(separator: "\n").prefix(300).map(String.init)
        let expected = lines.map { encoding.encode($0).count }
        let counted = encoding.countBatch(lines + lines + lines, threads: 4)
        #expect(counted == expected + expected + expected)
    }
}
