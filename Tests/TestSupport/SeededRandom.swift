/// The tests' one seeded PRNG: SplitMix64 — small, deterministic, the same on every platform,
/// so a seed names the same values on every machine. (The fuzz harnesses compile
/// `FuzzMutator.swift` on its own, so `FuzzRandom` there is its standalone twin; the sample
/// generator has its own `SampleRandom`, whose streams the sample's files depend on.)
public struct SeededRandom: Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<n` (0 when `n` ≤ 1), by modulo: the bias does not matter to a test.
    public mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }

    public mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}
