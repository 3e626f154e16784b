import Insight
import Replay
import Trace

/// The timeline: every model turn and every span it asked for, in order, each a row with a
/// bar on the time axis; a row opens to the span's details (its edits as diffs, the command,
/// the failure, the drift, what a diff or bisect found there).
enum Waterfall {
    static func html(_ session: Session) -> String {
        let axis = makeAxis(session)
        var out = ""
        if let axis, let interval = session.interval {
            let shortened = axis.gaps.isEmpty ? "" : "; idle stretches over 2 minutes are shortened (dotted lines, the long ones labelled)"
            out +=
                "<p class=\"axisnote\">Time runs left to right from \(TimeText.dateTime(interval.start)) to \(TimeText.dateTime(interval.end)) UTC\(shortened).</p>"
            out += "<div class=\"axis\"><span class=\"lbl\"></span><span class=\"track\">"
            var lastLabel = -1.0
            for gap in axis.gaps {
                let text = TimeText.duration(milliseconds: gap.milliseconds)
                let labelled = gap.milliseconds >= 300_000 && gap.at - lastLabel >= 0.1 && gap.at <= 0.9
                if labelled { lastLabel = gap.at }
                out += "<span class=\"gapmark\" style=\"left:\(pct(gap.at))\" title=\"\(text) idle, shortened\">\(labelled ? "+" + text : "")</span>"
            }
            out += "</span></div>"
        }
        for turn in session.turns {
            let id = turn.number > 0 ? " id=\"turn-\(turn.number)\"" : ""
            out += "<section class=\"turn o-\(turn.outcome.rawValue)\"\(id)>"
            if turn.spanID != nil { out += header(turn, axis: axis) }
            for action in turn.actions { out += row(action, session: session, axis: axis) }
            out += "</section>"
        }
        return out
    }

    static func makeAxis(_ session: Session) -> TimeAxis? {
        guard let interval = session.interval else { return nil }
        var spans: [(Int64, Int64)] = []
        func add(_ a: Timestamp?, _ b: Timestamp?) {
            guard let a else { return }
            let s = TimeText.milliseconds(from: interval.start, to: a)
            spans.append((s, b.map { TimeText.milliseconds(from: interval.start, to: $0) } ?? s))
        }
        for t in session.turns {
            add(t.start, t.end)
            for a in t.actions { add(a.start, a.end) }
        }
        return TimeAxis(origin: interval.start, intervals: spans, maxGap: 120_000)
    }

    static func bar(_ start: Timestamp?, _ end: Timestamp?, axis: TimeAxis?, title: String) -> String {
        guard let axis, let start else { return "<span class=\"track\"></span>" }
        let a = axis.position(start)
        let b = end.map(axis.position) ?? a
        let ms = end.map { TimeText.milliseconds(from: start, to: $0) }
        let label = TimeText.time(start) + (ms.map { " · " + TimeText.duration(milliseconds: $0) } ?? "")
        return
            "<span class=\"track\"><span class=\"bar\" style=\"left:\(pct(a));width:\(pct(max(0.004, b - a)))\" title=\"\(HTML.escape(title + " · " + label))\"></span></span>"
    }

    static func header(_ turn: Turn, axis: TimeAxis?) -> String {
        var out = "<div class=\"row k-llm\"><span class=\"lbl\"><a class=\"idx\" href=\"#turn-\(turn.number)\">turn \(turn.number)</a> "
        out += "<span class=\"model\">\(HTML.escape(turn.model ?? "model"))</span> "
        let u = turn.usage
        var tokens = "\(TimeText.count(u.inputTokens)) in · \(TimeText.count(u.outputTokens)) out · "
        tokens += "\(TimeText.count(u.cacheReadTokens)) cache read · \(TimeText.count(u.cacheCreationTokens)) cache write"
        out += "<span class=\"cost\">\(turn.cost.map(\.description) ?? "cost unknown")</span> "
        out += "<span class=\"muted\" title=\"\(tokens)\">\(TimeText.count(u.total)) tok</span>"
        if turn.outcome == .reverted || turn.outcome == .failed {
            out += " <span class=\"badge b-\(turn.outcome.rawValue)\">\(turn.outcome == .reverted ? "reverted" : "failed")</span>"
        }
        out += "</span>" + bar(turn.start, turn.end, axis: axis, title: "turn \(turn.number)") + "</div>"
        if let text = turn.text { out += "<div class=\"say\">\(HTML.escape(text))</div>" }
        return out
    }

