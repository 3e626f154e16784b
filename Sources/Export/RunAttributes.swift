import Git
import Replay
import ToolSemantics
import Trace

/// A replay's verdicts in OTLP terms: per span `agentreplay.replay.*` attributes (verdict,
/// paths, commit, note, unseen effects, redacted paths) and one `agentreplay.drift` event per drift found; on
/// the resource, the run's base, head, final tree, cleanliness and counts.
enum RunAttributes {
    static func span(_ step: Run.Step) -> [(String, JSON)] {
        var out: [(String, JSON)] = [("agentreplay.replay.verdict", .string(step.verdict.rawValue))]
        if !step.paths.isEmpty { out.append(("agentreplay.replay.paths", .array(step.paths.map(JSON.string)))) }
        if let commit = step.commit { out.append(("agentreplay.replay.commit", .string(commit.hex))) }
        if let note = step.note { out.append(("agentreplay.replay.note", .string(note))) }
        if step.unseenEffects { out.append(("agentreplay.replay.unseen_effects_possible", .bool(true))) }
        if !step.redacted.isEmpty { out.append(("agentreplay.replay.redacted", .array(step.redacted.map(JSON.string)))) }
        if !step.drift.isEmpty { out.append(("agentreplay.replay.drift", .number(step.drift.count))) }
        return out
    }

    static func event(_ d: Drift, time: Timestamp?) -> JSON {
        var attributes: [(String, JSON)] = [("agentreplay.drift.kind", .string(d.kind.rawValue)), ("agentreplay.drift.path", .string(d.path))]
        if let line = d.line { attributes.append(("agentreplay.drift.line", .number(line))) }
        if let r = d.recorded { attributes.append(("agentreplay.drift.recorded", .string(r))) }
        if let r = d.replayed { attributes.append(("agentreplay.drift.replayed", .string(r))) }
        if !d.suspects.isEmpty { attributes.append(("agentreplay.drift.suspect_span_ids", .array(d.suspects.map { .string($0.rawValue) }))) }
        var m: [(String, JSON)] = []
        if let time { m.append(("timeUnixNano", .string(GenAISpan.nanos(time)))) }
        m.append(("name", .string("agentreplay.drift")))
        m.append(("attributes", AnyValue.attributes(attributes)))
        return .object(m)
    }

    static func resource(_ run: Run) -> [(String, JSON)] {
        let s = run.summary
        var out: [(String, JSON)] = []
        if let c = run.baseCommit { out.append(("agentreplay.run.base_commit", .string(c.hex))) }
        out.append(("agentreplay.run.base_tree", .string(run.baseTree.hex)))
        if let h = run.head { out.append(("agentreplay.run.head", .string(h.hex))) }
        out.append(("agentreplay.run.final_tree", .string(run.finalTree.hex)))
        out.append(("agentreplay.run.clean", .bool(run.clean)))
        out.append(("agentreplay.run.outcome", .string(run.outcome.rawValue)))
        out.append(("agentreplay.run.edits_applied", .number(s.editsApplied)))
        out.append(("agentreplay.run.failed_as_recorded", .number(s.failedAsRecorded)))
        out.append(("agentreplay.run.mismatch", .number(s.mismatch)))
        out.append(("agentreplay.run.not_replayable", .number(s.notReplayable)))
        out.append(("agentreplay.run.drift", .number(s.drift)))
        out.append(("agentreplay.run.commits", .number(s.commits)))
        return out
    }
}
