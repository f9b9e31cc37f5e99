import CZlib
import Foundation
import GatewayDB

/// Errors reading inputs. Each names the file.
public enum InputError: RecountFailure, Sendable, Equatable {
    case missing(path: String)
    case unreadable(path: String, reason: String)
    case corruptGzip(path: String, reason: String)
    case noLogs(directory: String)
    /// The file is readable but its content cannot be used at all (a ledger CSV whose header
    /// lacks a required column): bad data, not an I/O failure.
    case malformed(path: String, line: Int, reason: String)
    /// A PATH directory holds more than one default ledger: which one is meant is the user's call.
    case ambiguousLedger(directory: String, names: [String])
    /// The gateway database (`--gateway-db`) could not be opened or read; its own exit status
    /// (`GatewayDBError.exitStatus`: 64/65/66/69/74) says which, and the message names the
    /// source without its password.
    case gatewayDatabase(GatewayDBError)

    public var description: String {
        switch self {
        case .missing(let path): "\(path): no such file or directory"
        case .unreadable(let path, let reason): "\(path): cannot read: \(reason)"
        case .corruptGzip(let path, let reason): "\(path): corrupt or truncated gzip data: \(reason)"
        case .noLogs(let directory): "\(directory): no *.jsonl or *.jsonl.gz log files in this directory"
        case .malformed(let path, let line, let reason): "\(path):\(line): \(reason)"
        case .ambiguousLedger(let directory, let names):
            "\(directory): holds \(names.joined(separator: " and ")); name the debit ledger to use with --debits FILE"
        case .gatewayDatabase(let error): error.description
        }
    }

    public var status: ExitStatus {
        switch self {
        case .missing, .noLogs: .noInput
        case .unreadable, .corruptGzip: .ioError
        case .malformed: .dataError
        case .ambiguousLedger: .usage
        case .gatewayDatabase(let database): database.status
        }
    }
}

/// A sequential source of bytes: a file, standard input, or a gzip stream over either.
protocol ByteSource: AnyObject {
    /// Fills `buffer` from the start; returns the number of bytes read, 0 at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int
}

/// Reads a file descriptor with `read(2)`, retrying on EINTR.
final class FileDescriptorSource: ByteSource {
    let descriptor: Int32
    let path: String
    let ownsDescriptor: Bool

    init(path: String) throws(InputError) {
        var info = stat()
        guard stat(path, &info) == 0 else {
            if errno == ENOENT { throw .missing(path: path) }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { throw .unreadable(path: path, reason: String(cString: strerror(errno))) }
        self.descriptor = descriptor
        self.path = path
        self.ownsDescriptor = true
    }

    init(standardInput: Void) {
        descriptor = 0
        path = "-"
        ownsDescriptor = false
    }

    deinit { if ownsDescriptor { close(descriptor) } }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        while true {
            let count = Foundation.read(descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            if errno == EINTR { continue }
            throw .unreadable(path: path, reason: String(cString: strerror(errno)))
        }
    }
}

/// Inflates gzip data (RFC 1952), including several concatenated members as `cat a.gz b.gz`
/// makes. A stream that ends before its trailer is an error, never silently short.
final class GzipSource: ByteSource {
    private let inner: ByteSource
    private let path: String
    private var stream = z_stream()
    private var input = [UInt8](repeating: 0, count: 1 << 16)
    private var inputStart = 0
    private var inputEnd = 0
    private var finished = false
    private var memberOpen = false

    init(_ inner: ByteSource, path: String) throws(InputError) {
        self.inner = inner
        self.path = path
        // 15 + 16: gzip wrapper only.
        let status = inflateInit2_(&stream, 15 + 16, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
        guard status == Z_OK else { throw .corruptGzip(path: path, reason: "inflateInit2 failed (\(status))") }
    }

    deinit { inflateEnd(&stream) }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(InputError) -> Int {
        guard !finished else { return 0 }
        var produced = 0
        while produced == 0 {
            if inputStart == inputEnd {
                let count = try typedThrows(InputError.self) {
                    try input.withUnsafeMutableBytes { try inner.read(into: $0) }
                }
                inputStart = 0
                inputEnd = count
                if count == 0 {
                    finished = true
                    if memberOpen { throw .corruptGzip(path: path, reason: "the file ends inside a gzip member") }
                    return 0
                }
            }
            let status: Int32 = input.withUnsafeMutableBufferPointer { inputBytes in
                stream.next_in = inputBytes.baseAddress! + inputStart
                stream.avail_in = UInt32(inputEnd - inputStart)
                stream.next_out = buffer.baseAddress!.assumingMemoryBound(to: UInt8.self) + produced
                stream.avail_out = UInt32(buffer.count - produced)
                let status = inflate(&stream, Z_NO_FLUSH)
                inputStart = inputEnd - Int(stream.avail_in)
                produced = buffer.count - Int(stream.avail_out)
                return status
            }
            switch status {
            case Z_OK, Z_BUF_ERROR:
                memberOpen = true
            case Z_STREAM_END:
                memberOpen = false
                inflateReset(&stream)
            default:
                let message = stream.msg.map { String(cString: $0) } ?? "error \(status)"
                throw .corruptGzip(path: path, reason: message)
            }
        }
        return produced
    }
}

/// Runs `body` and rethrows its error as `E`. The standard library's `withUnsafe…` methods are
/// untyped `rethrows`; the only error that can come out of them here is the body's own.
func typedThrows<T, E: Error>(_ type: E.Type, _ body: () throws -> T) throws(E) -> T {
    do { return try body() } catch let error as E { throw error } catch {
        preconditionFailure("unexpected error \(error)")
    }
}

/// Opens `path` for reading: `-` is standard input; a `.gz` name is inflated.
func openSource(_ path: String) throws(InputError) -> ByteSource {
    let raw: ByteSource = path == "-" ? FileDescriptorSource(standardInput: ()) : try FileDescriptorSource(path: path)
    return path.hasSuffix(".gz") ? try GzipSource(raw, path: path) : raw
}
