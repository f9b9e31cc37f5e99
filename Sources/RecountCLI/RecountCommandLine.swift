import ArgumentParsing
import RecountKit

/// The `recount` front end: its commands, run by `CommandLineTool` (which picks the subcommand,
/// runs it and maps its outcome to an exit status). Only the commands print; the libraries
/// return values and typed errors.
public enum RecountCommandLine {
    public static let version = "recount 0.1.0"

    /// The commands, in the order `recount --help` lists them.
    nonisolated(unsafe) static let commandList: [(name: String, command: any Subcommand.Type)] = [
        ("reconcile", ReconcileCommand.self), ("count", CountCommand.self), ("explain", ExplainCommand.self),
        ("statement", StatementCommand.self), ("prices", PricesCommand.self), ("sample", SampleCommand.self),
        ("merge", MergeCommand.self),
    ]

    static var tool: CommandLineTool {
        CommandLineTool(
            name: "recount", version: version, commands: commandList, usageStatus: ExitStatus.usage.rawValue,
            otherErrorStatus: ExitStatus.ioError.rawValue, nearest: NearestIDs.closeMatch)
    }

    public static func run(_ argv: [String], console: Console) -> Int32 { tool.run(argv, console: console) }
}

/// A `recount` command: its `run` returns one of SPEC §5's exit statuses, or throws a library
/// error, whose own `status` (`RecountFailure`) is the exit status (`prices check` alone says 66/74).
protocol RecountCommand: Subcommand {
    func run(console: Console) throws -> ExitStatus
}

extension RecountCommand {
    func exitStatus(console: Console) throws -> Int32 {
        do { return try run(console: console).rawValue } catch let failure as any RecountFailure {
            throw CommandFailure(failure.status, failure.description)
        }
    }
}

/// A failure that stops a command with a message and a specific exit status.
public struct CommandFailure: CommandExit, Sendable {
    public let status: ExitStatus
    public let message: String
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
    public var exitStatus: Int32 { status.rawValue }
}
