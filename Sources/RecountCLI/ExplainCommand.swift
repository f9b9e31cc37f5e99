import ArgumentParsing
import Foundation
import RecountKit

/// `recount explain REQUEST_ID [PATH…]`: one request's charge, step by step (SPEC §5), for the
/// support agent answering "why was I charged 2310 points?".
struct ExplainCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "explain one request's charge step by step",
        usage: ["recount explain REQUEST_ID [PATH…] [options]"],
        about: """
            Explains one request: its tokens (per message, with overheads, names, tool definitions
            and reply priming; per choice and tool call), the basis per side, the price version in
            force and why, the charge formula with every number, the rounding, the debits, the
            class, the cause and the credits. The numbers equal that request's row in a reconcile
            run with the same flags. Prompt text (first 200 characters per message) is shown here
            and nowhere else. PATH as for reconcile (default: SampleLogs). A gateway row's request
            is the id the reports show (its request_id, else its logs.id); a row's logs.id also
            explains the request it belongs to (a refund's, its request).
            """,
        exit: """
            exit: 0 explained · 64 usage · 65 bad catalog, or the id is on a line reconcile rejects
                  (the reason is printed) · 66 request id not found (nearest ids are suggested on
                  stderr) or an input missing · 74 I/O error
            """)

    @OptionGroup var day = DayOptions(firstPath: 1, defaultPaths: ["SampleLogs"], window: false)
    @Flag("--json", "machine-readable output (schema recount.explain/1)") var json: Bool
    private(set) var requestID = ""

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        guard let first = arguments.positionals.first, !first.isEmpty else {
            throw UsageError("give the REQUEST_ID to explain")
        }
        requestID = first
    }

    func run(console: Console) throws -> ExitStatus {
        let loaded = try day.load(console: console)
        var explanation = try RequestExplainer(options: loaded.options).explain(requestID: requestID)
        explanation.alsoCurrency = loaded.alsoCurrency
        console.writeOut(json ? explanation.json() : explanation.text())
        return .success
    }
}
