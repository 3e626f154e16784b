import Foundation
import Git
import ToolSemantics
import Trace

/// The semantics of one agent's tools. A dialect reads a tool span's recorded input and
/// replays it against the workspace exactly as that agent's tool would have run it.
protocol ToolDialect {
    /// Replays `span` (a tool span) in `context`. Returns nil for tools it does not replay.
    func replay(_ span: Span, in context: ReplayContext) throws -> Outcome?

    /// What a tool this dialect does not replay is known to do (nil: nothing is known, and
    /// the call is not replayable). Each dialect lists its agent's tools in one place.
    func role(of span: Span) -> ToolRole?

    /// What the dialect concludes of the whole run once every span is replayed (nil: nothing;
    /// then `RootCheck` asks whether the recorded root may be a folder of the repository).
    func conclude(steps: [Run.Step], base: ObjectID, in repository: Repository) throws -> DialectConclusion?
}

extension ToolDialect {
    func conclude(steps: [Run.Step], base: ObjectID, in repository: Repository) throws -> DialectConclusion? { nil }
}

/// What a dialect concludes of a run: what it inferred and vouches for (`Run.inferences`), and
/// what leaves the run unverified (`Run.caveats`). A conclusion answers `RootCheck`'s question.
struct DialectConclusion {
    var inferences: [String] = []
    var caveats: [String] = []
}

/// What is known of a tool that replay does not apply.
enum ToolRole: Equatable {
    /// It cannot change files in the repository (reads, searches, plans, questions, remote
    /// services): served as recorded.
    case observing
    /// It runs code replay does not follow (a REPL, a subagent): served, and its effects on
    /// the files are unknown, which leaves the run unverified.
    case runsCode(String)
}

/// What a dialect needs to replay one span: the workspace, path mapping into the repo, and the
/// shared rules for turning a tool's result into a verdict.
struct ReplayContext {
    let workspace: Workspace
    let header: Trace.Header
    let ledger: RunLedger

    /// Shell spans since `path` was last known to match the recording, for drift blame.
    func suspects(_ path: RepoPath) -> [Span.ID] { ledger.suspects(path) }

    /// Notes the drift of an observation of part of `path` (a window of lines) that `agrees`
    /// tells again for any content: when a later whole-file observation is recovered onto a
    /// step before this one, the window is checked against the file as recovered, and the
    /// drift withdrawn if it agrees (`RunLedger.recover`).
    func partial(_ drift: Drift, path: RepoPath, agrees: @escaping ([UInt8]) -> Bool) -> Drift {
        ledger.notePartial(path, agrees: agrees)
        return drift
    }

    /// The drift of a file the recording shows (`recorded` says how: `(viewed)`, `(file
    /// read)`…) where replay holds none, blamed on the shell steps since it last matched.
    func missing(_ path: RepoPath, recorded: String) -> Drift {
        Drift(kind: .existence, path: path.value, recorded: recorded, replayed: "(no file)", suspects: suspects(path))
    }

    /// The drift of a file the recording shows absent (`recorded`: `(no file)`, `(deleted)`)
    /// where replay holds one, blamed likewise.
    func present(_ path: RepoPath, recorded: String) -> Drift {
        Drift(kind: .existence, path: path.value, recorded: recorded, replayed: "(file exists)", suspects: suspects(path))
    }

