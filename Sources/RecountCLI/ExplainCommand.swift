import Foundation
import RecountKit

/// `recount explain REQUEST_ID [PATH…]`: one request's charge, step by step (SPEC §5), for the
/// support agent answering "why was I charged 2310 points?".
struct ExplainCommand: RecountCommand {
    static let spec = Arguments.Spec(
        [InputOptions.self, PricingOptions.self, CreditOptions.self, CurrencyOptions.self], flags: ["--json"])

    static let help = """
        usage: recount explain REQUEST_ID [PATH…] [options]

        Explains one request: its tokens (per message, with overheads, names, tool definitions
        and reply priming; per choice and tool call), the basis per side, the price version in
        force and why, the charge formula with every number, the rounding, the debits, the
        class, the cause and the credits. The numbers equal that request's row in a reconcile
        run with the same flags. Prompt text (first 200 characters per message) is shown here
        and nowhere else. PATH as for reconcile (default: SampleLogs).

          --pricing FILE      price catalog; default: pricing.json in a PATH directory
          --debits FILE       debit ledger; default: debits.jsonl/.csv in a PATH directory
          --gateway-db URL    the gateway's logs table (as for reconcile; REQUEST_ID is the
                              row's request_id, else its logs.id); --db-password-file FILE
          --bodies PATH       captured bodies (recount.log/1 lines or {request_id, request, response}
                              pairs, a file or a directory of *.jsonl) joined to the rows by request
                              id, so their tokens are recounted (repeatable)
          --basis B           auto (default), upstream, recount or billed
          --tolerance N       as for reconcile (default 0)
          --min-credit N      as for reconcile
          --issued FILE       as for reconcile (repeatable): shows a credit as already issued
          --also-currency CUR also show the amounts in CUR, as for reconcile (a catalog with
                              unit.site shows its site-unit figures anyway)
          --json              machine-readable output (schema recount.explain/1)

        exit: 0 explained · 64 usage · 65 bad catalog, or the id is on a line reconcile rejects
              (the reason is printed) · 66 request id not found (nearest ids are suggested on
              stderr) or an input missing · 74 I/O error
        """

    let requestID: String
    let inputs: InputOptions
    let pricing: PricingOptions
    let credits: CreditOptions
    let currency: CurrencyOptions
    let json: Bool

    init(arguments: Arguments) throws {
        guard let first = arguments.positionals.first, !first.isEmpty else {
            throw UsageError("give the REQUEST_ID to explain")
        }
        requestID = first
        inputs = try InputOptions(arguments, from: 1, defaultPaths: ["SampleLogs"])
        pricing = try PricingOptions(arguments)
        credits = try CreditOptions(arguments)
        currency = try CurrencyOptions(arguments)
        json = arguments.flag("--json")
    }

    func run(console: Console) throws -> ExitStatus {
        var options = try inputs.load(console: console)
        var parameters = RunParameters()
        pricing.apply(to: &options, &parameters)
        try credits.apply(to: &options, &parameters)
        let alsoCurrency = try currency.conversion(catalog: options.catalog)
        var explanation: Explanation
        do { explanation = try RequestExplainer(options: options).explain(requestID: requestID) } catch {
            switch error {
            case .input(let input): throw CommandFailure.of(input)
            case .notFound: throw CommandFailure(.noInput, error.description)
            case .arithmetic, .rejected: throw CommandFailure(.dataError, error.description)
            }
        }
        explanation.alsoCurrency = alsoCurrency
        console.writeOut(json ? explanation.json() : explanation.text())
        return .success
    }
}
