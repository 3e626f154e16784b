import Insight
import Replay
import Trace

/// `agentreplay show`: the session turn by turn, then its files, the final diff's hunks with
/// their cost, and the spend.
enum ShowReport {
    /// What `show` and `report` say when there was no repository to replay onto.
    static let notReplayed =
        "not replayed (no repository: run in one, or give --repo): edits are listed as the log records them, "
        + "not applied or verified against files, and the final diff is not shown;"

    static func text(_ session: Session, traceName: String, palette p: Palette = .plain) -> String {
        var out = ""
        let h = session.header
        let run = session.run
        let s = run.summary
        let agent = [h.agentName, h.agentVersion].compactMap { $0 }.joined(separator: " ")
        out += "\(traceName): \(agent), \(session.modelTurns.count) model turns, \(s.toolCalls) tool calls"
        if let interval = session.interval {
            let ms = TimeText.milliseconds(from: interval.start, to: interval.end)
            out += ", \(TimeText.dateTime(interval.start)) UTC, \(TimeText.duration(milliseconds: ms))"
        }
        out += "\n"
        if run.replayed {
            let base = run.baseCommit.map { String($0.hex.prefix(12)) } ?? "an empty tree"
            out += "replayed onto \(base) in memory: \(plural(s.filesChanged, "file")) changed, \(plural(s.editsApplied, "edit")) applied, "
            out +=
                "\(s.drift) drift, \(s.notReplayable) not replayable, \(session.spend.failedCalls) failed call\(session.spend.failedCalls == 1 ? "" : "s")\n"
        } else {
            out += p.paint(notReplayed, .warning) + " \(session.spend.failedCalls) failed call\(session.spend.failedCalls == 1 ? "" : "s")\n"
        }
        for mark in session.highlights where mark.kind == .divergence || mark.kind == .culprit {
            out += "\(mark.kind.rawValue): span \(mark.spanID) — \(mark.detail)\n"
        }

        let turnNumber = Dictionary(session.turns.compactMap { t in t.spanID.map { ($0, t.number) } }, uniquingKeysWith: { a, _ in a })
        for turn in session.turns {
            out += "\n"
            if turn.spanID != nil {
                var line = p.paint("turn \(turn.number)", .strong)
                if let start = turn.start { line += "  " + TimeText.time(start) }
                if let model = turn.model { line += "  " + model }
                line += "  " + usage(turn.usage)
                if turn.reasoning > 0 { line += " (\(TimeText.count(turn.reasoning)) of them reasoning)" }
                line += "  " + cost(turn.cost, model: turn.model)
                if turn.outcome == .reverted || turn.outcome == .failed {
                    line += "  " + p.paint("(\(turn.outcome.rawValue): left no trace)", .warning)
                }
                out += line + "\n"
                if let text = turn.text { out += "  “\(text)”\n" }
            }
            for action in turn.actions { out += describe(action, session: session, palette: p) }
        }

        let written = session.files.filter { $0.written || $0.reads > 0 || $0.failedEdits > 0 }
        if !written.isEmpty {
            out += "\nfiles\n"
            let width = written.map(\.path.count).max() ?? 0
            for f in written {
                var parts: [String] = []
                if f.reads > 0 { parts.append("read \(f.reads)× (\(f.linesRead) lines)") }
                if f.written { parts.append("written \(f.writes)× +\(f.added) −\(f.removed)") }
                if f.failedEdits > 0 { parts.append("\(f.failedEdits) failed edit\(f.failedEdits == 1 ? "" : "s")") }
                if f.finalAdded + f.finalRemoved > 0 { parts.append("final diff +\(f.finalAdded) −\(f.finalRemoved)") }
                if f.written {
                    let turns = f.turns.compactMap { turnNumber[$0] }.map(String.init).joined(separator: ",")
                    if !turns.isEmpty { parts.append("turns \(turns)") }
                    parts.append(f.cost.map(\.description) ?? "cost unknown")
                }
                out += "  " + pad(f.path, width) + "  " + parts.joined(separator: ", ") + "\n"
            }
        }

        if !session.hunks.isEmpty {
            out += "\nhunks of the final diff\n"
            for hunk in session.hunks {
                var line = "  \(hunk.path) @@ -\(hunk.oldStart),\(hunk.oldLines) +\(hunk.newStart),\(hunk.newLines) @@"
                let turns = hunk.turns.compactMap { turnNumber[$0] }.map { "turn \($0)" }
                line += "  " + (turns.isEmpty ? "no model turn" : turns.joined(separator: ", "))
                line += "  " + usage(hunk.usage) + "  " + (hunk.cost.map(\.description) ?? "cost unknown")
                out += line + "\n"
            }
        }

        let spend = session.spend
        out += "\ncost, at \(session.prices.source)\n"
        for m in spend.models {
            var line = "  \(m.model): \(m.turns) turn\(m.turns == 1 ? "" : "s"), " + usage(m.usage) + ", "
            line += m.cost.map(\.description) ?? "cost unknown: the price table has no price for \(m.model) (--prices FILE adds one)"
            out += line + "\n"
        }
        out +=
            "  total: " + usage(spend.usage) + ", "
            + (spend.complete ? spend.cost.description : spend.cost == .zero ? "cost unknown" : "\(spend.cost) known, the rest unknown") + "\n"
        let none = spend.noTrace
        out += "  left no trace in the final diff: \(none.turns) turn\(none.turns == 1 ? "" : "s") (\(spend.reverted.turns) reverted, "
        out += "\(spend.failed.turns) failed), " + usage(none.usage) + ", " + bucketCost(none) + "\n"
        out += breakdown(session.breakdown)
        return out
    }

