import Git
import ToolSemantics
import Trace

/// The replay engine: folds a trace's spans, in order, over a workspace that starts as the
/// base tree, and makes one commit per span that changed files.
///
/// Model and user spans are served from the trace. Tool spans go to the agent's dialect,
/// which applies edits with the tool's own semantics and checks observations. Spans with
/// recorded `effects` that no dialect handles have those effects applied. Commits take their
/// author, committer and time from the trace, so the same trace on the same base gives the
/// same commit ids anywhere.
public struct Replayer {
    public struct Options: Sendable {
        public init() {}
    }

    let repository: Repository

    public init(repository: Repository) {
        self.repository = repository
    }

    /// Replays `spans` onto `base`.
    public func replay(header: Trace.Header, spans: [Span], base: Base) throws -> Run {
        var iterator = spans.makeIterator()
        return try replay(header: header, base: base) { iterator.next() }
    }

    /// Replays the spans `next` yields, until it yields nil, onto `base`: a streamed trace
    /// stays streamed, and an error from `next` (bad input mid-file) ends the replay.
    ///
    /// The commits are made once every span has been replayed: a later observation can still
    /// recover a file as the effect of an earlier step (`RunLedger.recover`) and so change the
    /// trees of the steps after it.
    public func replay(header: Trace.Header, base: Base, next: () throws -> Span?) throws -> Run {
        try replay(header: header, base: base, next: next, sights: nil)
    }

