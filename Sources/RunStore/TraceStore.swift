import Dispatch
import Git
import Replay
import Synchronization
import Trace

/// Stores a run's trace in its repository — the commit `refs/agentreplay/traces/<trace id>`
/// will name: a tree holding `trace.ndjson`, the trace in the native format — on a thread of
/// its own, so that producing, hashing and deflating a trace of a hundred megabytes runs on
/// one core while the replay runs on the other.
///
/// The objects are written as loose objects by `LooseObjects` (which holds a path, not a
/// libgit2 handle, so it may work on another thread): the blob from a spooled temporary file,
/// in flat memory. Objects no ref names are harmless, so this needs no lock; `RunRefs.write`
/// points the refs at the commit after `commit()` returns, under the repository's lock.
/// `discard()` takes back the objects it made, for a run that failed or made no commit.
public final class TraceStore: @unchecked Sendable {
    /// Hands the trace's native bytes over in pieces (see `TraceSource.native()`).
    public typealias Producer = (_ sink: ([UInt8]) throws -> Void) throws -> Void

    private let stopped = Atomic<Bool>(false)
    private let objects: LooseObjects
    private var storing: Background<ObjectID, any Error>!

    /// Starts storing the trace of `header` whose native bytes `produce` hands over;
    /// `produce` runs on the new thread, so it must only read what no one changes meanwhile
    /// (an imported trace's spans, or a file it opens itself). It is run once whatever
    /// happens: when the blob cannot be written, its bytes are refused.
    public init(in repository: Repository, header: Trace.Header, produce: @escaping Producer) {
        objects = LooseObjects(of: repository)
        let job = Job(objects: objects, header: header, produce: produce)
        storing = Background { () throws(any Error) -> ObjectID in try job.run(stopped: self.stopped) }
    }

    /// The trace commit's id, once it is written (waits for the thread).
    public func commit() throws -> ObjectID {
        try storing.value()
    }

    /// Stops the thread at its next piece, waits for it and removes the objects it made.
    public func discard() {
        stopped.store(true, ordering: .relaxed)
        storing.wait()
        objects.removeCreated()
    }

    struct Stopped: Error {}

    private struct Job: @unchecked Sendable {
        let objects: LooseObjects
        let header: Trace.Header
        let produce: Producer

        func run(stopped: borrowing Atomic<Bool>) throws -> ObjectID {
            var produced = false
            let blob: ObjectID
            do {
                blob = try objects.writeBlob { write in
                    produced = true
                    try withoutActuallyEscaping(write) { write in
                        try produce { bytes in
                            if stopped.load(ordering: .relaxed) { throw Stopped() }
                            try bytes.withUnsafeBytes { try write($0) }
                        }
                    }
                }
            } catch {
                // The blob could not even be started (no temporary file): the producer is
                // still run, its bytes refused, for it may hold another thread until they are
                // read or refused (a Claude Code log's importing thread, which the replay
                // waits on).
                if !produced { try? produce { _ in throw Stopped() } }
                throw error
            }
            let tree = try objects.writeTree([TreeEntry(name: RunRefs.traceFile, id: blob, mode: .blob)])
            let signature = CommitMessage.signature(header: header, time: 0)
            return try objects.writeCommit(
                tree: tree, parents: [], author: signature, committer: signature,
                message: "agentreplay trace \(header.traceID)\n")
        }
    }
}
