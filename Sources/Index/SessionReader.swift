import Importers
import Insight
import Trace

/// Reads one log into the store, inside the transaction the caller opened: the session's row
/// (made, or found and emptied of what is read again), its spans through `SessionWriter`, the
/// session's totals from its rows, and the log's state in `files`.
struct SessionReader {
    var input: Indexer.Input
    var format: SourceFormat
    var state: FileState
    var endHash: String
    var known: FileRecord?
    /// Where a resumed reading starts; nil for a whole reading.
    var start: LineReader.Start?
    /// A resumed Codex reading: what the importer carried at `start` (`CodexResume.state`).
    var resumeState: String?
    var prices: PriceTable
    /// Whether the log is read whole before its first span (else streamed where the format can).
    var whole = false
    /// Replay asked for: the session's file effects from replay where its repository is at hand.
    var replay: Indexer.Replay?

    /// What a reading did: bytes read, spans written, and whether the session was replayed
    /// (nil: replay not asked for).
    struct Read {
        var bytes: Int64
        var spans: Int
        var replayed: Bool?
    }

    func read(_ db: any StoreConnection) throws -> Read {
        // A resumed reading keeps the session's recorded directory for paths (the tail's first
        // `cwd` may be another), while a command's directory, when its span names none, is the
        // `cwd` the importer compared it with: the tail's.
        var root: String?
        if start != nil, let id = known?.session {
            root = try db.value("SELECT repository FROM sessions WHERE id = ?", id)?.string
        }
        var source: TraceSource
        // A streamed Codex rollout says where a later reading of it, grown, may start.
        var codexResume: (() -> CodexResume?)?
        if format == .codex, !whole {
            var from: CodexResume?
            var calls = Set<String>()
            if let start {
                guard let state = resumeState, let point = CodexResume(start: start, state: state), let id = known?.session else {
                    throw TraceError.readAgainWhole(file: input.path, line: start.lines + 1)
                }
                from = point
                // The calls before the resume point: a line naming one asks for a whole reading.
                for row in try db.rows(
                    "SELECT call_id FROM tool_calls WHERE session = ? AND log_line < ? AND call_id IS NOT NULL", [id, Int64(start.lines + 1)])
                {
                    if let call = row[0].string { calls.insert(call) }
                }
            }
            let opened = try CodexImporter(source: Importer.Source(path: input.path)).resumable(from: from, calls: calls)
            source = opened.source
            codexResume = opened.resume
        } else {
            source = try TraceSource.open(
                path: input.path, format: format, options: Importer.Options(start: start, readsAgainWhole: !whole),
                recoversBadSpans: false)
        }
        defer { source.cancel() }
        let header = source.header
        let name = input.path.split(separator: "/").last.map(String.init) ?? input.path
        let stem = name.lastIndex(of: ".").map { String(name[..<$0]) } ?? name
        var session: Int64
        var turns = 0
        var wantsPrompt = true
        var first: String?, last: String?
        if let id = known?.session, try db.value("SELECT COUNT(*) FROM sessions WHERE id = ?", id)?.int64 == 1 {
            session = id
            if let start {
                let from = start.lines + 1
                for table in Schema.sessionTables {
                    try db.execute("DELETE FROM \(table) WHERE session = ? AND log_line >= ?", session, from)
                }
                turns = try db.value("SELECT COALESCE(MAX(number), 0) FROM turns WHERE session = ?", session)?.int64.map(Int.init) ?? 0
                let row = try db.rows("SELECT first_prompt, start_time, end_time FROM sessions WHERE id = ?", [session]).first
                wantsPrompt = row?[0].string == nil
                first = row?[1].string
                last = row?[2].string
            } else {
                for table in Schema.sessionTables { try db.execute("DELETE FROM \(table) WHERE session = ?", session) }
                try db.execute(
                    "UPDATE sessions SET session_id = ?, agent = ?, agent_version = ?, format = ?, repository = ?, branch = ?, first_prompt = NULL WHERE id = ?",
                    input.sessionID ?? stem, header.agentName, header.agentVersion, format.rawValue, header.repoRoot, header.branch, session)
            }
        } else {
            try db.execute(
                """
                INSERT INTO sessions (file, session_id, agent, agent_version, format, repository, branch, input_tokens, output_tokens,
                  cache_read_tokens, cache_creation_tokens, cost_usd, cost_complete, model_turns, tool_calls)
                VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, 0, 0, 0, 1, 0, 0)
                ON CONFLICT (file) DO UPDATE SET session_id = excluded.session_id
                """,
                input.path, input.sessionID ?? stem, header.agentName, header.agentVersion, format.rawValue, header.repoRoot, header.branch)
            guard let id = try db.value("SELECT id FROM sessions WHERE file = ?", input.path)?.int64 else {
                throw Store.Failure(description: "\(input.path): its session row was not written", hint: nil)
            }
            session = id
            // A session the files table did not know (an earlier reading that failed): nothing
            // of it may stay twice.
            if known != nil {
                for table in Schema.sessionTables { try db.execute("DELETE FROM \(table) WHERE session = ?", session) }
            }
        }
        try db.execute("DELETE FROM errors WHERE file = ?", input.path)
        // The search rows this reading adds are those above the highest id now.
        let searchBefore = try db.value("SELECT COALESCE(MAX(id), 0) FROM search_rows")?.int64 ?? 0

        let repository = try db.value("SELECT repository FROM sessions WHERE id = ?", session)?.string
        let writer = SessionWriter(
            db: db, session: session, root: root ?? header.repoRoot, repository: repository, directory: header.repoRoot, prices: prices,
            turns: turns, wantsPrompt: wantsPrompt, first: first, last: last)
        while let span = try source.next() { try writer.take(span) }
        // What the importer and the writer kept to read the log (ids of every call and turn,
        // a table that grows with the log) is freed before the closing statements, whose
        // sorts need memory too: the peak is the larger of the two, not their sum.
        let codexPoint = codexResume?()
        codexResume = nil
        source.cancel()
        source = TraceSource(whole: Trace(header: header, spans: []))
        try writer.finish()
        try Schema.fillSearch(db, session: session, after: searchBefore)

        var replayed: Bool?
        if let replay {
            replayed = try ReplayedEffects(options: replay).write(
                session: session, path: input.path, format: format, recorded: root ?? header.repoRoot, db: db)
        } else {
            // The rows are the log's now (a replay's were deleted with the session's rows).
            try db.execute(
                "UPDATE sessions SET effects = 'log', replay_outcome = NULL, replay_repository = NULL, replay_note = NULL WHERE id = ?", session)
        }

        try db.execute(
            """
            UPDATE sessions SET
              input_tokens = (SELECT COALESCE(\(Schema.saturatingSum("input_tokens")), 0) FROM turns WHERE session = :id),
              output_tokens = (SELECT COALESCE(\(Schema.saturatingSum("output_tokens")), 0) FROM turns WHERE session = :id),
              cache_read_tokens = (SELECT COALESCE(\(Schema.saturatingSum("cache_read_tokens")), 0) FROM turns WHERE session = :id),
              cache_creation_tokens = (SELECT COALESCE(\(Schema.saturatingSum("cache_creation_tokens")), 0) FROM turns WHERE session = :id),
              cost_usd = (SELECT COALESCE(SUM(cost_usd), 0) FROM turns WHERE session = :id),
              cost_complete = CASE WHEN EXISTS (SELECT 1 FROM turns WHERE session = :id AND cost_usd IS NULL) THEN 0 ELSE 1 END,
              model_turns = (SELECT COUNT(*) FROM turns WHERE session = :id),
              tool_calls = (SELECT COUNT(*) FROM tool_calls WHERE session = :id),
              model = (SELECT model FROM turns WHERE session = :id AND model IS NOT NULL GROUP BY model ORDER BY COUNT(*) DESC, model LIMIT 1),
              start_time = :first, end_time = :last,
              first_prompt = COALESCE(first_prompt, :prompt)
            WHERE id = :id
            """, named: ["id": session, "first": writer.first, "last": writer.last, "prompt": writer.firstPrompt])

        // Where the next pass may resume: Claude Code logs and Codex rollouts.
        var readOffset = state.size, readLine = 0, readHash = endHash, resumeOffset: Int64 = 0, resumeLine = 0
        var resumeState: String?
        if let point = codexPoint, point.start.offset > 0, let hash = FileState.hash(input.path, endingAt: Int64(point.start.offset)) {
            // A Codex rollout: the bytes before its quiet point are what must not change.
            readOffset = Int64(point.start.offset)
            readLine = point.start.lines
            readHash = hash
            resumeOffset = Int64(point.start.offset)
            resumeLine = point.start.lines + 1
            resumeState = point.state
        } else if format == .claudeCode, let line = writer.resumeLine ?? start.map({ $0.lines + 1 }),
            let lines = FileState.lines(input.path, startOf: line),
            let start = lines.start, let hash = FileState.hash(input.path, endingAt: lines.end)
        {
            readOffset = lines.end
            readLine = lines.count
            readHash = hash
            resumeOffset = start
            resumeLine = line
        }
        try db.execute(
            """
            INSERT INTO files (path, format, size, modified_ns, end_hash, read_offset, read_line, read_hash, resume_offset, resume_line, resume_state, present, session, reads, error)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 1, NULL)
            ON CONFLICT (path) DO UPDATE SET format = excluded.format, size = excluded.size, modified_ns = excluded.modified_ns,
              end_hash = excluded.end_hash, read_offset = excluded.read_offset, read_line = excluded.read_line, read_hash = excluded.read_hash,
              resume_offset = excluded.resume_offset, resume_line = excluded.resume_line, resume_state = excluded.resume_state, present = 1,
              session = excluded.session, reads = files.reads + 1, error = NULL
            """,
            input.path, format.rawValue, state.size, state.modified, endHash, readOffset, readLine, readHash,
            resumeOffset, resumeLine, resumeState, session)
        let bytes = state.size - Int64(start?.offset ?? 0)
        return Read(bytes: bytes, spans: writer.spans, replayed: replayed)
    }
}
