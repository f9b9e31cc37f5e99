import ArgumentParsing
import RecountKit

/// The `recount` front end: picks the subcommand, runs it, maps its outcome to an exit status.
/// Only this layer prints; the libraries return values and typed errors.
public enum RecountCommandLine {
    public static let version = "recount 0.1.0"

    /// The commands, in the order `recount --help` lists them.
    nonisolated(unsafe) static let commandList: [(name: String, command: any RecountCommand.Type)] = [
        ("reconcile", ReconcileCommand.self), ("count", CountCommand.self), ("explain", ExplainCommand.self),
        ("statement", StatementCommand.self), ("prices", PricesCommand.self), ("sample", SampleCommand.self),
        ("merge", MergeCommand.self),
    ]
    nonisolated(unsafe) static let commands = Dictionary(uniqueKeysWithValues: commandList)

    static var usage: String {
        let commands = CommandHelp.commandLines(commandList.map { ($0.name, $0.command.helpPage) })
        return
            (["usage: recount <command> [options]", "", "commands:"] + commands + [
                "", "'recount <command> --help' shows a command's options; 'recount --version' the version.",
            ]).joined(separator: "\n")
    }

    public static func run(_ argv: [String], console: Console) -> Int32 {
        guard let name = argv.first else {
            console.error(usage)
            return ExitStatus.usage.rawValue
        }
        switch name {
        case "--help", "-h", "help":
            console.out(usage)
            return ExitStatus.success.rawValue
        case "--version":
            console.out(version)
            return ExitStatus.success.rawValue
        default:
            break
        }
        guard let command = commands[name] else {
            console.error("recount: unknown command '\(name)'\n\n\(usage)")
            return ExitStatus.usage.rawValue
        }
        let rest = Array(argv.dropFirst())
        do {
            let arguments = try Arguments(rest, spec: command.spec, nearest: NearestIDs.closeMatch)
            if arguments.flag("--help") {
                console.out(command.help)
                return ExitStatus.success.rawValue
            }
            return try command.init(arguments: arguments).run(console: console).rawValue
        } catch let error as UsageError {
            console.error("recount \(name): \(error.message)\n\(command.help)")
            return ExitStatus.usage.rawValue
        } catch let error as CommandFailure {
            console.error("recount \(name): \(error.message)")
            return error.status.rawValue
        } catch {
            console.error("recount \(name): \(error)")
            return ExitStatus.ioError.rawValue
        }
    }
}

/// One subcommand: its help (from which the options it accepts are taken), options parsed and
/// validated in `init`, work in `run`.
protocol RecountCommand {
    static var helpPage: CommandHelp { get }
    init(arguments: Arguments) throws
    func run(console: Console) throws -> ExitStatus
}

extension RecountCommand {
    static var spec: Arguments.Spec { Arguments.Spec(helpPage.options) }
    static var help: String { helpPage.text }
}

/// A failure that stops a command with a message and a specific exit status.
public struct CommandFailure: Error, Sendable {
    public let status: ExitStatus
    public let message: String
    public init(_ status: ExitStatus, _ message: String) {
        self.status = status
        self.message = message
    }
}
