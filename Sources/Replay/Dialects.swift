/// Which tool semantics replay a trace: chosen by the agent that recorded it (the header's
/// agent name), never by tool names alone — two agents' `Edit` tools need not agree. A trace of
/// an agent with no dialect here is replayed from its recorded `effects` only.
enum Dialects {
    static func `for`(agent: String) -> [any ToolDialect] {
        switch agent {
        case "claude-code", "agent-strace": return [ClaudeCodeDialect()]
        case "codex": return [CodexDialect()]
        case "swe-agent": return [SWEAgentDialect()]
        case "openhands": return [OpenHandsDialect()]
        case "gemini-cli": return [GeminiDialect()]
        case "opencode": return [OpenCodeDialect()]
        default: return []
        }
    }
}
