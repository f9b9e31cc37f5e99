import RecountKit

extension CommandFailure {
    /// Exit status for a failed run (SPEC §5): missing input 66, other I/O 74, bad data 65.
    static func of(_ error: ReconcileError) -> CommandFailure {
        switch error {
        case .input(let input): of(input)
        case .tooManyRejects, .arithmetic: CommandFailure(.dataError, error.description)
        case .spill: CommandFailure(.ioError, error.description)
        }
    }

    static func of(_ error: InputError) -> CommandFailure {
        switch error {
        case .missing, .noLogs: CommandFailure(.noInput, error.description)
        case .unreadable, .corruptGzip: CommandFailure(.ioError, error.description)
        case .malformed: CommandFailure(.dataError, error.description)
        case .ambiguousLedger: CommandFailure(.usage, error.description)
        }
    }
}
