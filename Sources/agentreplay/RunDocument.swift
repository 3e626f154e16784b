import Git
import Replay
import ToolSemantics
import Trace

/// `agentreplay run --json`: one versioned document, byte-stable (fixed member order, no
/// times or paths of this machine). `docs/run.md` describes it.
enum RunDocument {
    static let version: Int64 = 1

    static func json(_ run: Run) -> JSON {
        let s = run.summary
        return .object([
            ("schema", .string("agentreplay.run")),
            ("version", .number(version)),
            ("trace", trace(run.header)),
            (
                "base",
                .object([
                    ("commit", id(run.baseCommit)), ("chosen_by", .string(run.baseChoice)), ("search", search(run.baseSearch)),
                    ("tree", .string(run.baseTree.hex)), ("start_state", .array(run.startState.map(recovery))),
                ])
            ),
            ("head", id(run.head)),
            ("final_tree", .string(run.finalTree.hex)),
            ("refs", .array(run.refs.map(JSON.string))),
            ("clean", .bool(run.clean)),
            ("outcome", .string(run.outcome.rawValue)),
            ("caveats", .array(run.caveats.map(JSON.string))),
            ("inferences", .array(run.inferences.map(JSON.string))),
            (
                "summary",
                .object([
                    ("spans", .number(s.spans)),
                    ("tool_calls", .number(s.toolCalls)),
                    ("edits_applied", .number(s.editsApplied)),
                    ("failed_as_recorded", .number(s.failedAsRecorded)),
                    ("mismatch", .number(s.mismatch)),
                    ("not_replayable", .number(s.notReplayable)),
                    ("drift", .number(s.drift)),
                    ("explained_differences", .number(s.explainedDifferences)),
                    ("unseen_effects_possible", .number(s.unseenEffects)),
                    ("unverified", .number(s.unverified)),
                    ("redacted", .number(s.redacted)),
                    ("recovered", .number(s.recovered)),
                    ("start_state", .number(s.startState)),
                    ("files_changed", .number(s.filesChanged)),
                    ("commits", .number(s.commits)),
                    ("tokens", usage(s.usage)),
                ])
            ),
            ("steps", .array(run.steps.map(step))),
        ])
    }

    static func step(_ step: Run.Step) -> JSON {
        var m: [(String, JSON)] = [
            ("index", .number(step.index)),
            ("span_id", .string(step.spanID.rawValue)),
            ("kind", .string(step.kind.rawValue)),
            ("name", .string(step.name)),
        ]
        if let tool = step.toolName { m.append(("tool", .string(tool))) }
        if let call = step.callID { m.append(("tool_call_id", .string(call))) }
        if let turn = step.turnID { m.append(("turn_span_id", .string(turn.rawValue))) }
        m.append(("verdict", .string(step.verdict.rawValue)))
        if !step.paths.isEmpty { m.append(("paths", .array(step.paths.map(JSON.string)))) }
        if let note = step.note { m.append(("note", .string(note))) }
        if !step.changes.isEmpty {
            m.append(
                (
                    "changes",
                    .array(
                        step.changes.map { c in
                            .object([("path", .string(c.path)), ("before", id(c.before)), ("after", id(c.after))])
                        })
                ))
        }
        if let commit = step.commit { m.append(("commit", .string(commit.hex))) }
        if step.unseenEffects { m.append(("unseen_effects_possible", .bool(true))) }
        if step.unverified { m.append(("unverified", .bool(true))) }
        if !step.redacted.isEmpty { m.append(("redacted", .array(step.redacted.map(JSON.string)))) }
        if !step.suspects.isEmpty {
            m.append(("suspect_span_ids", .array(step.suspects.map { .string($0.rawValue) })))
            m.append(("explained", .bool(true)))
        }
        if !step.recovered.isEmpty { m.append(("recovered", .array(step.recovered.map(recovery)))) }
        if !step.drift.isEmpty { m.append(("drift", .array(step.drift.map(drift)))) }
        if step.kind == .llm { m.append(("tokens", usage(step.usage))) }
        return .object(m)
    }

    static func drift(_ d: Drift) -> JSON {
        var m: [(String, JSON)] = [("kind", .string(d.kind.rawValue)), ("path", .string(d.path))]
        if let line = d.line { m.append(("line", .number(line))) }
        m.append(("recorded", string(d.recorded)))
        m.append(("replayed", string(d.replayed)))
        if !d.suspects.isEmpty {
            m.append(("suspect_span_ids", .array(d.suspects.map { .string($0.rawValue) })))
            m.append(("explained", .bool(true)))
        }
        return .object(m)
    }

    /// A file adopted from an observation: the path, its blob (null: no file), and the step
    /// whose observation showed it.
    /// The search for a base by agreement (`docs/run.md`, "The base"), or null when none was made.
    static func search(_ search: Base.Search?) -> JSON {
        guard let search else { return .null }
        return .object([
            ("agreed", .bool(search.agreed)),
            ("sights", .number(search.sights)),
            ("examined", .number(search.examined)),
            ("branch", search.branch.map(JSON.string) ?? .null),
            ("tips", .array(search.tips.map(JSON.string))),
        ])
    }

    static func recovery(_ r: Recovery) -> JSON {
        .object([
            ("path", .string(r.path)), ("blob", id(r.blob)), ("observed_at", .number(r.observedAt)),
            ("observation", .string(r.kind.rawValue)),
        ])
    }

    static func usage(_ u: Usage) -> JSON {
        .object([
            ("input", .number(u.inputTokens)), ("output", .number(u.outputTokens)),
            ("cache_read", .number(u.cacheReadTokens)), ("cache_creation", .number(u.cacheCreationTokens)),
        ])
    }

    /// The `trace` member of `run --json` and `show --json`: which log, of which agent.
    static func trace(_ header: Trace.Header) -> JSON {
        .object([
            ("id", .string(header.traceID)),
            ("agent", .string(header.agentName)),
            ("agent_version", string(header.agentVersion)),
            ("format", .string(header.sourceFormat)),
            ("file", string(header.sourceFile)),
        ])
    }

    static func id(_ id: ObjectID?) -> JSON { id.map { .string($0.hex) } ?? .null }
    static func string(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }
}
