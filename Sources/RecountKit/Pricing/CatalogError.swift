/// One problem found in a price catalog: where (JSON path) and what was expected.
///
/// Problems are data so `recount prices check` can list all of them, while loading for a
/// reconciliation stops at the first error (`CatalogError`).
public struct CatalogProblem: Sendable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning }
    public let severity: Severity
    /// A JSON path such as `versions[1].models["gpt-4"].input_per_1k`; empty for the document.
    public let path: String
    public let message: String

    public init(_ severity: Severity, path: String, message: String) {
        self.severity = severity
        self.path = path
        self.message = message
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Why a price catalog cannot be used: names the file, the JSON path and what was expected.
/// A broken catalog stops a reconciliation (exit 65); it never prices part of a day.
public struct CatalogError: Error, Sendable, CustomStringConvertible {
    public let source: String
    public let path: String
    public let reason: String
    /// Further errors in the same file (`recount prices check FILE` lists them all).
    public let moreErrors: Int

    public init(source: String, path: String, reason: String, moreErrors: Int = 0) {
        self.source = source
        self.path = path
        self.reason = reason
        self.moreErrors = moreErrors
    }

    public var description: String {
        var text = path.isEmpty ? "\(source): \(reason)" : "\(source): \(path): \(reason)"
        if moreErrors > 0 {
            text +=
                " (and \(moreErrors) more error\(moreErrors == 1 ? "" : "s"); 'recount prices check \(source)' lists them)"
        }
        return text
    }
}
