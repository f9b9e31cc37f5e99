import Glibc

/// The C surface of the MySQL client API (`mysql.h`), loaded from MariaDB's `libmariadb.so.3`
/// or Oracle's `libmysqlclient.so.21` (the same functions and option numbers). Nothing outside
/// this file sees a `MYSQL*` or a `MYSQL_RES*`: `MySQLConnection` hands out text values.
struct MySQLAPI: @unchecked Sendable {
    typealias Initialize = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias Options = @convention(c) (OpaquePointer?, Int32, UnsafeRawPointer?) -> Int32
    typealias RealConnect =
        @convention(c) (
            OpaquePointer?, UnsafePointer<CChar>?, UnsafePointer<CChar>?, UnsafePointer<CChar>?,
            UnsafePointer<CChar>?, UInt32, UnsafePointer<CChar>?, UInt
        ) -> OpaquePointer?
    typealias ErrorText = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias ErrorNumber = @convention(c) (OpaquePointer?) -> UInt32
    typealias RealQuery = @convention(c) (OpaquePointer?, UnsafePointer<CChar>?, UInt) -> Int32
    typealias ResultOf = @convention(c) (OpaquePointer?) -> OpaquePointer?
    typealias FieldCount = @convention(c) (OpaquePointer?) -> UInt32
    typealias FetchRow = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
    typealias FetchLengths = @convention(c) (OpaquePointer?) -> UnsafeMutablePointer<UInt>?
    typealias Free = @convention(c) (OpaquePointer?) -> Void

    let initialize: Initialize, options: Options, connect: RealConnect, error: ErrorText, errorNumber: ErrorNumber
    let query: RealQuery, storeResult: ResultOf, useResult: ResultOf, fieldCount: FieldCount
    let fetchRow: FetchRow, fetchLengths: FetchLengths, freeResult: Free, close: Free

    static let candidates = ["libmariadb.so.3", "libmysqlclient.so.21"]
    static let package = "libmariadb3"

    static func load(_ candidates: [String] = candidates) throws(GatewayDBError) -> MySQLAPI {
        let library = try DynamicLibrary.open(candidates, client: "MySQL/MariaDB", package: package)
        return MySQLAPI(
            initialize: try library.function("mysql_init"), options: try library.function("mysql_options"),
            connect: try library.function("mysql_real_connect"), error: try library.function("mysql_error"),
            errorNumber: try library.function("mysql_errno"), query: try library.function("mysql_real_query"),
            storeResult: try library.function("mysql_store_result"),
            useResult: try library.function("mysql_use_result"),
            fieldCount: try library.function("mysql_num_fields"), fetchRow: try library.function("mysql_fetch_row"),
            fetchLengths: try library.function("mysql_fetch_lengths"),
            freeResult: try library.function("mysql_free_result"),
            close: try library.function("mysql_close"))
    }

    static let shared: Result<MySQLAPI, GatewayDBError> = Result { () throws(GatewayDBError) in try load() }

    // enum mysql_option (identical in libmariadb and libmysqlclient)
    static let optionConnectTimeout: Int32 = 0
    static let optionReadDefaultGroup: Int32 = 5
    static let optionCharsetName: Int32 = 7
    static let optionReadTimeout: Int32 = 11
}

/// One MySQL / MariaDB connection.
final class MySQLConnection {
    private let api: MySQLAPI
    private let handle: OpaquePointer
    private let secret: String?
    let source: String

