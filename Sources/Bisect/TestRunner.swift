#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs test processes side by side and waits for all of them, with a per-run time limit
/// that kills the run's whole process group, and stops everything when a signal comes.
///
/// Waiting `poll`s the tests' exit pipes (`TestProcess`), which wake it the moment a test and
/// all it started have exited, and between wake-ups checks each shell with
/// `waitpid(WNOHANG)`, with a time-out backing off from 1 ms to 25 ms (a test that leaves a
/// child running past its own exit holds its pipe open; a signal cuts `poll` short). No
/// SIGCHLD handler: it would compete with whatever else in the process waits for children,
/// such as Foundation's `Process`.
struct TestRunner {
    /// One run to start: the command in a directory, with its environment and output file.
    struct Job {
        var directory: String
        var environment: [String]
        var output: String
    }

    /// How one run ended.
    struct Outcome: Sendable, Equatable {
        /// The exit status, or 128 plus the signal that killed it.
        var status: Int32
        /// Killed for running past the time limit.
        var timedOut: Bool
        var milliseconds: Int
    }

    var command: String
    /// Seconds before a run's process group is sent SIGTERM (nil: no limit).
    var timeout: Double?
    /// Seconds between SIGTERM and SIGKILL.
    var grace: Double = 2
    /// Called with the process groups running now (to record them in the lock file).
    var running: ([Int32]) -> Void = { _ in }

    func run(_ jobs: [Job]) throws -> [Outcome] {
        var processes: [TestProcess] = []
        do {
            try Signals.check()
            for job in jobs {
                processes.append(
                    try TestProcess.spawn(
                        command: command, directory: job.directory, environment: job.environment, output: job.output))
            }
        } catch {
            processes.forEach { $0.killNow() }
            throw error
        }
        running(processes.map(\.pid))
        defer { running([]) }
        let limit = timeout.map { UInt64(max(0, $0) * 1e9) }
        let graceNanoseconds = UInt64(grace * 1e9)
        var pause: Int32 = 1  // ms, for poll
        var nap = 50  // µs, when no pipe is left to poll (the shell exits a moment after)
        while true {
            let now = POSIX.now()
            var done = true
            for process in processes where !process.poll() {
                process.enforce(deadline: limit.map { process.started + $0 }, grace: graceNanoseconds, now: now)
                done = false
            }
            if done { break }
            if Signals.received != 0 {
                interrupt(processes)
                try Signals.check()
            }
            var descriptors = processes.filter { $0.status == nil && $0.exitPipe >= 0 }
                .map { pollfd(fd: $0.exitPipe, events: Int16(POLLIN), revents: 0) }
            if descriptors.isEmpty {
                Signals.sleep(microseconds: nap)
                nap = min(nap * 2, 25_000)
                continue
            } else if poll(&descriptors, nfds_t(descriptors.count), pause) > 0 {
                for process in processes where descriptors.contains(where: { $0.fd == process.exitPipe && $0.revents != 0 }) {
                    process.drainExitPipe()
                }
                continue
            }
            pause = min(pause * 2, 25)
        }
        return processes.map { Outcome(status: $0.status ?? 128, timedOut: $0.timedOut, milliseconds: $0.milliseconds) }
    }

    /// SIGTERM to every group, a moment to finish, then SIGKILL.
    private func interrupt(_ processes: [TestProcess]) {
        let now = POSIX.now()
        processes.forEach { $0.stop(now: now) }
        let until = now + 500_000_000
        while POSIX.now() < until && !processes.allSatisfy({ $0.poll() }) {
            Signals.sleep(microseconds: 5_000)
        }
        processes.forEach { $0.killNow() }
    }
}
