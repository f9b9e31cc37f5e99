import ArgumentParsing
import Testing

@Suite struct ArgumentsTests {
    let spec = Arguments.Spec(options: ["--out", "--issued", "--jobs"], flags: ["--strict"])

    @Test func optionsFlagsAndPositionalsInAnyOrder() throws {
        let parsed = try Arguments(["day", "--out", "R", "--strict", "--issued=a", "-", "--issued", "b"], spec: spec)
        #expect(parsed.positionals == ["day", "-"])
        #expect(try parsed.value("--out") == "R")
        #expect(parsed.all("--issued") == ["a", "b"])
        #expect(parsed.flag("--strict"))
        #expect(!parsed.flag("--help"))
    }

    @Test func doubleDashEndsOptions() throws {
        let parsed = try Arguments(["--", "--strict", "-x"], spec: spec)
        #expect(parsed.positionals == ["--strict", "-x"])
        #expect(!parsed.flag("--strict"))
    }

    @Test func shortHelpIsHelp() throws {
        #expect(try Arguments(["-h"], spec: spec).flag("--help"))
    }

    @Test(arguments: [
        (["--out"], "--out needs a value"),
        (["--strict=yes"], "--strict takes no value"),
        (["--out", "a", "--out", "b"], "--out given more than once"),
        (["--jobs", "0"], "--jobs takes a whole number from 1 to 8, not '0'"),
        (["--jobs", "two"], "--jobs takes a whole number from 1 to 8, not 'two'"),
    ])
    func badArgumentsNameTheOption(argv: [String], message: String) {
        #expect(throws: UsageError(message)) {
            let parsed = try Arguments(argv, spec: spec)
            _ = try parsed.value("--out")
            _ = try parsed.integer("--jobs", in: 1...8)
        }
    }

    @Test func anUnknownOptionAsksNearestAboutTheLongOptions() {
        nonisolated(unsafe) var offered: [String] = []
        #expect(throws: UsageError("unknown option '--stirct'; did you mean --strict?")) {
            try Arguments(["--stirct"], spec: spec) { name, known in
                offered = known
                return name == "--stirct" ? "--strict" : nil
            }
        }
        #expect(offered == ["--help", "--issued", "--jobs", "--out", "--strict"])
        #expect(throws: UsageError("unknown option '-x'")) { try Arguments(["-x"], spec: spec) }
    }

    @Test func aSpecFromDeclarationsSplitsOptionsFromFlags() {
        let spec = Arguments.Spec([OptionSpec("--out", "DIR", "where"), OptionSpec(flag: "--strict", "exit 1")])
        #expect(spec.options == ["--out"])
        #expect(spec.flags == ["--strict", "--help", "-h"])
    }
}
