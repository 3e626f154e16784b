import Git
import Trace

/// Which span of a replay each working tree agentreplay's hooks recorded belongs to
/// (`RecordedSession.calls`, docs/hooks.md "How `run` uses it").
///
/// A tree is recorded under the tool call id the agent gave its hook, and belongs to the span
/// with that call id: Claude Code's `tool_use_id` is the log's `tool_use` id, and Codex gives
/// its `PostToolUse` hook the rollout's `call_id` of the `exec_command` (or `shell`) call.
///
/// One Codex case moves the tree: an `exec_command` whose output says `Process running with
/// session ID N` had not ended when the rollout recorded it, and Codex runs its `PostToolUse`
/// hook (with that call's id) only once a later `write_stdin` poll of session N sees the
/// process exit (codex-rs `post_tool_use_id`: the exec's `event_call_id`). The tree is then
/// the working tree after that poll, so it belongs to the `write_stdin` span that recorded the
/// exit, not to the `exec_command`; `carried` names the `exec_command`'s step, whose effects
/// the tree holds.
///
/// Ids the hooks recorded that no span of the log has are `unmatched`: their trees are used
/// nowhere, and the run says so.
struct RecordedCalls {
    /// The tree of one span, and the earlier step it also holds the effects of.
    struct Match {
        var tree: ObjectID
        /// The step of the `exec_command` whose process the span saw end.
        var carried: Int?
    }

    private let calls: [String: ObjectID]
    private let codex: Bool
    private var used: Set<String> = []
    /// Codex `exec_command`s still running, by their unified-exec session id.
    private var running: [Int64: (tree: ObjectID, step: Int)] = [:]

    init(_ session: RecordedSession?, agent: Agent) {
        calls = session?.calls ?? [:]
        codex = agent == .codex
    }

    /// The recorded tree of `span`, the `step`-th of the replay, when it has one.
    mutating func match(_ span: Span, step: Int) -> Match? {
        guard !calls.isEmpty, span.kind == .tool, let call = span.toolCallID else { return nil }
        if codex {
            let output = span.output?.stringValue ?? ""
            if span.toolName == "exec_command", let tree = calls[call], let session = Self.runningSession(output) {
                // Held for the `write_stdin` that sees the process end.
                used.insert(call)
                running[session] = (tree, step)
                return nil
            }
            if span.toolName == "write_stdin", span.status != .unset, let session = span.input?["session_id"]?.intValue,
                Self.runningSession(output) == nil, let held = running.removeValue(forKey: session)
            {
                return Match(tree: held.tree, carried: held.step)
            }
        }
        guard let tree = calls[call] else { return nil }
        used.insert(call)
        return Match(tree: tree, carried: nil)
    }

    /// The ids the hooks recorded a tree for that no span of the log had, sorted.
    var unmatched: [String] { calls.keys.filter { !used.contains($0) }.sorted() }

    /// `N` of the `Process running with session ID N` line of a unified-exec output.
    static func runningSession(_ output: String) -> Int64? {
        let marker = "Process running with session ID "
        guard let range = output.range(of: marker) else { return nil }
        let digits = output[range.upperBound...].prefix { $0.isASCII && $0.isNumber }
        return Int64(digits)
    }

    /// What the run says of the trees no span took: the calls the log lacks changed files
    /// replay cannot account for.
    var unmatchedCaveat: String? {
        let ids = unmatched
        guard !ids.isEmpty else { return nil }
        let shown = ids.prefix(3).joined(separator: ", ") + (ids.count > 3 ? ", …" : "")
        return "agentreplay's hooks recorded the working tree after \(ids.count) shell call\(ids.count == 1 ? "" : "s") "
            + "the log does not have (\(shown)); what they changed is not accounted for (docs/hooks.md)"
    }

    /// The first path a step of `steps` changed whose entry in `recorded` is not the one in
    /// `current` (the workspace now), or nil when `recorded` holds every change replayed in
    /// those steps: a tree recorded after them must.
    static func firstDifference(
        _ recorded: ObjectID, from current: ObjectID, changedBy steps: ArraySlice<Run.Step>, in repository: Repository
    ) throws -> String? {
        var seen: Set<String> = []
        for step in steps {
            for change in step.changes where seen.insert(change.path).inserted {
                if try repository.entry(in: recorded, path: change.path) != repository.entry(in: current, path: change.path) {
                    return change.path
                }
            }
        }
        return nil
    }
}
