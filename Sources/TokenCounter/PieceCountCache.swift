import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Token counts of pieces that needed the byte-pair merge, remembered per thread.
///
/// Why: on the text relays log (chat prompts, their repeated histories, code, JSON, Chinese)
/// the merge is most of the cost of counting — with the merge skipped, counting the messages
/// of a generated day runs about 4.5× faster — and the same multi-token pieces come back again
/// and again (" reconciliation", "的问题", a system prompt's every word). A piece's count is a
/// pure function of its bytes and the vocabulary, so remembering it is exact: a hit compares
/// the full bytes, never only the hash. Only `count` uses it; `encode` always merges.
///
/// Bounded: `slotCount` slots of 16 bytes and an arena of `arenaBytes` for the keys (about
/// 3 MiB per thread per vocabulary in use). When either is full the cache starts over, which
/// keeps it simple and lets the frequent pieces return within a few lines. Per thread because
/// a shared table would need a lock or atomics on every piece; the worker threads of a run
/// live for the whole run, so each warms up once.
final class PieceCountCache {
    /// Slots of the open-addressing table (a power of two); at most half are filled.
    static let slotCount = 1 << 16
    /// Bytes of piece text the cache holds before it starts over.
    static let arenaBytes = 2 << 20
    /// Longer pieces are merged every time (they are rare, and their keys would crowd the arena).
    static let pieceBytesMax = 1024

    /// `hash` and `location` (`offset << 32 | length << 16 | count`); `location == 0` is empty
    /// (every cached piece has at least 3 bytes, so a filled slot never has location 0).
    private let hashes: UnsafeMutablePointer<UInt64>
    private let locations: UnsafeMutablePointer<UInt64>
    private let arena: UnsafeMutablePointer<UInt8>
    private var arenaUsed = 0
    private var filled = 0

    init() {
        hashes = .allocate(capacity: Self.slotCount)
        locations = .allocate(capacity: Self.slotCount)
        locations.initialize(repeating: 0, count: Self.slotCount)
        hashes.initialize(repeating: 0, count: Self.slotCount)
        arena = .allocate(capacity: Self.arenaBytes)
        packedKeys.initialize(repeating: 0, count: 1 << Self.packedSlotBits)
        packedCounts.initialize(repeating: 0, count: 1 << Self.packedSlotBits)
        textLocations.initialize(repeating: 0, count: Self.textSlotCount)
        textHashes.initialize(repeating: 0, count: Self.textSlotCount)
        textCounts.initialize(repeating: 0, count: Self.textSlotCount)
    }

    deinit {
        hashes.deallocate()
        locations.deallocate()
        arena.deallocate()
        packedKeys.deallocate()
        packedCounts.deallocate()
        textHashes.deallocate()
        textLocations.deallocate()
        textCounts.deallocate()
        textArena.deallocate()
    }

    /// The remembered count of exactly these bytes, or nil.
    @inline(__always)
    func count(_ piece: UnsafePointer<UInt8>, _ length: Int, hash: UInt64) -> Int? {
        var slot = Int(truncatingIfNeeded: hash >> 16) & (Self.slotCount - 1)
        while true {
            let location = locations[slot]
            if location == 0 { return nil }
            if hashes[slot] == hash, Int(truncatingIfNeeded: (location >> 16) & 0xFFFF) == length,
                RankTable.sameBytes(UnsafeRawPointer(arena + Int(location >> 32)), UnsafeRawPointer(piece), length)
            {
                return Int(truncatingIfNeeded: location & 0xFFFF)
            }
            slot = (slot + 1) & (Self.slotCount - 1)
        }
    }

    /// Remembers `count` for these bytes (8 ... `pieceBytesMax` of them: shorter pieces use the
    /// packed table), starting over first when the table is half full or the arena has no room.
    func remember(_ piece: UnsafePointer<UInt8>, _ length: Int, hash: UInt64, count: Int) {
        if filled >= Self.slotCount / 2 || arenaUsed + length > Self.arenaBytes {
            locations.update(repeating: 0, count: Self.slotCount)
            filled = 0
            arenaUsed = 0
        }
        var slot = Int(truncatingIfNeeded: hash >> 16) & (Self.slotCount - 1)
        while locations[slot] != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
        (arena + arenaUsed).update(from: piece, count: length)
        hashes[slot] = hash
        locations[slot] = UInt64(arenaUsed) << 32 | UInt64(length) << 16 | UInt64(count)
        arenaUsed += length
        filled += 1
    }

