import Foundation
import Testing

@testable import RecountKit

/// Version boundaries (SPEC §6): v2 starts 2024-02-01T00:00:00+08:00 = 2024-01-31T16:00:00Z =
/// Unix 1706716800 (computed with Python's `datetime.fromisoformat(...).timestamp()`).
/// A request exactly at the boundary takes the new version. `m` costs 20 under v1, 40 under v2.
@Suite struct TimestampBoundaryTests {
    @Test(arguments: [
        ("\"2024-01-31T15:59:59.999Z\"", "v1"),
        ("\"2024-01-31T16:00:00Z\"", "v2"),
        ("\"2024-02-01T00:00:00+08:00\"", "v2"),
        ("\"2024-02-01T00:00:00.001+08:00\"", "v2"),
        ("\"2024-01-31T23:59:59.999999999+08:00\"", "v1"),  // 9 fractional digits, 1 ns before
        ("\"2024-01-31T11:00:00-05:00\"", "v2"),
        ("\"2024-01-31T10:59:59.999-05:00\"", "v1"),
        ("1706716799999", "v1"),  // milliseconds (≥ 10^11)
        ("1706716800000", "v2"),
        ("1706716800001", "v2"),
        ("1706716799", "v1"),  // seconds (< 10^11)
        ("1706716800", "v2"),
        ("1706716799.999", "v1"),  // fractional seconds
        ("99999999999", "v2"),  // the largest seconds value: year 5138
    ])
    func versionAtBoundary(time: String, version: String) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", time: time)])
        let row = try fixture.run().row("r")
        #expect(row.pricingVersion == version)
        #expect(row.expected == points(version == "v1" ? "20" : "40"))
    }

    @Test(arguments: ["100000000000", "\"2023-12-31T23:59:59.999999999Z\"", "0"])
    func beforeTheFirstVersionIsUnpriced(time: String) throws {
        // 10^11 is read as milliseconds: 1973-03-03, before v1.
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", time: time)])
        let row = try fixture.run().row("r")
        #expect(row.outcomeClass == .unpriced_model)
        #expect(row.pricingVersion == nil)
    }

    @Test(arguments: [
        "\"2024-01-31T16:00:00\"",  // no offset
        "\"2024-01-31T16:00:00.1234567891Z\"",  // 10 fractional digits
        "\"2024-02-30T00:00:00Z\"",
        "\"yesterday\"",
        "-1706716800",
        "1.7e9",
        "true",
        "\"1706716800\"",  // digits in a string are text that is not RFC 3339 (SPEC §6)
        "\" 1706716800000 \"",
    ])
    func unparseableTimeRejectsTheLine(time: String) throws {
        let fixture = try ReconcileFixture()
        try fixture.log([logLine("r", time: time)])
        let result = try fixture.run()
        #expect(result.rows.isEmpty)
        let reject = try #require(result.rejects.first)
        #expect(reject.field == "time")
        #expect(reject.source.line == 1)
    }

    @Test func rfc3339OffsetsCompareAsInstants() throws {
        let a = try #require(Timestamp(rfc3339: "2024-02-01T00:00:00+08:00"))
        let b = try #require(Timestamp(rfc3339: "2024-01-31T16:00:00Z"))
        let c = try #require(Timestamp(rfc3339: "2024-01-31T10:30:00-05:30"))
        #expect(a == b && b == c)
        #expect(a.seconds == 1_706_716_800)
        let nanos = try #require(Timestamp(rfc3339: "2024-01-31T16:00:00.000000001Z"))
        #expect(nanos.nanoseconds == 1 && nanos > b)
        let millis = try #require(Timestamp(unixNumber: "1706716800123"))
        #expect(millis.seconds == 1_706_716_800 && millis.nanoseconds == 123_000_000)
    }
}
