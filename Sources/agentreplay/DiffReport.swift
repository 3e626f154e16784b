import Analysis
import Replay
import Trace

/// The readable face of `agentreplay diff`.
enum DiffReport {
    static func text(_ diff: RunDiff, names: (String, String), runs: (Run, Run), hunks: ([EditHunk], [EditHunk]), palette: Palette = .plain) -> String
    {
        var out = "A: \(names.0) (\(runs.0.summary.toolCalls) tool calls)\nB: \(names.1) (\(runs.1.summary.toolCalls) tool calls)\n\n"
        guard !diff.identical else {
            return out + "identical: the same calls with the same results, and the same final tree\n"
        }
        if let at = diff.firstDivergence {
            let e = diff.entries[at]
            out +=
                palette.paint("first divergence", .strong)
                + " (\(e.kind.rawValue)): A \(side(e.a ?? e.otherPosition)) | B \(side(e.b ?? e.otherPosition))\n"
        }
        if let at = diff.firstStateDivergence {
            if at < 0 {
                out += "first state divergence: the two bases differ\n"
            } else if at >= diff.entries.count {
                out += "first state divergence: the final trees differ\n"
            } else {
                let e = diff.entries[at]
                out += "first state divergence: after A \(side(e.a)) | B \(side(e.b))\n"
            }
        } else {
            out += "the replayed trees never differ\n"
        }
        let differences = diff.differences
        out += "\n\(differences.count) difference\(differences.count == 1 ? "" : "s"):\n"
        let width = 16
        for e in differences {
            out +=
                "  " + palette.paint(RunReport.pad(e.kind.rawValue, width), role(e.kind)) + "  A " + RunReport.pad(side(e.a), 48) + " | B "
                + side(e.b) + "\n"
        }
        out += "\nfinal trees: \(diff.finalTreesEqual ? "equal" : "differ")\n"
        for (label, list) in [("A", hunks.0), ("B", hunks.1)] where !list.isEmpty {
            out += "\nedits of \(label) against its base, by the span that made them:\n"
            for h in list {
                let owners = h.owners.map { o in
                    "\(o.tool ?? "?") \(o.callID ?? o.spanID.rawValue) (turn \(o.turnID?.rawValue ?? "-"): \(o.turnUsage.inputTokens) in, \(o.turnUsage.outputTokens) out)"
                }.joined(separator: ", ")
                out += "  \(h.path) @@ -\(h.oldStart),\(h.oldLines) +\(h.newStart),\(h.newLines) @@  \(owners.isEmpty ? "(base)" : owners)\n"
            }
        }
        return out
    }

    /// Only in A: bad (red), only in B: good (green), the same call differing: warning.
    static func role(_ kind: RunDiff.Class) -> Palette.Role {
        switch kind {
        case .onlyInA: return .bad
        case .onlyInB: return .good
        default: return .warning
        }
    }

    static func side(_ s: RunDiff.Side?) -> String {
        guard let s else { return "-" }
        var t = "#\(s.index) \(s.tool ?? "?")"
        if let p = s.paths.first { t += " " + p }
        if let c = s.callID { t += " (\(c))" }
        return t
    }
}
