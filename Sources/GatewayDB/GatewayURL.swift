import Foundation

/// Where the gateway's database is: the `--gateway-db URL` of SPEC §5, parsed.
///
/// - `sqlite:PATH` (also `sqlite://PATH`, `sqlite:///abs/path`); `?busy_timeout=MS`; query
///   parameters starting with `_` (the Go driver's DSN options, as in one-api's `SQLITE_PATH`)
///   are ignored so a gateway's own setting can be pasted.
/// - `postgres://USER@HOST:PORT/DB?…` or `postgresql://…`: every query parameter is a libpq
///   connection keyword (`host=/run/postgresql` for a socket directory, `sslmode=…`, …).
/// - `mysql://USER@HOST:PORT/DB` or `mariadb://…`, `?socket=PATH` for a Unix socket.
///
/// A password is never part of the URL: `USER:PASS@` and a `password=` parameter are usage
/// errors whose text does not repeat it (see `GatewayCredentials` for where it comes from).
public struct GatewayDatabaseURL: Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable { case sqlite, postgres, mysql }

    public let kind: Kind
    /// SQLite: the database file.
    public let path: String
    public let user: String?
    public let host: String?
    public let port: Int?
    public let database: String?
    /// PostgreSQL: libpq keywords; MySQL: `socket`. SQLite: `busy_timeout`.
    public let parameters: [Parameter]

    public struct Parameter: Sendable, Equatable {
        public let name: String
        public let value: String
    }

    /// The URL with nothing secret in it (there is nothing secret in it: a password was refused),
    /// rebuilt from its parts, for messages and `summary.json`.
    public var description: String {
        switch kind {
        case .sqlite:
            return "sqlite:" + path
        case .postgres, .mysql:
            var text = kind == .postgres ? "postgres://" : "mysql://"
            if let user { text += percentEncoded(user) + "@" }
            if let host { text += host.contains(":") ? "[\(host)]" : percentEncoded(host) }
            if let port { text += ":\(port)" }
            text += "/" + (database.map(percentEncoded) ?? "")
            if !parameters.isEmpty {
                text +=
                    "?"
                    + parameters.map { percentEncoded($0.name) + "=" + percentEncoded($0.value) }.joined(separator: "&")
            }
            return text
        }
    }

    public func parameter(_ name: String) -> String? { parameters.last { $0.name == name }?.value }

    static let secretParameters: Set<String> = ["password", "pass", "passwd", "pwd", "sslpassword"]

    public static func parse(_ text: String) throws(GatewayDBError) -> GatewayDatabaseURL {
        if text.hasPrefix("sqlite:") { return try parseSQLite(String(text.dropFirst("sqlite:".count))) }
        let kind: Kind
        let rest: Substring
        if let tail = text.dropPrefix("postgres://") ?? text.dropPrefix("postgresql://") {
            kind = .postgres
            rest = tail
        } else if let tail = text.dropPrefix("mysql://") ?? text.dropPrefix("mariadb://") {
            kind = .mysql
            rest = tail
        } else {
            throw .usage(
                "--gateway-db: expected sqlite:PATH, postgres://USER@HOST:PORT/DB or mysql://USER@HOST:PORT/DB")
        }
        // Split off the query first: nothing in a query is userinfo.
        let queryStart = rest.firstIndex(of: "?")
        let beforeQuery = rest[..<(queryStart ?? rest.endIndex)]
        var user: String? = nil
        var hostPart = beforeQuery
        if let at = beforeQuery.lastIndex(of: "@") {
            let userinfo = beforeQuery[..<at]
            // The password check comes before anything that could echo a part of the URL.
            if userinfo.contains(":") {
                throw .usage(
                    "--gateway-db: the URL must not hold a password (USER:PASSWORD@); give it in RECOUNT_DB_PASSWORD, --db-password-file, or the client library's own files (~/.pgpass, a MySQL option file)"
                )
            }
            user = try decoded(userinfo, what: "user")
            hostPart = beforeQuery[beforeQuery.index(after: at)...]
        }
        var parameters: [Parameter] = []
        if let queryStart {
            for pair in rest[rest.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: true) {
                let equals = pair.firstIndex(of: "=")
                let name = try decoded(pair[..<(equals ?? pair.endIndex)], what: "parameter name")
                if secretParameters.contains(name.lowercased()) {
                    throw .usage(
                        "--gateway-db: the URL must not hold a password (\(name)=…); give it in RECOUNT_DB_PASSWORD, --db-password-file, or the client library's own files"
                    )
                }
                var value = ""
                if let equals { value = try decoded(pair[pair.index(after: equals)...], what: "parameter \(name)") }
                parameters.append(Parameter(name: name, value: value))
            }
        }
        // host[:port][/database]
        let slash = hostPart.firstIndex(of: "/")
        let authority = hostPart[..<(slash ?? hostPart.endIndex)]
        var database: String? = nil
        if let slash { database = try decoded(hostPart[hostPart.index(after: slash)...], what: "database") }
        var host: String? = nil
        var port: Int? = nil
        var portText: Substring? = nil
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                throw .usage("--gateway-db: unterminated [IPv6] host")
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { throw .usage("--gateway-db: expected :PORT after the [IPv6] host") }
                portText = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = try decoded(authority[..<colon], what: "host")
            portText = authority[authority.index(after: colon)...]
        } else if !authority.isEmpty {
            host = try decoded(authority, what: "host")
        }
        if let portText {
            guard let value = Int(portText), (1...65535).contains(value) else {
                throw .usage("--gateway-db: the port must be a number from 1 to 65535")
            }
            port = value
        }
        if host?.isEmpty == true { host = nil }
        if kind == .mysql {
            for parameter in parameters where parameter.name != "socket" {
                throw .usage("--gateway-db: unknown MySQL URL parameter '\(parameter.name)' (known: socket)")
            }
        }
        let databaseName = database.flatMap { $0.isEmpty ? nil : $0 }
        if kind == .mysql, databaseName == nil {
            throw .usage("--gateway-db: a MySQL URL names its database: mysql://USER@HOST:PORT/DB")
        }
        return GatewayDatabaseURL(
            kind: kind, path: "", user: user, host: host, port: port,
            database: databaseName, parameters: parameters)
    }

    static func parseSQLite(_ text: String) throws(GatewayDBError) -> GatewayDatabaseURL {
        var body = Substring(text)
        if body.hasPrefix("//") { body = body.dropFirst(2) }
        var parameters: [Parameter] = []
        if let question = body.firstIndex(of: "?") {
            for pair in body[body.index(after: question)...].split(separator: "&") {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let name = String(parts[0])
                if name.hasPrefix("_") { continue }
                guard name == "busy_timeout", parts.count == 2, let value = Int(parts[1]), value >= 0 else {
                    throw .usage(
                        "--gateway-db: unknown SQLite URL parameter '\(name)' (known: busy_timeout=MILLISECONDS)")
                }
                parameters.append(Parameter(name: name, value: String(value)))
            }
            body = body[..<question]
        }
        guard !body.isEmpty else {
            throw .usage("--gateway-db: sqlite: needs the database file, as in sqlite:/data/one-api.db")
        }
        return GatewayDatabaseURL(
            kind: .sqlite, path: String(body), user: nil, host: nil, port: nil,
            database: nil, parameters: parameters)
    }

    static func decoded(_ text: Substring, what: String) throws(GatewayDBError) -> String {
        guard let value = String(text).removingPercentEncoding else {
            throw .usage("--gateway-db: bad %-escape in the \(what)")
        }
        return value
    }
}

