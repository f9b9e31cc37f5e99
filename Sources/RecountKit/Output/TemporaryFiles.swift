import Foundation
import Synchronization

/// The temporary files this process has open for writing, so a signal handler can remove them
/// (SIGTERM / SIGINT midway through writing reports: the previous reports stay, and no
/// `.name.tmp-PID` is left behind).
///
/// Whatever stages a temporary file registers its path before creating it and unregisters it
/// once it is renamed into place or removed (`OutputDirectory.stage/commit/discard` do).
/// `removeAll()` is async-signal-safe: it reads preallocated C strings through atomic flags and
/// calls only `unlink(2)` — no allocation, no locks, no Swift runtime calls that could block.
/// Paths are copied into fixed slots at `register`, outside the handler.
///
/// A slot is rewritten only after its path was unregistered (renamed into place or removed),
/// so a handler running on another thread during a `register` reads either a free slot or a
/// temporary's name.
///
/// Limits, by design: `slotsMax` paths at once and `pathBytesMax` bytes per path. A path that
/// does not fit is not covered here; the next run's stale-temporary sweep
/// (`OutputDirectory.init`) still removes it.
public enum TemporaryFiles {
    public static let slotsMax = 64
    public static let pathBytesMax = 4096

    /// One slot: a preallocated NUL-terminated path and whether it is in use.
    final class Slot: Sendable {
        /// 0 free, 1 being written by `register`, 2 registered.
        let state = Atomic<Int>(0)
        nonisolated(unsafe) let path: UnsafeMutablePointer<CChar>
        init() {
            path = .allocate(capacity: TemporaryFiles.pathBytesMax + 1)
            path.initialize(repeating: 0, count: TemporaryFiles.pathBytesMax + 1)
        }
    }

    /// Allocated once, never freed: a handler may read it at any moment.
    static let slots: [Slot] = (0..<slotsMax).map { _ in Slot() }

    /// Forces the table into existence (call before installing a signal handler, so the
    /// handler never runs the lazy initializer).
    public static func prepare() { _ = slots.count }

    /// Registers `path` for removal on a signal. Returns false if it could not be covered.
    @discardableResult
    public static func register(_ path: String) -> Bool {
        let bytes = Array(path.utf8)
        guard bytes.count <= pathBytesMax, !bytes.contains(0) else { return false }
        if registered.contains(path) { return true }  // staging one name twice: one slot
        for slot in slots {
            guard slot.state.compareExchange(expected: 0, desired: 1, ordering: .acquiringAndReleasing).exchanged else {
                continue
            }
            bytes.withUnsafeBufferPointer { source in
                slot.path.withMemoryRebound(to: UInt8.self, capacity: pathBytesMax + 1) { target in
                    if let base = source.baseAddress { target.update(from: base, count: bytes.count) }
                    target[bytes.count] = 0
                }
            }
            slot.state.store(2, ordering: .releasing)
            return true
        }
        return false
    }

    /// Forgets `path` (renamed into place or removed). Unknown paths are ignored.
    public static func unregister(_ path: String) {
        for slot in slots where slot.state.load(ordering: .acquiring) == 2 && String(cString: slot.path) == path {
            slot.state.store(0, ordering: .releasing)
            return
        }
    }

    /// The registered paths (for tests and diagnostics; not for a signal handler).
    public static var registered: [String] {
        slots.filter { $0.state.load(ordering: .acquiring) == 2 }.map { String(cString: $0.path) }
    }

    /// Unlinks every registered path. Async-signal-safe (see the type's comment).
    public static func removeAll() {
        for index in 0..<slotsMax {
            let slot = slots[index]
            if slot.state.load(ordering: .acquiring) == 2 { unlink(slot.path) }
        }
    }
}
