import RecountKit

/// The sample generator's random numbers: SplitMix64, one independent stream per record.
///
/// Why not `SystemRandomNumberGenerator` or `Int.random(in:using:)`: a sample must be
/// byte-identical for the same `--records` and `--seed` on every machine, every Swift version
/// and every `--jobs`. SplitMix64 is fully specified (Steele, Lea & Flood 2014), and the
/// helpers below reduce to integers with our own arithmetic, so nothing depends on how the
/// standard library maps random bits to ranges. Why one stream per record, seeded from
/// `(seed, index)`: records can then be generated in any order, on any thread, and still come
/// out the same — the parallel writer depends on it.
///
/// No `Double` anywhere: probabilities are per-mille integers, weights are integers.
struct SampleRandom {
    private var state: UInt64

    /// The stream of record `index` (or of any other numbered thing) under `seed`.
    /// `salt` separates streams that share an index (accounts vs records vs retries).
    init(seed: UInt64, index: UInt64, salt: UInt64 = 0) {
        state = Self.mix(seed ^ Self.mix(index &+ 0x632B_E59B_D9B4_E019 &* (salt &+ 1)))
    }

    /// SplitMix64's output function: a bijective 64-bit finaliser.
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9E37_79B9_7F4A_7C15
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound` (multiply-high; the bias, below 2^-40 for our bounds, is
    /// irrelevant to a sample and keeps the draw count fixed, which keeps streams aligned).
    mutating func below(_ bound: Int) -> Int {
        precondition(bound > 0, "empty range")
        return Int(next().multipliedFullWidth(by: UInt64(bound)).high)
    }

    /// A number in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + below(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `perMille` / 1000.
    mutating func chance(_ perMille: Int) -> Bool { below(1000) < perMille }

    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }

    /// An index into `weights`, each chosen in proportion to its (non-negative) weight.
    mutating func weighted(_ weights: [Int]) -> Int {
        var draw = below(weights.reduce(0, +))
        for (index, weight) in weights.enumerated() {
            if draw < weight { return index }
            draw -= weight
        }
        return weights.count - 1
    }

    /// A skewed draw in `0..<bound`, low values far more likely (about `bound · u³`): a few
    /// accounts send most traffic, most texts are short and a few are long.
    mutating func skewed(_ bound: Int) -> Int {
        let u = UInt64(below(1 << 20))
        return Int((((u * u * u) >> 30) * UInt64(bound)) >> 30)
    }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        var bits = next()
        for index in 0..<count {
            if index % 16 == 0 && index > 0 { bits = next() }
            bytes.append(digits[Int(bits & 15)])
            bits >>= 4
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
