import ArgumentParsing
import Testing

@Suite struct CommandHelpTests {
    @Test func optionLinesAlignAndWrapUnderTheirFirstLine() {
        let lines = CommandHelp.optionLines([
            OptionSpec("--out", "DIR", "where the files go"),
            OptionSpec(flag: "--strict", "exit 1 when there are credits to issue"),
            OptionSpec("--a-very-long-option", "FILE", "one two three"),
            OptionSpec("--words", "N", String(repeating: "word ", count: 30)),
        ])
        // Labels are at most 20 wide, so help starts in column 24; a longer label pushes its
        // first line right by two spaces.
        let words = String(repeating: "word ", count: 15).dropLast()
        let indent = String(repeating: " ", count: 24)
        #expect(
            lines == [
                "  --out DIR             where the files go",
                "  --strict              exit 1 when there are credits to issue",
                "  --a-very-long-option FILE  one two three",
                "  --words N             " + words,
                indent + words,
            ])
        #expect(lines.allSatisfy { $0.count <= CommandHelp.width })
    }

    @Test func theLabelColumnFollowsTheLongestShortLabel() {
        #expect(
            CommandHelp.optionLines([OptionSpec("--a", "B", "c"), OptionSpec(flag: "--de", "f")]) == [
                "  --a B  c", "  --de   f",
            ])
    }

    @Test func theCommandListAlignsTheAbstracts() {
        let run = CommandHelp(abstract: "runs FILE", usage: [], about: "", options: [], exit: "")
        let stop = CommandHelp(abstract: "stops", usage: [], about: "", options: [], exit: "")
        #expect(
            CommandHelp.commandLines([("run", run), ("shutdown", stop)]) == [
                "  run        runs FILE", "  shutdown   stops",
            ])
    }

    @Test func theHelpHasUsageAboutOptionsNotesAndExit() {
        let help = CommandHelp(
            abstract: "runs things", usage: ["tool run FILE", "tool stop"], about: "Runs FILE.",
            options: [OptionSpec(flag: "--fast", "quickly")],
            notes: "More.", exit: "exit: 0 done")
        #expect(
            help.text == """
                usage: tool run FILE
                       tool stop

                Runs FILE.

                  --fast  quickly
                More.

                exit: 0 done
                """)
    }
}
