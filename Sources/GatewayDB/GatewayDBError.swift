/// Why a gateway database could not be read. Every case names the source by its redacted
/// description (never a password), and maps to one exit status (SPEC §5) through `exitStatus`.
public enum GatewayDBError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The `--gateway-db` URL or the password options are wrong (64). The text never quotes
    /// a password, even one found in the URL.
    case usage(String)
    /// The client library is not installed (69); `package` is the Debian package to install.
    case libraryMissing(client: String, library: String, package: String)
    /// The SQLite database file does not exist (66). Opening it read-only would not create it.
    case databaseMissing(path: String)
    /// The password file named by `--db-password-file` is missing or unreadable (66).
    case passwordFileUnreadable(path: String, reason: String)
    /// The server could not be reached, refused the login, or the SQLite file stayed locked
    /// past the busy timeout (69): nothing was read, the run can simply be retried.
    case unavailable(source: String, reason: String)
    /// The gateway's table is not in the database (65).
    case missingTable(source: String, table: String)
    /// A column the run needs is not in the table (65).
    case missingColumn(source: String, table: String, column: String)
    /// Reading failed after it had started — the connection dropped, the server cancelled the
    /// query, the file could not be read (74). Rows already handed over are not a whole day.
    case io(source: String, reason: String)

    /// The process exit status the CLI uses for this error (SPEC §5, BSD `sysexits.h`).
    public var exitStatus: Int32 {
        switch self {
        case .usage: 64
        case .missingTable, .missingColumn: 65
        case .databaseMissing, .passwordFileUnreadable: 66
        case .libraryMissing, .unavailable: 69
        case .io: 74
        }
    }

    public var description: String {
        switch self {
        case .usage(let message): message
        case .libraryMissing(let client, let library, let package):
            "the \(client) client library (\(library)) is not installed; install the Debian package \(package) (apt-get install \(package))"
        case .databaseMissing(let path): "\(path): no such SQLite database"
        case .passwordFileUnreadable(let path, let reason): "\(path): cannot read the password file: \(reason)"
        case .unavailable(let source, let reason): "\(source): cannot read the gateway database: \(reason)"
        case .missingTable(let source, let table): "\(source): table \(table) does not exist"
        case .missingColumn(let source, let table, let column): "\(source): table \(table) has no column \(column)"
        case .io(let source, let reason): "\(source): reading the gateway database failed: \(reason)"
        }
    }
}

/// Removes every occurrence of `secret` from a client library's message. libpq and libmariadb
/// do not quote passwords today; this makes sure a future version, or a server echoing a
/// connection string, cannot put one into a report or a log.
func scrub(_ message: String, secret: String?) -> String {
    var text = message.trimmingTrailingWhitespace()
    if let secret, !secret.isEmpty { text = text.replacingAll(secret, with: "***") }
    return text
}

extension String {
    func trimmingTrailingWhitespace() -> String {
        var scalars = Substring(self)
        while let last = scalars.last, last == " " || last == "\n" || last == "\r" || last == "\t" {
            scalars.removeLast()
        }
        return String(scalars)
    }

    /// Plain substring replacement without Foundation's locale-aware machinery.
    func replacingAll(_ target: String, with replacement: String) -> String {
        let haystack = Array(utf8), needle = Array(target.utf8)
        guard !needle.isEmpty, haystack.count >= needle.count else { return self }
        var out: [UInt8] = []
        out.reserveCapacity(haystack.count)
        var index = 0
        while index < haystack.count {
            if index + needle.count <= haystack.count, haystack[index..<(index + needle.count)].elementsEqual(needle) {
                out += replacement.utf8
                index += needle.count
            } else {
                out.append(haystack[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
