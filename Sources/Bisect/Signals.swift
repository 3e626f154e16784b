#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// SIGINT, SIGTERM and SIGHUP while tests run: the handler only notes the signal and wakes
/// the runner through a pipe (the self-pipe trick: both are async-signal-safe), and the
/// runner, which polls that pipe between checks of its children, kills the test's process
/// group, releases the worktree lock and stops with `BisectError.interrupted`.
///
/// Only the CLI installs the handlers (`Session.Options.handlesSignals`); without them the
/// runner still polls the same way, with nothing to wake it early.
enum Signals {
    nonisolated(unsafe) private static var readEnd: Int32 = -1
    nonisolated(unsafe) private static var writeEnd: Int32 = -1
    /// The signal received, 0 when none.
    nonisolated(unsafe) private(set) static var received: Int32 = 0

    /// Creates the pipe and installs the handlers (once).
    static func install() {
        guard readEnd < 0 else { return }
        var fds: [Int32] = [-1, -1]
        guard pipe(&fds) == 0 else { return }
        for fd in fds {
            _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
            _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        }
        readEnd = fds[0]
        writeEnd = fds[1]
        for number in [SIGINT, SIGTERM, SIGHUP] {
            _ = signal(number) { number in
                Signals.received = number
                var byte: UInt8 = 1
                _ = write(Signals.writeEnd, &byte, 1)
            }
        }
    }

    /// Throws `BisectError.interrupted` when a signal came.
    static func check() throws {
        if received != 0 { throw BisectError.interrupted(signal: received) }
    }

    /// Sleeps up to `milliseconds`, waking early when a signal comes.
    static func sleep(milliseconds: Int32) {
        guard readEnd >= 0 else {
            usleep(UInt32(max(0, milliseconds)) * 1000)
            return
        }
        var descriptor = pollfd(fd: readEnd, events: Int16(POLLIN), revents: 0)
        if poll(&descriptor, 1, milliseconds) > 0 {
            var buffer = [UInt8](repeating: 0, count: 64)
            while read(readEnd, &buffer, buffer.count) > 0 {}
        }
    }
}
