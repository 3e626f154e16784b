import Git
import ToolSemantics
import Trace

/// What the replay engine knows of a run while it is being made, shared by the engine and the
/// dialects' context: the steps so far, the shell steps whose effects replay cannot see, when
/// each path was last known to match the recording, and the tree the session started on.
///
/// A later whole-file observation can recover a file (`recover`): the steps already made are
/// then rewritten from the step the content is attributed to, which is why a run's commits are
/// made only once every span has been replayed. Not Sendable: it holds a `Repository`.
final class RunLedger {
    let repository: Repository
    /// The tree the session began on: the base, plus any file recovered as its start state.
    private(set) var baseTree: ObjectID
    private(set) var startState: [Recovery] = []
    /// Files of the start state taken from an observation that holds `REDACTED`.
    private(set) var redactedStart: [RepoPath] = []
    /// Drift of observations of part of a file, which a later recovery may explain.
    private var partials: [(step: Int, path: RepoPath, agrees: ([UInt8]) -> Bool)] = []
    var steps: [Run.Step] = []
    /// The index of the step being replayed.
    var current = 0
    /// Steps that may have changed files replay cannot see, in order.
    private var shellSteps: [(index: Int, id: Span.ID)] = []
    /// The last step after which each path was known to match the recording.
    private var lastSynced: [RepoPath: Int] = [:]
    /// The calls (a `Task`) whose subagent's transcript the trace holds, by call id: the
    /// `agent` spans' `agentreplay.parent_tool_call.id`.
    private(set) var replayedSubagents: Set<String> = []
    /// The first sight of each file, when they are collected (`FirstSight`): only while a base
    /// is chosen by them.
    var sights: FirstSight.Log?
    /// The recoveries the current step's observations made, for the engine to note.
    private(set) var recoveredNow: [(path: RepoPath, into: Int?)] = []

    init(repository: Repository, baseTree: ObjectID) {
        self.repository = repository
        self.baseTree = baseTree
    }

    /// Shell steps since `path` was last known to match the recording, by span id.
    func suspects(_ path: RepoPath) -> [Span.ID] {
        suspectSteps(path).map(\.id)
    }

    func suspectSteps(_ path: RepoPath) -> ArraySlice<(index: Int, id: Span.ID)> {
        let since = lastSynced[path] ?? -1
        var low = 0, high = shellSteps.count
        while low < high {
            let mid = (low + high) / 2
            if shellSteps[mid].index > since { high = mid } else { low = mid + 1 }
        }
        return shellSteps[low...]
    }

    func markShell(_ index: Int, _ id: Span.ID) { shellSteps.append((index, id)) }

    /// The trace holds the transcript of the subagent the call `call` started: its own calls
    /// are replayed, so that call has no unseen effects of its own, whether it comes after
    /// the subagent's spans or came before them (merged by time, a `Task` starts first).
    func subagentReplayed(_ call: String) {
        replayedSubagents.insert(call)
        guard let k = steps.lastIndex(where: { $0.callID == call }), steps[k].unseenEffects, steps[k].recovered.isEmpty else { return }
        steps[k].unseenEffects = false
        steps[k].unverified = false
        steps[k].note = nil
        shellSteps.removeAll { $0.index == steps[k].index }
    }

    func markSynced(_ path: RepoPath, at index: Int) { lastSynced[path] = index }

    /// Notes that the current step's observation of part of `path` is drift (`ReplayContext.partial`).
    func notePartial(_ path: RepoPath, agrees: @escaping ([UInt8]) -> Bool) {
        partials.append((current, path, agrees))
    }