    /// `replay`, noting in `sights` (when given) what the session first saw of each file.
    func replay(header: Trace.Header, base: Base, next: () throws -> Span?, sights: FirstSight.Log?) throws -> Run {
        let workspace = Workspace(repository: repository, tree: base.tree)
        let ledger = RunLedger(repository: repository, baseTree: base.tree)
        ledger.sights = sights
        let dialects = Dialects.for(agent: header.agent)
        var messages: [Int: CommitMessage.Parts] = [:]
        var lastTime: Int64 = 0
        var turns: [Span.ID: Span.ID] = [:]  // tool call → turn, via parent ids
        var awaitingConfirmation: [Int] = []  // unverified steps a recorded tree may confirm
        var recordedCalls = RecordedCalls(base.recorded, agent: header.agent)
        var index = 0
        while var span = try next() {
            defer { index += 1 }
            // The working tree agentreplay's hooks recorded after this call, when they did.
            var carried: Int?  // the earlier step whose effects that tree holds too
            if span.recordedTree == nil, let match = recordedCalls.match(span, step: index) {
                if let origin = match.carried,
                    let path = try RecordedCalls.firstDifference(
                        match.tree, from: workspace.tree, changedBy: ledger.steps[(origin + 1)...], in: repository)
                {
                    let line = "the working tree recorded when #\(index) saw its process end does not hold \(path) as replayed since: not used"
                    ledger.steps[origin].note.appendClause(line)
                } else {
                    span.recordedTree = match.tree.hex
                    carried = match.carried
                }
            }
            ledger.beginStep(index)
            if let t = span.endTime ?? span.startTime { lastTime = t.seconds }
            if span.kind == .llm { turns[span.id] = span.id }
            let context = ReplayContext(workspace: workspace, header: header, ledger: ledger)
            var outcome: Outcome
            do {
                outcome = try replay(span, context, dialects: dialects)
            } catch let exceeded as ReplayLimits.Exceeded {
                // More than a limit allows (docs/security.md, "Limits"): this span is refused,
                // the run goes on.
                workspace.discardPending()
                outcome = Outcome(verdict: .refused, note: exceeded.description, unseenEffects: true)
            }
            // After any recovery this span's observations made, which rewrites the trees so far.
            let before = ledger.steps.last?.treeAfter ?? ledger.baseTree
            var changes: [Workspace.Change] = []
            if outcome.verdict == .applied {
                do {
                    changes = try workspace.commitPending()
                } catch let error as GitError {
                    // A name git refuses in a tree (libgit2 checks more than the sandbox
                    // does): this span is refused, the run goes on.
                    workspace.discardPending()
                    outcome.verdict = .refused
                    outcome.note = "git refuses the path: \(error.message)"
                }
            } else {
                workspace.discardPending()
            }
            // Text the log's keeper redacted, written as the word that stands for it.
            var redacted = changes.filter(\.redacted).map(\.path.value)
            if !redacted.isEmpty {
                let line =
                    "the log holds REDACTED where it wrote \(redacted.joined(separator: ", ")): what the log's keeper removed there "
                    + "(a secret, or a name that looked like one) is lost, so the file may hold other bytes"
                outcome.note.appendClause(line)
            }
            if outcome.redactedMatch {
                let matched = changes.map(\.path.value).filter { !redacted.contains($0) }
                redacted += matched
                if !matched.isEmpty {
                    let line =
                        "its recorded text holds REDACTED and matched \(matched.joined(separator: ", ")) only with each REDACTED read as "
                        + "what the log's keeper removed: where it applies is inferred"
                    outcome.note.appendClause(line)
                }
            }
            for (path, into) in ledger.recoveredNow {
                let onto = into.map { "#\($0)" } ?? "the session's start"
                let line = "\(path.value): the file as the log showed it is recovered onto \(onto)"
                outcome.note.appendClause(line)
            }
            // A call that may have changed files replay cannot see, with the tree recorded
            // after it: that tree is its effect.
            var adopted = false
            if outcome.unseenEffects, outcome.verdict == .served || outcome.verdict == .applied,
                let recorded = span.recordedTree, let id = ObjectID(hex: recorded),
                (try? repository.entries(of: id)) != nil
            {
                if id != workspace.tree {
                    let effects = try adopt(id, after: changes, in: workspace)
                    changes = effects
                    outcome.synced = (outcome.synced ?? outcome.paths) + effects.map(\.path)
                    if !changes.isEmpty { outcome.verdict = .applied }
                    adopted = true
                    // What the unverified calls before it changed is in that tree, put down to
                    // this call: no later tree can tell it apart any more.
                    awaitingConfirmation.removeAll()
                }
                outcome.unseenEffects = false
                let line =
                    changes.isEmpty
                    ? "the working tree recorded after it shows no change"
                    : "its effect is the working tree recorded after it (\(changes.count) file\(changes.count == 1 ? "" : "s"))"
                outcome.note.appendClause(line)
            }
            var confirmed = outcome.confirmsTree && outcome.drift.isEmpty
            if let recorded = span.recordedTree, let id = ObjectID(hex: recorded) {
                if id != workspace.tree {
                    outcome.drift.append(Drift(kind: .tree, path: "", recorded: recorded, replayed: workspace.tree.hex))
                    confirmed = false
                } else {
                    // A tree taken as this call's effect says nothing of the calls before it:
                    // what they changed is in it, put down to this call.
                    confirmed = !adopted
                }
            }
            if let origin = carried, span.recordedTree != nil, outcome.drift.isEmpty, ledger.steps[origin].unverified {
                // The process #origin started ended here: its effects are in this call's tree.
                ledger.steps[origin].unverified = false
                let line = "its effect is in the working tree recorded when #\(index) saw its process end"
                ledger.steps[origin].note.appendClause(line)
                awaitingConfirmation.removeAll { $0 == origin }
            }
            if confirmed {
                // The recorded tree confirms every effect replay could not see until now.
                for k in awaitingConfirmation { ledger.steps[k].unverified = false }
                awaitingConfirmation.removeAll()
            }
            if outcome.unseenEffects {
                ledger.markShell(index, span.id)
                awaitingConfirmation.append(index)
            }
            // A call whose recorded outcome replay does not reproduce, where a call replay could
            // not follow may have changed its files since they last matched: explained, no
            // contradiction; its effect is unknown, so the step is unverified.
            var explainedBy: [(index: Int, id: Span.ID)] = []
            if outcome.verdict == .mismatch {
                for p in outcome.paths {
                    for s in ledger.suspectSteps(p) where !explainedBy.contains(where: { $0.id == s.id }) { explainedBy.append(s) }
                }
                if !explainedBy.isEmpty {
                    let calls = explainedBy.map { "#\($0.index)" }.joined(separator: ", ")
                    let line =
                        "\(calls), which replay could not follow, may have changed its files since they last matched the log: not replayed, not a contradiction"
                    outcome.note.appendClause(line)
                }
            }
            // A path an observation contradicted is not known to match, nor one a call that
            // failed as recorded named (it may never have looked), nor one whose call replay
            // could not reproduce: their suspects stand.
            for p in outcome.synced ?? outcome.paths {
                if outcome.verdict == .failedAsRecorded || outcome.verdict == .mismatch { continue }
                if outcome.verdict == .served, outcome.drift.contains(where: { $0.path == p.value }) { continue }
                ledger.markSynced(p, at: index)
            }
            if let sights {
                sights.close(outcome.paths)
                sights.close(changes.map(\.path))
            }
            if outcome.unseenEffects || !changes.isEmpty {
                messages[index] = CommitMessage.parts(span: span, header: header, time: lastTime)
            }
            ledger.steps.append(
                Run.Step(
                    index: index, spanID: span.id, kind: span.kind, name: span.name,
                    toolName: span.toolName, callID: span.toolCallID,
                    turnID: span.parentID.flatMap { turns[$0] },
                    verdict: outcome.verdict, paths: outcome.paths.map(\.value), note: outcome.note,
                    drift: outcome.drift,
                    changes: changes.map { Run.Change(path: $0.path.value, before: $0.before, after: $0.after) },
                    unseenEffects: outcome.unseenEffects, unverified: outcome.unseenEffects || !redacted.isEmpty || !explainedBy.isEmpty,
                    redacted: redacted, recovered: [], suspects: explainedBy.map(\.id),
                    treeBefore: before, treeAfter: workspace.tree,
                    commit: nil, usage: span.kind == .llm ? span.usage : Usage()))
        }
        let startTree = ledger.baseTree
        var parent = Base(commit: base.commit, tree: startTree).startCommit(header: header, repository: repository) ?? base.commit
        // In place, so that the ledger's steps are not copied.
        for k in ledger.steps.indices where !ledger.steps[k].changes.isEmpty {
            guard let parts = messages[k] else { continue }
            let signature = CommitMessage.signature(header: header, time: parts.time)
            let commit = try repository.createCommit(
                tree: ledger.steps[k].treeAfter, parents: parent.map { [$0] } ?? [],
                author: signature, committer: signature,
                message: parts.text(paths: ledger.steps[k].changes.map(\.path)))
            ledger.steps[k].commit = commit
            parent = commit
        }
        let steps = ledger.steps
        var run = Run(
            header: header, baseCommit: base.commit, baseTree: startTree, baseChoice: base.choiceCode,
            startState: ledger.startState, steps: steps, finalTree: workspace.tree, head: parent, refs: [])
        var concluded = false
        for dialect in dialects {
            guard let conclusion = try dialect.conclude(steps: steps, base: base.tree, in: repository) else { continue }
            concluded = true
            run.inferences += conclusion.inferences
            run.caveats += conclusion.caveats
        }
        if !concluded, let caveat = try RootCheck.caveat(header: header, base: base.tree, steps: steps, in: repository) {
            run.caveats.append(caveat)
        }
        if let caveat = recordedCalls.unmatchedCaveat { run.caveats.append(caveat) }
        if !ledger.startState.isEmpty {
            // The session did not begin on the base: what it never saw may differ from it too.
            let n = ledger.startState.count
            run.caveats.append(
                "the session began on a tree other than the base (\(n) \(n == 1 ? "file" : "files") as it first saw \(n == 1 ? "it" : "them")): "
                    + "files it never saw may have differed from the base too"
            )
        }
        if !ledger.redactedStart.isEmpty {
            let paths = ledger.redactedStart.map(\.value).joined(separator: ", ")
            run.caveats.append(
                "the session began on \(paths) as the log first showed it, which holds REDACTED: what the log's keeper removed there is lost, so the file may hold other bytes"
            )
        }
        if let caveat = try FoldedNameCheck.caveat(steps: steps, finalTree: workspace.tree, in: repository) {
            run.caveats.append(caveat)
        }
        return run
    }

