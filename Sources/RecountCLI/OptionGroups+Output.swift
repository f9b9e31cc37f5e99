import ArgumentParsing
import Foundation
import RecountKit

/// `--out DIR`, `--as-of T`, `--csv-bom`: where the files go and what they print.
struct OutputOptions {
    /// What differs between the commands that write: the default directory, and where the
    /// `--as-of` time is printed.
    struct Place {
        let directory: String
        let asOfShownIn: String
    }
    static let reports = Place(directory: "Reports", asOfShownIn: "summary.json")
    static let statements = Place(directory: "Statements", asOfShownIn: "the statement")

    static let csvBOM = Option(flag: "--csv-bom", "start CSV files with a UTF-8 BOM (Excel)")
    static func options(_ place: Place) -> [Option] {
        [
            Option("--out", "DIR", "where the files go (default \(place.directory))"),
            Option("--as-of", "T", "the time printed in \(place.asOfShownIn) (omitted when not given)"), csvBOM,
        ]
    }

    let outDirectory: String
    let asOf: Timestamp?
    let csvBOM: Bool

    init(_ arguments: Arguments, _ place: Place) throws(UsageError) {
        outDirectory = try arguments.value("--out") ?? place.directory
        asOf = try arguments.value("--as-of", as: Timestamp.self)
        csvBOM = arguments.flag(Self.csvBOM)
    }
}

/// `--jobs`, `--sort-memory`, `--spill-dir`: how the engine uses the machine (`EngineSettings`);
/// never what the reports say.
struct EngineOptions: OptionGroup {
    static let jobs = Option(
        "--jobs", "N", "threads for decoding and recounting (default: all cores); output never depends on it")
    static let spillDirectory = Option(
        "--spill-dir", "DIR",
        "where sorted runs go when a day exceeds --sort-memory (default: --out); unlinked at once, so nothing is left behind on a local disk"
    )
    static let sortMemory = Option(
        "--sort-memory", "MB",
        "memory for sorting before spilling to disk (default 64); peak memory is about this plus 80-110 MB, whatever the size of the logs"
    )
    static let options = [jobs, spillDirectory, sortMemory]

    let jobs: Int
    let sortMemoryMB: Int
    let spillDirectory: String?

    init(_ arguments: Arguments) throws(UsageError) {
        jobs = try arguments.integer(Self.jobs, in: 1...1024) ?? ProcessInfo.processInfo.activeProcessorCount
        sortMemoryMB = try arguments.integer(Self.sortMemory, in: 1...65_536) ?? 64
        spillDirectory = try arguments.value(Self.spillDirectory)
    }

    /// The settings, spilling to `--spill-dir` (which must exist: exit 66) or else `outDirectory`.
    func settings(outDirectory: String) throws(SpillDirectoryError) -> EngineSettings {
        try EngineSettings(
            jobs: jobs, sortMemoryBytes: sortMemoryMB << 20, spillDirectory: spillDirectory, fallback: outDirectory)
    }
}

/// `--also-currency CUR` (SPEC §4.1): `reconcile`, `statement` and `explain` show every amount
/// in money too, converted from the ledger's unit by the catalog.
struct CurrencyOptions: OptionGroup {
    static let currency = Option(
        "--also-currency", "CUR",
        "also show every amount in CUR (the site's currency at its top-up rate, the ledger's currency, or a version's exchange_rates); a catalog with unit.site adds its site-unit figures anyway (SPEC §4.1)"
    )
    static let options = [currency]

    /// An ISO 4217-style code, upper-cased (`cny` is `CNY`).
    let currency: String?

    init(_ arguments: Arguments) throws(UsageError) {
        guard let text = try arguments.value(Self.currency) else {
            currency = nil
            return
        }
        let code = text.uppercased()
        guard code.utf8.count == 3, code.utf8.allSatisfy({ (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains($0) })
        else {
            throw UsageError("--also-currency takes a three-letter currency code (e.g. CNY, USD), not '\(text)'")
        }
        currency = code
    }

    /// The conversion the catalog gives for it; one it cannot give is a usage error (exit 64)
    /// that names the missing rate.
    func conversion(catalog: PriceCatalog) throws(ConversionError) -> AmountConversion? {
        guard let currency else { return nil }
        return try AmountConversion.money(currency, catalog: catalog)
    }
}