    static func row(_ a: Action, session: Session, axis: TimeAxis?) -> String {
        let marks = session.highlights(on: a.spanID)
        var flags: [String] = []
        if a.failed || a.verdict.isFailure { flags.append("failed") }
        if !a.drift.isEmpty { flags.append("drift") }
        if !marks.isEmpty { flags.append("highlight") }
        var classes = ["row", "k-\(a.kind.rawValue)"] + flags.map { "f-" + $0 }
        classes += marks.map { "h-" + $0.kind.rawValue }
        let open = marks.contains { $0.kind == .culprit || $0.kind == .divergence } ? " open" : ""
        var out =
            "<details class=\"\(classes.joined(separator: " "))\" id=\"span-\(HTML.escape(a.spanID.rawValue))\" data-kind=\"\(a.kind.rawValue)\" data-flags=\"\(flags.joined(separator: " "))\"\(open)>"
        out += "<summary><span class=\"lbl\"><span class=\"idx\">#\(a.step)</span> <span class=\"kind\">\(a.kind.rawValue)</span> "
        out += summary(a)
        for m in marks where m.kind != .difference { out += " <span class=\"badge b-\(m.kind.rawValue)\">\(m.kind.rawValue)</span>" }
        if !a.drift.isEmpty { out += " <span class=\"badge b-drift\">drift</span>" }
        if a.failed || a.verdict.isFailure {
            out += " <span class=\"badge b-failed\">\(a.verdict.isFailure ? HTML.escape(a.verdict.rawValue) : "failed")</span>"
        }
        out += "</span>" + bar(a.start, a.end, axis: axis, title: "#\(a.step) \(a.tool ?? a.name)") + "</summary>"
        out += "<div class=\"body\">" + body(a, marks: marks) + "</div></details>"
        return out
    }

    static func summary(_ a: Action) -> String {
        switch a.kind {
        case .prompt:
            return "<span class=\"text\">\(HTML.escape(a.text ?? ""))</span>"
        case .command:
            var s = "<code>\(HTML.escape(firstLine(a.shell?.command ?? "", 90)))</code>"
            switch a.shell?.ending {
            case .exited(let code)?: s += " <span class=\"\(code == 0 ? "muted" : "minus")\">exit \(code)</span>"
            case .failed?: s += " <span class=\"minus\">failed</span>"
            default: break
            }
            return s
        default:
            var s = "<b>\(HTML.escape(a.tool ?? a.name))</b> "
            if a.changes.isEmpty {
                s += HTML.escape(a.paths.joined(separator: ", "))
                if let n = a.linesRead { s += " <span class=\"muted\">\(n) lines</span>" }
            } else {
                s += a.changes.map {
                    "\(HTML.escape($0.path)) <span class=\"plus\">+\($0.diff.added)</span> <span class=\"minus\">−\($0.diff.removed)</span>"
                }.joined(separator: ", ")
            }
            return s
        }
    }

    static func body(_ a: Action, marks: [Highlight]) -> String {
        var out = ""
        for m in marks { out += "<p class=\"mark h-\(m.kind.rawValue)\"><b>\(m.kind.rawValue)</b>: \(HTML.escape(m.detail))</p>" }
        if let shell = a.shell { out += "<pre class=\"cmd\">$ \(HTML.escape(shell.command))</pre>" }
        if a.kind == .prompt, let text = a.text { out += "<p>\(HTML.escape(text))</p>" }
        if (a.failed || a.verdict.isFailure), let text = a.text ?? a.note { out += "<p class=\"error\">\(HTML.escape(text))</p>" }
        for d in a.drift {
            var s = "<b>drift</b> (\(d.kind.rawValue)) in \(HTML.escape(d.path.isEmpty ? "the tree" : d.path))"
            if let line = d.line { s += " at line \(line)" }
            s +=
                ": the agent saw <code>\(HTML.escape(d.recorded ?? "(nothing)"))</code>, replay has <code>\(HTML.escape(d.replayed ?? "(nothing)"))</code>"
            out += "<p class=\"drift\">\(s)</p>"
        }
        for change in a.changes { out += DiffView.html(change) }
        if let note = a.note, !(a.failed || a.verdict.isFailure) { out += "<p class=\"muted\">\(HTML.escape(note))</p>" }
        var meta = "span \(HTML.escape(a.spanID.rawValue))"
        if let call = a.callID { meta += " · call \(HTML.escape(call))" }
        meta += " · \(a.verdict.rawValue)"
        if let commit = a.commit { meta += " · commit \(commit.hex.prefix(12))" }
        out += "<p class=\"meta\">\(meta)</p>"
        return out
    }

    static func firstLine(_ s: String, _ limit: Int) -> String {
        let first = s.split(separator: "\n").first.map(String.init) ?? ""
        return first.count > limit ? String(first.prefix(limit)) + "…" : first + (first.count < s.count - 1 ? " …" : "")
    }

    static func pct(_ f: Double) -> String { HTML.number(max(0, min(1, f)) * 100, decimals: 3) + "%" }
}
