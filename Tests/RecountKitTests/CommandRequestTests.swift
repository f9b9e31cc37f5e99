import Foundation
import Testing
import TokenCounter

@testable import RecountKit

/// The library calls the commands make (issue 16: argv → typed options → library call → typed
/// error → exit status): what each resolves, and the errors it throws with their messages,
/// written out by hand from the doc comments and SPEC §5.
@Suite struct CommandRequestTests {
    static let sampleLogs = SpillTests.root.appendingPathComponent("SampleLogs").path

    @Test func aDayDirectorySuppliesItsCatalogAndLedger() throws {
        var warned: [String] = []
        let options = try DayInputs(paths: [Self.sampleLogs]).resolve { path, _ in warned.append(path) }
        #expect(options.pricingPath == Self.sampleLogs + "/pricing.json")
        #expect(options.debitsPath == Self.sampleLogs + "/debits.jsonl")
        #expect(
            !options.logs.isEmpty && options.logs.allSatisfy { $0.hasSuffix(".jsonl") || $0.hasSuffix(".jsonl.gz") })
        #expect(options.gatewayDatabase == nil && options.bodies.isEmpty)
        #expect(warned.isEmpty)
    }

    @Test func theDaysInputErrorsSayWhatIsMissing() throws {
        let scratch = FileManager.default.temporaryDirectory.appendingPathComponent("day-inputs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let log = scratch.appendingPathComponent("a.jsonl").path
        try Data().write(to: URL(fileURLWithPath: log))
        func message(_ inputs: DayInputs) -> String? {
            do { _ = try inputs.resolve { _, _ in }; return nil } catch { return error.description }
        }
        #expect(
            message(DayInputs(paths: ["NoSuchDemo"], pathsDefaulted: true))?.hasPrefix(
                "no log PATH given, and there is no ./NoSuchDemo here") == true)
        #expect(
            message(DayInputs(paths: [log]))
                == "no price catalog: give --pricing FILE, or a PATH directory holding pricing.json")
        #expect(
            message(DayInputs(paths: [log], pricing: "/no/such.json")) == "/no/such.json: no such file (price catalog)")
        let pricing = Self.sampleLogs + "/pricing.json"
        #expect(
            message(DayInputs(paths: [log], pricing: pricing, debits: "/no/debits.jsonl"))
                == "/no/debits.jsonl: no such file (debit ledger)")
        #expect(message(DayInputs(paths: ["/no/day"], pricing: pricing)) == "/no/day: no such file or directory")
        do {
            _ = try DayInputs(paths: [log], pricing: log).resolve { _, _ in }
            Issue.record("an empty file read as a catalog")
        } catch {
            guard case .catalog = error else { Issue.record("expected .catalog, got \(error)"); return }
        }
    }

    @Test func aSpillDirectoryMustExist() throws {
        #expect(throws: SpillDirectoryError(path: "/no/such/dir")) {
            try EngineSettings(jobs: 1, sortMemoryBytes: 1 << 20, spillDirectory: "/no/such/dir", fallback: "Reports")
        }
        let settings = try EngineSettings(jobs: 3, sortMemoryBytes: 5 << 20, spillDirectory: nil, fallback: "Reports")
        #expect(settings.jobs == 3 && settings.sortMemoryBytes == 5 << 20 && settings.spillDirectory == "Reports")
        #expect(SpillDirectoryError(path: "x").description == "x: --spill-dir must be an existing directory")
    }

    @Test func closeMatchSuggestsOnlyWhatIsClose() {
        let known = ["--tolerance", "--out", "--strict"]
        #expect(NearestIDs.closeMatch(to: "--tolerence", among: known) == "--tolerance")
        #expect(NearestIDs.closeMatch(to: "--stirct", among: known) == "--strict")
        #expect(NearestIDs.closeMatch(to: "--zzzzqqqq", among: known) == nil)
        #expect(NearestIDs.closeMatch(to: "--x", among: []) == nil)
    }

    /// "hello world" is [24912, 2375] in o200k_base (tiktoken's README).
    @Test func aTextCountIsTheAnswerAlone() throws {
        let data = Data("hello world".utf8)
        let count = TokenCountRequest(encoding: .o200k_base, model: nil, mode: .text(ids: false), inputName: "<stdin>")
        #expect(try count.count(data) == TokenCountRequest.Outcome(answer: "2"))
        let ids = TokenCountRequest(encoding: .o200k_base, model: nil, mode: .text(ids: true), inputName: "<stdin>")
        #expect(try ids.count(data).answer == "24912 2375")
        let invalid = try count.count(Data([0x68, 0xFF]))
        #expect(invalid.notes == ["<stdin>: 1 invalid UTF-8 sequence(s) replaced by U+FFFD"])
    }

    @Test func aModelTiktokenDoesNotKnowIsNoted() throws {
        let count = TokenCountRequest(
            encoding: .o200k_base, model: "my-model", mode: .text(ids: false), inputName: "f.txt")
        #expect(
            try count.count(Data("hi".utf8)).notes == [
                "model 'my-model' is not in tiktoken's model map; counting with o200k_base"
            ])
    }

    @Test func aChatBodyThatIsNotJSONIsMalformed() {
        let chat = TokenCountRequest(
            encoding: .o200k_base, model: nil, mode: .chat(breakdown: true), inputName: "b.json")
        do {
            _ = try chat.count(Data("{".utf8))
            Issue.record("not JSON counted")
        } catch {
            guard case .malformed(let message) = error else {
                Issue.record("expected .malformed, got \(error)"); return
            }
            #expect(message.hasPrefix("b.json: "))
        }
    }

    @Test func aMissingFileIsMissingAndADirectoryUnreadable() {
        #expect(throws: TokenCountError.self) { try TokenCountRequest.read(path: "/no/such/file") }
        do { _ = try TokenCountRequest.read(path: "/tmp") } catch {
            #expect(error.description == "/tmp: cannot read (a directory)")
        }
    }
}
