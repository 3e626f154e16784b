/// The session-log formats agentreplay reads, and detection of which one a file is.
public enum SourceFormat: String, Sendable, CaseIterable {
    /// agentreplay's own NDJSON (`docs/trace-format.md`).
    case native
    /// Claude Code session logs (`~/.claude/projects/<path>/<session>.jsonl`).
    case claudeCode = "claude-code"

    /// Tells the format from the first line of a file (its first 64 KiB when the line is
    /// longer), or nil when it is none this build reads.
    public static func detect(path: String) throws(TraceError) -> SourceFormat? {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard let value = try? JSONParser.parse(line) else { return nil }
            return detect(firstRecord: value)
        }
        return nil
    }

    public static func detect(firstRecord value: JSON) -> SourceFormat? {
        guard value.objectValue != nil else { return nil }
        if NativeFormat.isHeader(value) { return .native }
        let claudeTypes: Set<String> = [
            "user", "assistant", "system", "summary", "permission-mode", "file-history-snapshot",
            "attachment", "last-prompt", "progress", "queue-operation",
        ]
        if value["sessionId"] != nil || value["leafUuid"] != nil { return .claudeCode }
        if let type = value["type"]?.stringValue, claudeTypes.contains(type), value["payload"] == nil { return .claudeCode }
        return nil
    }
}