    // MARK: - Short pieces, keyed by their packed bytes

    /// Pieces of 3 ... 7 bytes (most words of prose and code) are keyed by their bytes and
    /// length packed in one word, in a direct-mapped table small enough to stay in the core's
    /// cache: a hit is one load and one compare, where the vocabulary's table (2–4 MB) costs
    /// a miss to the shared cache. Any piece of that size, one token or several, goes here.
    /// 2^15 slots (256 KB of keys): on a realistic day's Zipf-distributed words 2^13 thrashed;
    /// 4× the slots cost 1.9% fewer instructions (fewer merges) and about as many simulated
    /// misses of a 1 MB L2 (+2%).
    static let packedBytesMax = 7
    static let packedSlotBits = 15

    private let packedKeys = UnsafeMutablePointer<UInt64>.allocate(capacity: 1 << packedSlotBits)
    private let packedCounts = UnsafeMutablePointer<UInt8>.allocate(capacity: 1 << packedSlotBits)

    /// The bytes of a 3 ... 7-byte piece with its length in the top byte (unique per piece;
    /// never 0, which marks an empty slot). Reads only the piece's own bytes.
    @inline(__always)
    static func packedKey(_ piece: UnsafePointer<UInt8>, _ length: Int) -> UInt64 {
        let raw = UnsafeRawPointer(piece)
        let word: UInt64
        if length >= 4 {
            let low = UInt64(raw.loadUnaligned(as: UInt32.self))
            let high = UInt64(raw.loadUnaligned(fromByteOffset: length - 4, as: UInt32.self))
            word = low | high << (8 * UInt64(length - 4))
        } else {
            word = UInt64(piece[0]) | UInt64(piece[1]) << 8 | UInt64(piece[2]) << 16
        }
        return word | UInt64(length) << 56
    }

