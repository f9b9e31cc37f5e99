import GatewayDB

/// The gateway database as the pipeline's stage 1 sees it (issue 14): the `logs` rows of a
/// window as JSON lines, which `RecordDecoder` recognises as `OneAPIDialect` rows exactly as
/// it does a `row_to_json` / `sqlite3 -json` export. Two shapes, for the two ways lines are read:
///
/// - `GatewayLogLines`: `next()` like `LineReader.next()`, each line numbered by its `logs.id`,
///   so a reject names the row (`postgres://…/db:1234`) and the position is the debit id.
/// - `GatewayRowByteSource`: a `ByteSource` of newline-terminated rows for code that wants a
///   `LineReader` over it (lines then count from 1).
///
/// A failure is `InputError.gatewayDatabase`, keeping the database error's own exit status
/// (74 once rows have been read: the day is incomplete; 65/66/69 at open).
final class GatewayLogLines {
    let reader: GatewayLogReader
    private(set) var lineNumber = 0
    private var buffer: [UInt8] = []

    init(_ reader: GatewayLogReader) { self.reader = reader }

    /// The source's name for `SourceLocation.file` and `summary.json` (never a password).
    var source: String { reader.source }
    var bytesRead: Int { reader.bytesRead + reader.rowsRead }

    func next() throws(InputError) -> LineReader.Line? {
        let id: Int64?
        do { id = try reader.next(into: &buffer) } catch { throw Self.inputError(error) }
        guard let id else { return nil }
        lineNumber += 1
        lastNumber = max(lastNumber, Int(id))
        if buffer.count > LineReader.lineBytesMax {
            return LineReader.Line(
                number: Int(id), bytes: Array(buffer.prefix(LineReader.rawBytesKept)), truncated: true)
        }
        return LineReader.Line(number: Int(id), bytes: buffer, truncated: false)
    }

    static func inputError(_ error: GatewayDBError) -> InputError { .gatewayDatabase(error) }

    /// The highest `logs.id` handed over: the numbers a following source's lines start after,
    /// so input order (the join's tie-break) stays the order of reading.
    private(set) var lastNumber = 0
}

/// The rows as bytes: each row's JSON followed by a newline.
final class GatewayRowByteSource: ByteSource {
    private let reader: GatewayLogReader
    private var pending: [UInt8] = []
    private var offset = 0
    private var ended = false

    init(_ reader: GatewayLogReader) { self.reader = reader }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        var written = 0
        while written < buffer.count {
            if offset == pending.count {
                guard !ended else { break }
                let id: Int64?
                do { id = try reader.next(into: &pending) } catch { throw GatewayLogLines.inputError(error) }
                offset = 0
                if id == nil { ended = true; pending.removeAll(); break }
                pending.append(0x0A)
            }
            let count = min(buffer.count - written, pending.count - offset)
            pending.withUnsafeBytes { bytes in
                (buffer.baseAddress! + written).copyMemory(from: bytes.baseAddress! + offset, byteCount: count)
            }
            offset += count
            written += count
        }
        return written
    }
}

extension GatewayLogWindow {
    /// The database read for a run's `[from, until)`: whole seconds, widened outward (`from`
    /// down, `until` up) — the pipeline still applies the exact bounds to every record.
    public static func run(
        from: Timestamp?, until: Timestamp?,
        marginSeconds: Int64 = GatewayLogWindow.defaultMarginSeconds
    ) -> GatewayLogWindow {
        GatewayLogWindow(
            from: from.map(\.seconds),
            until: until.map { $0.nanoseconds > 0 ? $0.seconds + 1 : $0.seconds },
            marginSeconds: marginSeconds)
    }
}
