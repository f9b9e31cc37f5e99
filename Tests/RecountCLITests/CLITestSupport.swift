import Foundation
import RecountCLI
import Synchronization

/// Runs the command line in-process and captures what it printed.
struct CapturedRun {
    let status: Int32
    let out: String
    let err: String
}

final class Capture: Sendable {
    let out = Mutex("")
    let err = Mutex("")
}

func runRecount(_ argv: [String], stdin: Data = Data()) -> CapturedRun {
    let capture = Capture()
    let console = Console(
        writeOut: { text in capture.out.withLock { $0 += text } },
        writeError: { text in capture.err.withLock { $0 += text } },
        errorIsTerminal: false,
        readInput: { stdin })
    let status = RecountCommandLine.run(argv, console: console)
    return CapturedRun(status: status, out: capture.out.withLock { $0 }, err: capture.err.withLock { $0 })
}
