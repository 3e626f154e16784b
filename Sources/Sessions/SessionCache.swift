import Trace

/// The summaries already read, one per session file, keyed by its path, size and
/// modification time (and, for OpenCode, its message folder's): a file whose key changed is
/// read again. Kept as NDJSON — a header line, then one line per file sorted by path, members
/// sorted by name — written atomically (a temporary file, then a rename), so two listings at
/// once leave one whole cache or the other. A cache that cannot be read is rebuilt.
struct SessionCache {
    static let schema = "agentreplay.sessions-cache"
    /// 2: output tokens count reasoning (version 1 kept Gemini's thoughts apart, and missed
    /// OpenCode's), so summaries cached by version 1 are made again.
    /// 3: the part of the cache writes kept an hour and the largest prompt per model, for
    /// one-hour write prices and long-context tiers.
    static let version: Int64 = 3

    struct Entry: Equatable {
        var size: Int64
        var modified: Int64
        var stamp: Int64
        var summary: SessionSummary
    }

    var entries: [String: Entry] = [:]

    /// The cache at `path`; empty when it is missing, unreadable or of another version.
    static func read(_ path: String) -> SessionCache {
        var cache = SessionCache()
        guard let bytes = FileSystem.read(path) else { return cache }
        var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: true).makeIterator()
        guard let first = lines.next(), let header = try? JSONParser.parse(Array(first)),
            header["schema"]?.stringValue == schema, header["version"]?.intValue == version
        else { return cache }
        while let line = lines.next() {
            guard let value = try? JSONParser.parse(Array(line)), let path = value["path"]?.stringValue,
                let size = value["size"]?.intValue, let modified = value["modified_ns"]?.intValue,
                let stamp = value["stamp_ns"]?.intValue, let summary = value["summary"].flatMap(SessionSummary.init(cache:))
            else { continue }
            cache.entries[path] = Entry(size: size, modified: modified, stamp: stamp, summary: summary)
        }
        return cache
    }

    /// The summary cached for `file`, when its key still matches.
    func summary(for file: SessionFile) -> SessionSummary? {
        guard let e = entries[file.path], e.size == file.stat.size, e.modified == file.stat.modified, e.stamp == file.stamp else { return nil }
        return e.summary
    }

    /// The cache's bytes: deterministic for the same entries.
    func encoded() -> [UInt8] {
        var out: [UInt8] = []
        JSONWriter.write(.object([("schema", .string(Self.schema)), ("version", .number(Self.version))]), into: &out)
        out.append(0x0A)
        for path in entries.keys.sorted(by: { $0.utf8.lexicographicallyPrecedes($1.utf8) }) {
            let e = entries[path]!
            JSONWriter.write(
                .object([
                    ("modified_ns", .number(e.modified)), ("path", .string(path)), ("size", .number(e.size)),
                    ("stamp_ns", .number(e.stamp)), ("summary", e.summary.cacheJSON),
                ]), into: &out)
            out.append(0x0A)
        }
        return out
    }
}

extension SessionSummary {
    /// The summary as the cache keeps it (members sorted by name; the path is the entry's).
    var cacheJSON: JSON {
        func text(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
        return .object([
            ("agent", .string(agent)), ("agent_version", text(agentVersion)), ("cwd", text(cwd)),
            ("end", text(end?.text)), ("error", text(error)), ("files_changed", .number(filesChanged)),
            ("first_prompt", text(firstPrompt)), ("format", .string(format)), ("id", .string(id)),
            ("model_turns", .number(modelTurns)),
            (
                "models",
                .array(
                    models.map { m in
                        .object([
                            ("cache_read", .number(m.usage.cacheReadTokens)), ("cache_write", .number(m.usage.cacheCreationTokens)),
                            ("cache_write_1h", .number(m.hourWrites)), ("input", .number(m.usage.inputTokens)),
                            ("largest_prompt", .number(m.largestPrompt)), ("model", .string(m.model)),
                            ("output", .number(m.usage.outputTokens)),
                        ])
                    })
            ),
            ("path", .string(path)), ("start", text(start?.text)), ("tool_calls", .number(toolCalls)),
            ("unnamed_tokens", .number(unnamedTokens)),
        ])
    }

    init?(cache v: JSON) {
        guard let agent = v["agent"]?.stringValue, let format = v["format"]?.stringValue, let id = v["id"]?.stringValue,
            let path = v["path"]?.stringValue
        else { return nil }
        func int(_ key: String) -> Int { Int(v[key]?.intValue ?? 0) }
        var models: [ModelUsage] = []
        for m in v["models"]?.arrayValue ?? [] {
            guard let name = m["model"]?.stringValue else { return nil }
            let usage = Usage(
                inputTokens: m["input"]?.intValue ?? 0, outputTokens: m["output"]?.intValue ?? 0,
                cacheReadTokens: m["cache_read"]?.intValue ?? 0, cacheCreationTokens: m["cache_write"]?.intValue ?? 0)
            models.append(
                ModelUsage(
                    model: name, usage: usage, hourWrites: m["cache_write_1h"]?.intValue ?? 0,
                    largestPrompt: m["largest_prompt"]?.intValue ?? 0))
        }
        self.init(
            id: id, path: path, agent: agent, agentVersion: v["agent_version"]?.stringValue, format: format,
            cwd: v["cwd"]?.stringValue, start: v["start"]?.stringValue.flatMap { Timestamp(rfc3339: $0) },
            end: v["end"]?.stringValue.flatMap { Timestamp(rfc3339: $0) }, modelTurns: int("model_turns"),
            toolCalls: int("tool_calls"), filesChanged: int("files_changed"), models: models,
            unnamedTokens: v["unnamed_tokens"]?.intValue ?? 0, firstPrompt: v["first_prompt"]?.stringValue,
            error: v["error"]?.stringValue)
    }
}
