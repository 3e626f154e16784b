#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP while tests run: the handler only notes the signal (an
/// async-signal-safe store), and the runner, which sleeps in short `nanosleep`s between
/// checks of its children (a signal cuts a `nanosleep` short, whatever `SA_RESTART` says),
/// kills the test's process group, and bisect releases the worktree lock and stops with
/// `BisectError.interrupted`.
///
/// Only the CLI installs the handlers (`Session.Options.handlesSignals`).
enum Signals {
    /// The signal received, 0 when none.
    nonisolated(unsafe) private(set) static var received: Int32 = 0
    nonisolated(unsafe) private static var installed = false

    static func install() {
        guard !installed else { return }
        installed = true
        for number in [SIGINT, SIGTERM, SIGHUP] {
            _ = signal(number) { Signals.received = $0 }
        }
    }

    /// Puts the default dispositions back (once the tests are over, a signal ends the
    /// process again).
    static func uninstall() {
        guard installed else { return }
        installed = false
        for number in [SIGINT, SIGTERM, SIGHUP] {
            _ = signal(number, SIG_DFL)
        }
    }

    /// Throws `BisectError.interrupted` when a signal came.
    static func check() throws {
        if received != 0 { throw BisectError.interrupted(signal: received) }
    }

    /// Sleeps up to `microseconds`, less when a signal comes.
    static func sleep(microseconds: Int) {
        var request = timespec(tv_sec: microseconds / 1_000_000, tv_nsec: (microseconds % 1_000_000) * 1000)
        _ = nanosleep(&request, nil)
    }
}
