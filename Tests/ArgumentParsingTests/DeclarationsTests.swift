import ArgumentParsing
import Testing

private struct Window: ParsableArguments {
    @Option("--from", "T", "start") var from: String?
    @Option("--until", "T", "end") var until: String?

    func validate(_ arguments: Arguments) throws(UsageError) {
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
    }
}

private enum Mode: String, CaseIterable, ArgumentValue { case fast, slow }

private struct Run: ParsableArguments {
    @Option("--name", "NAME", "required") var name: String
    @Option("--mode", "M", "with a default") var mode = Mode.fast
    @OptionGroup var window = Window()
    @OptionGroup(included: false) var left = Window()
    @Option("--jobs", "N", "a number", in: 1...8) var jobs = 2
    @Option("--limit", "N", "an optional number", in: 0...100) var limit: Int?
    @Option("--tag", "T", "repeatable") var tags: [String]
    @Flag("--strict", "a flag") var strict: Bool
    private(set) var validatedAfterTheGroup = false
    private(set) var rest: [String] = []

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        rest = arguments.positionals
        validatedAfterTheGroup = window.from != nil || window.until == nil
    }
}

@Suite struct DeclarationsTests {
    fileprivate func parsed(_ argv: [String]) throws(UsageError) -> Run {
        var run = Run()
        try run.parse(Arguments(argv, spec: Arguments.Spec(run.declarations)))
        return run
    }

    @Test func declarationsAreInDeclarationOrderWithGroupsInPlaceAndLeftOutGroupsAbsent() {
        #expect(
            Run().declarations.map(\.label) == [
                "--name NAME", "--mode M", "--from T", "--until T", "--jobs N", "--limit N", "--tag T", "--strict",
            ])
        #expect(Run().declarations.last == OptionSpec(flag: "--strict", "a flag"))
    }

    @Test func parsingFillsEveryKindOfDeclaration() throws {
        let run = try parsed([
            "a", "--name", "n", "--mode", "slow", "--from", "1", "--until", "2", "--jobs", "8", "--tag", "x",
            "--tag=y", "--strict", "b",
        ])
        #expect(run.name == "n" && run.mode == .slow && run.jobs == 8 && run.limit == nil && run.strict)
        #expect(run.window.from == "1" && run.window.until == "2" && run.left.from == nil)
        #expect(run.tags == ["x", "y"] && run.rest == ["a", "b"] && run.validatedAfterTheGroup)
    }

    @Test func notGivenIsTheDefaultOrNil() throws {
        let run = try parsed(["--name", "n"])
        #expect(run.mode == .fast && run.jobs == 2 && run.limit == nil && run.tags.isEmpty && !run.strict)
        #expect(run.window.from == nil)
    }

    @Test(arguments: [
        ([], "give --name NAME"),
        (["--name", "n", "--mode", "quick"], "--mode takes fast or slow, not 'quick'"),
        (["--name", "n", "--jobs", "9"], "--jobs takes a whole number from 1 to 8, not '9'"),
        (["--name", "n", "--from", "2", "--until", "1"], "--until must be after --from"),
    ])
    func aBadValueOrAMissingRequiredOptionIsAUsageError(argv: [String], message: String) {
        #expect(throws: UsageError(message)) { try parsed(argv) }
    }

    @Test func eachParseStartsFromItsOwnDefaults() throws {
        _ = try parsed(["--name", "first", "--strict"])
        let second = try parsed(["--name", "second"])
        #expect(second.name == "second" && !second.strict)
    }
}
