import Foundation
import GatewayDB
import RecountKit

// Options that several commands take, each group parsed once and applied once (the way
// swift-argument-parser's `@OptionGroup` does): `reconcile`, `explain` and `statement` read
// their inputs, pricing, basis, tolerance, credits and window through these.

/// A group of options: what it accepts, how it is parsed.
protocol OptionGroup {
    static var spec: Arguments.Spec { get }
}

extension Arguments.Spec {
    /// The options and flags of `groups` and these.
    init(_ groups: [any OptionGroup.Type], options: Set<String> = [], flags: Set<String> = []) {
        self.init(
            options: groups.reduce(options) { $0.union($1.spec.options) },
            flags: groups.reduce(flags) { $0.union($1.spec.flags) })
    }
}

/// PATH… (logs and directories), `--pricing`, `--debits`: resolved the same way, with the
/// same exit statuses, by every command that reads a day.
///
/// `--gateway-db URL` (SPEC §2.8) reads the gateway's `logs` table as well as, or instead of,
/// the PATHs; its password comes from `--db-password-file FILE`, `RECOUNT_DB_PASSWORD` or the
/// client library's own files, never from the command line.
struct InputOptions: OptionGroup {
    static let spec = Arguments.Spec(options: [
        "--pricing", "--debits", "--gateway-db", "--db-password-file", "--bodies",
    ])

    let paths: [String]
    let pricingFlag: String?
    let debitsFlag: String?
    let gatewayDatabaseFlag: String?
    let passwordFileFlag: String?
    /// `--bodies PATH` (repeatable): captured bodies joined to the rows by request id (SPEC §2.10).
    let bodiesFlags: [String]
    /// No PATH was given and `paths` is the command's default (the demo's `SampleLogs`).
    let defaulted: Bool

    /// The PATHs are the positionals from `first` on; none gives `defaultPaths` (or, when nil,
    /// is a usage error) — unless `--gateway-db` is given, which is then the only log source.
    init(_ arguments: Arguments, from first: Int = 0, defaultPaths: [String]? = nil) throws(UsageError) {
        let given = Array(arguments.positionals.dropFirst(first))
        gatewayDatabaseFlag = try arguments.value("--gateway-db")
        passwordFileFlag = try arguments.value("--db-password-file")
        if passwordFileFlag != nil, gatewayDatabaseFlag == nil {
            throw UsageError("--db-password-file goes with --gateway-db URL")
        }
        if given.isEmpty, gatewayDatabaseFlag != nil {
            paths = []
            defaulted = false
        } else if given.isEmpty {
            guard let defaultPaths else {
                throw UsageError("give at least one PATH (a log file, a directory, or - for stdin)")
            }
            paths = defaultPaths
            defaulted = true
        } else {
            paths = given
            defaulted = false
        }
        pricingFlag = try arguments.value("--pricing")
        debitsFlag = try arguments.value("--debits")
        bodiesFlags = arguments.all("--bodies")
    }

