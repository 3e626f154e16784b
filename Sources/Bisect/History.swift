import Git
import Replay
import Trace

/// The states bisect searches: the base, and the state after each candidate (a span that
/// changed files), which is the tree of the run's commit for that span. Built from a `Run`
/// just replayed (`init(run:spans:)`) or from a chain of commits already in the repository
/// (`StoredRun`). Carries what the report needs about each candidate: its span, tool call,
/// the model turn that asked for it and the tokens spent up to it.
public struct History: Sendable {
    public struct Candidate: Sendable {
        /// 1 for the first span that changed files; state `number` is the tree after it.
        public var number: Int
        /// The span's position in the trace (0-based).
        public var spanIndex: Int
        public var spanID: Span.ID
        public var name: String
        public var toolName: String?
        public var callID: String?
        /// The model turn (llm span) that asked for the call, when the trace links them.
        public var turnID: Span.ID?
        /// The run's commit for this span (a commit kept in memory for a trace replayed with
        /// no refs).
        public var commit: ObjectID?
        public var tree: ObjectID
        /// The state before: the tree of the previous candidate, or the base.
        public var parentTree: ObjectID
        /// Model tokens spent up to this call: every model turn recorded before it.
        public var tokens: Usage
    }

    public var header: Trace.Header
    public var baseCommit: ObjectID?
    public var baseTree: ObjectID
    public var candidates: [Candidate]
    /// The last commit of the run's chain.
    public var head: ObjectID?
    /// The response text of the model turns candidates name.
    public var responses: [Span.ID: String]

    /// The tree of every state: `trees[0]` the base, `trees[k]` after candidate k.
    public var trees: [ObjectID] { [baseTree] + candidates.map(\.tree) }

    /// The tree of state `step`.
    public func tree(_ step: Int) -> ObjectID { step == 0 ? baseTree : candidates[step - 1].tree }

    /// The candidates of a replayed run: its steps that made a commit.
    public init(run: Run, spans: [Span]) {
        var candidates: [Candidate] = []
        var parent = run.baseTree
        for step in run.steps where step.commit != nil {
            candidates.append(
                Candidate(
                    number: candidates.count + 1, spanIndex: step.index, spanID: step.spanID, name: step.name,
                    toolName: step.toolName, callID: step.callID, turnID: step.turnID, commit: step.commit,
                    tree: step.treeAfter, parentTree: parent, tokens: Usage()))
            parent = step.treeAfter
        }
        self.init(
            header: run.header, baseCommit: run.baseCommit, baseTree: run.baseTree,
            candidates: candidates, head: run.head, spans: spans)
    }

    /// A history as it was (`HistoryCache`).
    init(header: Trace.Header, baseCommit: ObjectID?, baseTree: ObjectID, candidates: [Candidate], head: ObjectID?, responses: [Span.ID: String]) {
        self.header = header
        self.baseCommit = baseCommit
        self.baseTree = baseTree
        self.candidates = candidates
        self.head = head
        self.responses = responses
    }

    /// Fills in tokens and model responses from the spans.
    init(header: Trace.Header, baseCommit: ObjectID?, baseTree: ObjectID, candidates: [Candidate], head: ObjectID?, spans: [Span]) {
        self.header = header
        self.baseCommit = baseCommit
        self.baseTree = baseTree
        self.head = head
        var withTokens = candidates
        var turns = Set(candidates.compactMap(\.turnID))
        var responses: [Span.ID: String] = [:]
        var spent = Usage()
        var next = 0
        for (index, span) in spans.enumerated() {
            if span.kind == .llm {
                spent = spent + span.usage
                if turns.remove(span.id) != nil, let text = span.output?["text"]?.stringValue ?? span.output?.stringValue {
                    responses[span.id] = text
                }
            }
            while next < withTokens.count && withTokens[next].spanIndex == index {
                withTokens[next].tokens = spent
                next += 1
            }
        }
        self.candidates = withTokens
        self.responses = responses
    }
}
