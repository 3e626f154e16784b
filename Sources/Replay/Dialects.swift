import Trace

/// Which tool semantics replay a trace: chosen by the agent that recorded it (the header's
/// agent name), never by tool names alone — two agents' `Edit` tools need not agree. A trace of
/// an agent with no dialect here is replayed from its recorded `effects` only.
enum Dialects {
    static func `for`(agent: Agent) -> [any ToolDialect] {
        switch agent {
        case .claudeCode, .agentStrace: return [ClaudeCodeDialect()]
        case .codex: return [CodexDialect()]
        case .sweAgent: return [SWEAgentDialect()]
        case .openHands: return [OpenHandsDialect()]
        case .gemini: return [GeminiDialect()]
        case .openCode: return [OpenCodeDialect()]
        default: return []
        }
    }
}
