// The count of a piece made only of 3-byte characters (Chinese, Japanese, Korean, much of
// the rest of U+0800 ... U+FFFF), merged a character at a time instead of a byte at a time.
//
// Why: such a piece of k characters costs the byte merge about 2k merges just to join each
// character's bytes, with two lookups each, before any pair of characters is tried; on a
// realistic relay day those are about 70% of all merges. The shortcut is exact under one
// condition, checked per piece: no token of the vocabulary that joins part of one character
// with (part of) another — "彩" plus two bytes of the next character, say; o200k has 266 —
// could occur across any of the piece's character boundaries. Then, in tiktoken's merge:
// - a character's own bytes merge among themselves only, and a character that is a token
//   becomes one part at the moment its last byte merge happens, the larger of its first
//   merge's rank and its own (its *ready* rank);
// - a character that is no token never joins a neighbour (its parts would make such a token),
//   so it splits the piece into independent runs, and counts 2 tokens (3 with no byte pair);
// - parts that join whole characters join when both exist: a pair of rank r whose parts became
//   ready at rank R > r joins right after R, before anything of rank above R. So the merge of
//   whole characters is tiktoken's with each pair keyed by (max(r, ready ranks), r, position)
//   instead of (r, position); the joined part is ready at its key's first field.
// Anything else (a piece with another byte, a boundary the check flags) takes the byte merge.
// `CharMergeTests` checks the shortcut against the byte merge on generated and corpus text.

extension RankTable {
    /// `charUnits[i]` for the 3-byte character of payload `i` (`SlotLookup.charIndex`): its
    /// ready rank in the low 20 bits, or `notAUnit` with its own token count at bit 20 when
    /// it is no token; `leftOfJoin` / `rightOfJoin` when a token that joins part of one
    /// character to another could have it on that side of a boundary.
    static let notAUnit: UInt32 = 0xF_FFFF
    static let leftOfJoin: UInt32 = 1 << 31
    static let rightOfJoin: UInt32 = 1 << 30
    /// Pieces of more characters take the byte merge (the run's minimum is a linear scan).
    static let charMergeMax = 128

    /// Fills `charUnits` from the 1-, 2- and 3-byte ranks and the tokens that join characters.
    func fillCharUnits() {
        for index in 0..<0x10000 {
            let bytes = Self.charBytes(index)
            let whole = charRanks[index]
            let first = min(
                shortRanks[0x100 + Int(bytes.0) << 8 | Int(bytes.1)],
                shortRanks[0x100 + Int(bytes.1) << 8 | Int(bytes.2)])
            if whole != Self.missing && first != Self.missing {
                charUnits[index] = max(whole, first)
            } else {
                charUnits[index] = Self.notAUnit | (first != Self.missing ? 2 : 3) << 20
            }
        }
        for rank in 0..<rankCount {
            let token = bytes(of: rank)
            guard token.count >= 2 else { continue }
            for offset in 0..<3 { markJoins(of: token, startingAt: offset) }
        }
    }

    /// The bytes of the character of payload `index` (lead byte 0xE0 ... 0xEF).
    static func charBytes(_ index: Int) -> (UInt8, UInt8, UInt8) {
        (UInt8(0xE0 | index >> 12), UInt8(0x80 | (index >> 6) & 0x3F), UInt8(0x80 | index & 0x3F))
    }

    /// Marks the characters on either side of every boundary `token` crosses when its first
    /// byte sits at `offset` within a character — if it has that shape and joins part of a
    /// character to another (a token of whole characters, or inside one, joins nothing).
    private func markJoins(of token: UnsafeBufferPointer<UInt8>, startingAt offset: Int) {
        let length = token.count
        for (i, byte) in token.enumerated() {
            let isLead = (offset + i) % 3 == 0
            guard isLead ? byte & 0xF0 == 0xE0 : byte & 0xC0 == 0x80 else { return }
        }
        guard offset + length > 3, offset != 0 || (offset + length) % 3 != 0 else { return }
        for i in 1..<length where (offset + i) % 3 == 0 {
            markChars(token, from: max(0, i - 3), to: i, firstPosition: (offset + max(0, i - 3)) % 3, Self.leftOfJoin)
            markChars(token, from: i, to: min(length, i + 3), firstPosition: 0, Self.rightOfJoin)
        }
    }

