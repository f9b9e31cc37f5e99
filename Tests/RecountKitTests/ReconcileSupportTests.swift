import Foundation
import TestSupport
import Testing

@testable import RecountKit

/// A throw-away directory with a catalog, logs and (optionally) a ledger, and a way to run the
/// pipeline over them. Every test builds its own, so tests run in parallel without sharing files.
final class ReconcileFixture: ScratchDirectory {
    init() throws { try super.init(prefix: "recount-tests") }

    /// Writes `lines` as a JSONL log (LF after every line).
    @discardableResult
    func log(_ lines: [String], name: String = "log.jsonl") throws -> String {
        try write(name, lines.map { $0 + "\n" }.joined())
    }

    func run(
        logs: [String]? = nil, catalogJSON: String = testCatalogJSON(), debits: String? = nil,
        configure: (inout ReconcileOptions) -> Void = { _ in }
    ) throws -> ReconcileResult {
        let pricing = try write("pricing.json", catalogJSON)
        let catalog = try PriceCatalog.load(path: pricing)
        var options = ReconcileOptions(logs: logs ?? [path("log.jsonl")], catalog: catalog, pricingPath: pricing)
        options.debitsPath = debits
        configure(&options)
        return try ReconcilePipeline(options: options).run()
    }
}

/// The test catalog. Unit: points, 1000 per USD, whole points, so one dollar per 1K tokens is
/// one point per token and the arithmetic in each test's comments stays small.
///
/// - `v1` from 2024-01-01T00:00:00Z; `v2` from 2024-02-01T00:00:00+08:00 (= 2024-01-31T16:00:00Z,
///   Unix 1706716800), listed *first* so ordering by `effective_from` is exercised.
/// - `m`: 1 point per prompt token, 2 per completion token (v2: 2 and 4).
/// - `half`/`above`/`below`: 0.5 / 0.501 / 0.499 points per prompt token (rounding ties).
/// - `m-*` 3, `m-long*` 4 points per token (prefix matching; the longest prefix wins).
/// - `gpt-3.5-turbo*`: $0.002/1K both ways with multiplier 1/3.05 (SPEC §2.3).
/// - `tiny`: 0.0001 points per prompt token (minimum charge).
/// - `img`: per size; `hd 1024x1024` is 0.08.
func testCatalogJSON(rounding: String = "ceil", minimum: String? = "1", chargeFailed: Bool = false) -> String {
    let minimumField = minimum.map { "\"minimum_charge\": \"\($0)\"," } ?? ""
    func version(_ id: String, _ from: String, m: (String, String)) -> String {
        """
        {"id": "\(id)", "effective_from": "\(from)", "rounding": "\(rounding)", \(minimumField)
         "charge_failed_requests": \(chargeFailed), "groups": {"default": "1", "vip": "1/2"},
         "models": {
           "m": {"input_per_1k": "\(m.0)", "output_per_1k": "\(m.1)"},
           "half": {"input_per_1k": "0.5", "output_per_1k": "0"},
           "above": {"input_per_1k": "0.501", "output_per_1k": "0"},
           "below": {"input_per_1k": "0.499", "output_per_1k": "0"},
           "m-*": {"input_per_1k": "3", "output_per_1k": "3"},
           "m-long*": {"input_per_1k": "4", "output_per_1k": "4"},
           "gpt-3.5-turbo*": {"input_per_1k": "0.002", "output_per_1k": "0.002", "multiplier": "1/3.05"},
           "gpt-4": {"input_per_1k": "0.03", "output_per_1k": "0.06"},
           "tiny": {"input_per_1k": "0.0001", "output_per_1k": "0"},
           "img": {"per_image": {"1024x1024": "0.04", "hd 1024x1024": "0.08"}}
         }}
        """
    }
    return """
        {"schema": "recount.pricing/1",
         "unit": {"name": "points", "currency": "USD", "per_currency": "1000", "scale": 0},
         "versions": [
           \(version("v2", "2024-02-01T00:00:00+08:00", m: ("2", "4"))),
           \(version("v1", "2024-01-01T00:00:00Z", m: ("1", "2")))
         ]}
        """
}

/// One canonical log line. `usage` fixes the counts (basis upstream), so no tokenizer is involved.
func logLine(
    _ id: String, time: String = "\"2024-01-10T00:00:00Z\"", account: String = "alice", model: String = "m",
    prompt: Int = 10, completion: Int = 5, amount: String? = nil, status: Int? = nil,
    extra: String = ""
) -> String {
    var fields = [
        "\"id\": \"\(id)\"", "\"time\": \(time)", "\"account\": \"\(account)\"", "\"model\": \"\(model)\"",
        "\"usage\": {\"prompt_tokens\": \(prompt), \"completion_tokens\": \(completion)}",
    ]
    if let status { fields.append("\"status\": \(status)") }
    if let amount { fields.append("\"billed\": {\"amount\": \"\(amount)\"}") }
    if !extra.isEmpty { fields.append(extra) }
    return "{" + fields.joined(separator: ", ") + "}"
}

func debitLine(
    _ debitID: String, request: String, account: String = "alice", amount: String,
    version: String? = nil
) -> String {
    let versionField = version.map { ", \"pricing_version\": \"\($0)\"" } ?? ""
    return
        "{\"debit_id\": \"\(debitID)\", \"request_id\": \"\(request)\", \"account\": \"\(account)\", \"time\": \"2024-01-10T00:00:01Z\", \"amount\": \(amount)\(versionField)}"
}

extension ReconcileResult {
    func row(_ id: String, sourceFile: StaticString = #filePath, line: UInt = #line) throws -> RequestOutcome {
        let matches = rows.filter { $0.requestID == id }
        return try #require(
            matches.count == 1 ? matches.first : nil, "expected one row for \(id), found \(matches.count)")
    }
}

func points(_ text: String) -> Rational { try! Rational(parsing: text) }

@Suite struct ReconcileSupportTests {
    @Test func testCatalogLoadsAndOrdersVersionsByEffectiveFrom() throws {
        let catalog = try PriceCatalog.parse(Array(testCatalogJSON().utf8), source: "test")
        #expect(catalog.versions.map(\.id) == ["v1", "v2"])
    }
}
