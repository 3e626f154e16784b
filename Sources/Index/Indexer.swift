import Foundation
import Importers
import Insight
import Sessions
import Trace

/// Glossary of the index.
///
/// - **Store**: one SQLite file or PostgreSQL database (`Store`) whose tables (`Schema`) hold every session read:
///   sessions, turns, tool calls, file effects, commands, permission records, risks, the text
///   people search, and the logs that could not be read.
/// - **Pass**: one run of `agentreplay index` over a list of logs (`Indexer.pass`). Each log is
///   read in a transaction of its own, so a pass killed at any moment leaves every log either
///   as the last pass left it or as this one read it.
/// - **Unchanged**: a log whose size, modification time and last block's hash are those the
///   store keeps: skipped.
/// - **Grown**: a Claude Code log or Codex rollout whose bytes up to where the last pass
///   stopped are unchanged (the hash of the block before that point matches): read from the
///   last place a later line can still change (Claude Code: the last prompt, or the earliest
///   call still waiting for its result; Codex: the last quiet line, `CodexStream`). Any other
///   changed log is read again whole.
/// - **Vanished**: a log the store has that is gone: its rows are kept, marked `present = 0`.
/// - **Held**: a log being read by one process (`StoreConnection.lock`): another process
///   indexing the same store waits, then finds it as the first left it (unchanged, or grown
///   from there), so two machines indexing into one PostgreSQL database count no session twice.
public enum Indexer {
    /// A log to index.
    public struct Input: Sendable, Equatable {
        public var path: String
        /// Its format, when the caller knows it (a store's listing); else detected.
        public var format: String?
        /// The agent's session id, when the caller knows it; else the file name's stem.
        public var sessionID: String?
        /// Another modification time it depends on (OpenCode's message folder), 0 if none.
        public var stamp: Int64

        public init(path: String, format: String? = nil, sessionID: String? = nil, stamp: Int64 = 0) {
            self.path = path
            self.format = format
            self.sessionID = sessionID
            self.stamp = stamp
        }
    }

    /// Replay asked for (`index --replay`, `--repo`): each session read is replayed onto
    /// `repository`, else onto its recorded working directory's repository when that is on
    /// this machine (docs/index.md, "Where file effects come from").
    public struct Replay: Sendable, Equatable {
        public var repository: String?
        public init(repository: String? = nil) { self.repository = repository }
    }

    /// What a pass did.
    public struct Report: Sendable, Equatable {
        /// Logs read whole, read from where the last pass stopped, skipped unchanged.
        public var read = 0, resumed = 0, unchanged = 0
        /// Logs that could not be read (recorded in `errors`), and logs gone since (kept).
        public var failed = 0, vanished = 0
        /// With replay asked: sessions replayed, and sessions whose log's effects were kept.
        public var replayed = 0, notReplayed = 0
        /// Bytes of log read.
        public var bytes: Int64 = 0
        /// Spans written.
        public var spans = 0
        /// One line per log that could not be read: file, line, field and message.
        public var errors: [String] = []
        public init() {}
    }

    /// The logs the agents' stores hold (`sessions --all`), as inputs.
    public static func inputs(_ logs: [SessionIndex.Log]) -> [Input] {
        logs.map { Input(path: $0.path, format: $0.format, sessionID: $0.id, stamp: $0.stamp) }
    }

    /// Reads `inputs` into `store`: each log in a transaction of its own; a log that cannot
    /// be read is recorded in `errors` and the pass goes on. `progress` is told each log done.
    public static func pass(
        _ inputs: [Input], into store: Store, prices: PriceTable, replay: Replay? = nil,
        progress: (_ done: Int, _ total: Int) -> Void = { _, _ in }
    ) throws(Store.Failure) -> Report {
        var report = Report()
        do {
            var known: [String: FileRecord] = [:]
            try store.read { db in
                for row in try db.rows("SELECT \(FileRecord.columns) FROM files", []) {
                    if let record = FileRecord(row) { known[record.path] = record }
                }
            }
            var seen = Set<String>()
            for (i, input) in inputs.enumerated() {
                seen.insert(input.path)
                try one(input, known: known[input.path], store: store, prices: prices, replay: replay, report: &report)
                progress(i + 1, inputs.count)
            }
            // Logs the store has that are gone now: kept, marked.
            let gone = known.values.filter { $0.present == 1 && !seen.contains($0.path) && FileState.of($0.path) == nil }
            if !gone.isEmpty {
                try store.write { db in
                    for record in gone.sorted(by: { $0.path < $1.path }) {
                        try db.execute("UPDATE files SET present = 0 WHERE path = ?", record.path)
                    }
                }
            }
            report.vanished = try store.read { db in try db.value("SELECT COUNT(*) FROM files WHERE present = 0")?.int64.map(Int.init) ?? 0 }
        } catch let failure as Store.Failure {
            throw failure
        } catch {
            throw Store.Failure(description: "\(store.path): \(Store.message(error))", hint: nil)
        }
        return report
    }

