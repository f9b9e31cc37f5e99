import Foundation
import RecountKit

/// `recount prices check FILE`: lists every problem in a price catalog and every wrong
/// `published` figure (logic in `RecountKit.PriceCheck`; this only reads, prints, exits).
struct PricesCommand: RecountCommand {
    static let spec = Arguments.Spec()
    static let help = """
        usage: recount prices check FILE

        Validates a price catalog (schema recount.pricing/1) and recomputes every figure under
        a model's "published" (input_units_per_1k, output_units_per_1k, input_currency_per_1k,
        units_per_token, …). A figure matches when the exact value, rounded half_up to the
        decimals the figure is written with, equals it.

        Prints one line per finding (FILE: JSON path: problem) and a summary line.
        Exit status: 0 clean, 1 findings, 65 not a catalog, 66 FILE missing, 64 usage.
        """

    let path: String

    init(arguments: Arguments) throws {
        guard let subcommand = arguments.positionals.first else { throw UsageError("missing subcommand: expected 'check FILE'") }
        guard subcommand == "check" else { throw UsageError("unknown subcommand '\(subcommand)': expected 'check FILE'") }
        guard arguments.positionals.count == 2 else { throw UsageError("'prices check' takes exactly one FILE") }
        path = arguments.positionals[1]
    }

    func run(console: Console) throws -> ExitStatus {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue else {
            throw CommandFailure(.noInput, "\(path): no such file")
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CommandFailure(.ioError, "\(path): cannot read")
        }
        let report = PriceCheck.check(Array(data), source: path)
        for line in report.lines { console.out(line) }
        console.out(report.summary)
        if report.unreadable { return .dataError }
        return report.isClean ? .success : .discrepancies
    }
}
