import Analysis
import Replay
import Trace

/// `agentreplay diff --json`: one versioned, byte-stable document (`docs/diff.md`).
enum DiffDocument {
    static let version: Int64 = 1

    static func json(_ diff: RunDiff, a: Run, b: Run, hunks: ([EditHunk], [EditHunk])) -> JSON {
        .object([
            ("schema", .string("agentreplay.diff")),
            ("version", .number(version)),
            ("identical", .bool(diff.identical)),
            ("a", run(a)),
            ("b", run(b)),
            ("first_divergence", diff.firstDivergence.map { entry(diff.entries[$0], position: $0) } ?? .null),
            ("first_state_divergence", stateDivergence(diff)),
            ("final_trees_equal", .bool(diff.finalTreesEqual)),
            (
                "differences",
                .array(diff.entries.enumerated().filter { $0.element.kind != .identical }.map { entry($0.element, position: $0.offset) })
            ),
            ("hunks", .object([("a", .array(hunks.0.map(hunk))), ("b", .array(hunks.1.map(hunk)))])),
        ])
    }

    static func run(_ r: Run) -> JSON {
        .object([
            ("trace_id", .string(r.header.traceID)),
            ("base_tree", .string(r.baseTree.hex)),
            ("final_tree", .string(r.finalTree.hex)),
            ("tool_calls", .number(r.summary.toolCalls)),
        ])
    }

    static func stateDivergence(_ diff: RunDiff) -> JSON {
        guard let at = diff.firstStateDivergence else { return .null }
        if at < 0 { return .object([("position", .number(-1)), ("reason", .string("the bases differ"))]) }
        if at >= diff.entries.count { return .object([("position", .number(at)), ("reason", .string("the final trees differ"))]) }
        return entry(diff.entries[at], position: at)
    }

    static func entry(_ e: RunDiff.Entry, position: Int) -> JSON {
        var m: [(String, JSON)] = [("position", .number(position)), ("class", .string(e.kind.rawValue))]
        m.append(("a", e.a.map(side) ?? .null))
        m.append(("b", e.b.map(side) ?? .null))
        if let other = e.otherPosition { m.append(("other_position", side(other))) }
        return .object(m)
    }

    static func side(_ s: RunDiff.Side) -> JSON {
        .object([
            ("index", .number(s.index)),
            ("span_id", .string(s.spanID.rawValue)),
            ("tool", s.tool.map(JSON.string) ?? .null),
            ("tool_call_id", s.callID.map(JSON.string) ?? .null),
            ("paths", .array(s.paths.map(JSON.string))),
            ("verdict", .string(s.verdict.rawValue)),
        ])
    }

    static func hunk(_ h: EditHunk) -> JSON {
        .object([
            ("path", .string(h.path)),
            ("old_start", .number(h.oldStart)), ("old_lines", .number(h.oldLines)),
            ("new_start", .number(h.newStart)), ("new_lines", .number(h.newLines)),
            (
                "spans",
                .array(
                    h.owners.map { o in
                        .object([
                            ("span_id", .string(o.spanID.rawValue)),
                            ("tool", o.tool.map(JSON.string) ?? .null),
                            ("tool_call_id", o.callID.map(JSON.string) ?? .null),
                            ("turn_span_id", o.turnID.map { .string($0.rawValue) } ?? .null),
                            ("turn_tokens", RunDocument.usage(o.turnUsage)),
                        ])
                    })
            ),
        ])
    }
}
