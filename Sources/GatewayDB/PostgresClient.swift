import Glibc

/// The C surface of libpq (`libpq-fe.h`), loaded from `libpq.so.5`. Nothing outside this file
/// sees a `PGconn*` or a `PGresult*`: `PostgresConnection` runs SQL and hands out text values.
struct PostgresAPI: @unchecked Sendable {
    typealias ConnectParams =
        @convention(c) (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<UnsafePointer<CChar>?>?, Int32) ->
        OpaquePointer?
    typealias Status = @convention(c) (OpaquePointer?) -> Int32
    typealias ErrorMessage = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias Finish = @convention(c) (OpaquePointer?) -> Void
    typealias Exec = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?) -> OpaquePointer?
    typealias Count = @convention(c) (OpaquePointer?) -> Int32
    typealias GetValue = @convention(c) (OpaquePointer?, Int32, Int32) -> UnsafePointer<CChar>?
    typealias GetInt = @convention(c) (OpaquePointer?, Int32, Int32) -> Int32

    let connect: ConnectParams, status: Status, errorMessage: ErrorMessage, finish: Finish
    let exec: Exec, resultStatus: Status, resultError: ErrorMessage, clear: Finish
    let rows: Count, getValue: GetValue, getLength: GetInt, getIsNull: GetInt

    static let candidates = ["libpq.so.5"]
    static let package = "libpq5"

    static func load(_ candidates: [String] = candidates) throws(GatewayDBError) -> PostgresAPI {
        let library = try DynamicLibrary.open(candidates, client: "PostgreSQL", package: package)
        return PostgresAPI(
            connect: try library.function("PQconnectdbParams"), status: try library.function("PQstatus"),
            errorMessage: try library.function("PQerrorMessage"), finish: try library.function("PQfinish"),
            exec: try library.function("PQexec"), resultStatus: try library.function("PQresultStatus"),
            resultError: try library.function("PQresultErrorMessage"), clear: try library.function("PQclear"),
            rows: try library.function("PQntuples"), getValue: try library.function("PQgetvalue"),
            getLength: try library.function("PQgetlength"), getIsNull: try library.function("PQgetisnull"))
    }

    static let shared: Result<PostgresAPI, GatewayDBError> = Result { () throws(GatewayDBError) in try load() }

    // libpq-fe.h
    static let connectionOK: Int32 = 0
    static let commandOK: Int32 = 1, tuplesOK: Int32 = 2
}

/// One libpq connection. Errors carry libpq's message with any password scrubbed out.
final class PostgresConnection {
    private let api: PostgresAPI
    private var connection: OpaquePointer?
    private let secret: String?
    let source: String

    /// `parameters` are libpq keywords (`host`, `port`, `dbname`, `user`, …); the password, if
    /// Recount has one, is a keyword too — never part of a string that could be printed.
    init(parameters: [(String, String)], password: String?, source: String) throws(GatewayDBError) {
        api = try PostgresAPI.shared.get()
        secret = password
        self.source = source
        var all = parameters
        if let password { all.append(("password", password)) }
        let keys = all.map { strdup($0.0) }, values = all.map { strdup($0.1) }
        defer { keys.forEach { free($0) }; values.forEach { free($0) } }
        var keyPointers = keys.map { UnsafePointer<CChar>($0) } + [nil]
        var valuePointers = values.map { UnsafePointer<CChar>($0) } + [nil]
        connection = keyPointers.withUnsafeMutableBufferPointer { k in
            valuePointers.withUnsafeMutableBufferPointer { v in api.connect(k.baseAddress, v.baseAddress, 0) }
        }
        guard let connection, api.status(connection) == PostgresAPI.connectionOK else {
            let reason = connectionError
            api.finish(connection)
            self.connection = nil
            throw .unavailable(source: source, reason: reason)
        }
    }

    deinit { if let connection { api.finish(connection) } }

    private var connectionError: String {
        scrub(
            connection.flatMap { api.errorMessage($0) }.map { String(cString: $0) } ?? "out of memory", secret: secret)
    }

    /// Runs one statement; a failure is `.unavailable` while setting up (`reading: false`) and
    /// `.io` once rows are being read.
    func run(_ sql: String, reading: Bool) throws(GatewayDBError) -> Result {
        let result = api.exec(connection, sql)
        let status = result.map { api.resultStatus($0) } ?? -1
        guard let result, status == PostgresAPI.tuplesOK || status == PostgresAPI.commandOK else {
            var reason = result.flatMap { api.resultError($0) }.map { String(cString: $0) } ?? ""
            if reason.isEmpty { reason = connectionError }
            api.clear(result)
            reason = scrub(reason, secret: secret)
            throw reading ? .io(source: source, reason: reason) : .unavailable(source: source, reason: reason)
        }
        return Result(api: api, handle: result)
    }

    final class Result {
        private let api: PostgresAPI
        private let handle: OpaquePointer
        let count: Int

        fileprivate init(api: PostgresAPI, handle: OpaquePointer) {
            self.api = api
            self.handle = handle
            count = Int(api.rows(handle))
        }

        deinit { api.clear(handle) }

        /// The value's text (libpq's text format), nil for SQL NULL; valid while `self` lives.
        func bytes(_ row: Int, _ column: Int) -> UnsafeBufferPointer<UInt8>? {
            guard api.getIsNull(handle, Int32(row), Int32(column)) == 0,
                let value = api.getValue(handle, Int32(row), Int32(column))
            else { return nil }
            return UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self),
                count: Int(api.getLength(handle, Int32(row), Int32(column))))
        }

        func text(_ row: Int, _ column: Int) -> String? {
            bytes(row, column).map { String(decoding: $0, as: UTF8.self) }
        }
    }
}
