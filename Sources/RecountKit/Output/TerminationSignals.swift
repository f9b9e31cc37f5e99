import Foundation

/// SIGTERM and SIGINT (cron's timeout, `kill`, Ctrl-C): remove this run's temporary report
/// files, then exit with 128 + the signal (143, 130), as a shell reports a killed command.
///
/// Reports already renamed into place stay; the files not yet renamed keep their previous
/// version (`OutputDirectory` writes each to a temporary and renames it). The handler does only
/// async-signal-safe work: `TemporaryFiles.removeAll()` (`unlink` of preallocated paths) and
/// `_exit`. Installed once, by `main.swift`, before any command runs; in-process tests do not
/// install it.
///
/// SIGXFSZ (a file-size limit, `ulimit -f`) is ignored, so an over-limit write fails with
/// EFBIG and the run stops like on a full disk — exit 74 naming the file — instead of dying.
public enum TerminationSignals {
    public static let handled: [Int32] = [SIGTERM, SIGINT]

    public static func install() {
        TemporaryFiles.prepare()
        // A parent may hand us these signals blocked (posix_spawn keeps the mask; Foundation's
        // Process in a test runner does): unblock them, or SIGTERM would wait forever.
        var unblock = sigset_t()
        sigemptyset(&unblock)
        for signal in handled { sigaddset(&unblock, signal) }
        pthread_sigmask(SIG_UNBLOCK, &unblock, nil)
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = terminationHandler
            sigemptyset(&action.sa_mask)
            for other in handled { sigaddset(&action.sa_mask, other) }  // one handler at a time
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
        Foundation.signal(SIGXFSZ, SIG_IGN)
        onStop("recount: stopped by a signal before writing anything")
    }
}

extension TerminationSignals {
    /// What a stopped run says on standard error, one line: set by a command once it knows what
    /// it is writing (`reconcile` names its output directory), read by the handler.
    ///
    /// The handler may only `write(2)`: the text lives in a buffer allocated once, here, and is
    /// copied in before the command starts its work, so the handler never allocates.
    public static func onStop(_ line: String) {
        let bytes = Array((line + "\n").utf8.prefix(StopMessage.capacity))
        StopMessage.length = 0
        for (index, byte) in bytes.enumerated() { StopMessage.buffer[index] = byte }
        StopMessage.length = bytes.count
    }
}

enum StopMessage {
    static let capacity = 4096
    nonisolated(unsafe) static let buffer = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
    nonisolated(unsafe) static var length = 0
}

private func terminationHandler(_ signal: Int32) {
    TemporaryFiles.removeAll()
    if StopMessage.length > 0 { _ = write(2, StopMessage.buffer, StopMessage.length) }
    _exit(128 + signal)
}