    func replay(_ span: Span, _ context: ReplayContext, dialects: [any ToolDialect]) throws -> Outcome {
        let header = context.header
        switch span.kind {
        case .llm, .user:
            return .served
        case .agent:
            // A subagent whose transcript the trace holds: its own calls are replayed as they
            // come, so the call that started it (a `Task`) has no unseen effects of its own.
            if let call = span.attributes["agentreplay.parent_tool_call.id"]?.stringValue {
                context.ledger.subagentReplayed(call)
            }
            return .served
        case .event:
            if span.status == .error { return Outcome(verdict: .lost, note: span.output?.stringValue) }
            return .served
        case .tool:
            for dialect in dialects {
                if let outcome = try dialect.replay(span, in: context) { return outcome }
            }
            if !span.effects.isEmpty { return try applyEffects(span, context) }
            // A trace of an agent with no dialect (a native or OTLP trace) records its effects.
            if dialects.isEmpty { return .served }
            for dialect in dialects {
                switch dialect.role(of: span) {
                case .observing?: return .served
                case .runsCode(let what)?:
                    if let call = span.toolCallID, context.ledger.replayedSubagents.contains(call) { return .served }
                    return Outcome(verdict: .served, note: what + ": its file effects are not replayed", unseenEffects: true)
                case nil: continue
                }
            }
            let tool = span.toolName ?? span.name
            return Outcome(
                verdict: .notReplayable,
                note: "\(tool): a tool replay does not know for \(header.agentName); it may have changed files (docs/formats.md lists the known ones)"
            )
        }
    }

