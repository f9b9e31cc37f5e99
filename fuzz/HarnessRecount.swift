import Foundation

// libFuzzer entry points for the decoder targets (record, stream, catalog, ledger). The target
// itself is `RecountFuzzTargets.run` in Tests/RecountKitTests/Fuzz/, shared with swift test;
// `fuzz/build.sh` writes `fuzzTargetName`.

private let seeds = FuzzSeeds.seeds(for: fuzzTargetName)

@_cdecl("LLVMFuzzerInitialize")
public func fuzzInitialize(
    _ argc: UnsafeMutablePointer<CInt>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>
) -> CInt {
    // Seeds go into the seed corpus directory run.sh names, once.
    if let directory = ProcessInfo.processInfo.environment["FUZZ_SEED_DIR"] {
        try? FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        for (index, seed) in seeds.enumerated() {
            FileManager.default.createFile(atPath: directory + "/seed-\(index)", contents: Data(seed))
        }
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = RecountFuzzTargets.run(fuzzTargetName, bytes) {
        fputs("\nINVARIANT BROKEN (\(fuzzTargetName)): \(failure)\n", stderr)
        abort()
    }
    return 0
}

@_silgen_name("LLVMFuzzerMutate")
func libFuzzerMutate(_ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int) -> Int

/// Half of the mutations are libFuzzer's own (coverage-guided byte edits), half are
/// `FuzzMutator`'s structure-aware ones (splices of valid records, odd numbers, nesting…).
@_cdecl("LLVMFuzzerCustomMutator")
public func fuzzCustomMutator(
    _ data: UnsafeMutablePointer<UInt8>, _ size: Int, _ maxSize: Int, _ seed: CUnsignedInt
) -> Int {
    var random = FuzzRandom(seed: UInt64(seed))
    if random.chance(2) { return libFuzzerMutate(data, size, maxSize) }
    let input = Array(UnsafeBufferPointer(start: data, count: size))
    let output = FuzzMutator.mutate(input, seeds: seeds, maxSize: maxSize, random: &random)
    output.withUnsafeBufferPointer { buffer in
        if let base = buffer.baseAddress { data.update(from: base, count: buffer.count) }
    }
    return output.count
}
