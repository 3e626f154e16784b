import Git
import Trace

extension Run {
    /// The base choice of a run that replayed nothing (`unreplayed`).
    public static let notReplayedChoice = "not-replayed"

    /// A run for a session read with no repository to replay it onto: every span is served
    /// as the log records it (a tool call the log records as failed is failed-as-recorded),
    /// nothing is applied, no file is checked, and every tree is the empty tree. What the
    /// agent did, its turns, commands and tokens are all there; what it did to files is not.
    public static func unreplayed(header: Trace.Header, spans: [Span]) -> Run {
        var turns: [Span.ID: Span.ID] = [:]
        var steps: [Step] = []
        for (index, span) in spans.enumerated() {
            if span.kind == .llm { turns[span.id] = span.id }
            let verdict: Verdict = span.kind == .tool && span.failed ? .failedAsRecorded : .served
            steps.append(
                Step(
                    index: index, spanID: span.id, kind: span.kind, name: span.name, toolName: span.toolName, callID: span.toolCallID,
                    turnID: span.parentID.flatMap { turns[$0] }, verdict: verdict, paths: LoggedPaths.named(by: span, root: header.repoRoot),
                    note: nil, drift: [], changes: [],
                    unseenEffects: false, unverified: false, recovered: [], treeBefore: .emptyTree, treeAfter: .emptyTree,
                    commit: nil, usage: span.kind == .llm ? span.usage : Usage()))
        }
        return Run(
            header: header, baseCommit: nil, baseTree: .emptyTree, baseChoice: notReplayedChoice, startState: [],
            steps: steps, finalTree: .emptyTree, head: nil, refs: [])
    }

    /// Whether this run replayed nothing (`unreplayed`).
    public var replayed: Bool { baseChoice != Run.notReplayedChoice }
}
