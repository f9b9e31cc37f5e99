import GatewayDB
import RecountKit

// Each library error becomes an exit status here, and only here (SPEC §5): 64 usage, 65 bad
// data, 66 input missing, 69 unavailable, 74 I/O. The message is the library's own.
extension CommandFailure {
    /// Exit status for a failed run (SPEC §5): missing input 66, other I/O 74, bad data 65.
    static func of(_ error: ReconcileError) -> CommandFailure {
        switch error {
        case .input(let input): of(input)
        case .tooManyRejects, .arithmetic: CommandFailure(.dataError, error.description)
        case .spill: CommandFailure(.ioError, error.description)
        }
    }

    /// A day's inputs (`DayInputs.resolve`): no catalog named 64, a broken one 65, a missing file 66.
    static func of(_ error: DayInputError) -> CommandFailure {
        switch error {
        case .noCatalog: CommandFailure(.usage, error.description)
        case .catalog: CommandFailure(.dataError, error.description)
        case .noDefaultLogs, .catalogMissing, .ledgerMissing: CommandFailure(.noInput, error.description)
        case .input(let input): of(input)
        }
    }

    static func of(_ error: InputError) -> CommandFailure {
        switch error {
        case .missing, .noLogs: CommandFailure(.noInput, error.description)
        case .unreadable, .corruptGzip: CommandFailure(.ioError, error.description)
        case .malformed: CommandFailure(.dataError, error.description)
        case .ambiguousLedger: CommandFailure(.usage, error.description)
        case .gatewayDatabase(let database): of(database)
        }
    }

    /// The database error's own status (SPEC §5: 64 usage, 65 table/column, 66 file missing,
    /// 69 unreachable/locked/library missing, 74 failed midway); its message has no password.
    static func of(_ error: GatewayDBError) -> CommandFailure {
        CommandFailure(ExitStatus(rawValue: error.exitStatus) ?? .ioError, error.description)
    }

    static func of(_ error: ExplainError) -> CommandFailure {
        switch error {
        case .input(let input): of(input)
        case .notFound: CommandFailure(.noInput, error.description)
        case .arithmetic, .rejected: CommandFailure(.dataError, error.description)
        }
    }

    static func of(_ error: StatementError) -> CommandFailure {
        switch error {
        case .run(let run): of(run)
        case .unknownAccount: CommandFailure(.noInput, error.description)
        }
    }

    static func of(_ error: MergeError) -> CommandFailure {
        switch error {
        case .missing: CommandFailure(.noInput, error.description)
        case .unreadable: CommandFailure(.ioError, error.description)
        case .corrupt, .mismatch, .arithmetic, .tooManyRejects: CommandFailure(.dataError, error.description)
        }
    }

    static func of(_ error: TokenCountError) -> CommandFailure {
        switch error {
        case .missing: CommandFailure(.noInput, error.description)
        case .unreadable, .encoding: CommandFailure(.ioError, error.description)
        case .malformed: CommandFailure(.dataError, error.description)
        }
    }

    static func of(_ error: GatewayCatalogFile.Failure) -> CommandFailure {
        switch error {
        case .missing: CommandFailure(.noInput, error.description)
        case .io: CommandFailure(.ioError, error.description)
        case .invalid: CommandFailure(.dataError, error.description)
        case .database(let database): of(database)
        }
    }
}
