import Glibc

/// The C surface of SQLite (`sqlite3.h`), loaded from `libsqlite3.so.0`. Nothing outside this
/// file sees a `sqlite3*` or a `sqlite3_stmt*`: `SQLiteConnection` hands out rows as `Cell`s.
struct SQLiteAPI: @unchecked Sendable {
    typealias OpenV2 =
        @convention(c) (UnsafePointer<CChar>?, UnsafeMutablePointer<OpaquePointer?>?, Int32, UnsafePointer<CChar>?) ->
        Int32
    typealias CloseV2 = @convention(c) (OpaquePointer?) -> Int32
    typealias BusyTimeout = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias ErrorMessage = @convention(c) (OpaquePointer?) -> UnsafePointer<CChar>?
    typealias PrepareV2 =
        @convention(c) (
            OpaquePointer?, UnsafePointer<CChar>?, Int32, UnsafeMutablePointer<OpaquePointer?>?,
            UnsafeMutablePointer<UnsafePointer<CChar>?>?
        ) -> Int32
    typealias Step = @convention(c) (OpaquePointer?) -> Int32
    typealias Finalize = @convention(c) (OpaquePointer?) -> Int32
    typealias ColumnCount = @convention(c) (OpaquePointer?) -> Int32
    typealias ColumnType = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias ColumnInt64 = @convention(c) (OpaquePointer?, Int32) -> Int64
    typealias ColumnText = @convention(c) (OpaquePointer?, Int32) -> UnsafePointer<UInt8>?
    typealias ColumnBytes = @convention(c) (OpaquePointer?, Int32) -> Int32
    typealias BindInt64 = @convention(c) (OpaquePointer?, Int32, Int64) -> Int32

    let open: OpenV2, close: CloseV2, busyTimeout: BusyTimeout, errorMessage: ErrorMessage
    let prepare: PrepareV2, step: Step, finalize: Finalize
    let columnCount: ColumnCount, columnType: ColumnType, columnInt64: ColumnInt64
    let columnText: ColumnText, columnBytes: ColumnBytes, bindInt64: BindInt64

    static let candidates = ["libsqlite3.so.0", "libsqlite3.so"]
    static let package = "libsqlite3-0"

    static func load(_ candidates: [String] = candidates) throws(GatewayDBError) -> SQLiteAPI {
        let library = try DynamicLibrary.open(candidates, client: "SQLite", package: package)
        return SQLiteAPI(
            open: try library.function("sqlite3_open_v2"), close: try library.function("sqlite3_close_v2"),
            busyTimeout: try library.function("sqlite3_busy_timeout"),
            errorMessage: try library.function("sqlite3_errmsg"),
            prepare: try library.function("sqlite3_prepare_v2"), step: try library.function("sqlite3_step"),
            finalize: try library.function("sqlite3_finalize"),
            columnCount: try library.function("sqlite3_column_count"),
            columnType: try library.function("sqlite3_column_type"),
            columnInt64: try library.function("sqlite3_column_int64"),
            columnText: try library.function("sqlite3_column_text"),
            columnBytes: try library.function("sqlite3_column_bytes"),
            bindInt64: try library.function("sqlite3_bind_int64"))
    }

    static let shared: Result<SQLiteAPI, GatewayDBError> = Result { () throws(GatewayDBError) in try load() }

    // sqlite3.h
    static let openReadOnly: Int32 = 0x0000_0001
    static let openNoMutex: Int32 = 0x0000_8000
    static let ok: Int32 = 0, busy: Int32 = 5, locked: Int32 = 6, row: Int32 = 100, done: Int32 = 101
    static let typeInteger: Int32 = 1, typeFloat: Int32 = 2, typeText: Int32 = 3, typeBlob: Int32 = 4,
        typeNull: Int32 = 5
}

/// An SQLite connection opened read-only (`SQLITE_OPEN_READONLY`: it cannot write, and in WAL
/// mode it neither blocks the gateway's writes nor is blocked by them).
final class SQLiteConnection {
    private let api: SQLiteAPI
    private var db: OpaquePointer?
    let source: String

