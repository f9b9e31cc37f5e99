import Foundation
import Testing

/// `Reports/` is exactly what the README's run command writes for `SampleLogs/`. When the code
/// or the sample changes, this fails and names the command that brings it up to date.
@Suite struct ReportsGoldenTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func reportsMatchAFreshRunOnSampleLogs() throws {
        let fresh = FileManager.default.temporaryDirectory.appendingPathComponent("recount-golden-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: fresh) }
        // Paths in summary.json are as given, so run from the package root like the README does.
        let previous = FileManager.default.currentDirectoryPath
        try #require(FileManager.default.changeCurrentDirectoryPath(Self.root.path), "cannot enter \(Self.root.path)")
        defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
        let run = runRecount(["reconcile", "SampleLogs", "--out", fresh.path])
        #expect(run.status == 0, "reconcile failed: \(run.err)")

        let committed = Self.root.appendingPathComponent("Reports")
        let names = { (url: URL) in
            Set((try? FileManager.default.contentsOfDirectory(atPath: url.path))?.filter { !$0.hasPrefix(".") } ?? [])
        }
        let regenerate = "Reports/ is stale: run `swift run recount reconcile SampleLogs` and commit Reports/"
        #expect(names(committed) == names(fresh), "\(regenerate) (files differ)")
        for name in names(fresh).sorted() {
            let expected = try? Data(contentsOf: committed.appendingPathComponent(name))
            let actual = try Data(contentsOf: fresh.appendingPathComponent(name))
            #expect(expected == actual, "\(regenerate): \(name) differs\n\(Self.firstDifference(expected, actual))")
        }
    }

    /// The first differing line, for a readable failure.
    static func firstDifference(_ expected: Data?, _ actual: Data) -> String {
        let a = String(decoding: expected ?? Data(), as: UTF8.self).components(separatedBy: "\n")
        let b = String(decoding: actual, as: UTF8.self).components(separatedBy: "\n")
        for index in 0..<max(a.count, b.count) {
            let left = index < a.count ? a[index] : "<missing>"
            let right = index < b.count ? b[index] : "<missing>"
            if left != right {
                return "line \(index + 1):\n- committed: \(left.prefix(300))\n+ fresh:     \(right.prefix(300))"
            }
        }
        return ""
    }
}
