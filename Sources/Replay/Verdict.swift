/// What replay made of one span.
public enum Verdict: String, Sendable, CaseIterable {
    /// An edit applied for real to the workspace.
    case applied
    /// Served from the trace (model turns, user messages, reads, shell commands): nothing ran.
    case served
    /// The recording shows the call failed, and replaying it fails the same way (or the agent
    /// refused it before it ran): nothing written.
    case failedAsRecorded = "failed-as-recorded"
    /// The call recorded one outcome and replay gives the other (success against failure).
    case mismatch
    /// The call names a path outside the recorded repo root: never written.
    case outsideRepo = "outside-repo"
    /// The call names a path replay refuses on principle (`.git`, a symlink, NUL): never written.
    case refused
    /// The log holds no result for the call (the session ended first): not applied.
    case noResult = "no-result"
    /// A record the log lost or that could not be read (a truncated last line, a malformed
    /// span line): an `event` span with status `error` stands for it.
    case lost
    /// A call replay cannot interpret: a tool this agent's dialect does not know, an input it
    /// cannot parse, or code it cannot follow. Its effect on the files is unknown, so it is
    /// never served as if it had none.
    case notReplayable = "not-replayable"

    /// Whether this verdict means the span could not be replayed as recorded.
    public var isFailure: Bool {
        switch self {
        case .applied, .served, .failedAsRecorded: return false
        case .mismatch, .outsideRepo, .refused, .noResult, .lost, .notReplayable: return true
        }
    }
}
