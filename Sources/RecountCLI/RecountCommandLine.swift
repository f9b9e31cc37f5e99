import ArgumentParsing
import RecountKit

/// The `recount` front end: picks the subcommand, runs it, maps its outcome to an exit status.
/// Only this layer prints; the libraries return values and typed errors.
public enum RecountCommandLine {
    public static let version = "recount 0.1.0"

    nonisolated(unsafe) static let commands: [String: any RecountCommand.Type] = [
        "count": CountCommand.self,
        "reconcile": ReconcileCommand.self,
        "prices": PricesCommand.self,
        "explain": ExplainCommand.self,
        "statement": StatementCommand.self,
        "merge": MergeCommand.self,
        "sample": SampleCommand.self,
    ]

    static var usage: String {
        """
        usage: recount <command> [options]

        commands:
          reconcile   recount, re-price and diff a day of relay logs; write reports and credits
          count       count the tokens of a file or stdin (tiktoken-exact)
          explain     explain one request's charge step by step
          statement   one account's requests and totals for a period (CSV + HTML)
          prices      check a price catalog ('recount prices check FILE')
          sample      generate a realistic sample day
          merge       combine the outputs of 'reconcile --shard K/N' into the single run's reports

        'recount <command> --help' shows a command's options; 'recount --version' the version.
        """
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
