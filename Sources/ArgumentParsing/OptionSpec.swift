/// One option or flag as `@Option` / `@Flag` declare it in the group or command that owns it:
/// its name, the placeholder of its value (none for a flag) and what it does. The parser's
/// `Spec` and the command's `--help` are both made from these, so the two cannot disagree.
public struct OptionSpec: Sendable, Equatable {
    public let name: String
    /// `FILE`, `N`, `T`…; nil for a flag, which takes no value.
    public let value: String?
    /// One sentence or a few; `CommandHelp` wraps it beside the name.
    public let help: String

    public init(_ name: String, _ value: String, _ help: String) {
        self.name = name
        self.value = value
        self.help = help
    }

    public init(flag name: String, _ help: String) {
        self.name = name
        self.value = nil
        self.help = help
    }

    /// `--pricing FILE`, or `--strict` for a flag: how the option is shown in help.
    public var label: String { value.map { "\(name) \($0)" } ?? name }
}
