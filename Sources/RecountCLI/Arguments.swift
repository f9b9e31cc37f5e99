import RecountKit

/// A usage error: the message names the flag or argument at fault.
public struct UsageError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// Minimal argv parsing shared by the commands: `--flag`, `--option value`, `--option=value`,
/// repeatable options, positionals, and `--` to end options. Hand-written because the project
/// takes no third-party packages.
public struct Arguments: Sendable {
    /// What a command accepts: options that take a value, and flags that do not.
    public struct Spec: Sendable {
        public var options: Set<String>
        public var flags: Set<String>
        public init(options: Set<String> = [], flags: Set<String> = []) {
            self.options = options
            self.flags = flags.union(["--help", "-h"])
        }
    }

    public private(set) var positionals: [String] = []
    private var values: [String: [String]] = [:]
    private var setFlags: Set<String> = []

    public init(_ argv: [String], spec: Spec) throws(UsageError) {
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
                throw UsageError(
                    "unknown option '\(name)'" + Self.suggestion(for: name, among: spec.options.union(spec.flags)))
            }
        }
    }

    /// "; did you mean --tolerance?" for a mistyped option: the nearest known option (a long
    /// common prefix, or a few characters off), or nothing when none is close.
    static func suggestion(for name: String, among known: Set<String>) -> String {
        var nearest = NearestIDs(target: name, keep: 1)
        for option in known where option.hasPrefix("--") { nearest.offer(option) }
        guard let best = nearest.best.first else { return "" }
        let common = zip(best.utf8, name.utf8).prefix { $0 == $1 }.count
        let close =
            common >= 4 || NearestIDs.editDistance(Array(best.utf8), Array(name.utf8)) <= max(2, name.utf8.count / 4)
        return close ? "; did you mean \(best)?" : ""
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
