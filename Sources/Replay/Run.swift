import Git
import Trace

/// Glossary of replay.
///
/// - **Run**: the result of replaying a trace onto a base: one `Step` per span, the chain of
///   commits it made, and the ref that names it.
/// - **Step**: one span's verdict, the paths it named, what it changed (blob ids before and
///   after), its drift, and its commit when it changed files.
/// - **Drift**: a recorded observation that contradicts the replayed files.
/// - **Dialect**: one agent's tool semantics.
public struct Run: Sendable {
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
    public var steps: [Step]
    public var finalTree: ObjectID
    /// The last commit of the chain (the base when no span changed files).
    public var head: ObjectID?
    /// The refs written, or none with `--no-refs`.
    public var refs: [String]

    public var commits: [ObjectID] { steps.compactMap(\.commit) }
    public var drift: [Drift] { steps.flatMap(\.drift) }
    public var clean: Bool { !steps.contains { $0.verdict.isFailure || !$0.drift.isEmpty } }

    public struct Summary: Sendable, Equatable {
        public var spans = 0
        public var toolCalls = 0
        public var editsApplied = 0
        public var failedAsRecorded = 0
        public var notReplayable = 0
        public var drift = 0
        public var unseenEffects = 0
        public var filesChanged = 0
        public var commits = 0
        public var usage = Usage()
    }

    public var summary: Summary {
        var s = Summary()
        var files = Set<String>()
        for step in steps {
            s.spans += 1
            if step.kind == .tool { s.toolCalls += 1 }
            if step.verdict == .applied && !step.changes.isEmpty { s.editsApplied += 1 }
            if step.verdict == .failedAsRecorded { s.failedAsRecorded += 1 }
            if step.verdict.isFailure { s.notReplayable += 1 }
            s.drift += step.drift.count
            if step.unseenEffects { s.unseenEffects += 1 }
            if step.commit != nil { s.commits += 1 }
            s.usage = s.usage + step.usage
            for c in step.changes { files.insert(c.path) }
        }
        s.filesChanged = files.count
        return s
    }
}
