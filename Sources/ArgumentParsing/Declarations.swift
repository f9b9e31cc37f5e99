/// Options declared where they are stored (the way swift-argument-parser does): `@Option`,
/// `@Flag` and `@OptionGroup` properties of a command or group say the option's name, its
/// placeholder and help, and its type; parsing fills them, and `--help` and the parser's `Spec`
/// list them, in declaration order. Found by reflection (`Mirror`), so a property is its own
/// declaration: nothing to list twice.
public protocol ParsableArguments {
    /// Checks what no one option can alone (two that exclude each other, the positionals),
    /// after every declared property has its value; may set the plain properties it derives.
    mutating func validate(_ arguments: Arguments) throws(UsageError)
}

extension ParsableArguments {
    public mutating func validate(_ arguments: Arguments) throws(UsageError) {}

    /// The options of every `@Option`, `@Flag` and `@OptionGroup` property, in declaration order.
    public var declarations: [OptionSpec] {
        Mirror(reflecting: self).children.flatMap { ($0.value as? any ArgumentDeclaration)?.declarations ?? [] }
    }

    /// Fills every declared property from `arguments`, then `validate`s.
    public mutating func parse(_ arguments: Arguments) throws(UsageError) {
        for child in Mirror(reflecting: self).children {
            try (child.value as? any ArgumentDeclaration)?.take(from: arguments)
        }
        try validate(arguments)
    }
}

/// A property wrapper that declares options: what it shows, and how it takes its value.
public protocol ArgumentDeclaration {
    var declarations: [OptionSpec] { get }
    func take(from arguments: Arguments) throws(UsageError)
}

/// Where a declared value lives: a reference, so the wrapper `Mirror` hands over during parsing
/// and the property itself share it. A copy of a command shares it too: a command is parsed
/// once, right after `init()`, as `CommandLineTool` does.
final class Slot<Value> {
    var value: Value
    init(_ value: Value) { self.value = value }
}

/// `--name VALUE`: a value of an `ArgumentValue` type — optional (nil when not given), with a
/// default, or required (no default: "give --name VALUE") — a whole number in a range, or every
/// value of a repeatable option.
@propertyWrapper public struct Option<Value>: ArgumentDeclaration {
    public let spec: OptionSpec
    let required: Bool
    let slot: Slot<Value?>
    let parse: (Arguments) throws(UsageError) -> Value?

    /// Read only after parsing, which gives a required option its value or stops.
    public var wrappedValue: Value { slot.value! }
    public var declarations: [OptionSpec] { [spec] }

    public func take(from arguments: Arguments) throws(UsageError) {
        if let value = try parse(arguments) {
            slot.value = value
        } else if required {
            throw UsageError("give \(spec.label)")
        }
    }

    init(_ spec: OptionSpec, initial: Value?, parse: @escaping (Arguments) throws(UsageError) -> Value?) {
        self.spec = spec
        required = initial == nil
        slot = Slot(initial)
        self.parse = parse
    }

    public init<Wrapped: ArgumentValue>(_ name: String, _ placeholder: String, _ help: String)
    where Value == Wrapped? {
        self.init(OptionSpec(name, placeholder, help), initial: .some(nil)) { arguments throws(UsageError) in
            try arguments.value(name, as: Wrapped.self).map { $0 }
        }
    }

    public init(wrappedValue: Value, _ name: String, _ placeholder: String, _ help: String)
    where Value: ArgumentValue {
        self.init(OptionSpec(name, placeholder, help), initial: wrappedValue) { arguments throws(UsageError) in
            try arguments.value(name, as: Value.self)
        }
    }

    public init(_ name: String, _ placeholder: String, _ help: String) where Value: ArgumentValue {
        self.init(OptionSpec(name, placeholder, help), initial: nil) { arguments throws(UsageError) in
            try arguments.value(name, as: Value.self)
        }
    }

    public init(_ name: String, _ placeholder: String, _ help: String, in range: ClosedRange<Int>)
    where Value == Int? {
        self.init(OptionSpec(name, placeholder, help), initial: .some(nil)) { arguments throws(UsageError) in
            try arguments.integer(name, in: range).map { $0 }
        }
    }

    public init(_ name: String, _ placeholder: String, _ help: String, in range: ClosedRange<Int>)
    where Value == Int {
        self.init(OptionSpec(name, placeholder, help), initial: nil) { arguments throws(UsageError) in
            try arguments.integer(name, in: range)
        }
    }

    public init(wrappedValue: Int, _ name: String, _ placeholder: String, _ help: String, in range: ClosedRange<Int>)
    where Value == Int {
        self.init(OptionSpec(name, placeholder, help), initial: wrappedValue) { arguments throws(UsageError) in
            try arguments.integer(name, in: range)
        }
    }

    /// A repeatable option: every value given, in order.
    public init(_ name: String, _ placeholder: String, _ help: String) where Value == [String] {
        self.init(OptionSpec(name, placeholder, help), initial: []) { arguments in arguments.all(name) }
    }
}

/// `--name`: a flag, false unless given.
@propertyWrapper public struct Flag: ArgumentDeclaration {
    public let spec: OptionSpec
    let slot = Slot(false)

    public init(_ name: String, _ help: String) { spec = OptionSpec(flag: name, help) }

    public var wrappedValue: Bool { slot.value }
    public var declarations: [OptionSpec] { [spec] }
    public func take(from arguments: Arguments) throws(UsageError) { slot.value = arguments.flag(spec.name) }
}

/// A group of options several commands share (`DayOptions`…), parsed as part of the command that
/// holds it and validated before the command is. A group left out (`included: false`) declares
/// and takes nothing, and keeps its initial value.
@propertyWrapper public struct OptionGroup<Group: ParsableArguments>: ArgumentDeclaration {
    let slot: Slot<Group>
    let included: Bool

    public init(wrappedValue: Group, included: Bool = true) {
        slot = Slot(wrappedValue)
        self.included = included
    }

    public var wrappedValue: Group { slot.value }
    public var declarations: [OptionSpec] { included ? slot.value.declarations : [] }

    public func take(from arguments: Arguments) throws(UsageError) {
        guard included else { return }
        var group = slot.value
        try group.parse(arguments)
        slot.value = group
    }
}

extension String: ArgumentValue {
    public static var expected: String { "a text" }
    public init?(argument text: String) { self = text }
}
