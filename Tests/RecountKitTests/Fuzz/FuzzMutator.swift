/// Structure-aware mutations for the decoder fuzz targets, shared by the libFuzzer harnesses
/// (`fuzz/`, as a custom mutator) and the seeded smoke runs in `swift test`.
///
/// Each mutation is one kind of bad input the README promises to survive: truncation, byte
/// flips, splices of valid records, deep nesting, huge and odd numbers, lone surrogates, NULs,
/// a BOM, CRLF, invalid UTF-8, SSE framing garbage, values of the wrong type. No `Testing`
/// import here: `fuzz/build.sh` compiles this file into the harnesses as it is.

/// SplitMix64: small, deterministic, the same on every platform.
struct FuzzRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { n <= 1 ? 0 : Int(next() % UInt64(n)) }
    mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
    mutating func chance(_ oneIn: Int) -> Bool { below(oneIn) == 0 }
}

enum FuzzMutator {
    /// Fragments spliced in at random places.
    static let fragments: [String] = [
        // numbers that break naive readers
        "1e-9223372036854775808", "1e9223372036854775807", "99999999999999999999999999999999999999999",
        "-0", "-1", "1e400", "1e-400", "0.0000000000000000000000000000000000000001", "1E+38", "2e-39",
        "170141183460469231731687303715884105727", "-170141183460469231731687303715884105728",
        "18446744073709551616", "9223372036854775808", "4503599627370497", "1/3", "NaN", "Infinity",
        "\"1e3\"", "\" 12 \"", "\"\"", "\"-5\"", "\"0x10\"", "\"١٢\"", "1.", ".5", "01", "+1",
        // times
        "\"2024-02-29T23:59:60+08:00\"", "\"2023-02-29T00:00:00Z\"", "\"2024-03-01T08:00:00.1234567890+08:00\"",
        "\"2024-03-01T08:00:00\"", "\"2024-03-01 08:00:00-23:59\"", "\"9999-12-31T23:59:59+14:00\"",
        "\"0000-01-01T00:00:00Z\"", "1709251200000", "1709251200.123456789", "99999999999", "100000000000",
        "999999999999999", "1000000000000000", "\"1709251200\"",
        // strings that break naive writers
        "\"\\ud800\"", "\"\\udc00\"", "\"\\ud800\\u0041\"", "\"\\ud83d\\ude00\"", "\"\\u0000\"", "\"\\uFFFF\"",
        "\"\\u12\"", "\"\\x41\"", "\"<script>alert(1)</script>\"", "\"=HYPERLINK(\\\"http://x\\\")\"",
        "\"../../etc/passwd\"", "\"sk-proj-SECRETSECRETSECRET0000\"", "\"\u{2028}\u{85}\"",
        // wrong types
        "null", "true", "false", "{}", "[]", "[null]", "{\"\":null}", "7", "\"7\"",
        // SSE framing garbage
        "\"data: [DONE]\"", "\"data: {\\\"choices\\\":[{\\\"delta\\\":{\\\"content\\\":\\\"x\\\"}}]}\"",
        "\"data:{\\\"usage\\\":{\\\"prompt_tokens\\\":1}}\\r\\ndata: [DONE]\\r\\n\\r\\n\"",
        "\"event: ping\\n: comment\\nid: 7\"",
        "\"data:\"", "\"data: \"", "\"data: {\"", "\"\\r\\r\\n\\n\"",
        // field names and structure
        "\"id\":", "\"time\":", "\"account\":", "\"model\":", "\"key\":", "\"group\":", "\"endpoint\":",
        "\"status\":", "\"stream\":", "\"request\":", "\"response\":", "\"usage\":", "\"billed\":",
        "\"amount\":", "\"prompt_tokens\":", "\"completion_tokens\":", "\"cached_tokens\":",
        "\"prompt_tokens_details\":", "\"choices\":", "\"delta\":", "\"content\":", "\"tool_calls\":",
        "\"function\":", "\"arguments\":", "\"index\":", "\"messages\":", "\"n\":", "\"size\":", "\"seconds\":",
        "\"created_at\":", "\"use_time\":", "\"quota\":", "\"model_name\":", "\"username\":", "\"user_id\":",
        "\"type\":", "\"request_id\":", "\"debit_id\":", "\"pricing_version\":",
        "\"schema\":", "\"recount.pricing/1\"", "\"versions\":", "\"effective_from\":", "\"rounding\":",
        "\"models\":", "\"groups\":", "\"exchange_rates\":", "\"minimum_charge\":", "\"multiplier\":",
        "\"input_per_1k\":", "\"output_per_1m\":", "\"model_ratio\":", "\"completion_ratio\":", "\"per_image\":",
        "\"published\":", "\"per_currency\":", "\"scale\":", "\"unit\":", "\"currency\":", "\"*\"", "\"gpt-4*\"",
        ",", ":", "{", "}", "[", "]", "\"", "\\", "\\\"",
        // CSV
        "\"\"\"", "\",\"", "\"a\nb\"", "=SUM(A1)", ",,,,", "debit_id,request_id,account,amount",
    ]

