import Foundation

/// Errors writing reports. Each names the path.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    case cannotCreate(path: String, reason: String)
    case cannotWrite(path: String, reason: String)
    case busy(path: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "\(path): cannot create the output directory: \(reason)"
        case .cannotWrite(let path, let reason): "\(path): cannot write: \(reason)"
        case .busy(let path): "\(path): another recount run is writing to this directory (lock held on \(path)/.recount.lock); not touching it"
        }
    }
}

/// An output directory written atomically, file by file: each file goes to a temporary name in
/// the same directory, is flushed to disk, then renamed over the old one. A run killed midway
/// leaves every file either as it was or complete; `summary.json` is renamed last, so it
/// always describes a complete set. An exclusive `flock` on `.recount.lock` keeps two runs
/// from writing one directory at once.
public final class OutputDirectory {
    public let path: String
    private let lockDescriptor: Int32
    private var staged: [(temporary: String, final: String)] = []

    public init(path: String) throws(OutputError) {
        self.path = path
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        } catch {
            throw .cannotCreate(path: path, reason: Self.reason(error))
        }
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
        precondition(!name.contains("/"), "output names are plain file names")
        let final = path + "/" + name
        let temporary = path + "/.\(name).tmp-\(getpid())"
        TemporaryFiles.register(temporary) // before it exists: a signal may come at any moment
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            let reason = String(cString: strerror(errno))
            TemporaryFiles.unregister(temporary)
            throw .cannotWrite(path: temporary, reason: reason)
        }
        staged.append((temporary, final))
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                close(descriptor)
                throw .cannotWrite(path: final, reason: reason)
            }
            offset += written
        }
        guard fsync(descriptor) == 0 else {
            let reason = String(cString: strerror(errno))
            close(descriptor)
            throw .cannotWrite(path: final, reason: reason)
        }
        close(descriptor)
    }

    public func stage(_ name: String, _ text: String) throws(OutputError) { try stage(name, Array(text.utf8)) }

    /// Renames every staged file into place, in staging order.
    public func commit() throws(OutputError) {
        for (temporary, final) in staged {
            guard rename(temporary, final) == 0 else { throw .cannotWrite(path: final, reason: String(cString: strerror(errno))) }
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

    static func reason(_ error: Error) -> String {
        (error as NSError).localizedDescription
    }
}
