/// The questions people ask of an index most, each a query of its own that `docs/index.md`
/// prints whole: `agentreplay query --named NAME` runs one (`--param NAME=VALUE` gives
/// its parameters).
public struct NamedQuery: Sendable, Equatable {
    public var name: String
    public var summary: String
    /// The parameters it takes (`:since`), each with what it is.
    public var parameters: [(name: String, meaning: String)]
    public var sql: String

    public static func == (a: NamedQuery, b: NamedQuery) -> Bool { a.name == b.name && a.sql == b.sql }

    public static func named(_ name: String) -> NamedQuery? { all.first { $0.name == name } }

    public static let all: [NamedQuery] = [
        NamedQuery(
            name: "cost-per-day", summary: "Sessions, tokens and cost per day a session started (UTC)", parameters: [],
            sql: """
                SELECT substr(start_time, 1, 10) AS day, COUNT(*) AS sessions,
                  \(Schema.saturatingSum("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")) AS tokens,
                  ROUND(CAST(SUM(cost_usd) AS NUMERIC), 6) AS cost_usd, MIN(cost_complete) AS cost_complete
                FROM sessions GROUP BY day ORDER BY day NULLS FIRST
                """),
        NamedQuery(
            name: "cost-per-repository", summary: "Sessions, tokens and cost per repository (the directory the agent worked in)", parameters: [],
            sql: """
                SELECT repository, COUNT(*) AS sessions,
                  \(Schema.saturatingSum("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")) AS tokens,
                  ROUND(CAST(SUM(cost_usd) AS NUMERIC), 6) AS cost_usd, MIN(cost_complete) AS cost_complete
                FROM sessions GROUP BY repository ORDER BY cost_usd DESC, repository NULLS FIRST
                """),
        NamedQuery(
            name: "cost-per-branch", summary: "Sessions, tokens and cost per repository and git branch", parameters: [],
            sql: """
                SELECT repository, branch, COUNT(*) AS sessions,
                  \(Schema.saturatingSum("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")) AS tokens,
                  ROUND(CAST(SUM(cost_usd) AS NUMERIC), 6) AS cost_usd, MIN(cost_complete) AS cost_complete
                FROM sessions GROUP BY repository, branch ORDER BY cost_usd DESC, repository NULLS FIRST, branch NULLS FIRST
                """),
        NamedQuery(
            name: "cost-per-model", summary: "Model turns, tokens and cost per model", parameters: [],
            sql: """
                SELECT model, SUM(turns) AS turns,
                  \(Schema.saturatingSum("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")) AS tokens,
                  ROUND(CAST(SUM(cost_usd) AS NUMERIC), 6) AS cost_usd, MIN(CASE WHEN unpriced_turns = 0 THEN 1 ELSE 0 END) AS cost_complete
                FROM session_models GROUP BY model ORDER BY cost_usd DESC NULLS LAST, model NULLS FIRST
                """),
        NamedQuery(
            name: "files-since", summary: "Files the sessions' edit calls changed since a time, with the lines the log says",
            parameters: [("since", "a UTC date or time, as `2026-03-01` or `2026-03-01T12:00`")],
            sql: """
                SELECT path, repository, COUNT(DISTINCT session) AS sessions, COUNT(*) AS edits,
                  SUM(lines_added) AS lines_added, SUM(lines_removed) AS lines_removed,
                  SUM(CASE WHEN lines_added IS NULL OR lines_removed IS NULL THEN 1 ELSE 0 END) AS edits_uncounted, MAX(time) AS last_time
                FROM file_effects
                WHERE time >= :since
                GROUP BY repository, path ORDER BY repository NULLS FIRST, path
                """),
        NamedQuery(
            name: "failed-commands", summary: "Shell commands that exited non-zero or that the log marks as failed", parameters: [],
            sql: """
                SELECT c.time, s.repository, c.command, c.ending, c.exit_status, s.session_id, c.log_line, s.file
                FROM commands c JOIN sessions s ON s.id = c.session
                WHERE c.ending = 'failed' OR (c.ending = 'exited' AND c.exit_status <> 0)
                ORDER BY c.time NULLS FIRST, s.file, c.log_line NULLS FIRST
                """),
        NamedQuery(
            name: "denied-or-risky", summary: "Tool calls refused (denied, blocked, cancelled) or of a risky class", parameters: [],
            sql: """
                SELECT p.time, s.repository, p.tool, p.decision, p.decided_by, p.risks, t.input_summary, s.session_id, p.log_line, s.file
                FROM permissions p JOIN sessions s ON s.id = p.session
                  LEFT JOIN tool_calls t ON t.session = p.session AND t.span_id = p.span_id
                WHERE p.decision IN ('denied_by_user', 'denied_by_policy', 'blocked_by_hook', 'blocked_by_sandbox', 'cancelled')
                  OR p.risks <> ''
                ORDER BY p.time NULLS FIRST, s.file, p.log_line NULLS FIRST
                """),
        NamedQuery(
            name: "sessions-touching", summary: "Sessions whose edit calls changed a path (as recorded, or ending in /PATH)",
            parameters: [("path", "a file's path, relative to the repository (`src/auth.py`) or absolute")],
            sql: """
                SELECT s.start_time, s.repository, s.agent, s.session_id, COUNT(*) AS edits,
                  SUM(e.lines_added) AS lines_added, SUM(e.lines_removed) AS lines_removed,
                  SUM(CASE WHEN e.lines_added IS NULL OR e.lines_removed IS NULL THEN 1 ELSE 0 END) AS edits_uncounted, s.file
                FROM file_effects e JOIN sessions s ON s.id = e.session
                WHERE substr(e.path, length(rtrim(e.path, replace(e.path, '/', ''))) + 1) = substr(:path, length(rtrim(:path, replace(:path, '/', ''))) + 1)
                  AND (e.path = :path OR substr(e.path, length(e.path) - length(:path)) = '/' || :path
                    OR (s.repository IS NOT NULL AND s.repository || '/' || e.path = :path))
                GROUP BY s.id ORDER BY s.start_time NULLS FIRST, s.file
                """),
    ]
}
