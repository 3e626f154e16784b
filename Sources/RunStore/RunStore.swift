#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Git
import Importers
import Replay
import Trace

/// Glossary of the run store: what a run leaves in its repository, and the one way a command
/// replays a session and keeps the result.
///
/// - **Run refs** (`RunRefs`): `refs/agentreplay/runs/<trace id>` and `refs/agentreplay/last`
///   name a run's last commit; `refs/agentreplay/traces/<trace id>` a commit holding the trace
///   in the native format, which `bisect` with no trace named reads back.
/// - **Stored trace** (`TraceStore`): that commit, written on a thread of its own while the
///   replay runs.
/// - **The lock** (`RepositoryLock`): held while a run writes its pack and refs, and while a
///   `bisect` reads the stored run, so two agentreplay processes never interleave.
///
/// `RunStore.replay` wires them around `Replayer`: the spans read as they come, the base
/// chosen from the first span's time, the trace stored alongside, and on any failure the
/// importing thread stopped and the half-stored trace removed. A command parses its
/// arguments, calls it, and renders the `Run`.
public enum RunStore {
    /// What a replay tells its caller while it works; every call is on the calling thread.
    public struct Observer {
        /// The spans of `source` as the replay takes them (a progress bar wraps them); nil:
        /// as the source gives them.
        public var spans: ((TraceSource) -> () throws -> Span?)?
        /// Something the caller should say: a base other than the one asked for, another
        /// agentreplay holding the lock, leftovers cleared after one that was killed.
        public var note: (String) -> Void
        /// A phase after the replay begins: writing the run's objects and refs.
        public var phase: (String) -> Void
        /// The work is over, however it ended (called before the result or the error).
        public var finished: () -> Void

        public init(
            spans: ((TraceSource) -> () throws -> Span?)? = nil, note: @escaping (String) -> Void = { _ in },
            phase: @escaping (String) -> Void = { _ in }, finished: @escaping () -> Void = {}
        ) {
            self.spans = spans
            self.note = note
            self.phase = phase
            self.finished = finished
        }
    }

    /// The repository's objects cannot be written, found before anything is replayed (the
    /// trace, the pack and the refs would all go there).
    public struct Unwritable: Error, CustomStringConvertible {
        public var directory: String
        public var reason: String
        public var description: String { "cannot write the repository's objects (\(directory): \(reason))" }
    }

    /// Replays `source` onto `repository` (opened with `objectsInMemory`) from its recorded
    /// base, else `revision`, else the newest commit at or before the session's start; with
    /// `store`, writes the run's objects as one pack and its refs (`RunRefs.write`, under
    /// the repository's lock) and returns the run with `refs` set. Without, nothing is
    /// written. A failure anywhere stops the source and removes what was stored.
    ///
    /// With `again` (the trace opened anew), a base the trace does not name is chosen by
    /// agreement with what the session first saw (`Replayer.replayChoosingBase`); a second
    /// replay onto the commit found runs in `reopen()` (the repository opened anew, objects in
    /// memory: nothing of the first replay is written), else in `repository`.
    public static func replay(
        _ source: TraceSource, onto repository: Repository, base revision: String?, store: Bool,
        again: (() throws -> TraceSource)? = nil, reopen: (() throws -> Repository)? = nil,
        observer: Observer = Observer()
    ) throws -> Run {
        defer { observer.finished() }
        if store {
            let objects = repository.commonDirectory + "/objects"
            guard access(objects, W_OK) == 0 else {
                throw Unwritable(directory: objects, reason: String(cString: strerror(errno)))
            }
        }
        // The trace is stored on a thread of its own while the replay runs on this one (its
        // bytes asked for before the first span is read).
        let stored = store ? TraceStore(in: repository, header: source.header, produce: source.native()) : nil
        var run: Run
        var target = repository
        let chosenBase: Base
        do {
            let spans = try FirstSpan(observer.spans?(source) ?? { try source.next() })
            let base = try Base.resolve(header: source.header, revision: revision, sessionStart: spans.sessionStart, in: repository)
            if let again {
                let chosen = try Replayer(repository: repository).replayChoosingBase(
                    header: source.header, base: base, sessionStart: spans.sessionStart, next: spans.next,
                    again: {
                        let source = try again()
                        return { try source.next() }
                    },
                    fresh: { try reopen?() ?? repository })
                run = chosen.run
                target = chosen.repository
                chosenBase = chosen.base
            } else {
                run = try Replayer(repository: repository).replay(header: source.header, base: base, next: spans.next)
                chosenBase = base
            }
            // Said when the base is not what a person would assume: the recorded one, --base or
            // HEAD (the hooks' start is said in the run's summary).
            var surprising =
                chosenBase.choice != .recorded && chosenBase.choice != .option && chosenBase.choice != .hooks
                && chosenBase.commit != (try? target.head())
            if case .recordedMissing = chosenBase.choice { surprising = true }
            if surprising { observer.note(chosenBase.explanation) }
        } catch {
            source.cancel()
            stored?.discard()
            throw error
        }
        if let stored {
            observer.phase("writing the run's objects and refs")
            run.refs = try RunRefs.write(
                run, storing: stored, to: target,
                waiting: { observer.note(RepositoryLock.waitingMessage($0)) }, notes: observer.note)
        }
        return run
    }

    /// Replays a trace already loaded whole, for a command that reads its spans again
    /// afterwards (`show`, `diff`, `report`, `export`, `audit`, `why`, `bisect TRACE`): as
    /// `replay(_:onto:base:store:…)` does without storing, a base the trace does not name
    /// chosen by agreement, the second replay on the same handle (nothing is written).
    public static func replay(_ trace: Trace, onto repository: Repository, base revision: String?, observer: Observer = Observer()) throws -> Run {
        try replay(
            TraceSource(whole: trace), onto: repository, base: revision, store: false, again: { TraceSource(whole: trace) }, observer: observer)
    }
}
