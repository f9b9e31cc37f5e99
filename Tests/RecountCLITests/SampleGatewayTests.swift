import Foundation
import Testing

/// The `realistic` profile's new-api part (`DIR/gateway/`): reconcile must find every case
/// `sample.json` lists under `gateway.cases` — and nothing else.
///
/// Without and with `--bodies DIR/gateway/bodies/captures.jsonl` (SPEC §2.10): the same cases,
/// and with the bodies their requests counted as recounted.
@Suite struct SampleGatewayTests {
    struct Generated {
        let fixture: CLIFixture
        let gateway: [String: Any]
        var cases: [String: [String: Any]] {
            Dictionary(
                uniqueKeysWithValues: (gateway["cases"] as? [[String: Any]] ?? []).map {
                    ($0["request_id"] as! String, $0)
                })
        }
        var directory: String { fixture.input + "/gateway" }
    }

    func generate(records: Int = 1500, seed: UInt64 = 5) throws -> Generated {
        let f = try CLIFixture()
        let run = runRecount([
            "sample", "--records", String(records), "--seed", String(seed), "--profile", "realistic",
            "--out", f.input, "--jobs", "2",
        ])
        #expect(run.status == 0, "\(run.err)")
        let data = try Data(contentsOf: URL(fileURLWithPath: f.input + "/sample.json"))
        let manifest = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        return Generated(fixture: f, gateway: try #require(manifest["gateway"] as? [String: Any]))
    }

    /// Rows of `discrepancies.csv` by request id: (class, cause, cause_detail or nil).
    func rows(_ f: CLIFixture, out: String) throws -> [String: (String, String, String?)] {
        let table = parseCSV(try f.read("discrepancies.csv", in: out))
        let header = try #require(table.first)
        let id = try #require(header.firstIndex(of: "request_id"))
        let klass = try #require(header.firstIndex(of: "class"))
        let cause = try #require(header.firstIndex(of: "cause"))
        let detail = header.firstIndex(of: "cause_detail")
        var result: [String: (String, String, String?)] = [:]
        for row in table.dropFirst() where row.count == header.count {
            result[row[id]] = (row[klass], row[cause], detail.map { row[$0] })
        }
        return result
    }

    @Test func theSampleListsEveryInjectedGatewayCase() throws {
        let g = try generate()
        let cases = Array(g.cases.values)
        let causes = Dictionary(grouping: cases, by: { $0["cause"] as! String }).mapValues(\.count)
        #expect((causes["gateway_arithmetic"] ?? 0) >= 2)
        #expect((causes["stream_incomplete"] ?? 0) >= 2)
        let ratios = Set(cases.filter { $0["cause"] as? String == "rate" }.compactMap { $0["detail"] as? String })
        #expect(ratios == ["model_ratio", "completion_ratio", "group_ratio", "cache_ratio"])
        #expect((g.gateway["captured_bodies"] as? Int ?? 0) > 0)
        // Only the injected cases are anything but ok: the rest is billed by the gateway's formula.
        let classes = try #require(g.gateway["classes"] as? [String: Int])
        let notOK = cases.filter { $0["class"] as? String != "ok" }.count
        #expect(classes["ok"] == (g.gateway["requests"] as? Int ?? 0) - notOK)
        #expect(classes.values.reduce(0, +) == g.gateway["requests"] as? Int)
        #expect(Set(classes.keys).isSubset(of: ["ok", "overcharge"]))
        // Every row is a new-api logs row whose other is a JSON string.
        let text = try String(contentsOfFile: g.directory + "/logs.jsonl", encoding: .utf8)
        var types: Set<Int> = []
        var handWorked = 0
        for line in text.split(separator: "\n") {
            let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(row["other"] is String && row["request_id"] is String && row["quota"] is Int)
            types.insert(row["type"] as! Int)
            // The gateway's formula by hand for plain gpt-4o-mini rows of the default group
            // (model ratio 0.075, completion ratio 4, SPEC §2.6): quota = round half away
            // from zero of (prompt + 4 × completion) × 75 / 1000, at least 1.
            let other = try #require(
                try JSONSerialization.jsonObject(with: Data((row["other"] as! String).utf8)) as? [String: Any])
            if row["model_name"] as? String == "gpt-4o-mini", row["type"] as? Int == 2,
                other["group_ratio"] as? Int == 1,
                other["cache_tokens"] as? Int == 0, other["model_ratio"] as? Double == 0.075,
                other["completion_ratio"] as? Int == 4,
                g.cases[row["request_id"] as! String] == nil
            {
                let scaled = ((row["prompt_tokens"] as! Int) + 4 * (row["completion_tokens"] as! Int)) * 75
                #expect(row["quota"] as? Int == max(1, (scaled + 500) / 1000), "\(line)")
                handWorked += 1
            }
        }
        #expect(handWorked >= 10)
        #expect(types == [2, 5, 6], "consume, error and refund rows")
    }

