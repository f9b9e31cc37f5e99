import Foundation
import Testing

@testable import RecountKit

/// The registry the SIGTERM/SIGINT handler empties (`removeAll()` itself runs in
/// `BadInputMatrixTests.terminatedMidway`, in a real process: here it would unlink the
/// temporaries of tests running alongside).
@Suite struct TemporaryFilesTests {
    @Test func stageRegistersCommitAndDiscardUnregister() throws {
        let fixture = try ReconcileFixture()
        let dir = fixture.path("out")
        let output = try OutputDirectory(path: dir)
        try output.stage("a.csv", "a\n")
        try output.stage("b.csv", "b\n")
        let a = dir + "/.a.csv.tmp-\(getpid())"
        let b = dir + "/.b.csv.tmp-\(getpid())"
        #expect(TemporaryFiles.registered.contains(a) && TemporaryFiles.registered.contains(b))
        try output.commit()
        #expect(!TemporaryFiles.registered.contains(a) && !TemporaryFiles.registered.contains(b))
        try output.stage("c.csv", "c\n")
        let c = dir + "/.c.csv.tmp-\(getpid())"
        #expect(TemporaryFiles.registered.contains(c))
        output.discard()
        #expect(!TemporaryFiles.registered.contains(c))
        #expect(!FileManager.default.fileExists(atPath: c))
    }

    @Test func registerAndUnregister() {
        let path = "/nonexistent/recount-\(UUID().uuidString)"
        #expect(TemporaryFiles.register(path))
        #expect(TemporaryFiles.register(path))  // twice: still one entry
        #expect(TemporaryFiles.registered.filter { $0 == path }.count == 1)
        TemporaryFiles.unregister(path)
        #expect(!TemporaryFiles.registered.contains(path))
        TemporaryFiles.unregister(path)  // unknown: ignored
    }

    @Test func pathsThatDoNotFitAreRefused() {
        #expect(!TemporaryFiles.register("/" + String(repeating: "x", count: TemporaryFiles.pathBytesMax)))
        #expect(!TemporaryFiles.register("/tmp/with\u{0}nul"))
    }
}
