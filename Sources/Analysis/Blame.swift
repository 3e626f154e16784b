import Git
import Replay
import ToolSemantics
import Trace

/// Line blame of one file after a run: for every line, the span that last wrote it (its tool
/// call and model turn), or the base when no span did.
///
/// Glossary:
/// - **Owner**: the step of the run that last wrote a line; nil means the line comes from the
///   base the run started on.
/// - **Carrying forward**: ownership starts as "base" for every line of the file as the run
///   found it, and each step that changed the file maps the old lines onto the new ones with a
///   line diff (Myers, as `git blame` does over commits): kept lines keep their owner, the
///   others belong to the step.
/// - **Move**: a step that deletes one path and writes another with the deleted file's exact
///   content. The written path takes the deleted one's ownership: blame follows the content.
///   A step that deletes a path and creates another, at least half of whose lines come from
///   the deleted file, is a move with edits (git's rename detection, `-M50%`): kept lines keep
///   their owners, the rest belong to the step.
///
/// A pure value: it reads nothing but the `Run` and the blobs `read` returns, so it is tested
/// with plain values and no repository. Only the steps that changed the file (or a file moved
/// into it) are looked at, and each of their blobs is read once.
public struct Blame: Sendable, Equatable {
    /// The step of the run that wrote a line.
    public struct Owner: Sendable, Hashable {
        /// The step's index in `Run.steps` (the span's position in the trace).
        public var step: Int
        public var spanID: Span.ID
        public var spanName: String
        public var toolName: String?
        public var callID: String?
        /// The model turn (llm span) that asked for the call, when the trace links it.
        public var turnID: Span.ID?
        /// The run's commit for the step.
        public var commit: ObjectID?

        public init(step: Int, spanID: Span.ID, spanName: String, toolName: String?, callID: String?, turnID: Span.ID?, commit: ObjectID?) {
            self.step = step
            self.spanID = spanID
            self.spanName = spanName
            self.toolName = toolName
            self.callID = callID
            self.turnID = turnID
            self.commit = commit
        }

        init(_ step: Run.Step) {
            self.init(
                step: step.index, spanID: step.spanID, spanName: step.name, toolName: step.toolName,
                callID: step.callID, turnID: step.turnID, commit: step.commit)
        }
    }

    /// One line of the file after the run.
    public struct Line: Sendable, Equatable {
        /// 1-based.
        public var number: Int
        /// The line without its `\n` (a `\r` before it is kept); invalid UTF-8 is replaced.
        public var text: String
        /// The step that last wrote the line, or nil for a line of the base.
        public var owner: Owner?

        public init(number: Int, text: String, owner: Owner?) {
            self.number = number
            self.text = text
            self.owner = owner
        }
    }

    /// Why a file cannot be blamed.
    public enum Failure: Error, Sendable, Equatable, CustomStringConvertible {
        /// A step deleted the file (or moved it to `movedTo`) and nothing wrote it again.
        case deleted(path: String, by: Owner, movedTo: String?)
        /// Neither the base nor any step has the file.
        case neverCreated(path: String)
        /// A blob could not be read.
        case unreadable(blob: ObjectID, reason: String)
        /// The run's changes do not chain (a step's "before" is not the previous "after").
        case inconsistent(String)

        public var description: String {
            switch self {
            case let .deleted(path, by, movedTo):
                let what = movedTo.map { "moved to \($0)" } ?? "deleted"
                return "\(path) does not exist after the run: it was \(what) by span \(by.spanID)"
                    + (by.callID.map { " (tool call \($0))" } ?? "")
                    + " and not written again"
            case let .neverCreated(path):
                return "\(path) does not exist after the run: it is not in the base and no span created it"
            case let .unreadable(blob, reason):
                return "cannot read blob \(blob.hex): \(reason)"
            case let .inconsistent(s):
                return "the run's changes do not chain: \(s)"
            }
        }
    }

    /// The repo-relative path blamed.
    public var path: String
    /// The file's blob after the run.
    public var blob: ObjectID
    /// The commit the run started on (nil for an empty repository).
    public var baseCommit: ObjectID?
    public var lines: [Line]

    public init(path: String, blob: ObjectID, baseCommit: ObjectID?, lines: [Line]) {
        self.path = path
        self.blob = blob
        self.baseCommit = baseCommit
        self.lines = lines
    }

    /// Blames `path` after `run`.
    ///
    /// - Parameters:
    ///   - path: repo-relative, as in `Run.Change.path` (see `Blame.repoPath` for user input).
    ///   - final: the blob at `path` in the run's final tree, nil when there is no regular
    ///     file there. It is what the file is when no step touched it.
    ///   - read: the content of a blob.
    ///   - index: the run's `StepIndex`, when the caller blames many files of one run.
    public init(_ run: Run, path: String, final: ObjectID?, index: StepIndex? = nil, read: (ObjectID) throws -> [UInt8]) throws(Failure) {
        let history = BlameHistory(run: run, target: path, index: index ?? StepIndex(run))
        guard let final else {
            if let (step, movedTo) = history.lastDeletion() {
                throw .deleted(path: path, by: Owner(run.steps[step]), movedTo: movedTo)
            }
            throw .neverCreated(path: path)
        }
        let (bytes, owners) = try history.carry(final: final, read: read)
        let steps = run.steps
        var cache: [Int32: Owner] = [:]
        var lines: [Line] = []
        lines.reserveCapacity(owners.count)
        BlameText.forEachLine(bytes) { range in
            let step = owners[lines.count]
            var owner: Owner? = nil
            if step >= 0 {
                if let o = cache[step] {
                    owner = o
                } else {
                    let o = Owner(steps[Int(step)])
                    cache[step] = o
                    owner = o
                }
            }
            var end = range.upperBound
            if end > range.lowerBound, bytes[end - 1] == 0x0A { end -= 1 }
            lines.append(Line(number: lines.count + 1, text: String(decoding: bytes[range.lowerBound..<end], as: UTF8.self), owner: owner))
        }
        self.init(path: path, blob: final, baseCommit: run.baseCommit, lines: lines)
    }

    /// Maps a path the user gave (repo-relative, or absolute under the trace's recorded root)
    /// to the repo-relative path runs use.
    public static func repoPath(_ given: String, recordedRoot: String?) -> Result<String, RepoPath.Refusal> {
        RepoPath.map(given, root: recordedRoot).map(\.value)
    }

    /// The distinct owners, in the order of their steps.
    public var owners: [Owner] {
        Array(Set(lines.compactMap(\.owner))).sorted { $0.step < $1.step }
    }
}
