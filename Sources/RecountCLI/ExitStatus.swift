/// Exit statuses (SPEC §5), from BSD `sysexits.h` where one fits.
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
