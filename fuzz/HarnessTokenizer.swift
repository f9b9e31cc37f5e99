import Foundation

// libFuzzer entry point for the differential tokenizer targets (pretokenizer, encoding). The
// target itself is `TokenizerFuzzTargets.run` in Tests/TokenCounterTests/Fuzz/, shared with
// swift test; `fuzz/build.sh` writes `fuzzTargetName`. libFuzzer's own mutations suffice: the
// input's bytes ≥ 0x80 already pick interesting scalars (see `TokenizerFuzzTargets.text`).

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = size == 0 || data == nil ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    if let failure = TokenizerFuzzTargets.run(fuzzTargetName, bytes) {
        fputs("\nDISAGREEMENT (\(fuzzTargetName)): \(failure)\n", stderr)
        abort()
    }
    return 0
}
