import Foundation
import Testing

/// The built `recount` executable, run as a real process: for what only a process shows
/// (signals, resource limits, two runs at once).
enum RecountExecutable {
    /// `.build/<triple>/debug/recount`, beside the test bundle (`swift test` builds it).
    static let path: String? = {
        var candidates: [String] = []
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var directory = bundle.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(directory.appendingPathComponent("recount").path)
            directory.deleteLastPathComponent()
        }
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        candidates += [".build/debug/recount", ".build/release/recount"].map { root.appendingPathComponent($0).path }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()
}

/// One `recount` process; stdout and stderr go to files (no pipe can fill up and stall it).
final class RecountProcess {
    let process = Process()
    let outPath: String
    let errPath: String

    /// `shell` is a bash prefix run before `exec recount …` (e.g. `ulimit -f 2`).
    /// `workingDirectory`: where the process runs (default: the test runner's).
    init(_ arguments: [String], in directory: String, shell: String? = nil, workingDirectory: String? = nil) throws {
        let binary = try #require(
            RecountExecutable.path, "the recount executable is not built; run `swift build` first")
        outPath = directory + "/process-\(UUID().uuidString).out"
        errPath = directory + "/process-\(UUID().uuidString).err"
        try #require(FileManager.default.createFile(atPath: outPath, contents: nil), "cannot create \(outPath)")
        try #require(FileManager.default.createFile(atPath: errPath, contents: nil), "cannot create \(errPath)")
        if let shell {
            process.executableURL = URL(fileURLWithPath: "/bin/bash")
            process.arguments = ["-c", shell + "; exec \"$0\" \"$@\"", binary] + arguments
        } else {
            process.executableURL = URL(fileURLWithPath: binary)
            process.arguments = arguments
        }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: outPath)
        process.standardError = FileHandle(forWritingAtPath: errPath)
        try process.run()
    }

    var pid: Int32 { process.processIdentifier }

    func wait() -> (status: Int32, exited: Bool, out: String, err: String) {
        process.waitUntilExit()
        let out = (try? String(contentsOfFile: outPath, encoding: .utf8)) ?? ""
        let err = (try? String(contentsOfFile: errPath, encoding: .utf8)) ?? ""
        return (process.terminationStatus, process.terminationReason == .exit, out, err)
    }
}

/// A FIFO standing in for a log file: the run blocks reading it until the test writes and
/// closes it, so "midway" is a place in the run, not a moment in time.
final class FIFOLog {
    let path: String
    private(set) var descriptor: Int32 = -1

    init(path: String) throws {
        self.path = path
        try #require(mkfifo(path, 0o644) == 0, "mkfifo \(path): \(String(cString: strerror(errno)))")
    }

    /// Opens the write end once the process has opened the read end (it is then past the
    /// catalog, holding the output lock, inside the pipeline).
    func connect(to process: RecountProcess) throws {
        for _ in 0..<6000 {
            descriptor = open(path, O_WRONLY | O_NONBLOCK)
            if descriptor >= 0 { return }
            try #require(process.process.isRunning, "recount exited before reading its log")
            usleep(10_000)
        }
        Issue.record("recount never opened \(path)")
    }

    func finish(with text: String) {
        let flags = fcntl(descriptor, F_GETFL)
        _ = fcntl(descriptor, F_SETFL, flags & ~O_NONBLOCK)
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(descriptor, $0.baseAddress! + offset, bytes.count - offset) }
            if written <= 0 { break }
            offset += written
        }
        close(descriptor)
        descriptor = -1
    }
}

/// Waits (bounded) until `condition` holds; false if it never did.
func eventually(_ condition: () -> Bool) -> Bool {
    for _ in 0..<6000 {
        if condition() { return true }
        usleep(10_000)
    }
    return condition()
}

/// Every entry of a directory, hidden ones included, with the bytes of regular files.
func directorySnapshot(_ path: String) throws -> [String: Data] {
    var files: [String: Data] = [:]
    for name in try FileManager.default.contentsOfDirectory(atPath: path) where name != ".recount.lock" {
        // Only regular files are read (opening a FIFO left behind would block).
        let type = try FileManager.default.attributesOfItem(atPath: path + "/" + name)[.type] as? FileAttributeType
        files[name] =
            type == .typeRegular
            ? FileManager.default.contents(atPath: path + "/" + name) ?? Data()
            : Data("<\(type?.rawValue ?? "?")>".utf8)
    }
    return files
}
