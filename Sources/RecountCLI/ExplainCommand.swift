import Foundation
import RecountKit

/// `recount explain REQUEST_ID [PATH…]`: one request's charge, step by step (SPEC §5), for the
/// support agent answering "why was I charged 2310 points?".
struct ExplainCommand: RecountCommand {
    static let spec = Arguments.Spec(
        options: ["--pricing", "--debits", "--basis", "--tolerance", "--min-credit", "--issued"],
        flags: ["--json"])

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
          --basis B           auto (default), upstream, recount or billed
          --tolerance N       as for reconcile (default 0)
          --min-credit N      as for reconcile
          --issued FILE       as for reconcile (repeatable): shows a credit as already issued
          --json              machine-readable output (schema recount.explain/1)

        exit: 0 explained · 64 usage · 65 bad catalog, or the id is on a line reconcile rejects
              (the reason is printed) · 66 request id not found (nearest ids are suggested on
              stderr) or an input missing · 74 I/O error
        """

    let requestID: String
    let paths: [String]
    let pricingFlag: String?
    let debitsFlag: String?
    let basis: BasisPolicy
    let tolerance: Rational
    let minimumCredit: Rational?
    let issuedPaths: [String]
    let json: Bool

    init(arguments: Arguments) throws {
        guard let first = arguments.positionals.first, !first.isEmpty else {
            throw UsageError("give the REQUEST_ID to explain")
        }
        requestID = first
        let rest = Array(arguments.positionals.dropFirst())
        paths = rest.isEmpty ? [DefaultLogs.path] : rest
        pricingFlag = try arguments.value("--pricing")
        debitsFlag = try arguments.value("--debits")
        let basisText = try arguments.value("--basis") ?? "auto"
        guard let basis = BasisPolicy(rawValue: basisText) else {
            throw UsageError("--basis takes auto, upstream, recount or billed, not '\(basisText)'")
        }
        self.basis = basis
        tolerance = try ReconcileCommand.amount(arguments.value("--tolerance"), flag: "--tolerance") ?? .zero
        minimumCredit = try ReconcileCommand.amount(arguments.value("--min-credit"), flag: "--min-credit")
        issuedPaths = arguments.all("--issued")
        json = arguments.flag("--json")
    }

    func run(console: Console) throws -> ExitStatus {
        try DefaultLogs.check(paths, command: "explain REQUEST_ID")
        var options = try LoadedInputs.options(paths: paths, pricingFlag: pricingFlag, debitsFlag: debitsFlag, console: console)
        options.basis = basis
        options.tolerance = tolerance
        options.minimumCredit = minimumCredit
        for path in issuedPaths {
            do { options.issuedCreditIDs.formUnion(try IssuedCredits.read(path: path).ids) } catch {
                throw ReconcileCommand.failure(error)
            }
        }
        let explanation: Explanation
        do { explanation = try RequestExplainer(options: options).explain(requestID: requestID) } catch {
            switch error {
            case .input(let input): throw ReconcileCommand.failure(input)
            case .notFound: throw CommandFailure(.noInput, error.description)
            case .arithmetic, .rejected: throw CommandFailure(.dataError, error.description)
            }
        }
        console.writeOut(json ? explanation.json() : explanation.text())
        return .success
    }
}

/// The input resolution `explain` and `statement` share with `reconcile`: PATHs through
/// `InputFiles.resolve`, the catalog from `--pricing` or a directory's `pricing.json`, the
/// ledger from `--debits` or a directory's `debits.jsonl` / `debits.csv`; same exit statuses.
enum LoadedInputs {
    ///
    /// Warns on standard error about directory files that look like a ledger and are not read
    /// as one (a ledger under another name would otherwise be silently ignored).
    static func options(paths: [String], pricingFlag: String?, debitsFlag: String?, console: Console) throws -> ReconcileOptions {
        let inputs: InputSet
        do { inputs = try InputFiles.resolve(paths, ledger: debitsFlag) } catch { throw ReconcileCommand.failure(error) }
        for lookalike in inputs.ledgerLookalikes {
            console.error("recount: warning: \(lookalike.path) \(lookalike.fate)")
        }
        guard let pricingPath = pricingFlag ?? inputs.pricing else {
            throw CommandFailure(.usage, "no price catalog: give --pricing FILE, or a PATH directory holding pricing.json")
        }
        guard FileManager.default.fileExists(atPath: pricingPath) else {
            throw CommandFailure(.noInput, "\(pricingPath): no such file (price catalog)")
        }
        let catalog: PriceCatalog
        do { catalog = try PriceCatalog.load(path: pricingPath) } catch { throw CommandFailure(.dataError, error.description) }
        let debitsPath = debitsFlag ?? inputs.debits
        if let debitsPath, !FileManager.default.fileExists(atPath: debitsPath) {
            throw CommandFailure(.noInput, "\(debitsPath): no such file (debit ledger)")
        }
        var options = ReconcileOptions(logs: inputs.logs, catalog: catalog, pricingPath: pricingPath)
        options.debitsPath = debitsPath
        options.dayOffsetSeconds = catalog.versions.last?.effectiveFrom.offsetSeconds ?? 0
        return options
    }
}
