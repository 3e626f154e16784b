import Git
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
    /// returns the names of the refs that name the run. Holds the repository's
    /// `RepositoryLock` meanwhile (`waiting` is told when another agentreplay holds it,
    /// `notes` what was cleared after one killed while writing), so two runs' refs are
    /// written one after the other.
    public static func write(_ run: Run, trace: [UInt8], to repository: Repository,
                             waiting: (Int32?) -> Void = { _ in }, notes: (String) -> Void = { _ in }) throws -> [String] {
        try write(run, streaming: { sink in try sink(trace) }, to: repository, waiting: waiting, notes: notes)
    }

    /// The same, with the trace's native bytes handed over in pieces by `trace` (see
    /// `TraceSource.streamNative`): the trace's blob goes straight to disk
    /// (`Repository.writeBlobToDisk`), so a trace of gigabytes is stored in flat memory.
    public static func write(_ run: Run, streaming trace: (_ sink: ([UInt8]) throws -> Void) throws -> Void, to repository: Repository,
                             waiting: (Int32?) -> Void = { _ in }, notes: (String) -> Void = { _ in }) throws -> [String] {
        guard run.head != nil else { return [] }
        return try RepositoryLock.holding(repository, waiting: waiting, notes: notes) {
            try writeLocked(run, trace: trace, to: repository)
        }
    }

    private static func writeLocked(_ run: Run, trace: (_ sink: ([UInt8]) throws -> Void) throws -> Void, to repository: Repository) throws -> [String] {
        guard let head = run.head else { return [] }
        let blob = try repository.writeBlobToDisk { write in
            try withoutActuallyEscaping(write) { write in
                try trace { bytes in try bytes.withUnsafeBytes { try write($0) } }
            }
        }
        let tree = try repository.treeFromScratch([(traceFile, blob, .blob)])
        let signature = CommitMessage.signature(header: run.header, time: 0)
        let commit = try repository.createCommit(
            tree: tree, parents: [], author: signature, committer: signature,
            message: "agentreplay trace \(run.header.traceID)\n")
        let message = "agentreplay run \(run.header.traceID)"
        // Objects kept in memory during the replay go to disk as one pack, before any ref.
        try repository.persistObjects()
        try repository.setReference(traceName(run.header.traceID), to: commit, message: message)
        try repository.setReference(name(run.header.traceID), to: head, message: message)
        try repository.setReference(last, to: head, message: message)
        return [name(run.header.traceID), last]
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
