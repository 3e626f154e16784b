/// What an agent was allowed to do, and what decided each call, as span attributes: one
/// canonical form that every importer writes and `audit` reads (docs/trace-format.md).
///
/// Importers write only what the log records; what `audit` infers from it is marked there.
public enum Permission {
    /// The agent's approval mode in force when the call was made, in the agent's own words
    /// (Claude Code `permissionMode`: `default`, `acceptEdits`, `plan`, `auto`,
    /// `bypassPermissions`; Codex `approval_policy`: `never`, `on-request`, `on-failure`,
    /// `untrusted`). String, on tool spans.
    public static let mode = "agentreplay.permission.mode"
    /// Permission rules in force, each `permission:pattern:action` (OpenCode's ruleset).
    /// Array of strings, on tool spans.
    public static let rules = "agentreplay.permission.rules"
    /// The decision the log records for the call (`Decision`). String, on tool spans.
    public static let decision = "agentreplay.permission.decision"
    /// Who or what the log says decided: `user`, `hook PreToolUse:Bash`, `sandbox`,
    /// `permission rules`. String, on tool spans.
    public static let decidedBy = "agentreplay.permission.decided_by"
    /// The log records that the agent asked for approval of this call (Codex
    /// `exec_approval_request`, a command asking to run outside the sandbox). Boolean.
    public static let requested = "agentreplay.permission.requested"
    /// Hooks that ran before the call (Claude Code `PreToolUse` hook names). Array of strings.
    public static let hooks = "agentreplay.permission.hooks"
    /// The sandbox in force (Codex `sandbox_policy.type`: `danger-full-access`,
    /// `workspace-write`, `read-only`). String, on tool spans.
    public static let sandbox = "agentreplay.sandbox.mode"
    /// Folders the sandbox lets the agent write (Codex `workspace-write`). Array of strings.
    public static let writableRoots = "agentreplay.sandbox.writable_roots"
    /// Whether the sandbox lets commands reach the network. Boolean.
    public static let network = "agentreplay.sandbox.network"

    /// A decision the log records.
    public enum Decision: String, Sendable, CaseIterable {
        /// The agent's mode or rules let it run without asking.
        case allowedByPolicy = "allowed_by_policy"
        /// The user was asked and said yes.
        case approvedByUser = "approved_by_user"
        /// The user was asked and said no.
        case deniedByUser = "denied_by_user"
        /// A permission rule refused it (no one was asked).
        case deniedByPolicy = "denied_by_policy"
        /// A hook refused it.
        case blockedByHook = "blocked_by_hook"
        /// The sandbox refused it.
        case blockedBySandbox = "blocked_by_sandbox"
        /// The call was cancelled or interrupted before it finished.
        case cancelled
    }
}