    init(path: String, busyTimeoutMilliseconds: Int32, source: String) throws(GatewayDBError) {
        api = try SQLiteAPI.shared.get()
        self.source = source
        let status = api.open(path, &db, SQLiteAPI.openReadOnly | SQLiteAPI.openNoMutex, nil)
        guard status == SQLiteAPI.ok else {
            let reason = db.flatMap { api.errorMessage($0) }.map { String(cString: $0) } ?? "error \(status)"
            _ = api.close(db)
            db = nil
            throw .unavailable(source: source, reason: reason)
        }
        _ = api.busyTimeout(db, busyTimeoutMilliseconds)
    }

    deinit { _ = api.close(db) }

    var lastError: String { api.errorMessage(db).map { String(cString: $0) } ?? "unknown error" }

    /// Runs a statement with no rows wanted (`BEGIN`, `COMMIT`).
    func execute(_ sql: String) throws(GatewayDBError) {
        let statement = try prepare(sql)
        while try statement.step() {}
    }

    func prepare(_ sql: String) throws(GatewayDBError) -> Statement {
        var handle: OpaquePointer?
        let status = api.prepare(db, sql, -1, &handle, nil)
        guard status == SQLiteAPI.ok, let handle else { throw failure(status, starting: true) }
        return Statement(connection: self, api: api, handle: handle)
    }

    /// BUSY and LOCKED before any row is read mean "try again later" (69); anything else, or
    /// anything once rows have flowed, is an I/O failure (74).
    func failure(_ status: Int32, starting: Bool) -> GatewayDBError {
        let reason = lastError
        if status == SQLiteAPI.busy || status == SQLiteAPI.locked {
            return starting
                ? .unavailable(source: source, reason: "the database is locked (\(reason))")
                : .io(source: source, reason: "the database became locked mid-read (\(reason))")
        }
        return starting ? .unavailable(source: source, reason: reason) : .io(source: source, reason: reason)
    }

    final class Statement {
        private let connection: SQLiteConnection
        private let api: SQLiteAPI
        private let handle: OpaquePointer
        private(set) var rowsStepped = 0

        fileprivate init(connection: SQLiteConnection, api: SQLiteAPI, handle: OpaquePointer) {
            self.connection = connection
            self.api = api
            self.handle = handle
        }

        deinit { _ = api.finalize(handle) }

        func bind(_ index: Int32, _ value: Int64) { _ = api.bindInt64(handle, index, value) }

        /// True when a row is ready, false at the end.
        func step() throws(GatewayDBError) -> Bool {
            let status = api.step(handle)
            if status == SQLiteAPI.row { rowsStepped += 1; return true }
            if status == SQLiteAPI.done { return false }
            throw connection.failure(status, starting: rowsStepped == 0)
        }

        var columnCount: Int { Int(api.columnCount(handle)) }

        func int64(_ column: Int) -> Int64 { api.columnInt64(handle, Int32(column)) }

        func text(_ column: Int) -> String? {
            guard api.columnType(handle, Int32(column)) != SQLiteAPI.typeNull,
                let text = api.columnText(handle, Int32(column))
            else { return nil }
            return String(
                decoding: UnsafeBufferPointer(start: text, count: Int(api.columnBytes(handle, Int32(column)))),
                as: UTF8.self)
        }

        /// The value as its storage class says, as `sqlite3 -json` prints it: INTEGER and REAL
        /// as numbers (REAL in SQLite's own text form), TEXT and BLOB as strings, NULL as null.
        func withCell<R>(_ column: Int, _ body: (Cell) -> R) -> R {
            let index = Int32(column)
            switch api.columnType(handle, index) {
            case SQLiteAPI.typeNull: return body(.null)
            case SQLiteAPI.typeInteger: return body(.integer(api.columnInt64(handle, index)))
            default:
                let isNumber = api.columnType(handle, index) == SQLiteAPI.typeFloat
                let text = api.columnText(handle, index)  // before _bytes, as sqlite3.h asks
                let count = Int(api.columnBytes(handle, index))
                let bytes = UnsafeBufferPointer(start: text, count: text == nil ? 0 : count)
                return body(isNumber ? .number(bytes) : .text(bytes))
            }
        }
    }
}
