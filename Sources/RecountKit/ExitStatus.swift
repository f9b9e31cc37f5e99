import GatewayDB

/// Exit statuses (SPEC §5), from BSD `sysexits.h` where one fits. The library never exits; each
/// error it throws says which status it is (`RecountFailure.status`), beside its message, so a
/// new case is classified where it is written and the CLI maps nothing by hand.
public enum ExitStatus: Int32, Sendable {
    /// Done. Discrepancies are data, not failure.
    case success = 0
    /// `--strict` and there are discrepancies to credit.
    case discrepancies = 1
    /// A bad flag or argument (EX_USAGE).
    case usage = 64
    /// Bad data that stops the run: a broken catalog, too many rejected lines (EX_DATAERR).
    case dataError = 65
    /// An input file or directory is missing (EX_NOINPUT).
    case noInput = 66
    /// A service Recount needs is not available (EX_UNAVAILABLE).
    case unavailable = 69
    /// Reading or writing failed, or the output directory is busy (EX_IOERR).
    case ioError = 74
}

/// An error that stops a command: its message (`description`, never a password or a prompt)
/// and the exit status it stands for.
public protocol RecountFailure: Error, CustomStringConvertible {
    var status: ExitStatus { get }
}

extension GatewayDBError: RecountFailure {
    /// `exitStatus` as GatewayDB (which knows nothing of RecountKit) numbers it.
    public var status: ExitStatus { ExitStatus(rawValue: exitStatus) ?? .ioError }
}