    @inline(__always)
    private static func packedSlot(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> (64 - UInt64(packedSlotBits)))
    }

    @inline(__always)
    func packedCount(_ key: UInt64) -> Int? {
        let slot = Self.packedSlot(key)
        return packedKeys[slot] == key ? Int(packedCounts[slot]) : nil
    }

    /// Replaces whatever shared the slot (direct-mapped: the latest piece wins).
    @inline(__always)
    func rememberPacked(_ key: UInt64, count: Int) {
        let slot = Self.packedSlot(key)
        packedKeys[slot] = key
        packedCounts[slot] = UInt8(truncatingIfNeeded: count)
    }

    // MARK: - Whole texts

    /// Texts of `textBytesMin ... textBytesMax` bytes are remembered whole: a chat request
    /// re-sends its conversation's earlier turns, the assistant's last reply among them, and an
    /// account's requests share a long system prompt, so on chat traffic most message bytes
    /// are texts counted before (59% on a realistic generated day, with the earlier text at
    /// most 1 MB back). A hit costs a hash and a compare of the bytes instead of the
    /// pre-tokenizer and a lookup per piece. Exact like the piece table: the full bytes are
    /// compared, and the special-token policy is part of the key. Shorter texts are a few
    /// pieces (the piece table serves them); longer ones are rare in requests and would crowd
    /// the arena (and keep `benchmarks/tokenizer.sh`'s whole-file counts the piece cache's).
    static let textBytesMin = 32
    static let textBytesMax = 64 << 10
    static let textSlotCount = 1 << 14
    static let textArenaBytes = 4 << 20

    /// `hash` per slot; `textLocations` is `offset << 32 | recognised << 31 | length`, 0 when empty.
    private let textHashes = UnsafeMutablePointer<UInt64>.allocate(capacity: textSlotCount)
    private let textLocations = UnsafeMutablePointer<UInt64>.allocate(capacity: textSlotCount)
    private let textCounts = UnsafeMutablePointer<UInt32>.allocate(capacity: textSlotCount)
    /// Untouched pages of the arena cost no memory (an allocation this large is mapped lazily).
    private let textArena = UnsafeMutablePointer<UInt8>.allocate(capacity: textArenaBytes)
    private var textArenaUsed = 0
    private var textsFilled = 0

    @inline(__always)
    private static func textTag(_ length: Int, recognised: Bool) -> UInt64 {
        UInt64(truncatingIfNeeded: length) | (recognised ? 1 << 31 : 0)
    }

    /// The remembered count of exactly this text under this policy, or nil.
    func textCount(_ text: UnsafeBufferPointer<UInt8>, hash: UInt64, recognised: Bool) -> Int? {
        let tag = Self.textTag(text.count, recognised: recognised)
        var slot = Int(truncatingIfNeeded: hash >> 20) & (Self.textSlotCount - 1)
        while true {
            let location = textLocations[slot]
            if location == 0 { return nil }
            if textHashes[slot] == hash, location & 0xFFFF_FFFF == tag,
                memcmp(textArena + Int(location >> 32), text.baseAddress!, text.count) == 0
            {
                return Int(textCounts[slot])
            }
            slot = (slot + 1) & (Self.textSlotCount - 1)
        }
    }

    /// Remembers `count` for this text, starting over first when the table is half full or the
    /// arena has no room (the texts that come back soonest return within a few requests).
    func rememberText(_ text: UnsafeBufferPointer<UInt8>, hash: UInt64, recognised: Bool, count: Int) {
        if textsFilled >= Self.textSlotCount / 2 || textArenaUsed + text.count > Self.textArenaBytes {
            textLocations.update(repeating: 0, count: Self.textSlotCount)
            textsFilled = 0
            textArenaUsed = 0
        }
        var slot = Int(truncatingIfNeeded: hash >> 20) & (Self.textSlotCount - 1)
        while textLocations[slot] != 0 { slot = (slot + 1) & (Self.textSlotCount - 1) }
        (textArena + textArenaUsed).update(from: text.baseAddress!, count: text.count)
        textHashes[slot] = hash
        textLocations[slot] = UInt64(textArenaUsed) << 32 | Self.textTag(text.count, recognised: recognised)
        textCounts[slot] = UInt32(truncatingIfNeeded: count)
        textArenaUsed += text.count
        textsFilled += 1
    }

    // MARK: - One cache per thread and vocabulary

    /// This thread's cache for the vocabulary numbered `vocabulary` (see `Encoding.cacheIndex`).
    static func current(vocabulary: Int) -> PieceCountCache {
        let caches = ThreadCaches.current
        let epoch = generation.load(ordering: .relaxed)
        if caches.generation != epoch {
            caches.byVocabulary = ThreadCaches.empty()
            caches.generation = epoch
        }
        if let cache = caches.byVocabulary[vocabulary] { return cache }
        let cache = PieceCountCache()
        caches.byVocabulary[vocabulary] = cache
        return cache
    }
}

/// The caches of one thread, released with the thread (the key's destructor).
final class ThreadCaches {
    var byVocabulary = ThreadCaches.empty()
    static func empty() -> [PieceCountCache?] { Array(repeating: nil, count: EncodingName.allCases.count) }
    /// The `generation` these caches were made in; an older one is dropped on next use.
    var generation = 0
    /// What each model name decides (`ModelRules.forModel`); emptied when it grows past
    /// `ModelRules.rememberedMax`, so a log of made-up names cannot grow it without bound.
    var modelRules: [String: ModelRules] = [:]

    /// This thread's caches, made on first use.
    static var current: ThreadCaches {
        if let existing = pthread_getspecific(threadKey) {
            return Unmanaged<ThreadCaches>.fromOpaque(existing).takeUnretainedValue()
        }
        let caches = ThreadCaches()
        pthread_setspecific(threadKey, Unmanaged.passRetained(caches).toOpaque())
        return caches
    }
}

/// Bumped by `Encoding.forgetRememberedCounts()`: every thread's caches start over.
private let generation = Atomic<Int>(0)

extension Encoding {
    /// Makes every thread forget the piece counts it remembered, so the next counts run cold.
    /// Only benchmarks need this: they time each round from a cold start, as tiktoken (which
    /// remembers nothing) always runs. Counts are the same either way.
    public static func forgetRememberedCounts() {
        generation.add(1, ordering: .relaxed)
    }
}

private let threadKey: pthread_key_t = {
    var key = pthread_key_t()
    let status = pthread_key_create(&key) { pointer in
        guard let pointer else { return }
        Unmanaged<ThreadCaches>.fromOpaque(pointer).release()
    }
    precondition(status == 0, "pthread_key_create failed (\(status))")
    return key
}()
