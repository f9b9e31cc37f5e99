import Foundation
import Testing

/// `recount sample` end to end: a generated day reconciles to exactly what `sample.json`
/// says — every class, every overcharge cause, and only the injected broken lines rejected.
@Suite struct SampleCommandTests {
    static let allClasses = [
        "ok", "overcharge", "undercharge", "failed_request_charged", "duplicate_charge",
        "missing_charge", "orphan_debit", "unpriced_model",
    ]
    static let overchargeCauses = ["prompt_tokens", "completion_tokens", "price_version", "rounding", "rate"]

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// Both profiles: the realistic one's texts, conversations and sizes differ, the injected
    /// classes, causes and rejects must be found all the same.
    @Test(arguments: ["classic", "realistic"])
    func reconcileFindsEveryInjectedClassCauseAndReject(profile: String) throws {
        let f = try CLIFixture()
        let profileFlag = profile == "classic" ? [] : ["--profile", profile]
        let generated = runRecount(
            ["sample", "--records", "2000", "--seed", "42", "--out", f.input, "--jobs", "2"] + profileFlag)
        #expect(generated.status == 0, "\(generated.err)")
        #expect(generated.out.hasPrefix("recount sample: 2000 records (seed 42)"))
        let run = f.reconcile()
        #expect(run.status == 0, "\(run.err)")

        let manifest = try json(f.input + "/sample.json")
        let expected = try #require(manifest["expected"] as? [String: Any])
        let summary = try json(f.out + "/summary.json")
        let counts = try #require(summary["counts"] as? [String: Any])
        let classes = try #require(summary["classes"] as? [String: [String: Any]])
        let expectedClasses = try #require(expected["classes"] as? [String: Int])
        for name in Self.allClasses {
            let found = classes[name]?["count"] as? Int
            #expect(
                found == expectedClasses[name],
                "\(name): reconcile \(found ?? -1), sample.json \(expectedClasses[name] ?? -1)")
            #expect((found ?? 0) > 0, "no \(name) in a 2,000-record sample")
        }
        #expect(counts["requests"] as? Int == expected["requests"] as? Int)
        #expect(counts["debits"] as? Int == expected["debits"] as? Int)
        #expect(counts["rejected_log_lines"] as? Int == expected["rejected_log_lines"] as? Int)
        #expect(counts["rejected_debit_lines"] as? Int == expected["rejected_debit_lines"] as? Int)

        // Rejected: exactly the injected lines, at the positions sample.json gives.
        let injected = try #require(manifest["rejects"] as? [[String: Any]])
        let wanted = Set(injected.map { "\($0["file"]!):\($0["line"]!)" })
        let rejected = Set(
            try f.read("rejects.jsonl").split(separator: "\n").map { line -> String in
                let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                let file = (object?["file"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } ?? "?"
                return "\(file):\(object?["line"] ?? "?")"
            })
        #expect(rejected == wanted)
        #expect(wanted.count >= 5)

        // Overcharges with each cause, as sample.json counts them.
        let causes = try #require(expected["overcharge_causes"] as? [String: Int])
        var found: [String: Int] = [:]
        let rows = parseCSV(try f.read("discrepancies.csv"))
        let header = try #require(rows.first)
        let classColumn = try #require(header.firstIndex(of: "class"))
        let causeColumn = try #require(header.firstIndex(of: "cause"))
        for row in rows.dropFirst() where row[classColumn] == "overcharge" { found[row[causeColumn], default: 0] += 1 }
        #expect(found == causes)
        for cause in Self.overchargeCauses { #expect((found[cause] ?? 0) > 0, "no overcharge caused by \(cause)") }
    }

    @Test(arguments: [
        ["sample", "--out", "/tmp/x"],
        ["sample", "--records", "10"],
        ["sample", "--records", "0", "--out", "/tmp/x"],
        ["sample", "--records", "ten", "--out", "/tmp/x"],
        ["sample", "--records", "10", "--seed", "-1", "--out", "/tmp/x"],
        ["sample", "--records", "10", "--out", "/tmp/x", "--jobs", "0"],
        ["sample", "--records", "10", "--out", "/tmp/x", "--bogus"],
        ["sample", "--records", "10", "--out", "/tmp/x", "extra"],
        ["sample", "--records", "10", "--records", "11", "--out", "/tmp/x"],
        ["sample", "--records", "10", "--out", "/tmp/x", "--profile", "busy"],
    ])
    func badFlagsAreUsageErrors(argv: [String]) {
        let run = runRecount(argv)
        #expect(run.status == 64, "\(argv): \(run.err)")
        #expect(run.err.contains("usage: recount sample"))
        #expect(run.out.isEmpty)
    }

    @Test func helpDescribesTheFiles() {
        let run = runRecount(["sample", "--help"])
        #expect(run.status == 0)
        #expect(run.out.contains("--records N") && run.out.contains("sample.json") && run.out.contains("debits.jsonl"))
    }

    @Test func anUnwritableDirectoryIsAnIOError() throws {
        let f = try CLIFixture()
        let blocker = try f.write("file", "not a directory")
        let run = runRecount(["sample", "--records", "5", "--out", blocker + "/day"])
        #expect(run.status == 74, "\(run.err)")
        #expect(run.err.contains(blocker))
    }
}
