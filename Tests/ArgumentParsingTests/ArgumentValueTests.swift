import ArgumentParsing
import Testing

/// A stand-in value type with a problem of its own, so the message's parts are checked apart.
private struct Even: ArgumentValue, Equatable {
    static let expected = "an even number"
    let value: Int
    init?(argument text: String) {
        guard let number = Int(text), number % 2 == 0 else { return nil }
        value = number
    }
    static func problem(with text: String) -> String? { Int(text) == nil ? "not a number" : nil }
}

private enum Speed: String, CaseIterable, ArgumentValue {
    case slow, steady, fast
}

private enum Only: String, CaseIterable, ArgumentValue {
    case one
}

@Suite struct ArgumentValueTests {
    let spec = Arguments.Spec(options: ["--n", "--speed", "--seed", "--only"])

    @Test func aValueIsParsedByItsType() throws {
        let parsed = try Arguments(["--n", "4", "--speed", "fast", "--seed", "18446744073709551615"], spec: spec)
        #expect(try parsed.value("--n", as: Even.self) == Even(argument: "4"))
        #expect(try parsed.value(OptionSpec("--speed", "S", ""), as: Speed.self) == .fast)
        #expect(try parsed.value("--seed", as: UInt64.self) == UInt64.max)
        #expect(try parsed.value("--only", as: Only.self) == nil)
    }

    @Test(arguments: [
        (["--n", "3"], "--n takes an even number, not '3'"),
        (["--n", "x"], "--n takes an even number, not 'x': not a number"),
        (["--speed", "Fast"], "--speed takes slow, steady or fast, not 'Fast'"),
        (["--only", "two"], "--only takes one, not 'two'"),
        (["--seed", "-1"], "--seed takes a whole number from 0 to 18446744073709551615, not '-1'"),
    ])
    func aTextThatIsNoValueNamesTheOptionAndWhatItTakes(argv: [String], message: String) {
        #expect(throws: UsageError(message)) {
            let parsed = try Arguments(argv, spec: spec)
            _ = try parsed.value("--n", as: Even.self)
            _ = try parsed.value("--speed", as: Speed.self)
            _ = try parsed.value("--only", as: Only.self)
            _ = try parsed.value("--seed", as: UInt64.self)
        }
    }
}