    /// Moves the workspace to the recorded tree `recorded` and returns the span's changes:
    /// `replayed` (what replay applied of the span already) followed by the difference to the
    /// recorded tree, one change per path, sorted.
    func adopt(_ recorded: ObjectID, after replayed: [Workspace.Change], in workspace: Workspace) throws -> [Workspace.Change] {
        var byPath: [RepoPath: Workspace.Change] = [:]
        for change in replayed { byPath[change.path] = change }
        for change in try repository.diff(from: workspace.tree, to: recorded) {
            let path = RepoPath(unchecked: change.path)
            byPath[path] = Workspace.Change(path: path, before: byPath[path]?.before ?? change.oldID, after: change.newID)
        }
        workspace.reset(to: recorded)
        return byPath.keys.sorted().compactMap { path in
            let change = byPath[path]!
            return change.before == change.after ? nil : change
        }
    }

    /// Applies recorded effects as they are (native traces, recorders that kept them).
    func applyEffects(_ span: Span, _ context: ReplayContext) throws -> Outcome {
        var paths: [RepoPath] = []
        for effect in span.effects {
            let path: RepoPath
            switch context.map(effect.path, span: span) {
            case .failure(let refusal):
                context.workspace.discardPending()
                var o = context.refusal(refusal, span: span)
                o.paths = paths
                return o
            case .success(let p): path = p
            }
            paths.append(path)
            let edit: FileEdit
            switch effect.operation {
            case .delete: edit = .delete
            case .write:
                if let content = effect.content {
                    edit = .write(Array(content.utf8))
                } else if let hex = effect.blob, let id = ObjectID(hex: hex), let bytes = try? repository.blob(id) {
                    edit = .write(bytes)
                } else {
                    edit = .failure("blob \(effect.blob ?? "?") is not in the repository")
                }
            }
            let outcome = try context.settle(edit, path: path, span: span, executable: effect.executable)
            if outcome.verdict != .applied {
                context.workspace.discardPending()
                var o = outcome
                o.paths = paths
                return o
            }
        }
        return Outcome(verdict: .applied, paths: paths)
    }
}
