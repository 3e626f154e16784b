import Analysis
import Git
import Replay
import Trace

/// Glossary of insight: a replayed session as people ask about it.
///
/// - **Session**: a trace and its run, grouped into turns, with what each turn cost, what it
///   did to each file, and what it left in the final diff.
/// - **Turn**: one model call and the tool calls it asked for (`Turn`).
/// - **Action**: one of those calls (or a prompt, an event), with its line counts (`Action`).
/// - **Price table**: what each model charges per token (`PriceTable`, `DefaultPrices`).
/// - **Cost**: tokens × price, exact, in `Money`; unknown (nil), never guessed, for a model
///   the table does not name.
/// - **Spend that left no trace**: the cost of turns whose edits were all undone later
///   (reverted) or whose calls all failed (retries) (`Spend`).
/// - **Highlight**: a span a `diff` or `bisect` singled out.
///
/// A value built from values: the trace, its run, the run's final hunks (`EditHunks`) and a
/// function that reads blobs; tested without a repository when the run changes nothing.
public struct Session: Sendable {
    public var header: Trace.Header
    public var run: Run
    public var prices: PriceTable
    public var turns: [Turn]
    public var files: [FileSummary]
    public var hunks: [HunkCost]
    public var spend: Spend
    /// The spend by sub-agent and by tool.
    public var breakdown: CostBreakdown
    public var highlights: [Highlight]

    public init(
        trace: Trace, run: Run, hunks: [EditHunk], prices: PriceTable, highlights: [Highlight] = [],
        read: (ObjectID) throws -> [UInt8]
    ) {
        header = run.header
        self.run = run
        self.prices = prices
        self.highlights = highlights
        var spanAt: [Span.ID: Span] = [:]
        for span in trace.spans where spanAt[span.id] == nil { spanAt[span.id] = span }
        func span(_ step: Run.Step) -> Span? {
            if step.index < trace.spans.count, trace.spans[step.index].id == step.spanID { return trace.spans[step.index] }
            return spanAt[step.spanID]
        }

        // Group the steps into turns.
        var turns: [Turn] = []
        var turnOf: [Span.ID: Int] = [:]
        var number = 0
        for step in run.steps {
            let s = span(step)
            if step.kind == .llm {
                number += 1
                let model = s?.model
                var cost: Money? = .zero
                if step.usage.total > 0 {
                    let hour = s?.attributes[GenAI.cacheCreationHourTokens]?.intValue ?? 0
                    cost = model.flatMap { prices.price(of: $0) }.map { $0.cost(of: step.usage, hourWrites: hour) }
                }
                let text = s?.output?["text"]?.stringValue.map { Action.oneLine($0, 200) }.flatMap { $0.isEmpty ? nil : $0 }
                turnOf[step.spanID] = turns.count
                turns.append(
                    Turn(
                        number: number, step: step.index, spanID: step.spanID, model: model, usage: step.usage,
                        reasoning: s?.reasoningTokens ?? 0, cost: cost, text: text, start: s?.startTime, end: s?.endTime,
                        actions: [], outcome: .none))
                continue
            }
            let action = Action(step: step, span: s, read: read)
            if let turn = step.turnID.flatMap({ turnOf[$0] }) {
                turns[turn].actions.append(action)
            } else if step.kind != .user, let last = turns.indices.last {
                turns[last].actions.append(action)
            } else {
                turns.append(
                    Turn(
                        number: 0, step: nil, spanID: nil, model: nil, usage: Usage(), reasoning: 0, cost: .zero,
                        text: nil, start: nil, end: nil, actions: [action], outcome: .none))
            }
        }

        // What each turn left in the final diff.
        let owners = Set(hunks.flatMap { $0.owners.map(\.spanID) })
        for i in turns.indices {
            let calls = turns[i].actions.filter { $0.kind != .prompt && $0.kind != .event }
            let changed = calls.filter { !$0.changes.isEmpty }
            if calls.contains(where: { owners.contains($0.spanID) }) {
                turns[i].outcome = .kept
            } else if !changed.isEmpty {
                turns[i].outcome = .reverted
            } else if !calls.isEmpty && calls.allSatisfy({ $0.failed || $0.verdict.isFailure }) {
                turns[i].outcome = .failed
            }
        }
        self.turns = turns

        // Files.
        var files: [String: FileSummary] = [:]
        for turn in turns {
            for action in turn.actions {
                if action.kind == .read {
                    for path in action.paths {
                        files[path, default: FileSummary(path: path)].reads += 1
                        files[path]!.linesRead = files[path]!.linesRead.saturatingAdd(action.linesRead ?? 0)
                    }
                }
                if action.kind == .edit && action.changes.isEmpty {
                    for path in action.paths { files[path, default: FileSummary(path: path)].failedEdits += 1 }
                }
                for change in action.changes {
                    var f = files[change.path] ?? FileSummary(path: change.path)
                    f.writes += 1
                    f.added += change.diff.added
                    f.removed += change.diff.removed
                    if let id = turn.spanID, !f.turns.contains(id) {
                        f.turns.append(id)
                        f.usage = f.usage + turn.usage
                        f.cost = f.cost.flatMap { known in turn.cost.map { known + $0 } }
                    }
                    files[change.path] = f
                }
            }
        }
        let turnBySpan = Dictionary(turns.compactMap { t in t.spanID.map { ($0, t) } }, uniquingKeysWith: { a, _ in a })
        var costs: [HunkCost] = []
        for h in hunks {
            files[h.path, default: FileSummary(path: h.path)].finalAdded += h.newLines
            files[h.path]!.finalRemoved += h.oldLines
            var ids: [Span.ID] = []
            for o in h.owners { if let t = o.turnID, !ids.contains(t) { ids.append(t) } }
            var usage = Usage()
            var cost: Money? = .zero
            for id in ids {
                let t = turnBySpan[id]
                usage = usage + (t?.usage ?? Usage())
                cost = cost.flatMap { known in (t?.cost).map { known + $0 } }
            }
            costs.append(
                HunkCost(
                    path: h.path, oldStart: h.oldStart, oldLines: h.oldLines, newStart: h.newStart,
                    newLines: h.newLines, spans: h.owners.map(\.spanID), turns: ids, usage: usage, cost: cost))
        }
        self.files = files.values.sorted { $0.path < $1.path }
        self.hunks = costs
        self.spend = Spend(turns: turns, prices: prices)
        self.breakdown = CostBreakdown(turns: turns, run: run) { i in span(run.steps[i]) }
    }

    /// The turns with a model call.
    public var modelTurns: [Turn] { turns.filter { $0.spanID != nil } }

    /// The session's first and last recorded times.
    public var interval: (start: Timestamp, end: Timestamp)? {
        let all = turns.compactMap(\.span)
        guard let first = all.map(\.start).min(), let last = all.map(\.end).max() else { return nil }
        return (first, last)
    }

    /// The highlights on a span.
    public func highlights(on span: Span.ID) -> [Highlight] { highlights.filter { $0.spanID == span } }
}