    /// Passes with what exists today: the rows whose charge rests on their columns alone
    /// (tokens, group, quota; ids marked `-c-`) get exactly the classes sample.json gives.
    @Test func rowsPricedByTheirColumnsGetTheirClasses() throws {
        let g = try generate()
        let out = g.fixture.directory + "/gateway-out"
        let run = runRecount(["reconcile", g.directory, "--out", out, "--all-rows", "--jobs", "2"])
        #expect(run.status == 0, "\(run.err)")
        let found = try rows(g.fixture, out: out)
        var classes: [String: Int] = [:]
        for (id, (klass, _, _)) in found where id.contains("-c-") {
            classes[klass, default: 0] += 1
            let wanted = g.cases[id]?["class"] as? String ?? "ok"
            #expect(klass == wanted, "\(id): reconcile \(klass), sample.json \(wanted)")
        }
        #expect(classes == g.gateway["columns_only_classes"] as? [String: Int])
        #expect((classes["overcharge"] ?? 0) >= 6)
    }

    /// DEPENDS ON the gateway-row wiring of reconcile (branch gwint, SPEC §2.6): every row,
    /// cached, Anthropic, image, audio, surcharged, refunded and task rows included, gets the
    /// class sample.json gives; each injected case its cause (a `rate` naming its ratio in
    /// `cause_detail`); no other row a cause; no row rejected (refunds and task deltas net).
    @Test func everyGatewayCaseIsFoundAndNothingElse() throws {
        let g = try generate()
        let out = g.fixture.directory + "/gateway-out"
        let run = runRecount(["reconcile", g.directory, "--out", out, "--all-rows", "--jobs", "2"])
        #expect(run.status == 0, "\(run.err)")
        try expectEveryCase(g, out: out)
    }

    /// `--bodies` (SPEC §2.10): the captures join their rows — each capture's request is
    /// recounted, no longer re-priced only — and every case is still found, and nothing else
    /// (a capture's recount is the row's tokens, so joining it moves no charge).
    @Test func everyGatewayCaseIsFoundWithTheBodiesJoined() throws {
        let g = try generate()
        let out = g.fixture.directory + "/gateway-bodies-out"
        let run = runRecount([
            "reconcile", g.directory, "--bodies", g.directory + "/bodies/captures.jsonl", "--out", out, "--all-rows",
            "--jobs", "2",
        ])
        #expect(run.status == 0, "\(run.err)")
        try expectEveryCase(g, out: out)
        let data = try Data(contentsOf: URL(fileURLWithPath: out + "/summary.json"))
        let summary = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let counts = try #require(summary["counts"] as? [String: Any])
        let captured = try #require(g.gateway["captured_bodies"] as? Int)
        #expect(captured > 0)
        #expect(
            counts["bodies"] as? [String: Int] == [
                "read": captured, "joined": captured, "outside_window": 0, "rejected": 0,
            ])
        #expect(counts["recounted_requests"] as? Int == captured)
        #expect(counts["repriced_requests"] as? Int == (g.gateway["requests"] as? Int ?? 0) - captured)
        #expect(run.out.contains("\(captured) recounted"))
    }

    /// One expectation per kind of miss, naming the first few requests: a row-by-row flood
    /// would hide what is missing.
    func expectEveryCase(_ g: Generated, out: String) throws {
        let found = try rows(g.fixture, out: out)
        #expect(found.count == g.gateway["requests"] as? Int)
        var wrongClass: [String] = [], missedCause: [String] = [], missedDetail: [String] = [], extra: [String] = []
        for (id, (klass, cause, detail)) in found.sorted(by: { $0.key < $1.key }) {
            if let injected = g.cases[id] {
                let wanted = injected["cause"] as! String
                if klass != injected["class"] as? String {
                    wrongClass.append("\(id) \(klass) (want \(injected["class"]!))")
                }
                if !cause.split(separator: ";").map({ $0.trimmingCharacters(in: .whitespaces) }).contains(wanted) {
                    missedCause.append("\(id) '\(cause)' (want \(wanted))")
                }
                if wanted == "rate", detail?.contains(injected["detail"] as! String) != true {
                    missedDetail.append("\(id) '\(detail ?? "(no cause_detail column)")' (want \(injected["detail"]!))")
                }
            } else if klass != "ok" || !cause.isEmpty {
                extra.append("\(id) \(klass) '\(cause)'")
            }
        }
        #expect(wrongClass.isEmpty, "\(wrongClass.count) injected cases of the wrong class: \(wrongClass.prefix(5))")
        #expect(missedCause.isEmpty, "\(missedCause.count) injected causes not found: \(missedCause.prefix(5))")
        #expect(
            missedDetail.isEmpty, "\(missedDetail.count) rate cases without the ratio named: \(missedDetail.prefix(5))")
        #expect(extra.isEmpty, "\(extra.count) rows found wrong where nothing is injected: \(extra.prefix(5))")
        let rejects = (try? g.fixture.read("rejects.jsonl", in: out)) ?? ""
        #expect(rejects.isEmpty, "rejected: \(rejects.prefix(300))")
    }
}
