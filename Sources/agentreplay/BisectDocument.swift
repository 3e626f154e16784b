import Bisect
import Replay
import Trace

/// `agentreplay bisect --json`: one versioned, byte-stable document (`docs/bisect.md`): the
/// outcome, the culprit (or candidates) with their tool call ids, and every probe.
enum BisectDocument {
    static let version: Int64 = 1

    static func json(_ s: BisectSummary) throws -> JSON {
        var members: [(String, JSON)] = [
            ("schema", .string("agentreplay.bisect")),
            ("version", .number(version)),
            ("trace_id", .string(s.history.header.traceID)),
            ("mode", .string(s.mode)),
            ("test", .string(s.test)),
            ("candidates", .number(s.history.candidates.count)),
            ("result", .string(s.outcome.name)),
            ("exit_status", .number(Int(s.exitStatus))),
        ]
        switch s.outcome {
        case .found(let step):
            members.append(("culprit", try candidate(s, step, details: true)))
        case .minimal(let set):
            members.append(("minimal", .array(try set.map { try candidate(s, $0, details: true) })))
        case .ambiguous(let range):
            members.append(("range", .array(try range.map { try candidate(s, $0, details: false) })))
        case .nonMonotonic(let bad, let good):
            members.append(("non_monotonic", .object([("bad", try state(s, bad)), ("good", try state(s, good))])))
        case .untestable(let step, let verdict):
            members.append(("untestable", .object([("step", .number(step)), ("verdict", .string(verdict.rawValue))])))
        case .commandBroken(let status), .aborted(let status):
            members.append(("status", .number(Int(status))))
        case .baseFails, .endPasses, .nothingToBisect:
            break
        }
        members.append(("test_runs", .number(s.testRuns)))
        members.append(("flaky", .array(s.probes.filter { $0.verdict == .flaky }.map { .number($0.number) })))
        members.append(("probes", .array(s.probes.map(probe))))
        return .object(members)
    }

    static func state(_ s: BisectSummary, _ step: Int) throws -> JSON {
        step == 0 ? .object([("step", .number(0))]) : try candidate(s, step, details: false)
    }

    static func candidate(_ s: BisectSummary, _ step: Int, details: Bool) throws -> JSON {
        let c = s.candidate(step)
        var m: [(String, JSON)] = [
            ("step", .number(step)),
            ("span_id", .string(c.spanID.rawValue)),
            ("span_index", .number(c.spanIndex)),
            ("name", .string(c.name)),
            ("tool", c.toolName.map(JSON.string) ?? .null),
            ("tool_call_id", c.callID.map(JSON.string) ?? .null),
            ("commit", c.commit.map { .string($0.hex) } ?? .null),
            ("paths", .array(try s.paths(step).map(JSON.string))),
        ]
        if details {
            m.append(
                (
                    "turn",
                    c.turnID.map { turn in
                        .object([("span_id", .string(turn.rawValue)), ("text", s.history.responses[turn].map(JSON.string) ?? .null)])
                    } ?? .null
                ))
            m.append(("tokens_up_to", RunDocument.usage(c.tokens)))
            m.append(("diff", .string(try s.diff(step))))
        }
        return .object(m)
    }

    static func probe(_ p: ProbeRecord) -> JSON {
        var m: [(String, JSON)] = [("probe", .number(p.number))]
        if let step = p.step { m.append(("step", .number(step))) }
        if let combination = p.combination { m.append(("combination", .array(combination.map { .number($0) }))) }
        m.append(("tree", .string(p.tree.hex)))
        m.append(("verdict", .string(p.verdict.rawValue)))
        m.append(("exit_statuses", .array(p.runs.map { .number(Int($0.status)) })))
        m.append(("timed_out", .bool(p.runs.contains(where: \.timedOut))))
        return .object(m)
    }
}