    /// One log: skipped, resumed, read whole or recorded as unreadable. `known` is what the
    /// store had when the pass began; the reading itself holds the log and reads its row
    /// again, as another process may have read it since.
    private static func one(_ input: Input, known: FileRecord?, store: Store, prices: PriceTable, replay: Replay?, report: inout Report) throws {
        guard let state = FileState.of(input.path, stamp: input.stamp) else {
            if let known, known.present == 1 {
                try store.write { db in try db.execute("UPDATE files SET present = 0 WHERE path = ?", known.path) }
            }
            return
        }
        let endHash = FileState.hash(input.path, endingAt: state.size) ?? ""
        if let known, known.unchanged(state, endHash: endHash) {
            if known.present == 0 {
                try store.write { db in try db.execute("UPDATE files SET present = 1 WHERE path = ?", known.path) }
            }
            report.unchanged += 1
            if let replay { try replayUnchanged(known, replay: replay, store: store, report: &report) }
            return
        }
        let format: SourceFormat
        do {
            if let name = input.format, let f = SourceFormat(rawValue: name) { format = f } else { format = try Importer.detect(path: input.path) }
        } catch {
            try fail(input, state: state, endHash: endHash, error: error, store: store, report: &report)
            return
        }
        var whole = false
        // Whether a format that can stream only when asked to start again (Codex) streams.
        var streams = true
        while true {
            var resumed = false
            do {
                let read = try store.write { db -> SessionReader.Read? in
                    try db.lock(log: input.path)
                    let current = try FileRecord.fetch(input.path, db)
                    if let current, current.unchanged(state, endHash: endHash) {
                        if current.present == 0 { try db.execute("UPDATE files SET present = 1 WHERE path = ?", current.path) }
                        return nil
                    }
                    var start = whole ? nil : resumePoint(input, format: format, state: state, known: current)
                    // A Codex rollout resumes only streamed, with what the importer carried there.
                    if format == .codex, !streams || current?.resume_state == nil { start = nil }
                    // Rows from a replay cover the whole session: without replay, it is read whole.
                    if start != nil, replay == nil, let id = current?.session,
                        try db.value("SELECT effects FROM sessions WHERE id = ?", id)?.string == "replay"
                    {
                        start = nil
                    }
                    resumed = start != nil
                    return try SessionReader(
                        input: input, format: format, state: state, endHash: endHash, known: current, start: start,
                        resumeState: start == nil ? nil : current?.resume_state, prices: prices,
                        whole: !streams,
                        replay: replay
                    )
                    .read(db)
                }
                guard let read else {
                    report.unchanged += 1
                    return
                }
                if resumed { report.resumed += 1 } else { report.read += 1 }
                report.bytes += read.bytes
                report.spans += read.spans
                if let replayed = read.replayed {
                    if replayed { report.replayed += 1 } else { report.notReplayed += 1 }
                }
                return
            } catch let error as TraceError {
                // A resumed reading that fails is tried again whole: the error may be the tail's
                // alone, or a line of the tail changes rows of the lines before it (a Codex event
                // for a call before the resume point).
                if resumed { whole = true; continue }
                // A streamed reading that met a line changing a span it had handed on is read
                // again whole (the transaction rolled back).
                if error.asksToReadAgainWhole, streams { streams = false; continue }
                try fail(input, state: state, endHash: endHash, error: error, store: store, report: &report)
                return
            }
        }
    }

    /// An unchanged log whose session was never replayed, with replay asked: replayed now,
    /// its log not read again. A session tried before is tried again when its log changes.
    private static func replayUnchanged(_ known: FileRecord, replay: Replay, store: Store, report: inout Report) throws {
        guard let session = known.session, session > 0, known.error == nil, let name = known.format, let format = SourceFormat(rawValue: name)
        else { return }
        let replayed = try store.write { db -> Bool? in
            try db.lock(log: known.path)
            let row = try db.rows("SELECT effects, replay_note, repository FROM sessions WHERE id = ?", [session]).first
            guard let row, row[0].string == "log", row[1].string == nil else { return nil }
            return try ReplayedEffects(options: replay).write(session: session, path: known.path, format: format, recorded: row[2].string, db: db)
        }
        if let replayed {
            if replayed { report.replayed += 1 } else { report.notReplayed += 1 }
        }
    }

