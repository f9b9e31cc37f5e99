/// A command's `--help`, made from its parts: the usage lines, what the command does, one line
/// per option (from the declarations, aligned and wrapped), notes after them, and the exit
/// statuses.
public struct CommandHelp: Sendable {
    /// One line for the list of commands (swift-argument-parser's `abstract`).
    public var abstract: String
    public var usage: [String]
    public var about: String
    public var options: [OptionSpec]
    public var notes: String?
    public var exit: String

    public init(
        abstract: String, usage: [String], about: String, options: [OptionSpec] = [], notes: String? = nil, exit: String
    ) {
        self.abstract = abstract
        self.usage = usage
        self.about = about
        self.options = options
        self.notes = notes
        self.exit = exit
    }

    /// Help text starts in this column unless a longer label pushes it right (then the lines
    /// after the first still start here).
    public static let labelWidthMax = 20
    /// Option lines are wrapped at this width.
    public static let width = 100

    public var text: String {
        var lines = ["usage: " + (usage.first ?? "")] + usage.dropFirst().map { "       " + $0 }
        lines += ["", about, ""]
        lines += Self.optionLines(options)
        if let notes { lines.append(notes) }
        lines += ["", exit]
        return lines.joined(separator: "\n")
    }

    /// `  --label   help…`, the help wrapped at `width` with its later lines under its first.
    public static func optionLines(_ options: [OptionSpec]) -> [String] {
        let labelWidth = min(options.map(\.label.count).max() ?? 0, labelWidthMax)
        let column = 2 + labelWidth + 2
        var lines: [String] = []
        for option in options {
            var line = "  " + option.label
            line += String(repeating: " ", count: max(column - line.count, 2))
            for (index, part) in wrap(option.help, first: width - line.count, rest: width - column).enumerated() {
                if index > 0 { line = String(repeating: " ", count: column) }
                lines.append(line + part)
            }
        }
        return lines
    }

    /// `  name   abstract`, one line per command, the abstracts aligned.
    public static func commandLines(_ commands: [(name: String, help: CommandHelp)]) -> [String] {
        let column = 2 + (commands.map(\.name.count).max() ?? 0) + 3
        return commands.map { name, help in
            let line = "  " + name
            return line + String(repeating: " ", count: column - line.count) + help.abstract
        }
    }

    /// Words of `text` in lines of at most `first` (then `rest`) characters; a longer word is a
    /// line of its own.
    static func wrap(_ text: String, first: Int, rest: Int) -> [String] {
        var lines: [String] = []
        var current = ""
        for word in text.split(separator: " ", omittingEmptySubsequences: true) {
            let limit = lines.isEmpty ? first : rest
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= limit {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty || lines.isEmpty { lines.append(current) }
        return lines
    }
}