    /// Sets `flag` on every character whose bytes at positions `firstPosition...` are
    /// `token[from ..< to]`, whatever its other bytes.
    private func markChars(
        _ token: UnsafeBufferPointer<UInt8>, from: Int, to: Int, firstPosition: Int, _ flag: UInt32
    ) {
        // Each position's choices: the token's byte where it has one, else every lead byte
        // (position 0) or continuation byte.
        let choices = (0..<3).map { position -> ClosedRange<Int> in
            let i = from + position - firstPosition
            if i >= from && i < to { return Int(token[i])...Int(token[i]) }
            return position == 0 ? 0xE0...0xEF : 0x80...0xBF
        }
        for b0 in choices[0] {
            for b1 in choices[1] {
                for b2 in choices[2] { charUnits[(b0 & 0x0F) << 12 | (b1 & 0x3F) << 6 | b2 & 0x3F] |= flag }
            }
        }
    }

    /// The token count of a piece of whole 3-byte characters, or -1 when the piece has
    /// another byte, is too long, or has a boundary a joining token could cross.
    @inline(never)
    func countChars(_ piece: UnsafePointer<UInt8>, _ length: Int, scratch: UnsafeMutablePointer<UInt32>) -> Int {
        let count = length / 3
        guard length % 3 == 0, count <= Self.charMergeMax else { return -1 }
        let units = charUnits.baseAddress!
        var previous: UInt32 = 0
        for c in 0..<count {
            let key = piece + 3 * c
            guard SlotLookup.isCharKey(key) else { return -1 }
            let unit = units[SlotLookup.charIndex(key)]
            if previous & Self.leftOfJoin != 0 && unit & Self.rightOfJoin != 0 { return -1 }
            scratch[c] = unit
            previous = unit
        }
        var tokens = 0
        var runStart = 0
        for c in 0...count {
            let ready = c < count ? scratch[c] & Self.notAUnit : Self.notAUnit
            guard ready == Self.notAUnit else { continue }
            if c > runStart { tokens += mergeCharRun(piece + 3 * runStart, c - runStart, ready: scratch + runStart) }
            if c < count { tokens += Int(scratch[c] >> 20 & 3) }
            runStart = c + 1
        }
        return tokens
    }

    /// The merge of `count` whole characters, each a token ready at `ready[i]` (low 20 bits).
    private func mergeCharRun(_ run: UnsafePointer<UInt8>, _ count: Int, ready: UnsafeMutablePointer<UInt32>) -> Int {
        if count == 1 { return 1 }
        return withUnsafeTemporaryAllocation(of: UInt64.self, capacity: 4 * count) { scratch in
            let keys = scratch.baseAddress!
            // Per part (named by its first character): the character after it, its ready rank.
            let next = UnsafeMutableRawPointer(keys + count).bindMemory(to: Int32.self, capacity: 2 * count)
            let prev = next + count
            let readyAt = UnsafeMutableRawPointer(keys + 2 * count).bindMemory(to: UInt32.self, capacity: count)
            for i in 0..<count {
                next[i] = Int32(i + 1)
                prev[i] = Int32(i - 1)
                readyAt[i] = ready[i] & Self.notAUnit
            }
            let key = { (i: Int) -> UInt64 in
                let j = Int(next[i])
                guard j < count else { return .max }
                let rank = self.lookup.rank(run + 3 * i, 3 * (Int(next[j]) - i))
                guard rank != Self.missing else { return .max }
                let ready = max(rank, readyAt[i], readyAt[j])
                return UInt64(ready) << 44 | UInt64(rank) << 20 | UInt64(i)
            }
            for i in 0..<count { keys[i] = key(i) }
            var parts = count
            while true {
                var top = UInt64.max
                for i in 0..<count { top = min(top, keys[i]) }
                if top == .max { break }
                let i = Int(top & 0xF_FFFF)
                let j = Int(next[i])
                parts -= 1
                readyAt[i] = UInt32(truncatingIfNeeded: top >> 44)
                keys[j] = .max
                next[i] = next[j]
                if Int(next[i]) < count { prev[Int(next[i])] = Int32(i) }
                keys[i] = key(i)
                if i > 0 { keys[Int(prev[i])] = key(Int(prev[i])) }
            }
            return parts
        }
    }
}
