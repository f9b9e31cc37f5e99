import Foundation

/// Errors writing reports. Each names the path; all are I/O failures (74), a busy directory too.
public enum OutputError: RecountFailure, Sendable, Equatable {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case busy(path: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "\(path): cannot create the output directory: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        case .busy(let path):
            "\(path): another recount run is writing to this directory (lock held on \(path)/.recount.lock); not touching it"
        }
    }

    public var status: ExitStatus { .ioError }
}

/// An output directory written atomically, file by file: each file goes to a temporary name in
/// the same directory, is flushed to disk, then renamed over the old one. A run killed midway
/// leaves every file either as it was or complete; `summary.json` is renamed last, so it
/// always describes a complete set. An exclusive `flock` on `.recount.lock` keeps two runs
/// from writing one directory at once.
public final class OutputDirectory: ReportDestination {
    public let path: String
    private let lockDescriptor: Int32
    private var staged: [(temporary: String, final: String)] = []

    public init(path: String) throws(OutputError) {
        self.path = path
        try Self.makeDirectories(path)
        let lockPath = path + "/.recount.lock"
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotWrite(path: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .busy(path: path)
        }
        lockDescriptor = descriptor
        removeStaleTemporaries()
    }

    /// Temporaries a killed run left behind (`.<name>.tmp-<pid>`). Safe to remove: we hold
    /// the lock, so no other run is staging here. Without this they pile up night after night.
    private func removeStaleTemporaries() {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
        for name in names where name.hasPrefix(".") && name.contains(".tmp-") { unlink(path + "/" + name) }
    }

    deinit {
        discard()
        flock(lockDescriptor, LOCK_UN)
        close(lockDescriptor)
    }

    /// Writes `bytes` to a temporary file for `name`; it becomes visible at `commit()`.
    public func stage(_ name: String, _ bytes: [UInt8]) throws(OutputError) {
        let file = try create(name)
        try file.write(bytes)
        try file.close()
    }

    /// A temporary file for `name`, written in pieces; it becomes visible at `commit()`.
    public func create(_ name: String) throws(OutputError) -> any ReportFile {
        precondition(!name.contains("/"), "output names are plain file names")
        let final = path + "/" + name
        let temporary = path + "/.\(name).tmp-\(getpid())"
        TemporaryFiles.register(temporary)  // before it exists: a signal may come at any moment
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            TemporaryFiles.unregister(temporary)
            throw .cannotWrite(path: temporary, reason: reason)
        }
        staged.append((temporary, final))
        return StagedFile(descriptor: descriptor, finalPath: final)
    }

    /// One staged file: buffered writes, flushed and synced at `close()`.
    final class StagedFile: ReportFile {
        let descriptor: Int32
        let finalPath: String
        private var buffer: [UInt8] = []
        private var closed = false

        init(descriptor: Int32, finalPath: String) {
            self.descriptor = descriptor
            self.finalPath = finalPath
            buffer.reserveCapacity(1 << 20)
        }

        deinit { if !closed { Foundation.close(descriptor) } }

        func write(_ bytes: [UInt8]) throws(OutputError) {
            buffer += bytes
            if buffer.count >= 1 << 20 { try flush() }
        }

        private func flush() throws(OutputError) {
            var offset = 0
            while offset < buffer.count {
                let written = buffer.withUnsafeBytes {
                    Foundation.write(descriptor, $0.baseAddress! + offset, $0.count - offset)
                }
                if written < 0 {
                    if errno == EINTR { continue }
                    throw .cannotWrite(path: finalPath, reason: String(cString: strerror(errno)))
                }
                offset += written
            }
            buffer.removeAll(keepingCapacity: true)
        }

        func close() throws(OutputError) {
            guard !closed else { return }
            try flush()
            closed = true
            guard fsync(descriptor) == 0 else {
                let reason = String(cString: strerror(errno))
                Foundation.close(descriptor)
                throw .cannotWrite(path: finalPath, reason: reason)
            }
            Foundation.close(descriptor)
        }
    }

    public func stage(_ name: String, _ text: String) throws(OutputError) { try stage(name, Array(text.utf8)) }

    /// Renames every staged file into place, in staging order.
    public func commit() throws(OutputError) {
        for (temporary, final) in staged {
            guard rename(temporary, final) == 0 else {
                throw .cannotWrite(path: final, reason: String(cString: strerror(errno)))
            }
            TemporaryFiles.unregister(temporary)
        }
        staged = []
        let directory = open(path, O_RDONLY)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
    }

    /// Removes staged temporary files (on failure or interruption).
    public func discard() {
        for (temporary, _) in staged {
            unlink(temporary)
            TemporaryFiles.unregister(temporary)
        }
        staged = []
    }

    /// `mkdir -p`, with the system's reason when it fails ("Not a directory", "Permission
    /// denied") rather than a Foundation error code.
    static func makeDirectories(_ path: String) throws(OutputError) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw .cannotCreate(path: path, reason: "a file of that name exists") }
            return
        }
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/", omittingEmptySubsequences: true) {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0, errno != EEXIST {
                throw .cannotCreate(path: path, reason: "\(prefix): \(String(cString: strerror(errno)))")
            }
            if FileManager.default.fileExists(atPath: prefix, isDirectory: &isDirectory), !isDirectory.boolValue {
                throw .cannotCreate(path: path, reason: "\(prefix) is a file, not a directory")
            }
        }
    }
}
