/// The session-log formats agentreplay reads, and detection of which one a file is.
public enum SourceFormat: String, Sendable, CaseIterable {
    /// agentreplay's own NDJSON (`docs/trace-format.md`).
    case native
    /// Claude Code session logs (`~/.claude/projects/<path>/<session>.jsonl`).
    case claudeCode = "claude-code"
    /// Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).
    case codex
    /// SWE-agent trajectories (`*.traj`): one JSON document, not NDJSON.
    case sweAgent = "swe-agent"
    /// OpenHands event streams: one JSON list of actions and observations (a saved
    /// trajectory), or an object holding it as `history`.
    case openHands = "openhands"
    /// Gemini CLI session files (`~/.gemini/tmp/<project>/chats/session-*.json` or `.jsonl`).
    case gemini
    /// agent-strace NDJSON (`.agent-traces/<session>/events.ndjson`).
    case agentStrace = "agent-strace"
    /// OpenTelemetry OTLP/JSON exports of spans (`resourceSpans`), one document or one per line.
    case otlp
    /// OpenCode sessions as `opencode export` writes them: one JSON document, `info` (the
    /// session) and `messages` (each `info` and `parts`).
    case openCode = "opencode"

    /// Tells the format from the first non-blank line of a file, or nil when it is none this
    /// build reads. That line is parsed whole, however long: what tells a format apart can sit
    /// past any fixed prefix (a Codex `session_meta` after its instructions, a Claude Code
    /// record's `sessionId` after a long message), and a compact OpenHands list or OTLP export
    /// is one line. A line that is not one JSON value starts a pretty-printed document, told by
    /// its first member's name within its first 4 KiB.
    public static func detect(path: String) throws(TraceError) -> SourceFormat? {
        let lines = try LineReader(path: path)
        var start: [UInt8] = []
        while let line = try lines.next() {
            if start.isEmpty && line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            if start.isEmpty, let value = try? JSONParser.parse(line) { return detect(firstRecord: value) }
            // Not one JSON value per line: a pretty-printed document (a SWE-agent trajectory)
            // is told by the name of its first member.
            start += line
            start.append(0x0A)
            if let key = firstMemberName(start) {
                let openedAlone = start.prefix { $0 != 0x0A }.allSatisfy { [0x20, 0x09, 0x0D, UInt8(ascii: "{")].contains($0) }
                if key == "info" {
                    // An OpenCode export's `info` (the session) opens with `id`; a SWE-agent
                    // trajectory's with anything else.
                    if let inner = firstMemberName(afterFirstColon(start)) { return inner == "id" ? .openCode : .sweAgent }
                    if start.count <= 4096 { continue }
                }
                return documentFormat(firstMember: key, openedAlone: openedAlone)
            }
            if let key = firstElementMemberName(start) { return openHandsEventKeys.contains(key) ? .openHands : nil }
            if start.count > 4096 { return nil }
        }
        return nil
    }

