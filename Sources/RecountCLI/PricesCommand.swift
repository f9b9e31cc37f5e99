import ArgumentParsing
import Foundation
import RecountKit

/// `recount prices check FILE`: lists every problem in a price catalog and every wrong
/// `published` figure (logic in `RecountKit.PriceCheck`; this only reads, prints, exits).
/// `recount prices import` / `snapshot`: a catalog from a gateway's settings
/// (`PricesGatewayCommand`).
struct PricesCommand: RecountCommand {
    static let helpPage = CommandHelp(
        abstract: "check a price catalog; import or snapshot a gateway's price settings as one",
        usage: [
            "recount prices check FILE",
            "recount prices import (--gateway-db URL | --settings FILE) --out CATALOG",
            "       [--effective-from T] [--unit NAME --per-currency N --currency C --topup-rate R [--site-scale N]]",
            "recount prices snapshot (--gateway-db URL | --settings FILE) --catalog CATALOG",
            "       [--effective-from T] [--unit NAME --per-currency N --currency C --topup-rate R [--site-scale N]]",
        ],
        about: """
            check: validates a price catalog (schema recount.pricing/1) and recomputes every figure
            under a model's "published" (input_units_per_1k, output_units_per_1k, input_currency_per_1k,
            units_per_token, …). A figure matches when the exact value, rounded half_up to the
            decimals the figure is written with, equals it. Prints one line per finding
            (FILE: JSON path: problem) and a summary line.

            import: builds a catalog from a one-api / new-api gateway's price settings (ModelRatio,
            CompletionRatio, ModelPrice, GroupRatio, CacheRatio, CreateCacheRatio, ImageRatio,
            AudioRatio, AudioCompletionRatio) that prices every request as the gateway does, in
            quota (500,000 = $1). With the site's own unit (--unit, --per-currency, --currency,
            --topup-rate: all four), reports add the site-unit figures beside the quota ones (SPEC §4.1).

            snapshot: appends a version (effective from now, or --effective-from T) to CATALOG only
            when the settings changed since its latest version; creates CATALOG when missing. Prints
            'unchanged' or 'appended version ID'. Writes atomically. Run it nightly before reconcile.
            --gateway-db URL reads the options table (read-only).
            """,
        exit: """
            exit: check: 0 clean, 1 findings, 65 not a catalog, 66 FILE missing, 64 usage.
                  import, snapshot: 0 done (unchanged or appended), 64 usage, 65 bad settings or catalog,
                  66 settings file missing, 69 database unreachable or its client library missing, 74 cannot write.
            """)

    enum Action {
        case check(path: String)
        case gateway(PricesGatewayCommand)
    }

    @OptionGroup var gateway = PricesGatewayOptions()
    private(set) var action = Action.check(path: "")

    mutating func validate(_ arguments: Arguments) throws(UsageError) {
        guard let subcommand = arguments.positionals.first else {
            throw UsageError("missing subcommand: expected 'check FILE', 'import' or 'snapshot'")
        }
        switch subcommand {
        case "check":
            guard arguments.positionals.count == 2 else { throw UsageError("'prices check' takes exactly one FILE") }
            for option in gateway.declarations where try arguments.value(option) != nil {
                throw UsageError(
                    "\(option.name) is an option of 'prices import' and 'prices snapshot', not of 'prices check'")
            }
            action = .check(path: arguments.positionals[1])
        case "import", "snapshot":
            action = .gateway(
                try gateway.command(subcommand == "import" ? .import : .snapshot, positionals: arguments.positionals))
        default:
            throw UsageError("unknown subcommand '\(subcommand)': expected 'check FILE', 'import' or 'snapshot'")
        }
    }

    func run(console: Console) throws -> ExitStatus {
        switch action {
        case .gateway(let command):
            return try command.run(console: console)
        case .check(let path):
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
}