    /// The spend by sub-agent (when the session has any) and by tool.
    static func breakdown(_ b: CostBreakdown) -> String {
        var out = ""
        func line(_ bucket: Spend.Bucket) -> String {
            "\(plural(bucket.turns, "turn")), " + usage(bucket.usage) + ", " + bucketCost(bucket)
        }
        if !b.subagents.isEmpty {
            out += "\nby thread (each turn once: these add up to the total)\n"
            out += "  main thread: " + line(b.mainThread) + "\n"
            for a in b.subagents {
                var name = "sub-agent #\(a.step)"
                let ids = [a.agentID.map { "agent \($0)" }, a.taskCallID.map { "started by \($0)" }].compactMap { $0 }
                if !ids.isEmpty { name += " (" + ids.joined(separator: ", ") + ")" }
                out += "  " + name + ": " + line(a.spend) + "\n"
            }
        }
        if !b.tools.isEmpty {
            out += "\nby tool (a turn counts for each tool it asked for: these do not add up to the total)\n"
            let width = b.tools.map(\.name.count).max() ?? 0
            for t in b.tools {
                let calls = t.name == CostBreakdown.noTool ? "" : plural(t.calls, "call") + ", "
                out += "  " + pad(t.name, width) + "  " + calls + line(t.spend) + "\n"
            }
        }
        return out
    }

    static func describe(_ a: Action, session: Session, palette p: Palette = .plain) -> String {
        var line = "  " + pad(a.kind.rawValue, 8) + " "
        switch a.kind {
        case .prompt:
            line += "“" + (a.text ?? "") + "”"
        case .read:
            line += (a.tool ?? a.name) + " " + a.paths.joined(separator: ", ")
            if let n = a.linesRead { line += " (\(n) line\(n == 1 ? "" : "s"))" }
        case .edit:
            line += (a.tool ?? a.name) + " "
            if a.changes.isEmpty {
                line += a.paths.joined(separator: ", ")
            } else {
                line += a.changes.map { "\($0.path) +\($0.diff.added) −\($0.diff.removed)" }.joined(separator: ", ")
            }
        case .command:
            line += "`" + oneLine(a.shell?.command ?? "", 100) + "`"
            switch a.shell?.ending {
            case .exited(let code)?: line += " → exit \(code)"
            case .succeeded?: line += " → ok"
            case .failed?: line += " → failed"
            case .unknown?, nil: break
            }
            if !a.changes.isEmpty {
                line += "  changed " + a.changes.map { "\($0.path) +\($0.diff.added) −\($0.diff.removed)" }.joined(separator: ", ")
            }
        case .tool, .event:
            line += a.tool ?? a.name
            if !a.paths.isEmpty { line += " " + a.paths.joined(separator: ", ") }
        }
        if a.verdict != .served && a.verdict != .applied { line += "  " + p.paint("[\(a.verdict.rawValue)]", a.verdict.isFailure ? .bad : .warning) }
        if a.failed, let text = a.text, a.kind != .prompt {
            line += "  — " + text
        } else if a.verdict.isFailure, let note = a.note {
            line += "  — " + note
        }
        var out = line + "\n"
        for d in a.drift { out += "           " + p.paint("drift:", .bad) + " " + RunReport.describe(d, stepOf: [:]) + "\n" }
        for mark in session.highlights(on: a.spanID) { out += "           " + p.paint("\(mark.kind.rawValue):", .warning) + " \(mark.detail)\n" }
        return out
    }

    static func usage(_ u: Usage) -> String {
        "\(TimeText.count(u.inputTokens)) in, \(TimeText.count(u.outputTokens)) out, "
            + "\(TimeText.count(u.cacheReadTokens)) cache read, \(TimeText.count(u.cacheCreationTokens)) cache write"
    }

    static func cost(_ c: Money?, model: String?) -> String {
        c.map(\.description) ?? (model == nil ? "cost unknown (no model named)" : "cost unknown")
    }

    static func bucketCost(_ b: Spend.Bucket) -> String {
        b.unknownTurns == 0
            ? b.cost.description
            : b.cost == .zero ? "cost unknown" : "\(b.cost) known, \(b.unknownTurns) turn\(b.unknownTurns == 1 ? "" : "s") of unknown cost"
    }

    static func oneLine(_ s: String, _ limit: Int) -> String {
        let first = s.split(separator: "\n", omittingEmptySubsequences: true).first.map(String.init) ?? ""
        let more = first.count < s.trimmingTrailingNewlines.count
        return first.count > limit ? String(first.prefix(limit)) + "…" : first + (more ? " …" : "")
    }

    static func plural(_ n: Int, _ word: String) -> String { "\(n) \(word)\(n == 1 ? "" : "s")" }

    static func pad(_ s: String, _ width: Int) -> String {
        s.count >= width ? s : s + String(repeating: " ", count: width - s.count)
    }
}

private extension String {
    var trimmingTrailingNewlines: Substring {
        var s = self[...]
        while s.last == "\n" { s = s.dropLast() }
        return s
    }
}
