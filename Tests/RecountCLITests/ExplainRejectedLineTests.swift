import Foundation
import Testing

/// Support looks up an id it can see in the logs, but the line is one reconcile rejects:
/// `explain` says so, with the line and the reason, instead of "not found".
@Suite struct ExplainRejectedLineTests {
    @Test func anIdOnARejectedLineIsNamedWithItsReason() throws {
        let f = try CLIFixture()
        try f.standard([
            cliLine("good"), "{\"id\": \"bad-1\", \"time\": \"yesterday\", \"account\": \"alice\", \"model\": \"m\"}",
        ])
        let run = runRecount(["explain", "bad-1", f.input])
        #expect(run.status == 65)
        #expect(run.err.contains("log.jsonl:2") && run.err.contains("time") && run.err.contains("rejects.jsonl"))
        let missing = runRecount(["explain", "nope", f.input])
        #expect(missing.status == 66 && missing.err.contains("not in the logs"))
    }
}