    /// PATHs through `InputFiles.resolve`, the catalog from `--pricing` or a directory's
    /// `pricing.json`, the ledger from `--debits` or a directory's `debits.jsonl` / `.csv`.
    ///
    /// Warns on standard error about directory files that look like a ledger and are not read
    /// as one (a ledger under another name would otherwise be silently ignored).
    func load(console: Console) throws -> ReconcileOptions {
        // Run from outside the repository with no PATH: say to name the logs, not "SampleLogs:
        // no such file".
        if defaulted, !paths.contains(where: { FileManager.default.fileExists(atPath: $0) }) {
            throw CommandFailure(
                .noInput,
                "no log PATH given, and there is no ./\(paths.joined(separator: " ")) here (the demo's default, in the repository): name the log directory or files, e.g. /var/log/relay/2024-03-01"
            )
        }
        let database = try gatewaySource()
        var inputs: InputSet?
        if !paths.isEmpty {
            do { inputs = try InputFiles.resolve(paths, ledger: debitsFlag) } catch { throw CommandFailure.of(error) }
        }
        for lookalike in inputs?.ledgerLookalikes ?? [] {
            console.error("recount: warning: \(lookalike.path) \(lookalike.fate)")
        }
        guard let pricingPath = pricingFlag ?? inputs?.pricing else {
            throw CommandFailure(
                .usage,
                database == nil
                    ? "no price catalog: give --pricing FILE, or a PATH directory holding pricing.json"
                    : "no price catalog: give --pricing FILE (e.g. the one `recount prices snapshot --gateway-db` keeps)"
            )
        }
        guard FileManager.default.fileExists(atPath: pricingPath) else {
            throw CommandFailure(.noInput, "\(pricingPath): no such file (price catalog)")
        }
        let catalog: PriceCatalog
        do { catalog = try PriceCatalog.load(path: pricingPath) } catch {
            throw CommandFailure(.dataError, error.description)
        }
        let debitsPath = debitsFlag ?? inputs?.debits
        if let debitsPath, !FileManager.default.fileExists(atPath: debitsPath) {
            throw CommandFailure(.noInput, "\(debitsPath): no such file (debit ledger)")
        }
        var options = ReconcileOptions(logs: inputs?.logs ?? [], catalog: catalog, pricingPath: pricingPath)
        options.debitsPath = debitsPath
        options.gatewayDatabase = database
        do { options.bodies = try InputFiles.resolveBodies(bodiesFlags) } catch { throw CommandFailure.of(error) }
        options.dayOffsetSeconds = catalog.versions.last?.effectiveFrom.offsetSeconds ?? 0
        return options
    }
}

extension InputOptions {
    /// `--gateway-db URL` parsed and its password found (exit 64 for a bad URL, 66 for an
    /// unreadable password file); the connection is opened by the run itself.
    func gatewaySource() throws -> GatewayLogSource? {
        guard let text = gatewayDatabaseFlag else { return nil }
        return try Self.gatewaySource(url: text, passwordFile: passwordFileFlag)
    }

    static func gatewaySource(url text: String, passwordFile: String?) throws -> GatewayLogSource {
        do { return try GatewayLogSource.resolve(url: text, passwordFile: passwordFile) } catch {
            throw CommandFailure.of(error)
        }
    }
}

/// `--basis`, `--tolerance`: how a charge is recomputed and when a difference counts.
struct PricingOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--basis", "--tolerance"])

    let basis: BasisPolicy
    let tolerance: Rational

    init(_ arguments: Arguments) throws(UsageError) {
        let basisText = try arguments.value("--basis") ?? "auto"
        guard let basis = BasisPolicy(rawValue: basisText) else {
            throw UsageError("--basis takes auto, upstream, recount or billed, not '\(basisText)'")
        }
        self.basis = basis
        tolerance = try OptionParsing.amount(arguments.value("--tolerance"), flag: "--tolerance") ?? .zero
    }

    func apply(to options: inout ReconcileOptions, _ parameters: inout RunParameters) {
        options.basis = basis
        options.tolerance = tolerance
        parameters.basis = basis
        parameters.tolerance = tolerance
    }
}

/// `--min-credit`, `--issued FILE…`: which credits are issued, withheld or already issued.
struct CreditOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--min-credit", "--issued"])

    let minimumCredit: Rational?
    let issuedPaths: [String]

    init(_ arguments: Arguments) throws(UsageError) {
        minimumCredit = try OptionParsing.amount(arguments.value("--min-credit"), flag: "--min-credit")
        issuedPaths = arguments.all("--issued")
    }

    /// Reads the `--issued` files (exit 66 / 74 when one is missing or unreadable).
    func apply(to options: inout ReconcileOptions, _ parameters: inout RunParameters) throws {
        options.minimumCredit = minimumCredit
        parameters.minimumCredit = minimumCredit
        for path in issuedPaths {
            let issued: (ids: Set<String>, info: InputFileInfo)
            do { issued = try IssuedCredits.read(path: path) } catch { throw CommandFailure.of(error) }
            options.issuedCreditIDs.formUnion(issued.ids)
            parameters.issued.append(issued.info)
        }
    }
}