    /// Where a grown log is read from: a Claude Code log or Codex rollout that grew and whose
    /// bytes so far are unchanged is read from its resume point (not a Claude Code log with
    /// sub-agent files: they are merged into it by time); nil when it must be read whole. Every
    /// other format is read whole: one JSON document (Gemini CLI, OpenCode, SWE-agent,
    /// OpenHands) cannot be read from part-way.
    private static func resumePoint(_ input: Input, format: SourceFormat, state: FileState, known: FileRecord?) -> LineReader.Start? {
        guard let known, let session = known.session, session > 0, known.error == nil, format == .claudeCode || format == .codex,
            known.format == format.rawValue, state.size > known.size, known.resume_offset > 0, known.read_offset <= state.size,
            FileState.hash(input.path, endingAt: known.read_offset) == known.read_hash,
            format == .codex || !FileManager.default.fileExists(atPath: String(input.path.dropLast(6)) + "/subagents")
        else { return nil }
        return LineReader.Start(offset: Int(known.resume_offset), lines: known.resume_line - 1)
    }

    /// Records a log that cannot be read: its error in `errors`, its state in `files` (so an
    /// unchanged bad log is not read again); the rows of an earlier reading stay.
    private static func fail(_ input: Input, state: FileState, endHash: String, error: TraceError, store: Store, report: inout Report) throws {
        report.failed += 1
        report.errors.append(error.description)
        try store.write { db in
            try db.lock(log: input.path)
            try db.execute("DELETE FROM errors WHERE file = ?", input.path)
            try db.execute(
                "INSERT INTO errors (file, line, field, message) VALUES (?, ?, ?, ?)", input.path, error.line, error.field, error.message)
            try db.execute(
                """
                INSERT INTO files (path, format, size, modified_ns, end_hash, read_offset, read_line, read_hash, resume_offset, resume_line, resume_state, present, session, reads, error)
                VALUES (?, ?, ?, ?, ?, 0, 0, '', 0, 0, NULL, 1, NULL, 1, ?)
                ON CONFLICT (path) DO UPDATE SET size = excluded.size, modified_ns = excluded.modified_ns, end_hash = excluded.end_hash,
                  read_offset = 0, read_line = 0, read_hash = '', resume_offset = 0, resume_line = 0, resume_state = NULL, present = 1,
                  reads = files.reads + 1, error = excluded.error
                """, input.path, input.format, state.size, state.modified, endHash, error.description)
        }
    }
}

/// A row of `files`.
struct FileRecord {
    var path: String
    var format: String?
    var size: Int64
    var modified_ns: Int64
    var end_hash: String
    var read_offset: Int64
    var read_line: Int
    var read_hash: String
    var resume_offset: Int64
    var resume_line: Int
    var present: Int
    /// Codex: what the importer carries past the resume point (`CodexResume.state`).
    var resume_state: String?
    var session: Int64?
    var reads: Int
    var error: String?

    /// The columns `init` reads, in its order.
    static let columns =
        "path, format, size, modified_ns, end_hash, read_offset, read_line, read_hash, resume_offset, resume_line, present, session, reads, error, resume_state"

    init?(_ row: [QueryResult.Cell]) {
        guard row.count == 15, let path = row[0].string, let size = row[2].int64, let modified = row[3].int64, let endHash = row[4].string,
            let readOffset = row[5].int64, let readLine = row[6].int64, let readHash = row[7].string, let resumeOffset = row[8].int64,
            let resumeLine = row[9].int64, let present = row[10].int64, let reads = row[12].int64
        else { return nil }
        self.path = path
        format = row[1].string
        self.size = size
        modified_ns = modified
        end_hash = endHash
        read_offset = readOffset
        read_line = Int(readLine)
        read_hash = readHash
        resume_offset = resumeOffset
        resume_line = Int(resumeLine)
        self.present = Int(present)
        session = row[11].int64
        self.reads = Int(reads)
        error = row[13].string
        resume_state = row[14].string
    }

    /// The row of the log at `path`, nil when the store has none.
    static func fetch(_ path: String, _ db: any StoreConnection) throws -> FileRecord? {
        try db.rows("SELECT \(columns) FROM files WHERE path = ?", [path]).first.flatMap(FileRecord.init)
    }

    /// Whether the log is as this row saw it: its size, modification time and last block.
    func unchanged(_ state: FileState, endHash: String) -> Bool {
        size == state.size && modified_ns == state.modified && end_hash == endHash
    }
}