    /// Checks a whole-file observation — what `path` held, exactly, when the agent saw it (nil:
    /// no file) — against the replayed file, before the span's own effect. When they differ and
    /// an earlier step can explain it (a shell command replay cannot follow since the path last
    /// matched, or the session's start when nothing touched or saw the path yet), the recorded
    /// content is adopted as that step's effect and the workspace holds it from then on
    /// (`RunLedger.recover`); otherwise the difference is drift. Files with carriage returns
    /// are compared with them normalised and never recovered (an observation may have dropped
    /// them).
    func reconcile(_ path: RepoPath, observed: [UInt8]?, kind: Drift.Kind) throws -> [Drift] {
        see { .whole(path, observed) }
        let entry = try workspace.entry(path)
        var current: [UInt8]?
        var mode = FileMode.blob
        switch entry {
        case .file(let bytes, let executable):
            current = bytes
            if executable { mode = .executable }
        case .absent:
            current = nil
        case .directory, .symlink, .submodule:
            guard observed != nil else { return [] }
            return [Drift(kind: .existence, path: path.value, recorded: "(file seen)", replayed: "(not a file)", suspects: suspects(path))]
        }
        var drift: Drift
        switch (observed, current) {
        case (nil, nil): return []
        case (let seen?, nil):
            if seen.isEmpty { return [] }  // an empty before-image: a file the call created
            drift = Drift(kind: .existence, path: path.value, recorded: "(file seen)", replayed: "(no file)")
        case (nil, _?):
            drift = Drift(kind: .existence, path: path.value, recorded: "(no file)", replayed: "(file exists)")
        case (let seen?, let bytes?):
            if Bytes.equal(seen, bytes) { return [] }
            guard let d = Drift.compare(recorded: Bytes.normalisingCRLF(seen), replayed: Bytes.normalisingCRLF(bytes), kind: kind, path: path.value)
            else {
                return []
            }
            drift = d
        }
        drift.suspects = suspects(path)
        // An observation may have dropped carriage returns or replaced bytes that are not UTF-8:
        // such files are never recovered from it.
        let carriageReturn = (observed?.contains(0x0D) ?? false) || (current?.contains(0x0D) ?? false)
        let text = current.map { Array(String(decoding: $0, as: UTF8.self).utf8) == $0 } ?? true
        guard !workspace.hasPending, !carriageReturn, text, let origin = ledger.origin(of: path) else { return [drift] }
        let blob = try observed.map { try workspace.repository.writeBlob($0, replacing: nil) }
        // One whose text the log's keeper redacted (`Redaction`) is recovered as it was seen,
        // and the step it is put down to (or the start state) is unverified.
        let redacted = observed.map(Redaction.holds) ?? false
        guard try ledger.recover(path, blob: blob, mode: mode, origin: origin, kind: kind, redacted: redacted) else { return [drift] }
        workspace.reset(to: ledger.steps.last?.treeAfter ?? ledger.baseTree)
        return []
    }

    /// Notes what the session saw of a file, when the run collects first sights (a base is
    /// being chosen by them: `BaseAgreement`); `sight` is made only then.
    func see(_ sight: () -> FirstSight) {
        ledger.sights?.see(sight())
    }

    /// Notes several sights, in order (`see`).
    func see(_ sights: @autoclosure () -> [FirstSight]) {
        guard let log = ledger.sights else { return }
        for sight in sights() { log.see(sight) }
    }

    func map(_ recorded: String, span: Span) -> Result<RepoPath, RepoPath.Refusal> {
        RepoPath.map(recorded, root: header.repoRoot, workingDirectory: span.attributes[GenAI.workingDirectory]?.stringValue)
    }

    /// The outcome for a span whose path cannot be used.
    func refusal(_ refusal: RepoPath.Refusal, span: Span) -> Outcome {
        if span.status == .error {
            return Outcome(verdict: .failedAsRecorded, note: Self.recordedError(span))
        }
        switch refusal {
        case .outsideRepo(let path):
            if Self.isTemporary(path, root: header.repoRoot) {
                return Outcome(verdict: .served, note: "a temporary file outside the repository: \(RepoPath.Refusal.quote(path))")
            }
            return Outcome(verdict: .outsideRepo, note: refusal.description)
        case .gitDirectory, .invalid: return Outcome(verdict: .refused, note: refusal.description)
        }
    }

    /// Folders of temporary files: a write there cannot be a write to the repository, unless
    /// the recorded root is itself in one (then nothing is assumed).
    static let temporaryFolders = ["/tmp/", "/var/tmp/", "/private/tmp/", "/var/folders/", "/private/var/folders/"]

