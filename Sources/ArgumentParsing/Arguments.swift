/// A usage error: the message names the flag or argument at fault.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Minimal argv parsing: `--flag`, `--option value`, `--option=value`, repeatable options,
/// positionals, and `--` to end options. Hand-written because the project takes no third-party
/// packages (this is the part swift-argument-parser would be); it knows nothing of the commands.
public struct Arguments: Sendable {
    /// What a command accepts: options that take a value, and flags that do not.
    public struct Spec: Sendable {
        public var options: Set<String>
        public var flags: Set<String>
        public init(options: Set<String> = [], flags: Set<String> = []) {
            self.options = options
            self.flags = flags.union(["--help", "-h"])
        }

        /// The names of `declared`: those with a value placeholder are options, the rest flags.
        public init(_ declared: [OptionSpec]) {
            self.init(
                options: Set(declared.filter { $0.value != nil }.map(\.name)),
                flags: Set(declared.filter { $0.value == nil }.map(\.name)))
        }
    }

    /// The known option closest to a mistyped one, or nil when none is close enough to suggest.
    public typealias Nearest = (_ name: String, _ known: [String]) -> String?

    public private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var setFlags: Set<String> = []

    /// Parses `argv`; an unknown option is a usage error that suggests what `nearest` finds
    /// among the long options ("unknown option '--tolerence'; did you mean --tolerance?").
    public init(_ argv: [String], spec: Spec, nearest: Nearest = { _, _ in nil }) throws(UsageError) {
        var index = 0
        var optionsEnded = false
        while index < argv.count {
            let argument = argv[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                positionals.append(argument)
                continue
            }
            if argument == "--" { optionsEnded = true; continue }
            var name = argument
            var inlineValue: String?
            if let equals = argument.firstIndex(of: "="), argument.hasPrefix("--") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if spec.flags.contains(name) {
                guard inlineValue == nil else { throw UsageError("\(name) takes no value") }
                setFlags.insert(name == "-h" ? "--help" : name)
            } else if spec.options.contains(name) {
                if let inlineValue {
                    values[name, default: []].append(inlineValue)
                } else {
                    guard index < argv.count else { throw UsageError("\(name) needs a value") }
                    values[name, default: []].append(argv[index])
                    index += 1
                }
            } else {
                let known = spec.options.union(spec.flags).filter { $0.hasPrefix("--") }.sorted()
                let hint = nearest(name, known).map { "; did you mean \($0)?" } ?? ""
                throw UsageError("unknown option '\(name)'" + hint)
            }
        }
    }

    public func flag(_ name: String) -> Bool { setFlags.contains(name) }

    /// The option's value; given twice is a usage error (use `all` for repeatable options).
    public func value(_ name: String) throws(UsageError) -> String? {
        guard let given = values[name] else { return nil }
        guard given.count == 1 else { throw UsageError("\(name) given more than once") }
        return given[0]
    }

    public func all(_ name: String) -> [String] { values[name] ?? [] }

    /// The option parsed as a whole number within `range`.
    public func integer(_ name: String, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        guard let text = try value(name) else { return nil }
        guard let number = Int(text), range.contains(number) else {
            throw UsageError(
                "\(name) takes a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}

extension Arguments {
    public func flag(_ option: OptionSpec) -> Bool { flag(option.name) }
    public func value(_ option: OptionSpec) throws(UsageError) -> String? { try value(option.name) }
    public func all(_ option: OptionSpec) -> [String] { all(option.name) }
    public func integer(_ option: OptionSpec, in range: ClosedRange<Int>) throws(UsageError) -> Int? {
        try integer(option.name, in: range)
    }
}
