/// `recount prices check`: every problem in a catalog, and every `published` figure redone.
///
/// Why: relay price pages are hand-made tables, and the seed page itself prints 2310 points
/// where its own rate gives 2130. The check reads leniently (one problem does not hide the
/// next) and reports problems as data; the CLI prints them and picks the exit status.
///
/// What is reported:
/// - every schema error, with its JSON path (as loading would, but all of them);
/// - versions listed out of `effective_from` order (warning), two with the same one (error);
/// - unreachable model keys (error). With exact-then-longest-prefix lookup a well-formed key
///   is always reachable: an exact key always wins for its own name, and `p*` always wins at
///   least for names `p` + something no longer prefix covers. So the keys that can never apply
///   are the malformed ones: `*` anywhere but at the end (taken literally; no model name holds
///   it), an empty key, surrounding whitespace. Keys that differ only in letter case are a
///   warning (matching is case-sensitive, so one of them is likely never billed). A key
///   repeated inside one JSON object cannot be seen: the JSON reader keeps the last one.
/// - a model with an input price and no output price (warning; write `"output_per_1k": "0"`
///   for models whose completions are free, such as embeddings);
/// - a model currency without an exchange rate (error);
/// - each `published` figure (`PublishedKey`) that does not match: the exact value, rounded
///   half_up to as many decimals as the figure is written with, must equal the figure.
public enum PriceCheck {
    public struct Report: Sendable {
        public let source: String
        public let findings: [CatalogProblem]
        /// Not a catalog at all: not JSON, not an object, or a wrong `schema` (exit 65).
        public let unreadable: Bool
        public let figuresChecked: Int
        public let figuresWrong: Int

        public var errors: Int { findings.filter { $0.severity == .error }.count }
        public var warnings: Int { findings.filter { $0.severity == .warning }.count }
        public var isClean: Bool { findings.isEmpty }

        /// One line per finding, `FILE: path: message`.
        public var lines: [String] {
            findings.map { finding in
                let severity = finding.severity == .warning ? "warning: " : ""
                return finding.path.isEmpty
                    ? "\(source): \(severity)\(finding.message)"
                    : "\(source): \(finding.path): \(severity)\(finding.message)"
            }
        }

        public var summary: String {
            if unreadable { return "\(source): not a price catalog" }
            let figures =
                "\(figuresChecked) published figure\(figuresChecked == 1 ? "" : "s") checked, \(figuresWrong) wrong"
            if isClean { return "\(source): OK (\(figures))" }
            return
                "\(source): \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s") (\(figures))"
        }
    }

    public static func check(_ bytes: [UInt8], source: String) -> Report {
        let outcome = CatalogReader.read(bytes)
        var findings = outcome.problems
        var checked = 0
        var wrong = 0
        if let catalog = outcome.catalog {
            for version in catalog.versions.sorted(by: { $0.listingIndex < $1.listingIndex }) {
                checkKeys(version, into: &findings)
                for key in version.modelKeys {
                    guard let price = version.models[key] else { continue }
                    let path = "versions[\(version.listingIndex)].models[\(CatalogReader.quoted(key))]"
                    if price.inputPerToken != nil, price.outputPerToken == nil {
                        findings.append(
                            CatalogProblem(
                                .warning, path: path,
                                message:
                                    "input price but no output price (write \"output_per_1k\": \"0\" if completions are free)"
                            ))
                    }
                    for figure in price.published {
                        checked += 1
                        if let problem = checkFigure(
                            figure, price: price, version: version, unit: catalog.unit,
                            path: path + ".published.\(figure.key)")
                        {
                            wrong += 1
                            findings.append(problem)
                        }
                    }
                }
            }
        }
        return Report(
            source: source, findings: findings, unreadable: outcome.unreadable, figuresChecked: checked,
            figuresWrong: wrong)
    }

    static func checkKeys(_ version: PriceVersion, into findings: inout [CatalogProblem]) {
        var seen: [String: String] = [:]
        for key in version.modelKeys {
            let folded = key.lowercased()
            if let other = seen[folded] {
                findings.append(
                    CatalogProblem(
                        .warning, path: "versions[\(version.listingIndex)].models[\(CatalogReader.quoted(key))]",
                        message:
                            "differs from \(CatalogReader.quoted(other)) only in letter case; matching is case-sensitive"
                    ))
            } else {
                seen[folded] = key
            }
        }
    }

    /// A figure matches when the exact value, rounded half_up to the figure's decimals, equals it.
    static func checkFigure(
        _ figure: PublishedFigure, price: ModelPrice, version: PriceVersion,
        unit: PriceCatalog.Unit, path: String
    ) -> CatalogProblem? {
        guard let key = PublishedKey(rawValue: figure.key) else { return nil }
        let values: [Rational]
        do {
            guard let computed = try key.computed(for: price, in: version, unit: unit) else {
                return CatalogProblem(
                    .error, path: path,
                    message: "published \(figure.text), but the model has no price to compute it from")
            }
            values = computed
        } catch {
            return CatalogProblem(.error, path: path, message: "published \(figure.text), cannot compute: \(error)")
        }
        var mismatches: [String] = []
        for (index, value) in values.enumerated() {
            guard let shown = try? value.rounded(scale: figure.scale, mode: .half_up) else {
                return CatalogProblem(
                    .error, path: path,
                    message:
                        "published \(figure.text) has more decimals than Recount compares (\(Rational.scaleRange.upperBound))"
                )
            }
            guard shown != figure.value else { continue }
            let side = values.count == 2 ? (index == 0 ? " for input" : " for output") : ""
            var text = "computed \(shown.decimalString(scale: figure.scale) ?? shown.description)\(side)"
            if shown != value { text += " (exact \(value.decimalString(maxScale: 10)))" }
            mismatches.append(text)
        }
        guard !mismatches.isEmpty else { return nil }
        return CatalogProblem(
            .error, path: path, message: "published \(figure.text), " + mismatches.joined(separator: ", "))
    }
}
