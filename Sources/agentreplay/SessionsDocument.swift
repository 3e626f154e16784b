import Insight
import Sessions
import Trace

/// `agentreplay sessions --json`: one versioned, byte-stable document (`docs/sessions.md`),
/// its members sorted by name at every level.
enum SessionsDocument {
    static let version: Int64 = 1

    static func json(_ sessions: [SessionSummary], repository: String?, prices: PriceTable) -> JSON {
        let ids = SessionName.shortIDs(sessions)
        return sorted([
            ("schema", .string("agentreplay.sessions")),
            ("version", .number(version)),
            ("repository", RunDocument.string(repository)),
            ("prices", sorted([("source", .string(prices.source)), ("as_of", RunDocument.string(prices.asOf))])),
            ("sessions", .array(sessions.enumerated().map { session($1, shortID: ids[$0], prices: prices) })),
        ])
    }

    static func session(_ s: SessionSummary, shortID: String, prices: PriceTable) -> JSON {
        let (cost, complete) = s.cost(prices: prices)
        return sorted([
            ("id", .string(s.id)),
            ("short_id", .string(shortID)),
            ("agent", .string(s.agent)),
            ("agent_version", RunDocument.string(s.agentVersion)),
            ("format", .string(s.format)),
            ("path", .string(s.path)),
            ("cwd", RunDocument.string(s.cwd)),
            ("start", RunDocument.string(s.start?.text)),
            ("end", RunDocument.string(s.end?.text)),
            ("duration_ms", s.durationMilliseconds.map { .number($0) } ?? .null),
            ("model_turns", .number(s.modelTurns)),
            ("tool_calls", .number(s.toolCalls)),
            ("files_changed", .number(s.filesChanged)),
            ("tokens", usage(s.usage)),
            ("cost_usd", ShowDocument.usd(cost)),
            ("cost_complete", .bool(complete)),
            ("first_prompt", RunDocument.string(s.firstPrompt)),
            ("error", RunDocument.string(s.error)),
        ])
    }

    /// The same token counts as `RunDocument.usage`, members sorted.
    static func usage(_ u: Usage) -> JSON {
        if case .object(let members) = RunDocument.usage(u) { return sorted(members) }
        return RunDocument.usage(u)
    }

    /// An object with its members sorted by name: the document's keys are sorted at every level.
    static func sorted(_ members: [(String, JSON)]) -> JSON {
        .object(members.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) })
    }
}
