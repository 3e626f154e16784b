/// The agent that recorded a session, by the name a trace's header gives it (`agent.name`).
///
/// The agents replay and the reports know are constants here, so code compares types, not
/// strings; any other name (an OTLP export's service, `agent-strace/<agent>`) is kept as
/// recorded and is simply none of them.
public struct Agent: Hashable, Sendable, CustomStringConvertible {
    /// The name as a trace writes it.
    public let name: String

    public init(_ name: String) { self.name = name }

    public var description: String { name }

    public static let claudeCode = Agent("claude-code")
    public static let codex = Agent("codex")
    public static let sweAgent = Agent("swe-agent")
    public static let openHands = Agent("openhands")
    public static let gemini = Agent("gemini-cli")
    public static let openCode = Agent("opencode")
    /// A Claude Code session recorded or converted by agent-strace (Claude Code's tools).
    public static let agentStrace = Agent("agent-strace")

    /// The agents with tool semantics in replay.
    public static let known: [Agent] = [.claudeCode, .codex, .sweAgent, .openHands, .gemini, .openCode, .agentStrace]

    /// The agent a telemetry name stands for (`gen_ai.agent.name`, `service.name`: Claude Code
    /// says `claude_code`, Codex `codex_cli_rs`), or the name as given when it is none replay
    /// knows.
    public init(telemetryName: String) {
        switch telemetryName.lowercased() {
        case "claude_code": self = .claudeCode
        case "codex_cli_rs": self = .codex
        case let lower: self = Agent.known.first { $0.name == lower } ?? Agent(telemetryName)
        }
    }
}

extension SourceFormat {
    /// The agent whose own log this format is; nil for the formats any agent's session may be
    /// written in (native, OTLP).
    public var agent: Agent? {
        switch self {
        case .claudeCode: return .claudeCode
        case .codex: return .codex
        case .sweAgent: return .sweAgent
        case .openHands: return .openHands
        case .gemini: return .gemini
        case .openCode: return .openCode
        case .agentStrace: return .agentStrace
        case .native, .otlp: return nil
        }
    }
}