    /// The bytes after the first `:` of `bytes` (where the first member's value starts).
    static func afterFirstColon(_ bytes: [UInt8]) -> [UInt8] {
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return [] }
        return Array(bytes[(colon + 1)...])
    }

    /// Top-level members a SWE-agent trajectory starts with (1.x writes `trajectory` first,
    /// 0.x `environment`).
    static let trajectoryKeys: Set<String> = ["trajectory", "history", "info", "replay_config", "environment"]

    /// The format of a multi-line JSON document told by its first member: a SWE-agent
    /// trajectory, or — when the document's first line is its `{` alone, as pretty-printers
    /// write it — a Gemini CLI session or an OTLP export. `JSON.stringify(record, null, 2)` puts
    /// a Gemini CLI session's `sessionId` first; a session stored with its members sorted by
    /// name (Entire's checkpoints) starts with one of the `ConversationRecord` members that
    /// sort before `messages`: `directories`, `kind` (`main`, `subagent`) or `lastUpdated`.
    /// (An OpenCode export's `info` is told apart from a SWE-agent trajectory's by its first
    /// member, `id`, in `detect`.)
    static func documentFormat(firstMember key: String, openedAlone: Bool) -> SourceFormat? {
        if trajectoryKeys.contains(key) { return .sweAgent }
        if openedAlone, geminiFirstKeys.contains(key) { return .gemini }
        if openedAlone, key == "resourceSpans" { return .otlp }
        // A session file of OpenCode's own storage (`storage/session/<project>/<id>.json`).
        if openedAlone, key == "id" { return .openCode }
        return nil
    }

    /// The members a Gemini CLI `ConversationRecord` document may start with.
    static let geminiFirstKeys: Set<String> = ["sessionId", "directories", "kind", "lastUpdated"]

    /// Members an OpenHands event opens with (`event_to_dict` writes `id` first).
    static let openHandsEventKeys: Set<String> = ["id", "timestamp", "source", "message", "action", "observation", "cause"]

    /// The name of the first member of the first element of the array `bytes` starts with.
    static func firstElementMemberName(_ bytes: [UInt8]) -> String? {
        guard let open = bytes.firstIndex(where: { ![0x20, 0x09, 0x0A, 0x0D].contains($0) }), bytes[open] == UInt8(ascii: "[") else { return nil }
        return firstMemberName(Array(bytes[(open + 1)...]))
    }

    /// Whether a parsed value is an OpenHands event: an object with `action` or `observation`.
    static func isOpenHandsEvent(_ value: JSON?) -> Bool {
        guard let value, value.objectValue != nil else { return false }
        return value["action"]?.stringValue != nil || value["observation"]?.stringValue != nil
    }

    /// The `event_type`s agent-strace writes.
    static let agentStraceTypes: Set<String> = [
        "session_start", "session_end", "tool_call", "tool_result", "llm_request", "llm_response", "file_read",
        "file_write", "decision", "error", "user_prompt", "assistant_response", "subagent_start", "subagent_stop",
    ]

    /// The name of the first member of the object `bytes` starts with, when it is complete.
    static func firstMemberName(_ bytes: [UInt8]) -> String? {
        var i = 0
        func skipSpace() { while i < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[i]) { i += 1 } }
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "{") else { return nil }
        i += 1
        skipSpace()
        guard i < bytes.count, bytes[i] == UInt8(ascii: "\"") else { return nil }
        let start = i + 1
        var end = start
        while end < bytes.count, bytes[end] != UInt8(ascii: "\""), bytes[end] != UInt8(ascii: "\\") { end += 1 }
        guard end < bytes.count, bytes[end] == UInt8(ascii: "\"") else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    public static func detect(firstRecord value: JSON) -> SourceFormat? {
        if let events = value.arrayValue { return isOpenHandsEvent(events.first) ? .openHands : nil }
        guard value.objectValue != nil else { return nil }
        if NativeFormat.isHeader(value) { return .native }
        if value["resourceSpans"]?.arrayValue != nil { return .otlp }
        if value["sessionId"]?.stringValue != nil, value["projectHash"]?.stringValue != nil { return .gemini }
        if let type = value["event_type"]?.stringValue, agentStraceTypes.contains(type), value["session_id"] != nil { return .agentStrace }
        if let history = value["history"]?.arrayValue, isOpenHandsEvent(history.first) { return .openHands }
        if let type = value["type"]?.stringValue, codexTypes.contains(type), let payload = value["payload"], payload.objectValue != nil,
            type != "session_meta" || payload["id"]?.stringValue != nil
        {
            return .codex
        }
        // Rollouts before the `type`/`payload` envelope (2025) open with the bare session meta.
        if value["type"] == nil, value["id"] != nil, value["timestamp"] != nil,
            value["instructions"] != nil || value["git"] != nil
        {
            return .codex
        }
        if value["info"]?["id"]?.stringValue != nil, value["messages"]?.arrayValue != nil, value["trajectory"] == nil { return .openCode }
        if value["id"]?.stringValue?.hasPrefix("ses_") == true, value["projectID"] != nil, value["messages"] == nil { return .openCode }
        if value["trajectory"] != nil, value["info"] != nil || value["history"] != nil { return .sweAgent }
        let claudeTypes: Set<String> = [
            "user", "assistant", "system", "summary", "permission-mode", "file-history-snapshot",
            "attachment", "last-prompt", "progress", "queue-operation",
        ]
        if value["sessionId"] != nil || value["leafUuid"] != nil { return .claudeCode }
        if let type = value["type"]?.stringValue, claudeTypes.contains(type), value["payload"] == nil { return .claudeCode }
        return nil
    }

    /// The record types of a Codex rollout line (`{"timestamp", "type", "payload"}`).
    static let codexTypes: Set<String> = ["session_meta", "turn_context", "response_item", "event_msg", "compacted"]
}
