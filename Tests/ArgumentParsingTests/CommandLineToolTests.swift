import ArgumentParsing
import Foundation
import Synchronization
import Testing

/// A command that does what `--do` says: succeed, fail with its own status, or throw something else.
private struct Echo: Subcommand {
    static let helpPage = CommandHelp(
        abstract: "echoes", usage: ["tool echo [--do WHAT]"], about: "Echoes.", exit: "exit: 0")

    enum Action: String, CaseIterable, ArgumentValue { case ok, fail, crash }

    struct Failure: CommandExit {
        var exitStatus: Int32 { 9 }
        var message: String { "it failed" }
    }
    struct Crash: Error, CustomStringConvertible { var description: String { "it crashed" } }

    @Option("--do", "WHAT", "ok, fail or crash") var what = Action.ok

    func exitStatus(console: Console) throws -> Int32 {
        switch what {
        case .fail: throw Failure()
        case .crash: throw Crash()
        case .ok:
            console.out("echo")
            return 0
        }
    }
}

@Suite struct CommandLineToolTests {
    let tool = CommandLineTool(
        name: "tool", version: "tool 1.0", commands: [("echo", Echo.self)], usageStatus: 64, otherErrorStatus: 74)

    func run(_ argv: [String]) -> (status: Int32, out: String, err: String) {
        let out = Mutex("")
        let err = Mutex("")
        let console = Console(
            writeOut: { text in out.withLock { $0 += text } }, writeError: { text in err.withLock { $0 += text } })
        let status = tool.run(argv, console: console)
        return (status, out.withLock { $0 }, err.withLock { $0 })
    }

    @Test func theCommandRunsAndPrints() {
        let ran = run(["echo"])
        #expect(ran.status == 0 && ran.out == "echo\n" && ran.err.isEmpty)
    }

    @Test func helpAndVersionGoToStdout() {
        #expect(run(["--version"]).out == "tool 1.0\n")
        #expect(run(["echo", "--help"]).out == Echo.help + "\n")
        #expect(Echo.help.contains("  --do WHAT  ok, fail or crash"))
        let usage = run(["--help"])
        #expect(usage.status == 0 && usage.out.contains("  echo   echoes"))
    }

    @Test func errorsMapToTheirStatuses() {
        let usage = run(["echo", "--do", "dance"])
        #expect(
            usage.status == 64
                && usage.err == "tool echo: --do takes ok, fail or crash, not 'dance'\n" + Echo.help + "\n")
        #expect(run(["echo", "--do", "fail"]) == (9, "", "tool echo: it failed\n"))
        #expect(run(["echo", "--do", "crash"]) == (74, "", "tool echo: it crashed\n"))
        let unknown = run(["ech"])
        #expect(unknown.status == 64 && unknown.err.hasPrefix("tool: unknown command 'ech'\n\nusage: tool <command>"))
        #expect(run([]).status == 64)
    }
}
