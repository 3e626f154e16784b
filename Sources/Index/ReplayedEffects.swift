import Foundation
import Git
import Importers
import Replay
import RunStore
import Trace

/// A session's file effects from replay (`RunStore.replay` onto its repository, objects in
/// memory, no refs: nothing is written to the repository): each step's changed paths with
/// the lines added and removed between the step's trees (libgit2's line counts), a shell
/// call's effect recovered by replay included, and the run's outcome. They replace the rows
/// read from the log; where the repository is not at hand, or the replay fails, the log's
/// rows stay and the session says why (`replay_note`).
struct ReplayedEffects {
    /// `Indexer.Replay`: replay when asked, onto the named repository or the recorded one.
    var options: Indexer.Replay

    /// The repository to replay onto: the one named, else the session's recorded working
    /// directory when it is inside a git repository on this machine; else why there is none.
    func repository(recorded: String?) -> Result<Repository, Unavailable> {
        guard let directory = options.repository ?? recorded else {
            return .failure(Unavailable(note: "the log records no working directory"))
        }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            return .failure(Unavailable(note: "no repository at hand: \(directory) is not on this machine"))
        }
        do {
            return .success(try Repository.open(directory, objectsInMemory: true))
        } catch {
            return .failure(Unavailable(note: "no repository at hand: \(directory) is not in a git repository"))
        }
    }

    struct Unavailable: Error {
        var note: String
    }

    /// Replays the log at `path` onto the session's repository and writes its rows in place of
    /// the session's file effects; when it cannot, keeps the log's rows and records why. True
    /// when replayed.
    @discardableResult
    func write(session: Int64, path: String, format: SourceFormat, recorded: String?, db: any StoreConnection) throws -> Bool {
        let run: Run
        let repositories: [Repository]
        let repository: Repository
        switch self.repository(recorded: recorded) {
        case let .failure(unavailable):
            try keepLog(session, note: unavailable.note, db: db)
            return false
        case let .success(found):
            repository = found
        }
        let top = repository.workingDirectory ?? repository.gitDirectory
        // The same reading `agentreplay run` makes: the base chosen by agreement, a second
        // replay in a repository opened anew (whose objects the rows' counts are read from).
        var reopened: [Repository] = []
        do {
            let open = { try TraceSource.open(path: path, format: format, options: Importer.Options(), recoversBadSpans: true) }
            run = try RunStore.replay(
                try open(), onto: repository, base: nil, store: false, again: open,
                reopen: {
                    let fresh = try Repository.open(top, objectsInMemory: true)
                    reopened.append(fresh)
                    return fresh
                })
            repositories = reopened.reversed() + [repository]
        } catch {
            try keepLog(session, note: "replay failed: \(VisibleText.escape("\(error)"))", db: db)
            return false
        }
        try db.execute("DELETE FROM file_effects WHERE session = ?", session)
        let recordedRepository = try db.value("SELECT repository FROM sessions WHERE id = ?", session)?.string
        // The session's calls and turns by span id, each read once: no index of `tool_calls` or
        // `turns` is by span id, so a query per step read every call of the session again
        // (5,000 steps of a 5,000-call session: 25 million rows, seconds). The first row of a
        // span id in line order, as the query per step found it; a table to look up, never
        // an order of output.
        var calls: [String: (turn: Int64?, time: String?, line: Int64?)] = [:]
        for row in try db.rows("SELECT span_id, turn, start_time, log_line FROM tool_calls WHERE session = ? ORDER BY log_line", [session]) {
            if let id = row[0].string, calls[id] == nil { calls[id] = (row[1].int64, row[2].string, row[3].int64) }
        }
        var turns: [String: Int64]?
        var rows = InsertBatch(
            """
            INSERT INTO file_effects (session, span_id, turn, path, lines_added, lines_removed, source, time, log_line, verdict, replay_commit,
              repository) VALUES
            """, columns: 12, capacity: InsertBatch.fileEffectsCapacity(db))
        for step in run.steps where !step.changes.isEmpty {
            let call = calls[step.spanID.rawValue]
            var turn = call?.turn
            if turn == nil, let id = step.turnID {
                if turns == nil {
                    var table: [String: Int64] = [:]
                    for row in try db.rows("SELECT span_id, number FROM turns WHERE session = ? ORDER BY number", [session]) {
                        if let span = row[0].string, table[span] == nil, let number = row[1].int64 { table[span] = number }
                    }
                    turns = table
                }
                turn = turns?[id.rawValue]
            }
            for change in step.changes {
                let counts = Self.lineCounts(change, in: repositories)
                try rows.add(
                    [
                        session, step.spanID.rawValue, turn ?? 0, change.path, counts?.added, counts?.removed, "replay", call?.time, call?.line,
                        step.verdict.rawValue, step.commit?.hex, recordedRepository,
                    ], to: db)
            }
        }
        try rows.flush(to: db)
        try db.execute(
            "UPDATE sessions SET effects = 'replay', replay_outcome = ?, replay_repository = ?, replay_note = NULL WHERE id = ?",
            run.outcome.rawValue, top, session)
        return true
    }

    /// The lines a change added and removed, read from whichever repository holds its blobs;
    /// nil for a binary file or a submodule.
    static func lineCounts(_ change: Run.Change, in repositories: [Repository]) -> (added: Int, removed: Int)? {
        for repository in repositories {
            if let counts = try? repository.lineCounts(from: change.before, to: change.after) { return counts }
        }
        return nil
    }

    /// The log's rows stay: the session says so, and why.
    private func keepLog(_ session: Int64, note: String, db: any StoreConnection) throws {
        try db.execute(
            "UPDATE sessions SET effects = 'log', replay_outcome = NULL, replay_repository = NULL, replay_note = ? WHERE id = ?", note, session)
    }
}
