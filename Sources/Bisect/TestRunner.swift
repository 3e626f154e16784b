/// Runs test processes side by side and waits for all of them, with a per-run time limit
/// that kills the run's whole process group, and stops everything when a signal comes.
///
/// Waiting polls each child with `waitpid(WNOHANG)`, sleeping between checks with a
/// back-off from 50 µs to 25 ms: a quick test is noticed within a fraction of its own time,
/// a long one costs forty wake-ups a second. (No SIGCHLD handler: it would compete with
/// whatever else in the process waits for children, such as Foundation's `Process`.)
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
                processes.append(try TestProcess.spawn(
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
        var pause = 50
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
            Signals.sleep(microseconds: pause)
            pause = min(pause * 2, 25_000)
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
