import Foundation
import Testing

@testable import RecountKit

/// The fuzz invariants in every `swift test`: a short seeded run of the structure-aware mutator
/// per target (the long runs are `fuzz/run.sh`), and every input that ever broke an invariant,
/// replayed from `Tests/Fixtures/fuzz-regressions/<target>/`.
@Suite struct DecoderFuzzTests {
    static let smokeInputs = ["record": 3000, "stream": 3000, "catalog": 1500, "ledger": 3000]

    @Test(arguments: RecountFuzzTargets.names)
    func seededMutationsKeepTheInvariants(_ target: String) throws {
        let seeds = FuzzSeeds.seeds(for: target)
        try #require(!seeds.isEmpty)
        var random = FuzzRandom(seed: 0xF022 ^ UInt64(target.utf8.count))
        var failures: [String] = []
        for index in 0..<Self.smokeInputs[target]! {
            let seed = seeds[index % seeds.count]
            let input =
                index < seeds.count ? seed : FuzzMutator.mutate(seed, seeds: seeds, maxSize: 1 << 16, random: &random)
            if let failure = RecountFuzzTargets.run(target, input) {
                failures.append("\(failure) — input (base64): \(Data(input).base64EncodedString().prefix(300))")
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(target): \(failures.joined(separator: "\n"))")
    }

    /// The mutators start mostly from valid records (the samples hold a few bad lines on purpose).
    @Test func seedRecordsAreMostlyValid() throws {
        var decoded = 0
        let seeds = FuzzSeeds.seeds(for: "record")
        for seed in seeds {
            let result = seed.withUnsafeBufferPointer {
                RecordDecoder.decode($0, at: SourceLocation(file: "seed", line: 1))
            }
            if case .success = result { decoded += 1 }
        }
        #expect(decoded >= seeds.count - 6 && decoded >= 30, "\(decoded) of \(seeds.count) seeds decode")
    }

    @Test(arguments: RecountFuzzTargets.names)
    func regressionInputsKeepTheInvariants(_ target: String) throws {
        let directory = RecountFuzzTargets.repositoryRoot + "/Tests/Fixtures/fuzz-regressions/" + target
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter {
                !$0.hasPrefix(".") && $0 != "README.md"
            }.sorted() ?? []
        for name in names {
            let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + name))
            #expect(RecountFuzzTargets.run(target, Array(bytes)) == nil, "\(target)/\(name)")
        }
    }
}
