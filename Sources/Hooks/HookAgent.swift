/// Glossary of the hooks module.
///
/// - **Hook**: a command an agent runs at a point of its loop (a session's start, after a
///   tool call), given that point's JSON on standard input (docs/hooks.md).
/// - **Settings file**: the agent's JSON file that lists its hooks, in a user or a project
///   scope; `HookSettings` merges agentreplay's hooks into it and takes them out again.
/// - **Recording**: what `HookRecorder` writes when a hook runs: the working tree as a tree,
///   under `refs/agentreplay/sessions/<session id>/` (`Replay.RecordedSession`).

/// An agent whose hook mechanism agentreplay can install into.
public enum HookAgent: String, CaseIterable, Sendable {
    case claudeCode = "claude-code"
    case codex
    case geminiCLI = "gemini-cli"

    /// Where a settings file applies: every session of the user, or of one project.
    public enum Scope: String, CaseIterable, Sendable {
        /// The user's own settings (`~/.claude/settings.json`, …).
        case user
        /// The project's settings, shared with its other users (`.claude/settings.json`, …).
        case project
        /// The project's settings for this user only (Claude Code's `.claude/settings.local.json`).
        case local
    }

    /// What a recording hook does when it runs (`agentreplay hooks record --event`).
    public enum Event: String, CaseIterable, Sendable {
        /// The session starts: HEAD and the working tree are recorded.
        case sessionStart = "session-start"
        /// A shell call ended: the working tree is recorded, under the call's id.
        case postTool = "post-tool"
    }

    /// One hook agentreplay installs: the agent's event name, the tool matcher (nil: every
    /// occurrence) and what the hook records.
    public struct Hook: Sendable, Equatable {
        public var event: String
        public var matcher: String?
        public var records: Event
    }

    /// The scopes the agent reads hooks from.
    public var scopes: [Scope] {
        switch self {
        case .claudeCode: return [.user, .project, .local]
        case .codex, .geminiCLI: return [.user, .project]
        }
    }

    /// The hooks agentreplay installs for the agent. Gemini CLI's `AfterTool` input names no
    /// tool call id, so a tree recorded after its shell call could not be matched to the call
    /// in its log: only the session's start is recorded for it (docs/hooks.md).
    public var hooks: [Hook] {
        switch self {
        case .claudeCode, .codex:
            return [
                Hook(event: "SessionStart", matcher: nil, records: .sessionStart),
                Hook(event: "PostToolUse", matcher: "Bash", records: .postTool),
            ]
        case .geminiCLI:
            return [Hook(event: "SessionStart", matcher: nil, records: .sessionStart)]
        }
    }

    /// The names of the agent's shell tools, whose calls `post-tool` records.
    public var shellTools: Set<String> {
        switch self {
        case .claudeCode, .codex: return ["Bash"]
        case .geminiCLI: return ["run_shell_command"]
        }
    }

    /// Whether a hook entry carries a `name` (Gemini CLI shows it in its hook listings).
    var namesHooks: Bool { self == .geminiCLI }

    /// The settings file of `scope`: under the agent's home folder (`CLAUDE_CONFIG_DIR`,
    /// `CODEX_HOME`, else `~/.claude`, `~/.codex`, `~/.gemini`) for the user scope, under
    /// `project` (the repository's top folder) otherwise; nil for a scope the agent lacks.
    public func settingsPath(scope: Scope, project: String, environment: [String: String]) -> String? {
        guard scopes.contains(scope) else { return nil }
        let home = environment["HOME"] ?? ""
        func nonEmpty(_ name: String) -> String? { environment[name].flatMap { $0.isEmpty ? nil : $0 } }
        switch (self, scope) {
        case (.claudeCode, .user): return (nonEmpty("CLAUDE_CONFIG_DIR") ?? home + "/.claude") + "/settings.json"
        case (.claudeCode, .project): return project + "/.claude/settings.json"
        case (.claudeCode, .local): return project + "/.claude/settings.local.json"
        case (.codex, .user): return (nonEmpty("CODEX_HOME") ?? home + "/.codex") + "/hooks.json"
        case (.codex, _): return project + "/.codex/hooks.json"
        case (.geminiCLI, .user): return home + "/.gemini/settings.json"
        case (.geminiCLI, _): return project + "/.gemini/settings.json"
        }
    }

    /// The command line of the hook that records `event`: `executable` (shell-quoted) and the
    /// hidden subcommand's arguments.
    public func command(executable: String, records event: Event) -> String {
        Self.shellQuoted(executable) + Self.marker(self, event)
    }

    /// What ends the command of every hook agentreplay installs for `agent` and `event`: how
    /// its own hooks are told from the others, whatever path the executable had.
    static func marker(_ agent: HookAgent, _ event: Event) -> String {
        " hooks record --agent \(agent.rawValue) --event \(event.rawValue)"
    }

    /// `text` as one word for a POSIX shell: unchanged when it holds only safe characters,
    /// else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.utf8.allSatisfy { b in
            (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z"))
                || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || "/._-+=:@%,".utf8.contains(b)
        }
        if safe && !text.isEmpty { return text }
        return "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