/// `--from`, `--until`: the requests that started in `[from, until)`.
struct WindowOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--from", "--until"])

    let from: Timestamp?
    let until: Timestamp?

    init(_ arguments: Arguments) throws(UsageError) {
        from = try OptionParsing.time(arguments.value("--from"), flag: "--from")
        until = try OptionParsing.time(arguments.value("--until"), flag: "--until")
        if let from, let until, until <= from { throw UsageError("--until must be after --from") }
    }

    func apply(to options: inout ReconcileOptions, _ parameters: inout RunParameters) {
        options.from = from
        options.until = until
        parameters.from = from
        parameters.until = until
    }
}

/// `--out DIR`, `--as-of T`, `--csv-bom`: where the files go and what they print.
struct OutputOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--out", "--as-of"], flags: ["--csv-bom"])

    let outDirectory: String
    let asOf: Timestamp?
    let csvBOM: Bool

    init(_ arguments: Arguments, defaultDirectory: String) throws(UsageError) {
        outDirectory = try arguments.value("--out") ?? defaultDirectory
        asOf = try OptionParsing.time(arguments.value("--as-of"), flag: "--as-of")
        csvBOM = arguments.flag("--csv-bom")
    }
}

/// `--jobs`, `--sort-memory`, `--spill-dir`: how the engine uses the machine (`EngineSettings`);
/// never what the reports say.
struct EngineOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--jobs", "--sort-memory", "--spill-dir"])

    let jobs: Int
    let sortMemoryMB: Int
    let spillDirectory: String?

    init(_ arguments: Arguments) throws(UsageError) {
        jobs = try arguments.integer("--jobs", in: 1...1024) ?? ProcessInfo.processInfo.activeProcessorCount
        sortMemoryMB = try arguments.integer("--sort-memory", in: 1...65_536) ?? 64
        spillDirectory = try arguments.value("--spill-dir")
    }

    /// The settings, spilling to `--spill-dir` (which must exist) or else `outDirectory`.
    func settings(outDirectory: String) throws -> EngineSettings {
        if let spillDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spillDirectory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else {
                throw CommandFailure(.noInput, "\(spillDirectory): --spill-dir must be an existing directory")
            }
        }
        var settings = EngineSettings()
        settings.jobs = jobs
        settings.sortMemoryBytes = sortMemoryMB << 20
        settings.spillDirectory = spillDirectory ?? outDirectory
        return settings
    }
}

/// Parsing of the values several options share.
enum OptionParsing {
    static func amount(_ text: String?, flag: String) throws(UsageError) -> Rational? {
        guard let text else { return nil }
        guard let value = try? Rational(parsing: text), !value.isNegative, !text.contains("/") else {
            throw UsageError("\(flag) takes a decimal amount ≥ 0, not '\(text)'")
        }
        return value
    }

    static func time(_ text: String?, flag: String) throws(UsageError) -> Timestamp? {
        guard let text else { return nil }
        guard let time = Timestamp(rfc3339: text) else {
            throw UsageError(
                "\(flag) takes an RFC 3339 time with offset (e.g. 2024-03-01T00:00:00+08:00), not '\(text)': \(Timestamp.rfc3339Problem(text))"
            )
        }
        return time
    }
}

/// `--also-currency CUR` (SPEC §4.6): `reconcile`, `statement` and `explain` show every amount
/// in money too, converted from the ledger's unit by the catalog (the site's top-up rate, the
/// ledger's own currency, or a version's `exchange_rates`).
struct CurrencyOptions: OptionGroup {
    static let spec = Arguments.Spec(options: ["--also-currency"])

    /// An ISO 4217-style code, upper-cased (`cny` is `CNY`).
    let currency: String?

    init(_ arguments: Arguments) throws(UsageError) {
        guard let text = try arguments.value("--also-currency") else {
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
    func conversion(catalog: PriceCatalog) throws -> AmountConversion? {
        guard let currency else { return nil }
        do { return try AmountConversion.money(currency, catalog: catalog) } catch {
            throw CommandFailure(.usage, error.description)
        }
    }
}
