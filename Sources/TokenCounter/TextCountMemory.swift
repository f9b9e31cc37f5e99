import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Token counts of whole texts, remembered by one `Encoding` for every thread of the process.
///
/// Why: a chat request re-sends its conversation's earlier turns, the assistant's last reply
/// among them, and an account's requests share a long system prompt, so on chat traffic most
/// message bytes are texts counted before (57% on the realistic generated day). A hit costs a
/// hash and a compare of the bytes instead of the pre-tokenizer and a lookup per piece. Exact
/// like the piece table: the full bytes are compared, and the special-token policy is part of
/// the key.
///
/// Shared, not per thread: a run hands out lines to its workers in strides of 16, so the turns
/// of one conversation land on either thread. With a memory per thread each thread counted
/// each repeated text once more (on the realistic 100k day at `--jobs 2`, 118 MB of message
/// text counted where 92 MB is unique); shared, and four times as large, it counts 95 MB. The
/// price is a lock per text of `textBytesMin ... textBytesMax` bytes (about 5 per request),
/// uncontended almost always — a few dozen nanoseconds against microseconds of counting.
///
/// Bounded: `slotCount` slots and an arena of `arenaBytes` (untouched pages cost no memory);
/// when either is full the memory starts over (the texts that come back soonest return within
/// a few hundred requests).
final class TextCountMemory: @unchecked Sendable {
    /// Shorter texts are a few pieces (the piece table serves them); longer ones are rare in
    /// requests and would crowd the arena (and keep `benchmarks/tokenizer.sh`'s whole-file
    /// counts the piece cache's).
    static let textBytesMin = 32
    static let textBytesMax = 64 << 10
    static let slotCount = 1 << 16
    static let arenaBytes = 16 << 20

    /// Guards everything below; a `Mutex` because every access both reads and may start over.
    private let lock = Mutex(())
    /// `hash` per slot; `locations` is `offset << 32 | recognised << 31 | length`, 0 when empty.
    private let hashes = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount)
    private let locations = UnsafeMutablePointer<UInt64>.allocate(capacity: slotCount)
    private let counts = UnsafeMutablePointer<UInt32>.allocate(capacity: slotCount)
    private let arena = UnsafeMutablePointer<UInt8>.allocate(capacity: arenaBytes)
    private var arenaUsed = 0
    private var filled = 0
    /// The `rememberedCountsGeneration` the contents belong to; an older one starts over.
    private var generation = 0

    init() {
        hashes.initialize(repeating: 0, count: Self.slotCount)
        locations.initialize(repeating: 0, count: Self.slotCount)
        counts.initialize(repeating: 0, count: Self.slotCount)
    }

    deinit {
        hashes.deallocate()
        locations.deallocate()
        counts.deallocate()
        arena.deallocate()
    }

    @inline(__always)
    private static func tag(_ length: Int, recognised: Bool) -> UInt64 {
        UInt64(truncatingIfNeeded: length) | (recognised ? 1 << 31 : 0)
    }

    /// The remembered count of exactly this text under this policy, or nil.
    func count(_ text: UnsafeBufferPointer<UInt8>, hash: UInt64, recognised: Bool) -> Int? {
        let tag = Self.tag(text.count, recognised: recognised)
        return lock.withLock { _ -> Int? in
            startOverIfForgotten()
            var slot = Int(truncatingIfNeeded: hash >> 20) & (Self.slotCount - 1)
            while true {
                let location = locations[slot]
                if location == 0 { return nil }
                if hashes[slot] == hash, location & 0xFFFF_FFFF == tag,
                    memcmp(arena + Int(location >> 32), text.baseAddress!, text.count) == 0
                {
                    return Int(counts[slot])
                }
                slot = (slot + 1) & (Self.slotCount - 1)
            }
        }
    }

    /// Remembers `count` for this text, starting over first when the table is half full or the
    /// arena has no room. Two threads that counted the same text both remember it; either
    /// entry gives the same count.
    func remember(_ text: UnsafeBufferPointer<UInt8>, hash: UInt64, recognised: Bool, count: Int) {
        lock.withLock { _ in
            startOverIfForgotten()
            if filled >= Self.slotCount / 2 || arenaUsed + text.count > Self.arenaBytes { startOver() }
            var slot = Int(truncatingIfNeeded: hash >> 20) & (Self.slotCount - 1)
            while locations[slot] != 0 { slot = (slot + 1) & (Self.slotCount - 1) }
            (arena + arenaUsed).update(from: text.baseAddress!, count: text.count)
            hashes[slot] = hash
            locations[slot] = UInt64(arenaUsed) << 32 | Self.tag(text.count, recognised: recognised)
            counts[slot] = UInt32(truncatingIfNeeded: count)
            arenaUsed += text.count
            filled += 1
        }
    }

    /// Called with the lock held.
    private func startOverIfForgotten() {
        let current = rememberedCountsGeneration.load(ordering: .relaxed)
        if generation != current {
            startOver()
            generation = current
        }
    }

    /// Called with the lock held.
    private func startOver() {
        locations.update(repeating: 0, count: Self.slotCount)
        filled = 0
        arenaUsed = 0
    }
}
