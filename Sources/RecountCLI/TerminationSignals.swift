import Foundation
import RecountKit

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
            for other in handled { sigaddset(&action.sa_mask, other) } // one handler at a time
            action.sa_flags = 0
            sigaction(signal, &action, nil)
        }
        Foundation.signal(SIGXFSZ, SIG_IGN)
    }
}

private func terminationHandler(_ signal: Int32) {
    TemporaryFiles.removeAll()
    _exit(128 + signal)
}
