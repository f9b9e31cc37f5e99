/// One subcommand: its help page, its options (declared as its properties, parsed and then
/// `validate`d before it runs: a usage error opens no file), its work in `exitStatus(console:)`.
public protocol Subcommand: ParsableArguments {
    /// The page's words; its options are the declared ones (`declaredOptions`).
    static var helpPage: CommandHelp { get }
    /// The command before parsing: every declared property at its default.
    init()
    func exitStatus(console: Console) throws -> Int32
}

extension Subcommand {
    /// Every option the command declares, in declaration order: what it accepts and shows.
    public static var declaredOptions: [OptionSpec] { Self().declarations }
    public static var spec: Arguments.Spec { Arguments.Spec(declaredOptions) }
    public static var help: String {
        var page = helpPage
        page.options = declaredOptions
        return page.text
    }
}

/// An error that stops a command with a message and an exit status of its own.
public protocol CommandExit: Error {
    var exitStatus: Int32 { get }
    var message: String { get }
}

/// A tool made of subcommands (`tool <command> [options]`): picks the subcommand, parses its
/// arguments, answers `--help` and `--version`, runs it, and maps what it throws to an exit
/// status — a `UsageError` to `usageStatus` with the command's help, a `CommandExit` to its own,
/// anything else to `otherErrorStatus`. Only this and the commands print.
public struct CommandLineTool {
    public let name: String
    public let version: String
    /// The commands, in the order the usage lists them.
    public let commands: [(name: String, command: any Subcommand.Type)]
    public let usageStatus: Int32
    public let otherErrorStatus: Int32
    /// Suggests an option for a mistyped one (`Arguments.init`).
    public let nearest: Arguments.Nearest

    public init(
        name: String, version: String, commands: [(name: String, command: any Subcommand.Type)], usageStatus: Int32,
        otherErrorStatus: Int32, nearest: @escaping Arguments.Nearest = { _, _ in nil }
    ) {
        self.name = name
        self.version = version
        self.commands = commands
        self.usageStatus = usageStatus
        self.otherErrorStatus = otherErrorStatus
        self.nearest = nearest
    }

    /// `usage: tool <command> [options]`, the commands with their abstracts, and how to get more.
    public var usage: String {
        let lines = CommandHelp.commandLines(commands.map { ($0.name, $0.command.helpPage) })
        return
            (["usage: \(name) <command> [options]", "", "commands:"] + lines + [
                "", "'\(name) <command> --help' shows a command's options; '\(name) --version' the version.",
            ]).joined(separator: "\n")
    }

    public func run(_ argv: [String], console: Console) -> Int32 {
        guard let commandName = argv.first else {
            console.error(usage)
            return usageStatus
        }
        switch commandName {
        case "--help", "-h", "help":
            console.out(usage)
            return 0
        case "--version":
            console.out(version)
            return 0
        default:
            break
        }
        guard let command = commands.first(where: { $0.name == commandName })?.command else {
            console.error("\(name): unknown command '\(commandName)'\n\n\(usage)")
            return usageStatus
        }
        do {
            let arguments = try Arguments(Array(argv.dropFirst()), spec: command.spec, nearest: nearest)
            if arguments.flag("--help") {
                console.out(command.help)
                return 0
            }
            var parsed = command.init()
            try parsed.parse(arguments)
            return try parsed.exitStatus(console: console)
        } catch let error as UsageError {
            console.error("\(name) \(commandName): \(error.message)\n\(command.help)")
            return usageStatus
        } catch let error as CommandExit {
            console.error("\(name) \(commandName): \(error.message)")
            return error.exitStatus
        } catch {
            console.error("\(name) \(commandName): \(error)")
            return otherErrorStatus
        }
    }
}
