import Trace

/// A shell command a tool call ran, and how it ended as the log recorded it: read from the
/// canonical attributes the importers write (`GenAI.processCommandLine`, `processExitCode`),
/// whatever the agent.
public struct ShellCall: Sendable, Equatable {
    /// How a command ended, as far as the log says.
    public enum Ending: Sendable, Equatable {
        /// The log records the exit status.
        case exited(Int64)
        /// The log records success without a number (Claude Code marks non-zero exits as
        /// errors, so a call that is not one exited 0).
        case succeeded
        /// The log records failure without a number (a timeout, a refusal, a non-zero exit it
        /// did not count).
        case failed
        /// The log keeps no outcome (SWE-agent, a call the session ended before).
        case unknown
    }

    public var command: String
    public var ending: Ending

    public init(command: String, ending: Ending) {
        self.command = command
        self.ending = ending
    }

    /// The shell call `span` made, or nil when it is not one.
    public init?(_ span: Span) {
        guard span.kind == .tool, let command = span.attributes[GenAI.processCommandLine]?.stringValue else { return nil }
        self.command = command
        if let code = span.attributes[GenAI.processExitCode]?.intValue {
            ending = .exited(code)
        } else {
            switch span.status {
            case .ok: ending = .succeeded
            case .error: ending = .failed
            case .unset: ending = .unknown
            }
        }
    }
}
