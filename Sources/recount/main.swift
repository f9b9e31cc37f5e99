import ArgumentParsing
import Foundation
import RecountCLI
import RecountKit

// Everything lives in RecountCLI so commands are testable without spawning a process.
TerminationSignals.install()
let status = RecountCommandLine.run(Array(CommandLine.arguments.dropFirst()), console: .standard)
exit(status)