private func percentEncoded(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~/")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

extension String {
    func dropPrefix(_ prefix: String) -> Substring? { hasPrefix(prefix) ? dropFirst(prefix.count) : nil }
}

/// Where the database password comes from (SPEC §5): never the command line.
///
/// In order: `--db-password-file FILE` (the whole file, one trailing newline removed — the
/// shape of a Kubernetes Secret or a systemd credential), then the `RECOUNT_DB_PASSWORD`
/// variable, else none — and then the client library uses its own mechanisms: libpq reads
/// `PGPASSWORD`, `PGPASSFILE` or `~/.pgpass`; libmariadb / libmysqlclient read the `[client]`
/// and `[recount]` groups of the MySQL option files (`~/.my.cnf`, `/etc/mysql/my.cnf`).
public struct GatewayCredentials: Sendable, Equatable, CustomStringConvertible {
    let password: String?
    /// Where it came from, for `summary.json` and messages; never the password.
    public let origin: String

    public var description: String { origin }

    public static let environmentVariable = "RECOUNT_DB_PASSWORD"

    /// No password of Recount's own: the client library decides (or the server needs none).
    public static let clientLibrary = GatewayCredentials(
        password: nil, origin: "the client library's own (PGPASSFILE / ~/.pgpass; MySQL option files)")

    public static func resolve(
        passwordFile: String?,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(GatewayDBError) -> GatewayCredentials {
        if let passwordFile {
            let data: Data
            do { data = try Data(contentsOf: URL(fileURLWithPath: passwordFile)) } catch {
                let reason =
                    FileManager.default.fileExists(atPath: passwordFile)
                    ? "permission denied or not a file" : "no such file"
                throw .passwordFileUnreadable(path: passwordFile, reason: reason)
            }
            var text = String(decoding: data, as: UTF8.self)
            if text.hasSuffix("\r\n") { text.removeLast() } else if text.hasSuffix("\n") { text.removeLast() }
            if text.hasSuffix("\r") { text.removeLast() }
            guard !text.isEmpty else { throw .usage("--db-password-file \(passwordFile): the file is empty") }
            return GatewayCredentials(password: text, origin: "--db-password-file \(passwordFile)")
        }
        if let value = environment[environmentVariable], !value.isEmpty {
            return GatewayCredentials(password: value, origin: environmentVariable)
        }
        return clientLibrary
    }

    /// For tests and callers that hold the password already (never logged).
    public static func password(_ password: String, origin: String) -> GatewayCredentials {
        GatewayCredentials(password: password, origin: origin)
    }
}
