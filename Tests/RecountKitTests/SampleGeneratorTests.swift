import Foundation
import Testing

@testable import RecountKit
@testable import RecountSample

/// `SampleGenerator`: the same records and seed give the same bytes, whatever the thread
/// count; another seed gives another day.
@Suite struct SampleGeneratorTests {
    final class Directory {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recount-sample-\(UUID().uuidString)")
            .path
        deinit { try? FileManager.default.removeItem(atPath: path) }

        /// Every file's bytes, by path under `sub` (the realistic profile's `gateway/` included).
        func files(_ sub: String) throws -> [String: Data] {
            var files: [String: Data] = [:]
            let root = path + "/" + sub
            for name in try FileManager.default.subpathsOfDirectory(atPath: root) {
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory),
                    !isDirectory.boolValue
                else { continue }
                files[name] = try Data(contentsOf: URL(fileURLWithPath: root + "/" + name))
            }
            return files
        }
    }

    func generate(
        _ directory: Directory, _ sub: String, records: Int = 400, seed: UInt64, jobs: Int,
        profile: SampleProfile = .classic
    ) throws -> [String: Data] {
        _ = try SampleGenerator.generate(
            SampleOptions(
                records: records, seed: seed, jobs: jobs, directory: directory.path + "/" + sub,
                profile: profile))
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

    @Test func theRealisticProfileIsTheSameBytesForAnyJobsTooAndWritesTheGatewayPart() throws {
        let directory = Directory()
        let first = try generate(directory, "a", seed: 7, jobs: 1, profile: .realistic)
        let second = try generate(directory, "b", seed: 7, jobs: 3, profile: .realistic)
        let gateway = ["gateway/pricing.json", "gateway/logs.jsonl", "gateway/bodies/captures.jsonl"]
        #expect(
            Set(first.keys)
                == Set(["pricing.json", "debits.jsonl", "sample.json"] + SampleGenerator.logFileNames + gateway))
        for (name, bytes) in first { #expect(bytes == second[name], "\(name) differs between --jobs 1 and --jobs 3") }
        let classic = try generate(directory, "c", seed: 7, jobs: 2)
        #expect(classic[SampleGenerator.logFileNames[0]] != first[SampleGenerator.logFileNames[0]])
    }

    /// The realistic profile's promises, measured on its own output: most prompts are
    /// distinct, a conversation's later turn resends its earlier turns, lines are 2–8 KB.
    @Test func realisticTextsRarelyRepeatAndConversationsGrow() throws {
        let directory = Directory()
        let files = try generate(directory, "a", records: 1200, seed: 11, jobs: 2, profile: .realistic)
        var lastUser: [String] = []
        var sizes: [Int] = []
        var histories: [[String]] = []
        for name in SampleGenerator.logFileNames {
            for line in try #require(files[name]).split(separator: UInt8(ascii: "\n")) {
                sizes.append(line.count)
                guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any],
                    let request = object["request"] as? [String: Any],
                    let messages = request["messages"] as? [[String: Any]]
                else { continue }
                let users = messages.filter { $0["role"] as? String == "user" }.compactMap { $0["content"] as? String }
                if let last = users.last { lastUser.append(last) }
                histories.append(users)
            }
        }
        #expect(lastUser.count > 900)
        #expect(
            Set(lastUser).count * 1000 >= lastUser.count * 995,
            "new user turns repeat: \(Set(lastUser).count) of \(lastUser.count)")
        // Multi-turn: some request resends, as its history, the new turn of an earlier request.
        let newTurns = Set(lastUser)
        let resent = histories.filter { $0.dropLast().contains(where: newTurns.contains) }.count
        #expect(resent * 10 >= histories.count, "only \(resent) of \(histories.count) requests carry an earlier turn")
        let mean = sizes.reduce(0, +) / sizes.count
        #expect((3_400...4_400).contains(mean), "mean line \(mean) bytes")
        #expect(sizes.filter { (2_048...8_192).contains($0) }.count * 10 >= sizes.count * 8)
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
        let tally = try SampleGenerator.generate(
            SampleOptions(records: 400, seed: 3, jobs: 2, directory: directory.path))
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
        #expect(
            SampleGenerator.firstSlot(at: SampleCatalog.boundaryMilliseconds, day: SampleDay(seed: 1, records: 1000))
                == 500)
        #expect(
            SampleDay(seed: 1, records: 1000).milliseconds(ofSlot: 500) == SampleCatalog.boundaryMilliseconds,
            "the slot holding noon starts exactly at the boundary")
    }
}
