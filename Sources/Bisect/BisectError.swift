/// What stops a bisect before it has a result.
public enum BisectError: Error, CustomStringConvertible, Sendable {
    /// SIGINT, SIGTERM or SIGHUP: the test's process group was killed and the lock removed.
    case interrupted(signal: Int32)
    /// Another bisect holds the worktree folder of this repository.
    case busy(pid: Int32, folder: String)
    /// The run or the log cannot be used, with the reason.
    case invalid(String)
    /// An operating-system failure: what was being done, and `strerror`.
    case system(String)

    public var description: String {
        switch self {
        case .interrupted(let signal): return "interrupted by signal \(signal)"
        case .busy(let pid, let folder):
            return "another bisect (pid \(pid)) is running on this repository (its worktrees are in \(folder))"
        case .invalid(let message), .system(let message): return message
        }
    }
}
