import Foundation
import RecountKit

/// Failures writing a sample; each names the path.
public enum SampleError: RecountFailure, Sendable, Equatable {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "\(path): cannot create: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        }
    }

    public var status: ExitStatus { .ioError }
}

/// An append-only file written through a 4 MiB buffer, under a `.partial` name until
/// `finish()` renames it into place — so an interrupted run never leaves a half-written
/// `*.jsonl` that `reconcile DIR` would pick up as a log.
final class SampleFileWriter {
    let path: String
    private let partialPath: String
    private let descriptor: Int32
    private var buffer: [UInt8] = []
    private static let bufferBytesMax = 4 << 20
    /// Bytes and newline-terminated lines written so far.
    private(set) var bytes = 0
    private(set) var lines = 0

    init(path: String) throws(SampleError) {
        self.path = path
        partialPath = path + ".partial"
        descriptor = open(partialPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: partialPath, reason: String(cString: strerror(errno))) }
        buffer.reserveCapacity(Self.bufferBytesMax + (1 << 20))
    }

    deinit {
        close(descriptor)
        unlink(partialPath)
    }

    /// Appends `line` and a newline.
    func append(line: [UInt8]) throws(SampleError) {
        buffer.append(contentsOf: line)
        buffer.append(0x0A)
        bytes += line.count + 1
        lines += 1
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    func append(text: String) throws(SampleError) {
        buffer.append(contentsOf: text.utf8)
        bytes += text.utf8.count
        if buffer.count >= Self.bufferBytesMax { try flush() }
    }

    private func flush() throws(SampleError) {
        var offset = 0
        let failure: String? = buffer.withUnsafeBytes { raw -> String? in
            while offset < raw.count {
                let written = write(descriptor, raw.baseAddress! + offset, raw.count - offset)
                if written < 0 {
                    if errno == EINTR { continue }
                    return String(cString: strerror(errno))
                }
                offset += written
            }
            return nil
        }
        if let failure { throw .cannotWrite(path: partialPath, reason: failure) }
        buffer.removeAll(keepingCapacity: true)
    }

    /// Flushes and renames the file into place.
    func finish() throws(SampleError) {
        try flush()
        guard rename(partialPath, path) == 0 else {
            throw .cannotWrite(path: path, reason: String(cString: strerror(errno)))
        }
    }
}