    /// Byte sequences that are not UTF-8 (or are special in it).
    static let badBytes: [[UInt8]] = [
        [0xFF], [0xFE], [0x80], [0xC0, 0x80], [0xC3], [0xE2, 0x82], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80],
        [0xF0, 0x9F, 0x98], [0x00], [0xEF, 0xBB, 0xBF], [0x0D], [0x0A], [0x0D, 0x0A], [0x1E], [0x7F],
        [0xE2, 0x80, 0xA8], [0xC2, 0x85],
    ]

    /// One to four mutations of `input`, at most `maxSize` bytes long.
    static func mutate(_ input: [UInt8], seeds: [[UInt8]], maxSize: Int, random: inout FuzzRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<(1 + random.below(4)) {
            bytes = mutateOnce(bytes, seeds: seeds, random: &random)
        }
        if bytes.count > maxSize { bytes.removeLast(bytes.count - maxSize) }
        return bytes
    }

    static func mutateOnce(_ input: [UInt8], seeds: [[UInt8]], random: inout FuzzRandom) -> [UInt8] {
        var bytes = input
        let at = random.below(bytes.count + 1)
        switch random.below(16) {
        case 0:  // truncate
            bytes.removeLast(bytes.count - at)
        case 1:  // flip bits of a byte
            if !bytes.isEmpty { bytes[random.below(bytes.count)] ^= UInt8(truncatingIfNeeded: 1 << random.below(8)) }
        case 2:  // set a byte to something odd
            if !bytes.isEmpty {
                bytes[random.below(bytes.count)] = random.pick([
                    0x00, 0x22, 0x5C, 0x2C, 0x0A, 0x0D, 0x7B, 0x7D, 0x5B, 0x5D, 0x3A, 0xFF, 0x80,
                ])
            }
        case 3:  // splice a piece of a seed
            if let seed = seeds.isEmpty ? nil : random.pick(seeds), !seed.isEmpty {
                let start = random.below(seed.count)
                let end = start + random.below(seed.count - start + 1)
                bytes.insert(contentsOf: seed[start..<end], at: at)
            }
        case 4:  // replace the tail with another seed's tail (crossover)
            if let seed = seeds.isEmpty ? nil : random.pick(seeds), !seed.isEmpty {
                bytes = Array(bytes[..<at]) + seed[random.below(seed.count)...]
            }
        case 5, 6:  // insert a fragment
            bytes.insert(contentsOf: Array(random.pick(fragments).utf8), at: at)
        case 7:  // replace a JSON scalar value after a ':' with a fragment
            if let colon = bytes[at...].firstIndex(of: 0x3A) {
                var end = colon + 1
                while end < bytes.count, ![0x2C, 0x7D, 0x5D].contains(bytes[end]) { end += 1 }
                bytes.replaceSubrange((colon + 1)..<end, with: Array(random.pick(fragments).utf8))
            }
        case 8:  // deep nesting
            let depth = random.pick([10, 200, 255, 256, 257, 1000, 5000])
            let (open, close): (String, String) = random.chance(2) ? ("[", "]") : ("{\"a\":", "}")
            let nested =
                String(repeating: open, count: depth) + "1"
                + (random.chance(3) ? "" : String(repeating: close, count: depth))
            bytes.insert(contentsOf: Array(nested.utf8), at: at)
        case 9:  // invalid UTF-8 / NUL / BOM / CR
            bytes.insert(contentsOf: random.pick(badBytes), at: at)
        case 10:  // BOM in front
            bytes = [0xEF, 0xBB, 0xBF] + bytes
        case 11:  // LF -> CRLF everywhere, or a lone CR
            if random.chance(2) {
                bytes = bytes.flatMap { $0 == 0x0A ? [0x0D, 0x0A] : [$0] }
            } else {
                bytes.insert(0x0D, at: at)
            }
        case 12:  // duplicate a range (repeated keys, repeated lines)
            if !bytes.isEmpty {
                let start = random.below(bytes.count)
                let end = min(bytes.count, start + 1 + random.below(200))
                bytes.insert(contentsOf: bytes[start..<end], at: at)
            }
        case 13:  // delete a range
            if !bytes.isEmpty {
                let start = random.below(bytes.count)
                bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(40)))
            }
        case 14:  // a long run (long strings, long numbers)
            let unit = random.pick(["a", "9", " ", "\\n", "中", "\\ud800", "'s", "\",\"", "data: x\r\n"])
            bytes.insert(contentsOf: Array(String(repeating: unit, count: random.pick([64, 1000, 5000])).utf8), at: at)
        default:  // join lines / split lines
            if let newline = bytes.firstIndex(of: 0x0A), random.chance(2) {
                bytes.remove(at: newline)
            } else {
                bytes.insert(0x0A, at: at)
            }
        }
        return bytes
    }
}
