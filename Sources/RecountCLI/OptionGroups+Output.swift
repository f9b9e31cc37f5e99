import ArgumentParsing
import Foundation
import RecountKit

/// `--out DIR`, `--as-of T`, `--csv-bom`: where the files go and what they print.
struct OutputOptions: ParsableArguments {
    /// What differs between the commands that write: the default directory, and where the
    /// `--as-of` time is printed.
    struct Place {
        let directory: String
        let asOfShownIn: String
    }
    static let reports = Place(directory: "Reports", asOfShownIn: "summary.json")
    static let statements = Place(directory: "Statements", asOfShownIn: "the statement")

    @Option var outDirectory: String
    @Option var asOf: Timestamp?
    @Flag("--csv-bom", "start CSV files with a UTF-8 BOM (Excel)") var csvBOM: Bool

    init(_ place: Place) {
        _outDirectory = Option(
            wrappedValue: place.directory, "--out", "DIR", "where the files go (default \(place.directory))")
        _asOf = Option("--as-of", "T", "the time printed in \(place.asOfShownIn) (omitted when not given)")
    }
}

/// `--jobs`, `--sort-memory`, `--spill-dir`: how the engine uses the machine (`EngineSettings`);
/// never what the reports say.
struct EngineOptions: ParsableArguments {
    @Option(
        "--jobs", "N", "threads for decoding and recounting (default: all cores); output never depends on it",
        in: 1...1024)
    var jobs = ProcessInfo.processInfo.activeProcessorCount
    @Option(
        "--spill-dir", "DIR",
        "where sorted runs go when a day exceeds --sort-memory (default: --out); unlinked at once, so nothing is left behind on a local disk"
    ) var spillDirectory: String?
    @Option(
        "--sort-memory", "MB",
        "memory for sorting before spilling to disk (default 64); peak memory is about this plus 80-110 MB, whatever the size of the logs",
        in: 1...65_536)
    var sortMemoryMB = 64

    /// The settings, spilling to `--spill-dir` (which must exist: exit 66) or else `outDirectory`.
    func settings(outDirectory: String) throws(SpillDirectoryError) -> EngineSettings {
        try EngineSettings(
            jobs: jobs, sortMemoryBytes: sortMemoryMB << 20, spillDirectory: spillDirectory, fallback: outDirectory)
    }
}

/// `--also-currency CUR` (SPEC §4.1): `reconcile`, `statement` and `explain` show every amount
/// in money too, converted from the ledger's unit by the catalog.
struct CurrencyOptions: ParsableArguments {
    @Option(
        "--also-currency", "CUR",
        "also show every amount in CUR (the site's currency at its top-up rate, the ledger's currency, or a version's exchange_rates); a catalog with unit.site adds its site-unit figures anyway (SPEC §4.1)"
    ) var currency: CurrencyCode?

    /// The conversion the catalog gives for it; one it cannot give is a usage error (exit 64)
    /// that names the missing rate.
    func conversion(catalog: PriceCatalog) throws(ConversionError) -> AmountConversion? {
        guard let currency else { return nil }
        return try AmountConversion.money(currency.code, catalog: catalog)
    }
}
