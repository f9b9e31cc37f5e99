import Foundation
import Testing

/// `--spill-dir` and `--sort-memory`: a run that spills (1 MB of sort memory over 3,000 lines
/// of long prompts) writes the same reports as one that does not, and leaves nothing behind.
@Suite struct SpillDirectoryTests {
    @Test func spillingToAnotherDirectoryGivesTheSameReportsAndLeavesItEmpty() throws {
        let f = try CLIFixture()
        let filler = String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 20)
        try f.standard(
            (0..<3000).map { i in
                cliLine(
                    "s\(i)", account: "acct\(i % 7)", amount: String(18 + i % 5),
                    extra: "\"request\": {\"messages\": [{\"role\": \"user\", \"content\": \"\(filler)\(i)\"}]}")
            })
        try FileManager.default.createDirectory(atPath: f.directory + "/scratch", withIntermediateDirectories: true)
        #expect(runRecount(["reconcile", f.input, "--out", f.directory + "/a", "--all-rows"]).status == 0)
        let spilled = runRecount([
            "reconcile", f.input, "--out", f.directory + "/b", "--all-rows",
            "--sort-memory", "1", "--spill-dir", f.directory + "/scratch",
        ])
        #expect(spilled.status == 0, "\(spilled.err)")
        #expect(try f.files(in: f.directory + "/b") == f.files(in: f.directory + "/a"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: f.directory + "/scratch").isEmpty)
        #expect(
            try FileManager.default.contentsOfDirectory(atPath: f.directory + "/b").filter { $0.contains("spill") }
                .isEmpty)

        let missing = runRecount([
            "reconcile", f.input, "--out", f.directory + "/c", "--spill-dir", f.directory + "/nope",
        ])
        #expect(missing.status == 66 && missing.err.contains("--spill-dir"))
    }
}
