import Git
import ToolSemantics
import Trace

/// Glossary of replay.
///
/// - **Run**: the result of replaying a trace onto a base: one `Step` per span, the chain of
///   commits it made, and the ref that names it.
/// - **Step**: one span's verdict, the paths it named, what it changed (blob ids before and
///   after), its drift, and its commit when it changed files.
/// - **Drift**: a recorded observation that contradicts the replayed files.
/// - **Dialect**: one agent's tool semantics.
/// - **Unverified**: a step that may have changed files replay cannot see (a shell command it
///   cannot follow), with no later recorded tree that confirms the files.
/// - **Redacted**: text the log's keeper replaced with `REDACTED` before storing the log; a
///   step that writes it is unverified.
/// - **Recovered**: a file's content that replay adopted from what the log later showed the
///   agent, as the effect of the shell step that could have made it (or of the session's start).
public struct Run: Sendable {
    /// What a run can vouch for.
    public enum Outcome: String, Sendable {
        /// Every tool call's effect on the repository is accounted for, and nothing the log
        /// recorded contradicts the replayed files.
        case verified
        /// Nothing contradicts the replay, but some steps may have changed files replay cannot
        /// see and nothing later confirmed them.
        case unverified
        /// Drift, or a step that could not be replayed as recorded.
        case contradicted
    }

    public struct Step: Sendable {
        public var index: Int
        public var spanID: Span.ID
        public var kind: Span.Kind
        public var name: String
        public var toolName: String?
        public var callID: String?
        /// The model turn (llm span) that asked for this call.
        public var turnID: Span.ID?
        public var verdict: Verdict
        public var paths: [String]
        public var note: String?
        public var drift: [Drift]
        public var changes: [Change]
        public var unseenEffects: Bool
        /// Whether those unseen effects stay unconfirmed (no later recorded tree matched), or
        /// the step wrote text the log holds redacted (`redacted`).
        public var unverified: Bool
        /// The paths this step wrote `REDACTED` into: text the log's keeper removed before
        /// storing the log (`Redaction`), so the files may hold other bytes there.
        public var redacted: [String] = []
        /// Files whose content replay adopted as this step's effect, from a later observation.
        public var recovered: [Recovery]
        /// For a call recorded as done that fails on replay (`mismatch`): the calls replay could
        /// not follow that may have changed its files since they last matched the recording.
        /// Then the failure is explained, no contradiction: the step is unverified.
        public var suspects: [Span.ID] = []
        /// Whether this step's verdict is a failure no call explains.
        public var contradicts: Bool { verdict.isFailure && !(verdict == .mismatch && !suspects.isEmpty) }
        public var treeBefore: ObjectID
        public var treeAfter: ObjectID
        public var commit: ObjectID?
        public var usage: Usage
    }

    /// A path a step changed: blob ids before and after (nil: absent).
    public struct Change: Sendable, Equatable {
        public var path: String
        public var before: ObjectID?
        public var after: ObjectID?
    }

    public var header: Trace.Header
    /// The commit the run starts on (nil for an empty repository).
    public var baseCommit: ObjectID?
    public var baseTree: ObjectID
    /// How the base commit was chosen (`Base.choiceCode`).
    public var baseChoice: String = "head"
    /// The search for a base by agreement, when one was made.
    public var baseSearch: Base.Search?
    /// What keeps the run from being verified though no step is unverified: e.g. a recorded
    /// root that may be a folder of the repository rather than its top.
    public var caveats: [String] = []
    /// What the run worked out that the log does not say in so many words, and vouches for:
    /// e.g. the folder of the repository a Gemini CLI session ran in, with the evidence.
    public var inferences: [String] = []
    /// Files of `baseTree` taken from the session's first observation of them, not from the
    /// base commit: the session began on a dirty working tree.
    public var startState: [Recovery]
    public var steps: [Step]
    public var finalTree: ObjectID
    /// The last commit of the chain (the base when no span changed files).
    public var head: ObjectID?
    /// The refs written, or none with `--no-refs`.
    public var refs: [String]

    public var commits: [ObjectID] { steps.compactMap(\.commit) }
    public var drift: [Drift] { steps.flatMap(\.drift) }
    /// A step that could not be replayed as recorded, or drift that no call explains. Drift
    /// with suspects — a call replay could not follow may have changed the file since it last
    /// matched — is explained: it leaves the run unverified, not contradicted.
    public var contradicted: Bool { steps.contains { $0.contradicts || $0.drift.contains { !$0.explained } } }
    public var outcome: Outcome {
        if contradicted { return .contradicted }
        let explained = steps.contains { !$0.drift.isEmpty }
        return steps.contains(where: \.unverified) || explained || !caveats.isEmpty ? .unverified : .verified
    }
    /// Verified: the run is the session's effect on the repository, as far as the log can tell.
    public var clean: Bool { outcome == .verified }

    public struct Summary: Sendable, Equatable {
        public var spans = 0
        public var toolCalls = 0
        public var editsApplied = 0
        public var failedAsRecorded = 0
        /// Calls replay could not replay as recorded, other than mismatches: not replayable,
        /// outside the repository, refused, without a result, lost.
        public var notReplayable = 0
        /// Calls whose replayed outcome contradicts the recorded one (success against failure).
        public var mismatch = 0
        /// Drift no call explains (contradictions).
        public var drift = 0
        /// Drift a call replay could not follow may explain (`Drift.explained`), and calls
        /// recorded as done that fail on replay where such a call may explain it (`Step.suspects`).
        public var explainedDifferences = 0
        public var unseenEffects = 0
        public var unverified = 0
        /// Steps that wrote text the log holds redacted (`Step.redacted`).
        public var redacted = 0
        /// Files recovered from observations, as a shell step's effect or the start state.
        public var recovered = 0
        public var startState = 0
        public var filesChanged = 0
        public var commits = 0
        public var usage = Usage()
    }

    public var summary: Summary {
        var s = Summary()
        var files = Set<RepoPath>()
        for step in steps {
            s.spans += 1
            if step.kind == .tool { s.toolCalls += 1 }
            if step.verdict == .applied && !step.changes.isEmpty { s.editsApplied += 1 }
            if step.verdict == .failedAsRecorded { s.failedAsRecorded += 1 }
            if step.verdict == .mismatch {
                if step.suspects.isEmpty { s.mismatch += 1 } else { s.explainedDifferences += 1 }
            } else if step.verdict.isFailure {
                s.notReplayable += 1
            }
            for d in step.drift {
                if d.explained { s.explainedDifferences += 1 } else { s.drift += 1 }
            }
            if step.unseenEffects { s.unseenEffects += 1 }
            if step.unverified { s.unverified += 1 }
            if !step.redacted.isEmpty { s.redacted += 1 }
            s.recovered += step.recovered.count
            if step.commit != nil { s.commits += 1 }
            s.usage = s.usage + step.usage
            for c in step.changes { files.insert(RepoPath(unchecked: c.path)) }
        }
        s.startState = startState.count
        s.filesChanged = files.count
        return s
    }
}
