import ArgumentParsing
import Testing

@testable import RecountCLI

/// Each command's `--help` and its parser are made from one list of declarations: every option
/// declared is shown, and every option shown is accepted.
@Suite struct DeclaredOptionsTests {
    @Test(arguments: RecountCommandLine.commandList.map(\.name))
    func everyDeclaredOptionIsInTheHelpAndParses(name: String) throws {
        let command = try #require(RecountCommandLine.commandList.first { $0.name == name }?.command)
        let declared = command.declaredOptions
        #expect(!declared.isEmpty)
        #expect(Set(declared.map(\.name)).count == declared.count, "an option declared twice in \(name)")
        let help = runRecount([name, "--help"])
        #expect(help.status == 0)
        #expect(help.out.hasPrefix("usage: recount \(name)"))
        for option in declared {
            #expect(help.out.contains("\n  \(option.label)  "), "\(name) --help lacks \(option.label)")
        }
        let argv = declared.flatMap { $0.value == nil ? [$0.name] : [$0.name, "value-of-\($0.name)"] }
        let parsed = try Arguments(argv, spec: command.spec)
        #expect(parsed.positionals.isEmpty)
        for option in declared {
            if option.value == nil {
                #expect(parsed.flag(option), "\(option.name)")
            } else {
                #expect(try parsed.value(option) == "value-of-\(option.name)")
            }
        }
    }

    @Test func sharedOptionsReadTheSameInEveryCommandThatTakesThem() {
        let pricing =
            "  --pricing FILE        price catalog (recount.pricing/1); default: pricing.json in a PATH directory\n"
        for name in ["reconcile", "explain", "statement"] {
            #expect(runRecount([name, "--help"]).out.contains(pricing), "\(name)")
        }
        #expect(
            runRecount(["reconcile", "--help"]).out.contains(
                "--out DIR             where the files go (default Reports)"))
        #expect(
            runRecount(["statement", "--help"]).out.contains(
                "--out DIR             where the files go (default Statements)"))
    }
}
