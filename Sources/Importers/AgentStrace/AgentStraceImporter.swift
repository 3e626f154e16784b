import Trace

/// Imports an agent-strace trace (`.agent-traces/<session>/events.ndjson`, with the
/// `meta.json` beside it when there is one).
///
/// agent-strace writes one event per line: `event_type`, `timestamp` (seconds since the epoch,
/// a float), `event_id`, `session_id`, `parent_id` (a result's call), `data`. It records a
/// session live from the agent's hooks, or converts a Claude Code log afterwards (`agent-strace
/// import`); the two differ in what `data` holds, and both are read:
///
/// - `tool_call` (`tool_name`, `arguments`: the agent's own tool input; `tool_use_id`, or
///   `request_id` in converted logs) waits for its `tool_result` (`result`, or
///   `content_preview`), matched by `parent_id`, else by the call id; a call that `error`
///   answers failed (`error`), and so did one whose result holds Claude Code's
///   `<tool_use_error>`. The `tool` span is placed at the result. Outputs agent-strace cut short
///   (`... (truncated)` after 1000 characters, `...` after 2000) are kept up to their last
///   whole line and marked `agentreplay.output_truncated`;
/// - `user_prompt` is a `user` span; `assistant_response` an `llm` span (`model`, `text`,
///   Claude's `usage`). A converted log writes one per line of a Claude message, each with the
///   whole message's usage: lines that chain (`source_parent_uuid`) with the same usage are
///   one span, usage counted once. `llm_response` is an `llm` span too;
/// - `session_start` gives the repo root (`cwd`); an `error` no call waits for is an event.
///
/// The agent is `meta.json`'s `agent_name`: Claude Code (or none named) gives the agent name
/// `agent-strace`, which replay reads with Claude Code's tools; another agent gives
/// `agent-strace/<agent>`, replayed from recorded effects only.
public struct AgentStraceImporter: LogImporter {
    public static let format = SourceFormat.agentStrace
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        var stream = AgentStraceEvents(file: displayName)
        let log = try JSONLines(path: path, displayName: displayName)
        while let record = try log.next() {
            switch record {
            case .object(let line): try stream.read(line)
            case .cutShort(let n, let reason): stream.truncated(line: n, reason: reason)
            }
        }
        guard let sessionID = stream.sessionID else {
            throw TraceError(file: displayName, line: 0, field: "session_id", message: "no event names the session (not an agent-strace trace?)")
        }
        let agent = try recordingAgent()
        let header = self.header(
            traceID: StableID.trace(sessionID),
            agent: agent.map(Agent.init(telemetryName:)) ?? .claudeCode == .claudeCode ? .agentStrace : Agent("agent-strace/" + agent!),
            root: stream.cwd)
        return Trace(header: header, spans: stream.finish())
    }

    /// `agent_name` from the `meta.json` beside the events file, when there is one.
    func recordingAgent() throws(TraceError) -> String? {
        guard let slash = path.lastIndex(of: "/") else { return nil }
        let metaPath = String(path[..<slash]) + "/meta.json"
        let metaName = (displayName.lastIndex(of: "/").map { String(displayName[..<$0]) + "/" } ?? "") + "meta.json"
        guard Directory.files(in: String(path[..<slash])).contains("meta.json") else { return nil }
        let document = try LocatedJSON(path: metaPath, displayName: metaName)
        let meta = try FieldDecoder(document.root, file: metaName, line: 1)
        return try meta.optionalString("agent_name").flatMap { $0.isEmpty ? nil : $0 }
    }
}
