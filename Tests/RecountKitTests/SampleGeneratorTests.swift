import Foundation
import Testing
@testable import RecountKit
@testable import RecountSample

/// `SampleGenerator`: the same records and seed give the same bytes, whatever the thread
/// count; another seed gives another day.
@Suite struct SampleGeneratorTests {
    final class Directory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recount-sample-\(UUID().uuidString)").path
        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Every file's bytes, by name.
        func files(_ sub: String) throws -> [String: Data] {
            var files: [String: Data] = [:]
            for name in try FileManager.default.contentsOfDirectory(atPath: path + "/" + sub) {
                files[name] = try Data(contentsOf: URL(fileURLWithPath: path + "/" + sub + "/" + name))
            }
            return files
        }
    }

    func generate(_ directory: Directory, _ sub: String, records: Int = 400, seed: UInt64, jobs: Int) throws -> [String: Data] {
        _ = try SampleGenerator.generate(SampleOptions(records: records, seed: seed, jobs: jobs, directory: directory.path + "/" + sub))
        return try directory.files(sub)
    }

    @Test func sameSeedGivesIdenticalBytesForAnyJobs() throws {
        let directory = Directory()
        let first = try generate(directory, "a", seed: 7, jobs: 1)
        let second = try generate(directory, "b", seed: 7, jobs: 3)
        #expect(Set(first.keys) == Set(["pricing.json", "debits.jsonl", "sample.json"] + SampleGenerator.logFileNames))
        for (name, bytes) in first {
            #expect(bytes == second[name], "\(name) differs between --jobs 1 and --jobs 3")
        }
        #expect(first.values.allSatisfy { !$0.isEmpty })
    }

    @Test func anotherSeedGivesAnotherDay() throws {
        let directory = Directory()
        let seven = try generate(directory, "a", seed: 7, jobs: 2)
        let eight = try generate(directory, "b", seed: 8, jobs: 2)
        #expect(seven["pricing.json"] == eight["pricing.json"], "the catalog does not depend on the seed")
        for name in SampleGenerator.logFileNames + ["debits.jsonl"] {
            #expect(seven[name] != eight[name], "\(name) is the same for seeds 7 and 8")
        }
    }

    @Test func logsAreInTimeOrderAcrossFilesAndCarryTheInjectedBrokenLines() throws {
        let directory = Directory()
        let tally = try SampleGenerator.generate(SampleOptions(records: 400, seed: 3, jobs: 2, directory: directory.path))
        var previous = ""
        for name in SampleGenerator.logFileNames {
            let text = try String(contentsOfFile: directory.path + "/" + name, encoding: .isoLatin1)
            for line in text.split(separator: "\n") where line.hasPrefix("{\"id\":\"req-") {
                // Ids carry the slot index, and slots are in start-time order.
                let id = String(line.dropFirst(7).prefix(24))
                #expect(id >= previous, "\(id) after \(previous) in \(name)")  // equal: a repeated line
                previous = id
            }
        }
        #expect(tally.rejects.count >= 5, "the showcase slots alone break 5 lines")
        #expect(tally.classes.values.reduce(0, +) == tally.requests + tally.classes["orphan_debit"]!)
    }

    @Test func theCatalogIsTheOneThatIsWritten() throws {
        let catalog = SampleCatalog.load()
        #expect(catalog.versions.map(\.id) == [SampleCatalog.morningVersion, SampleCatalog.afternoonVersion])
        let boundary = try #require(Timestamp(rfc3339: "2024-03-01T12:00:00+08:00"))
        #expect(catalog.versions[1].effectiveFrom == boundary)
        #expect(SampleGenerator.firstSlot(at: SampleCatalog.boundaryMilliseconds, day: SampleDay(seed: 1, records: 1000)) == 500)
        #expect(SampleDay(seed: 1, records: 1000).milliseconds(ofSlot: 500) == SampleCatalog.boundaryMilliseconds,
                "the slot holding noon starts exactly at the boundary")
    }
}
