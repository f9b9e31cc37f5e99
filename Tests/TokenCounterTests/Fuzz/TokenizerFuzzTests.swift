import Foundation
import TestSupport
import Testing

@testable import TokenCounter

/// Short seeded runs of the differential tokenizer targets in every `swift test` (the long runs
/// are `fuzz/run.sh pretokenizer|encoding`), and the replay of every input that ever disagreed.
@Suite struct TokenizerFuzzTests {

    /// Mostly palette bytes (≥ 0x80) and the ASCII the patterns care about.
    static func input(_ random: inout SeededRandom) -> [UInt8] {
        let ascii = Array("aZ09 '\t\r\n/.-sdmtlvre".utf8)
        var bytes: [UInt8] = [UInt8(truncatingIfNeeded: random.next())]
        for _ in 0..<(1 + random.below(40)) {
            switch random.below(3) {
            case 0: bytes.append(ascii[random.below(ascii.count)])
            case 1: bytes.append(UInt8(0x80 + random.below(128)))
            default: bytes.append(UInt8(truncatingIfNeeded: random.next()))
            }
        }
        return bytes
    }

    @Test(arguments: [("pretokenizer", 4000), ("encoding", 2500)])
    func seededInputsAgreeWithTheReference(_ target: String, _ inputs: Int) {
        var random = SeededRandom(seed: 0x70CE_2026)
        var failures: [String] = []
        for _ in 0..<inputs {
            let bytes = Self.input(&random)
            if let failure = TokenizerFuzzTargets.run(target, bytes) {
                failures.append("\(failure) — input \(bytes)")
                if failures.count >= 3 { break }
            }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
    }

    /// The backtracking splitter itself, on splits worked out by hand from the patterns, and
    /// against the ICU reference (these texts are ASCII, where the two agree on classes).
    @Test(arguments: [
        (PatternFamily.cl100k, "Hello world's  \n\n 123456", ["Hello", " world", "'s", "  \n\n", " ", "123", "456"]),
        (.r50k, "Hello world's  \n\n 123456", ["Hello", " world", "'s", "  \n\n", " 123456"]),
        (.o200k, "HELLOworld's //x\r\n", ["HELLOworld's", " //", "x", "\r\n"]),
        (.o200k, "  a", [" ", " a"]),
        (.cl100k, "a  ", ["a", "  "]),
    ])
    func backtrackingSplitterOnKnownSplits(_ family: PatternFamily, _ text: String, _ expected: [String]) {
        let utf8 = Array(text.utf8)
        let pieces = BacktrackingSplitter(family: family).pieces(text).map {
            String(decoding: utf8[$0.start..<$0.end], as: UTF8.self)
        }
        #expect(pieces == expected)
        #expect(pieces.map { Array($0.utf8) } == ReferenceSplitter(family: family).pieces(text))
    }

    @Test(arguments: TokenizerFuzzTargets.names)
    func regressionInputsAgree(_ target: String) throws {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        let directory = url.path + "/Tests/Fixtures/fuzz-regressions/" + target
        let names =
            (try? FileManager.default.contentsOfDirectory(atPath: directory))?.filter {
                !$0.hasPrefix(".") && $0 != "README.md"
            }.sorted() ?? []
        for name in names {
            let bytes = try #require(FileManager.default.contents(atPath: directory + "/" + name))
            #expect(TokenizerFuzzTargets.run(target, Array(bytes)) == nil, "\(target)/\(name)")
        }
    }
}
