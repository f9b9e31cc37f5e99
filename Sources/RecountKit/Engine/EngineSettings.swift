import Foundation

/// How a run uses the machine — threads, sort memory, where spilled runs go — apart from what
/// it is asked to reconcile: no setting here changes a byte of the output.
public struct EngineSettings: Sendable {
    /// Worker threads for decoding, recounting and the join's chunks.
    public var jobs = 1
    /// Where sorted runs go when a day does not fit in `sortMemoryBytes` (the output directory
    /// in `reconcile`; the system temporary directory when nil).
    public var spillDirectory: String?
    /// Memory for the sorts that put requests beside their debits and rows in report order;
    /// beyond it they spill to disk. Peak memory does not grow with the size of the logs.
    public var sortMemoryBytes = 96 << 20

    public init() {}

    /// `spillDirectory`, or the system's temporary directory.
    var spillPath: String { spillDirectory ?? Self.temporaryDirectory }

    static var temporaryDirectory: String {
        let path = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        return path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    }
}

extension EngineSettings {
    /// Settings that spill to `spillDirectory`, which must be an existing directory (a typo
    /// would otherwise spill nowhere), or else to `fallback` (the output directory).
    public init(jobs: Int, sortMemoryBytes: Int, spillDirectory: String?, fallback: String) throws(SpillDirectoryError)
    {
        if let spillDirectory {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: spillDirectory, isDirectory: &isDirectory),
                isDirectory.boolValue
            else { throw SpillDirectoryError(path: spillDirectory) }
        }
        self.init()
        self.jobs = jobs
        self.sortMemoryBytes = sortMemoryBytes
        self.spillDirectory = spillDirectory ?? fallback
    }
}

/// `--spill-dir` names no existing directory (exit 66).
public struct SpillDirectoryError: RecountFailure, Sendable, Equatable {
    public let path: String
    public var description: String { "\(path): --spill-dir must be an existing directory" }
    public var status: ExitStatus { .noInput }
}