    /// `password` nil lets the library take the one in the option files' `[client]` or
    /// `[recount]` group (`MYSQL_READ_DEFAULT_GROUP`).
    init(
        host: String?, port: Int?, user: String?, password: String?, database: String?, socket: String?,
        source: String
    ) throws(GatewayDBError) {
        api = try MySQLAPI.shared.get()
        guard let handle = api.initialize(nil) else {
            throw .unavailable(source: source, reason: "mysql_init: out of memory")
        }
        self.handle = handle
        secret = password
        self.source = source
        _ = "recount".withCString { api.options(handle, MySQLAPI.optionReadDefaultGroup, $0) }
        _ = "utf8mb4".withCString { api.options(handle, MySQLAPI.optionCharsetName, $0) }
        var connectTimeout: UInt32 = 10
        _ = api.options(handle, MySQLAPI.optionConnectTimeout, &connectTimeout)
        // A stalled server must not hang the nightly run forever (seconds between packets).
        var readTimeout: UInt32 = 600
        _ = api.options(handle, MySQLAPI.optionReadTimeout, &readTimeout)
        let connected = withOptionalCString(host) { host in
            withOptionalCString(user) { user in
                withOptionalCString(password) { password in
                    withOptionalCString(database) { database in
                        withOptionalCString(socket) { socket in
                            api.connect(handle, host, user, password, database, UInt32(port ?? 0), socket, 0)
                        }
                    }
                }
            }
        }
        guard connected != nil else {
            // deinit closes the handle (a class whose init throws after setting every
            // property is deinitialised).
            throw .unavailable(source: source, reason: lastError)
        }
    }

    deinit { api.close(handle) }

    var lastError: String {
        scrub(
            "\(api.error(handle).map { String(cString: $0) } ?? "unknown error") (\(api.errorNumber(handle)))",
            secret: secret)
    }

    /// Runs a statement whose rows (if any) are not wanted.
    func execute(_ sql: String, reading: Bool = false) throws(GatewayDBError) {
        try send(sql, reading: reading)
        if let result = api.storeResult(handle) { api.freeResult(result) }
    }

    /// Runs a query and reads its (small) result whole, as text (nil for NULL).
    func rows(_ sql: String) throws(GatewayDBError) -> [[String?]] {
        try send(sql, reading: false)
        guard let result = api.storeResult(handle) else { throw .unavailable(source: source, reason: lastError) }
        defer { api.freeResult(result) }
        let columns = Int(api.fieldCount(result))
        var rows: [[String?]] = []
        while let row = api.fetchRow(result), let lengths = api.fetchLengths(result) {
            rows.append(
                (0..<columns).map { column in
                    row[column].map {
                        String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(lengths[column])), as: UTF8.self)
                    }
                })
        }
        return rows
    }

    private func send(_ sql: String, reading: Bool) throws(GatewayDBError) {
        let status = sql.withCString { api.query(handle, $0, UInt(strlen($0))) }
        guard status == 0 else {
            throw reading ? .io(source: source, reason: lastError) : .unavailable(source: source, reason: lastError)
        }
    }

    /// Starts a query whose rows come one at a time off the socket (`mysql_use_result`: the
    /// client never holds the result set).
    func stream(_ sql: String) throws(GatewayDBError) -> Stream {
        try send(sql, reading: false)
        guard let result = api.useResult(handle) else { throw .unavailable(source: source, reason: lastError) }
        return Stream(connection: self, api: api, result: result)
    }

    final class Stream {
        private let connection: MySQLConnection
        private let api: MySQLAPI
        private var result: OpaquePointer?
        private var row: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
        private var lengths: UnsafeMutablePointer<UInt>?
        let columnCount: Int

        fileprivate init(connection: MySQLConnection, api: MySQLAPI, result: OpaquePointer) {
            self.connection = connection
            self.api = api
            self.result = result
            columnCount = Int(api.fieldCount(result))
        }

        deinit { if let result { api.freeResult(result) } }

        /// True when a row is ready, false at the end; a dropped connection is `.io`.
        func step() throws(GatewayDBError) -> Bool {
            guard let result else { return false }
            row = api.fetchRow(result)
            if row != nil { lengths = api.fetchLengths(result); return true }
            let failed = api.errorNumber(connection.handle) != 0
            let reason = failed ? connection.lastError : ""
            api.freeResult(result)
            self.result = nil
            if failed { throw .io(source: connection.source, reason: reason) }
            return false
        }

        /// The current row's value as text, nil for NULL; valid until the next `step`.
        func bytes(_ column: Int) -> UnsafeBufferPointer<UInt8>? {
            guard let row, let lengths, let value = row[column] else { return nil }
            return UnsafeBufferPointer(
                start: UnsafeRawPointer(value).assumingMemoryBound(to: UInt8.self), count: Int(lengths[column]))
        }
    }
}
