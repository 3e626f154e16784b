import Git
import Replay
import RunStore
import ToolSemantics
import Trace

/// The human face of a run: a short timeline of the tool calls (span, tool, file, verdict),
/// the drift found, and a summary.
enum RunReport {
    static func text(_ run: Run, traceName: String, palette: Palette = .plain) -> String {
        var out = ""
        let agent = [run.header.agentName, run.header.agentVersion].compactMap { $0 }.joined(separator: " ")
        let base = run.baseCommit.map { String($0.hex.prefix(12)) } ?? "an empty tree"
        out += "Replaying \(traceName) (\(agent), \(run.steps.count) spans) onto \(base)\n"
        if let search = run.baseSearch {
            let files = search.sights == 1 ? "1 file" : "\(search.sights) files"
            let commits = search.examined == 1 ? "1 commit" : "\(search.examined) commits"
            let on = search.tips.joined(separator: ", ")
            out +=
                search.agreed
                ? "  chosen by agreement: its files agree with what the session first saw of \(files) (\(commits) examined from \(on))\n"
                : "  no commit at or before the session's start agrees with what the session first saw of \(files) (\(commits) examined from \(on)): the session's start on HEAD's line\n"
        }
        out += "\n"
        // Steps are read in place (by index): a run holds a hundred thousand of them.
        let steps = run.steps
        let stepOf =
            run.steps.contains { !$0.drift.isEmpty }
            ? Dictionary(run.steps.map { ($0.spanID, $0.index) }, uniquingKeysWith: { a, _ in a }) : [:]
        let shown = steps.indices.filter { steps[$0].kind == .tool || steps[$0].verdict != .served || !steps[$0].drift.isEmpty }
        let width = shown.map { (steps[$0].toolName ?? steps[$0].name).count }.max() ?? 4
        // A line per step, appended in place: a run can show a hundred thousand.
        var lines: [UInt8] = []
        lines.reserveCapacity(shown.count * (width + 80))
        for i in shown {
            let step = steps[i]
            lines.append(contentsOf: "  #".utf8)
            appendPadded(String(step.index), 4, to: &lines)
            lines.append(0x20)
            appendPadded(step.toolName ?? step.name, width, to: &lines)
            lines.append(contentsOf: "  ".utf8)
            if palette.enabled {
                lines.append(contentsOf: palette.paint(pad(step.verdict.rawValue, 19), role(step.verdict)).utf8)
            } else {
                appendPadded(step.verdict.rawValue, 19, to: &lines)
            }
            if let commit = step.commit {
                lines.append(0x20)
                appendHex(commit, digits: 10, to: &lines)
            }
            if let path = step.paths.first {
                lines.append(contentsOf: "  ".utf8)
                lines.append(contentsOf: path.utf8)
                if step.paths.count > 1 { lines.append(contentsOf: " (+\(step.paths.count - 1))".utf8) }
            }
            if let note = step.note {
                lines.append(contentsOf: "  — ".utf8)
                lines.append(contentsOf: note.utf8)
            }
            if step.unseenEffects && step.note == nil { lines.append(contentsOf: "  (may change files replay cannot see)".utf8) }
            lines.append(0x0A)
            for r in step.recovered {
                lines.append(
                    contentsOf: ("        " + palette.paint("recovered:", .warning) + " " + r.path
                        + " (inferred from #\(r.observedAt), what the log showed then)\n").utf8)
            }
            for d in step.drift {
                // Drift a call replay cannot follow may explain is no contradiction: said apart.
                let label = d.explained ? palette.paint("differs:", .warning) : palette.paint("drift:", .bad)
                lines.append(contentsOf: ("        " + label + " " + describe(d, stepOf: stepOf) + "\n").utf8)
            }
        }
        out += String(decoding: lines, as: UTF8.self)
        let s = run.summary
        out += "\n"
        out += "\(s.spans) spans, \(s.toolCalls) tool calls: \(s.editsApplied) edits applied, "
        out += "\(s.failedAsRecorded) failed as recorded, \(s.mismatch) mismatch, \(s.notReplayable) not replayable, \(s.drift) drift"
        if s.explainedDifferences > 0 { out += " (and \(s.explainedDifferences) explained by calls replay cannot follow)" }
        out += "\n"
        out += "\(s.filesChanged) files changed in \(s.commits) commits; tokens: \(s.usage.inputTokens) in, "
        out += "\(s.usage.outputTokens) out, \(s.usage.cacheReadTokens) cache read, \(s.usage.cacheCreationTokens) cache write\n"
        if run.baseChoice.hasSuffix("hooks") {
            out += "base: the start agentreplay's hooks recorded: \(base) and the working tree \(run.baseTree.hex.prefix(12)) (docs/hooks.md)\n"
        }
        if !run.startState.isEmpty {
            let n = run.startState.count
            out += "started on a dirty tree: \(n) \(n == 1 ? "file" : "files") as the session first saw \(n == 1 ? "it" : "them") ("
            out += list(run.startState.map(\.path)) + ")\n"
        }
        if s.recovered > 0 {
            out += "recovered: \(s.recovered) \(s.recovered == 1 ? "file" : "files") from what the log showed later, "
            out += "as the effect of the shell call before (inferred)\n"
        }
        for inference in run.inferences { out += "inferred: " + inference + "\n" }
        if let head = run.head, !run.refs.isEmpty {
            out += "run: \(run.refs[0]) -> \(head.hex.prefix(12))  (git log -p \(RunRefs.last))\n"
        } else if let head = run.head {
            out += "run: \(head.hex.prefix(12)) (in memory only: --no-refs)\n"
        }
        // Last, as docs/run.md says: what the run vouches for.
        out += verdictLine(run)
        return out
    }

