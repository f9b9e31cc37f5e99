/// A value an option takes, made from its text (what swift-argument-parser calls
/// `ExpressibleByArgument`): the type says once what it accepts, and every option of that type
/// gets the same parse and the same usage error — "--basis takes auto, upstream, recount or
/// billed, not 'auto2'".
public protocol ArgumentValue {
    /// What the option takes, worded to follow "--flag takes".
    static var expected: String { get }
    /// The value `text` stands for, or nil when it stands for none.
    init?(argument text: String)
    /// Why `text` is not a value, when more can be said than `expected` ("month 13 is out of
    /// range"); nil by default.
    static func problem(with text: String) -> String?
}

extension ArgumentValue {
    public static func problem(with text: String) -> String? { nil }
}

/// An enum spelled by its raw values: `expected` lists them in declaration order.
extension ArgumentValue where Self: CaseIterable & RawRepresentable, RawValue == String {
    public static var expected: String {
        let names = allCases.map(\.rawValue)
        guard names.count > 1 else { return names.joined() }
        return names.dropLast().joined(separator: ", ") + " or " + names[names.count - 1]
    }

    public init?(argument text: String) { self.init(rawValue: text) }
}

extension UInt64: ArgumentValue {
    public static var expected: String { "a whole number from 0 to \(UInt64.max)" }
    public init?(argument text: String) { self.init(text) }
}

extension Arguments {
    /// The option's value as `Value`; a text that is none is a usage error naming the option,
    /// what it takes and the text.
    public func value<Value: ArgumentValue>(_ name: String, as _: Value.Type) throws(UsageError) -> Value? {
        guard let text = try value(name) else { return nil }
        guard let parsed = Value(argument: text) else {
            let why = Value.problem(with: text).map { ": \($0)" } ?? ""
            throw UsageError("\(name) takes \(Value.expected), not '\(text)'\(why)")
        }
        return parsed
    }

    public func value<Value: ArgumentValue>(_ option: OptionSpec, as type: Value.Type) throws(UsageError) -> Value? {
        try value(option.name, as: type)
    }
}