    /// Whether `path` is an absolute path, without `.` or `..` components, in a folder of
    /// temporary files that the repository's recorded root is not in.
    static func isTemporary(_ path: String, root: String?) -> Bool {
        guard let folder = temporaryFolders.first(where: { path.hasPrefix($0) }) else { return false }
        if let root, (root + "/").hasPrefix(folder) || !root.hasPrefix("/") { return false }
        if root == nil { return false }
        return !path.split(separator: "/").contains { $0 == ".." || $0 == "." }
    }

    /// Reconciles what replay computed for one file with what the recording says happened,
    /// and applies the edit when both agree it succeeded.
    func settle(_ edit: FileEdit, path: RepoPath, span: Span, executable: Bool? = nil) throws -> Outcome {
        switch (span.status, edit) {
        case (.unset, _):
            return Outcome(verdict: .noResult, paths: [path], note: "the log has no result for this call; not applied")
        case (.error, .failure):
            return Outcome(verdict: .failedAsRecorded, paths: [path], note: Self.recordedError(span))
        case (.error, _):
            let message = Self.recordedError(span) ?? "failed"
            if Self.refusedBeforeRunning(message) {
                return Outcome(verdict: .failedAsRecorded, paths: [path], note: message)
            }
            return Outcome(verdict: .mismatch, paths: [path], note: "recorded as failed (\(message)), but it succeeds on replay")
        case (.ok, .failure(let reason)):
            return Outcome(verdict: .mismatch, paths: [path], note: "recorded as done, but on replay: \(reason)")
        case (.ok, .write(let bytes)):
            do {
                try workspace.write(path, bytes, executable: executable)
            } catch let problem as Workspace.Problem {
                return refusedWrite(problem, path: path)
            }
            return Outcome(verdict: .applied, paths: [path])
        case (.ok, .delete):
            do {
                try workspace.delete(path)
            } catch let problem as Workspace.Problem {
                return refusedWrite(problem, path: path)
            }
            return Outcome(verdict: .applied, paths: [path])
        }
    }

    /// The outcome for a span that would write `path` through a symlink or into a submodule
    /// (refused, or failed as recorded when the recording failed too); nil when the path can
    /// be written as far as the tree goes.
    func refusalToWrite(_ path: RepoPath, span: Span) throws -> Outcome? {
        do {
            try workspace.checkWritable(path)
        } catch let problem as Workspace.Problem {
            switch problem {
            case .throughSymlink, .inSubmodule:
                if span.status == .error {
                    return Outcome(verdict: .failedAsRecorded, paths: [path], note: Self.recordedError(span))
                }
                return Outcome(verdict: .refused, paths: [path], note: problem.description)
            case .notADirectory, .isADirectory:
                return nil  // the tool's own semantics say how it fails
            }
        }
        return nil
    }

    func refusedWrite(_ problem: Workspace.Problem, path: RepoPath) -> Outcome {
        switch problem {
        case .throughSymlink, .inSubmodule:
            return Outcome(verdict: .refused, paths: [path], note: problem.description)
        case .notADirectory, .isADirectory:
            return Outcome(verdict: .mismatch, paths: [path], note: "recorded as done, but on replay the path \(problem)")
        }
    }

    /// The recorded error text of a failed span, shortened to its first line.
    static func recordedError(_ span: Span) -> String? { RecordedError.first(span) }

    /// Failures that happened before the tool ran (a person said no, a hook or a permission
    /// rule blocked it, the agent's read-before-write guard): replay cannot and need not
    /// reproduce them, and nothing was written.
    static func refusedBeforeRunning(_ message: String) -> Bool {
        let markers = [
            "doesn't want to proceed", "was rejected", "has not been read yet", "modified since read",
            "hook", "Permission", "permission", "denied", "interrupted", "Interrupted", "blocked",
        ]
        return markers.contains { message.contains($0) }
    }
}
