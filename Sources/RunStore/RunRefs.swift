import Git
import Replay
import Trace

/// The refs that name runs:
///
/// - `refs/agentreplay/runs/<trace id>`: the last commit of the run's chain;
/// - `refs/agentreplay/last`: the same, for the run made last;
/// - `refs/agentreplay/traces/<trace id>`: a commit whose tree holds `trace.ndjson`, the trace
///   in the native format, so later commands (`bisect` with no trace named) find the spans
///   behind the chain.
///
/// They are written only after every commit of the chain exists, and `last` last of all, so a
/// ref never names a partial chain.
public enum RunRefs {
    public static let last = "refs/agentreplay/last"
    public static let traceFile = "trace.ndjson"

    public static func name(_ traceID: String) -> String {
        "refs/agentreplay/runs/" + safe(traceID)
    }

    public static func traceName(_ traceID: String) -> String {
        "refs/agentreplay/traces/" + safe(traceID)
    }

    static func safe(_ traceID: String) -> String {
        let s = traceID.filter { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }
        return s.isEmpty ? "unnamed" : s
    }

    /// Stores `trace` (native bytes), writes the objects a repository opened with
    /// `objectsInMemory` holds as one pack, and then points the run's refs at its head;
    /// returns the names of the refs that name the run (none, and nothing written, for a run
    /// without commits).
    public static func write(
        _ run: Run, trace: [UInt8], to repository: Repository,
        waiting: (Int32?) -> Void = { _ in }, notes: (String) -> Void = { _ in }
    ) throws -> [String] {
        guard run.head != nil else { return [] }
        let store = TraceStore(in: repository, header: run.header) { sink in try sink(trace) }
        return try write(run, storing: store, to: repository, waiting: waiting, notes: notes)
    }

    /// The same, with the trace stored by `store` (started before the replay, so it is mostly
    /// written when the replay ends; the pack is written while it finishes). Holds the
    /// repository's `RepositoryLock` while the pack and the refs are written (`waiting` is told when another agentreplay holds it, `notes`
    /// what was cleared after one killed while writing), so two runs' refs are written one
    /// after the other. A run without commits writes nothing: `store`'s objects are removed.
    public static func write(
        _ run: Run, storing store: TraceStore, to repository: Repository,
        waiting: (Int32?) -> Void = { _ in }, notes: (String) -> Void = { _ in }
    ) throws -> [String] {
        guard let head = run.head else {
            store.discard()
            return []
        }
        var named = false
        do {
            return try RepositoryLock.holding(repository, waiting: waiting, notes: notes) {
                // Objects kept in memory during the replay go to disk as one pack, before any
                // ref, while the trace's objects are finished on the other thread (taking the
                // lock clears only the temporary files of the agentreplay that died holding
                // it, which its pid names).
                try repository.persistObjects()
                let trace = try store.commit()
                let message = "agentreplay run \(run.header.traceID)"
                named = true
                try repository.setReference(traceName(run.header.traceID), to: trace, message: message)
                try repository.setReference(name(run.header.traceID), to: head, message: message)
                try repository.setReference(last, to: head, message: message)
                return [name(run.header.traceID), last]
            }
        } catch {
            if !named { store.discard() }
            throw error
        }
    }

    /// The trace id a run's commit names in its `Agentreplay-Trace:` trailer.
    public static func traceID(ofCommit commit: ObjectID, in repository: Repository) throws -> String? {
        let message = try repository.commitMessage(commit)
        for line in message.split(separator: "\n") where line.hasPrefix("Agentreplay-Trace: ") {
            return String(line.dropFirst("Agentreplay-Trace: ".count))
        }
        return nil
    }

    /// The native trace stored for `traceID`, or nil when the repository has none.
    public static func storedTrace(_ traceID: String, in repository: Repository) throws -> [UInt8]? {
        guard let commit = try repository.reference(traceName(traceID)) else { return nil }
        let tree = try repository.tree(ofCommit: commit)
        guard let entry = try repository.entry(in: tree, path: traceFile) else { return nil }
        return try repository.blob(entry.id)
    }
}