    /// After `path` was recovered onto the steps from `first` on: withdraws the drift of each
    /// earlier partial observation of it, from then on, that agrees with the file as the
    /// rewritten tree before it holds it. One that does not agree is no longer explained by
    /// the calls before it (the recovery says what they left): its suspects are cleared.
    private func withdrawPartials(_ path: RepoPath, from first: Int) throws {
        var kept: [(step: Int, path: RepoPath, agrees: ([UInt8]) -> Bool)] = []
        for p in partials {
            guard p.path == path, p.step >= first, p.step < steps.count else {
                kept.append(p)
                continue
            }
            let entry = try repository.entry(in: steps[p.step].treeBefore, path: path.value)
            let file = try entry.flatMap { $0.mode == .blob || $0.mode == .executable ? try repository.blob($0.id) : nil }
            if let file, p.agrees(file) {
                steps[p.step].drift.removeAll { $0.path == path.value && $0.kind == .observation }
                let line = "\(path.value): what it read agrees with the file recovered from #\(current)"
                steps[p.step].note.appendClause(line)
            } else {
                for k in steps[p.step].drift.indices where steps[p.step].drift[k].path == path.value {
                    steps[p.step].drift[k].suspects = []
                }
            }
        }
        partials = kept
    }

    func beginStep(_ index: Int) {
        current = index
        recoveredNow.removeAll()
    }

    /// Where a file the replay holds differently from a whole-file observation can have come
    /// from: the latest shell step since the path last matched the recording (`.step`), the
    /// session's start when no step touched or saw the path yet (`.start`), else nowhere.
    enum Origin: Equatable {
        case step(Int)
        case start
    }

    func origin(of path: RepoPath) -> Origin? {
        if let last = suspectSteps(path).last { return .step(last.index) }
        if lastSynced[path] == nil { return .start }
        return nil
    }

    /// Rewrites the run so far as if `path` had held `blob` (nil: no file) from `origin` on: the
    /// start tree and every step's trees from there, and the origin step's changes. Returns false,
    /// changing nothing, when some tree on the way cannot hold the file (a parent that is not a
    /// directory, a directory or a link at the path).
    func recover(_ path: RepoPath, blob: ObjectID?, mode: FileMode, origin: Origin, kind: Drift.Kind, redacted: Bool = false) throws -> Bool {
        let update: TreeUpdate = blob.map { .upsert(path: path.value, blob: $0, mode: mode) } ?? .remove(path: path.value)
        var map: [ObjectID: ObjectID] = [:]
        func rewritten(_ tree: ObjectID) throws -> ObjectID? {
            if let done = map[tree] { return done }
            let along = try repository.entries(in: tree, along: path.value)
            if along.dropLast().contains(where: { $0 != nil && $0!.mode != .tree }) { return nil }
            if let last = along.last ?? nil, last.mode != .blob && last.mode != .executable { return nil }
            let new = try repository.updateTree(tree, [update])
            map[tree] = new
            return new
        }
        let first: Int
        switch origin {
        case .start: first = 0
        case .step(let s): first = s
        }
        var newBase: ObjectID?
        if origin == .start {
            guard let b = try rewritten(baseTree) else { return false }
            newBase = b
        }
        var before: [ObjectID] = []
        var after: [ObjectID] = []
        for k in first..<steps.count {
            guard let b = (k == first && origin != .start) ? steps[k].treeBefore : try rewritten(steps[k].treeBefore),
                let a = try rewritten(steps[k].treeAfter)
            else { return false }
            before.append(b)
            after.append(a)
        }
        for k in first..<steps.count {
            steps[k].treeBefore = before[k - first]
            steps[k].treeAfter = after[k - first]
        }
        let recovery = Recovery(path: path.value, blob: blob, observedAt: current, kind: kind)
        switch origin {
        case .start:
            baseTree = newBase!
            startState.append(recovery)
            recoveredNow.append((path, nil))
            if redacted { redactedStart.append(path) }
        case .step(let s):
            let previous = try repository.entry(in: steps[s].treeBefore, path: path.value)
            let id = previous.flatMap { $0.mode == .blob || $0.mode == .executable ? $0.id : nil }
            steps[s].changes.removeAll { $0.path == path.value }
            if id != blob { steps[s].changes.append(Run.Change(path: path.value, before: id, after: blob)) }
            steps[s].changes.sort { $0.path < $1.path }
            steps[s].recovered.append(recovery)
            recoveredNow.append((path, s))
            if redacted {
                if !steps[s].redacted.contains(path.value) { steps[s].redacted.append(path.value) }
                steps[s].unverified = true
            }
        }
        lastSynced[path] = current
        try withdrawPartials(path, from: first)
        return true
    }
}
