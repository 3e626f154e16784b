import Git
import Replay
import Trace

/// The human face of a run: a short timeline of the tool calls (span, tool, file, verdict),
/// the drift found, and a summary.
enum RunReport {
    static func text(_ run: Run, traceName: String, palette: Palette = .plain) -> String {
        var out = ""
        let agent = [run.header.agentName, run.header.agentVersion].compactMap { $0 }.joined(separator: " ")
        let base = run.baseCommit.map { String($0.hex.prefix(12)) } ?? "an empty tree"
        out += "Replaying \(traceName) (\(agent), \(run.steps.count) spans) onto \(base)\n\n"
        // Steps are read in place (by index): a run holds a hundred thousand of them.
        let steps = run.steps
        let stepOf = run.steps.contains { !$0.drift.isEmpty }
            ? Dictionary(run.steps.map { ($0.spanID, $0.index) }, uniquingKeysWith: { a, _ in a }) : [:]
        let shown = steps.indices.filter { steps[$0].kind == .tool || steps[$0].verdict != .served || !steps[$0].drift.isEmpty }
        let width = shown.map { (steps[$0].toolName ?? steps[$0].name).count }.max() ?? 4
        out.reserveCapacity(out.utf8.count + shown.count * (width + 60))
        for i in shown {
            let step = steps[i]
            var line = "  #" + pad(String(step.index), 4) + " " + pad(step.toolName ?? step.name, width) + "  "
            line += palette.paint(pad(step.verdict.rawValue, 19), role(step.verdict))
            if let commit = step.commit { line += " " + String(commit.hex.prefix(10)) }
            if let path = step.paths.first { line += "  " + path + (step.paths.count > 1 ? " (+\(step.paths.count - 1))" : "") }
            if let note = step.note { line += "  — " + note }
            if step.unseenEffects && step.note == nil { line += "  (may change files replay cannot see)" }
            out += line + "\n"
            for d in step.drift { out += "        " + palette.paint("drift:", .bad) + " " + describe(d, stepOf: stepOf) + "\n" }
        }
        let s = run.summary
        out += "\n"
        out += "\(s.spans) spans, \(s.toolCalls) tool calls: \(s.editsApplied) edits applied, "
        out += "\(s.failedAsRecorded) failed as recorded, \(s.notReplayable) not replayable, \(s.drift) drift\n"
        out += "\(s.filesChanged) files changed in \(s.commits) commits; tokens: \(s.usage.inputTokens) in, "
        out += "\(s.usage.outputTokens) out, \(s.usage.cacheReadTokens) cache read, \(s.usage.cacheCreationTokens) cache write\n"
        if let head = run.head, !run.refs.isEmpty {
            out += "run: \(run.refs[0]) -> \(head.hex.prefix(12))  (git log -p \(RunRefs.last))\n"
        } else if let head = run.head {
            out += "run: \(head.hex.prefix(12)) (in memory only: --no-refs)\n"
        }
        return out
    }

    /// The colour of a verdict: applied edits good, failures bad, what was only served dim.
    static func role(_ verdict: Verdict) -> Palette.Role {
        switch verdict {
        case .applied: return .good
        case .served, .failedAsRecorded: return .dim
        case .mismatch, .outsideRepo, .refused, .noResult, .lost: return .bad
        }
    }

    static func describe(_ d: Drift, stepOf: [Span.ID: Int]) -> String {
        var s = "\(d.kind.rawValue) of \(d.path.isEmpty ? "the tree" : d.path)"
        if let line = d.line { s += " at line \(line)" }
        s += ": recorded \(quote(d.recorded)), replayed \(quote(d.replayed))"
        if let suspect = d.suspects.last {
            let at = stepOf[suspect].map { "#\($0) " } ?? ""
            s += "; possibly changed by \(at)(span \(suspect))"
        }
        return s
    }

    static func quote(_ s: String?) -> String {
        guard let s else { return "(nothing)" }
        if s.hasPrefix("(") { return s }
        let short = s.count > 80 ? String(s.prefix(80)) + "…" : s
        return "\"" + short + "\""
    }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}
