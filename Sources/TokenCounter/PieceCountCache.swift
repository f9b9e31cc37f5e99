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
    }

    deinit {
        hashes.deallocate()
        locations.deallocate()
        arena.deallocate()
        packedKeys.deallocate()
        packedCounts.deallocate()
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

    // MARK: - One cache per thread and vocabulary

    /// This thread's cache for the vocabulary numbered `vocabulary` (see `Encoding.cacheIndex`).
    static func current(vocabulary: Int) -> PieceCountCache {
        let caches = ThreadCaches.current
        let epoch = rememberedCountsGeneration.load(ordering: .relaxed)
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

/// Bumped by `Encoding.forgetRememberedCounts()`: every thread's caches, and every encoding's
/// `TextCountMemory`, start over.
let rememberedCountsGeneration = Atomic<Int>(0)

extension Encoding {
    /// Makes every thread forget the piece counts it remembered, so the next counts run cold.
    /// Only benchmarks need this: they time each round from a cold start, as tiktoken (which
    /// remembers nothing) always runs. Counts are the same either way.
    public static func forgetRememberedCounts() {
        rememberedCountsGeneration.add(1, ordering: .relaxed)
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