    /// What the run can vouch for, in one line.
    static func verdictLine(_ run: Run) -> String {
        switch run.outcome {
        case .verified:
            return "verified: every call's effect on the files is accounted for\n"
        case .contradicted:
            return "contradicted: the log and the replay disagree (drift, mismatch or calls not replayable)\n"
        case .unverified:
            var out = ""
            let open = run.steps.filter { $0.unverified && $0.redacted.isEmpty && $0.suspects.isEmpty }.map { "#\($0.index)" }
            if !open.isEmpty {
                out +=
                    "unverified: \(open.count) \(open.count == 1 ? "call" : "calls") may have changed files replay cannot see, "
                    + "and nothing later confirmed them (\(list(open)))\n"
            }
            let differing = run.steps.filter { !$0.drift.isEmpty || !$0.suspects.isEmpty }.map { "#\($0.index)" }
            if !differing.isEmpty {
                out +=
                    "unverified: what the log recorded of \(differing.count) \(differing.count == 1 ? "call" : "calls") differs from the replay "
                    + "where calls replay cannot follow may have changed the files (\(list(differing)))\n"
            }
            let redacted = run.steps.filter { $0.unverified && !$0.redacted.isEmpty }.map { "#\($0.index)" }
            if !redacted.isEmpty {
                out +=
                    "unverified: \(redacted.count) \(redacted.count == 1 ? "call" : "calls") wrote text the log holds as REDACTED "
                    + "(removed by the log's keeper), so the files may hold other bytes (\(list(redacted)))\n"
            }
            for caveat in run.caveats { out += "unverified: " + caveat + "\n" }
            return out
        }
    }

    /// Up to five items, then how many more.
    static func list(_ items: [String]) -> String {
        let shown = items.prefix(5).joined(separator: ", ")
        return items.count > 5 ? shown + ", and \(items.count - 5) more" : shown
    }

    /// The colour of a verdict: applied edits good, failures bad, what was only served dim.
    static func role(_ verdict: Verdict) -> Palette.Role {
        switch verdict {
        case .applied: return .good
        case .served, .failedAsRecorded: return .dim
        case .mismatch, .outsideRepo, .refused, .noResult, .lost, .notReplayable: return .bad
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

    /// `s` and spaces up to `width` characters, as `pad` gives them.
    static func appendPadded(_ s: String, _ width: Int, to out: inout [UInt8]) {
        out.append(contentsOf: s.utf8)
        // Characters, not bytes, are what line up; ASCII text is counted by its bytes.
        let count = s.utf8.allSatisfy { $0 < 0x80 } ? s.utf8.count : s.count
        if count < width { out.append(contentsOf: repeatElement(0x20, count: width - count)) }
    }

    /// The first `digits` hex digits of `id`.
    static func appendHex(_ id: ObjectID, digits: Int, to out: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        let bytes = id.bytes
        for i in 0..<(digits + 1) / 2 {
            let byte = bytes[i]
            out.append(hex[Int(byte >> 4)])
            if 2 * i + 1 < digits { out.append(hex[Int(byte & 0x0f)]) }
        }
    }
}
