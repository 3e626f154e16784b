import Git
import Trace

/// The bisect log: NDJSON, one object per line, written as the search goes so an
/// interrupted bisect leaves what it found. `agentreplay bisect replay` reads it back and
/// replays the search without running anything (`LogReplay`).
///
/// - Line 1, the header: `schema` (`agentreplay.bisect-log`), `version`, `mode` (`bisect`
///   or `minimal`), where the run came from (`trace`, `repo`, `base`, `head`, `from`,
///   `recorded_root`), the search's settings (`test`, `jobs`, `retries`, `timeout`,
///   `timeout_verdict`), `base_tree` and the `candidates` (number, span, tool call, tree).
/// - One line per probe, in the order the search used them: `probe` (its number), `step`
///   or `combination`, `tree`, `verdict`, `runs` (each `status` and `timed_out`), `cached`
///   or `note` when there was no run, and last `duration_ms` (one per run), the only
///   member that differs between two identical bisects; replay ignores it.
/// - A last line with the `result` (`BisectOutcome.name`) and its details, when the search
///   ended.
///
/// Member order is fixed and no time, host or random id is written, so two bisects of the
/// same run with the same test write the same lines, durations apart.
public enum BisectLog {
    public static let schema = "agentreplay.bisect-log"
    public static let version: Int64 = 1

    public struct Header: Sendable, Equatable {
        public var mode: String
        /// The trace file bisected, as given; nil for a run stored in the repository.
        public var trace: String?
        public var repo: String
        public var base: String?
        /// The head of the stored run bisected.
        public var head: String?
        public var from: String?
        public var recordedRoot: String?
        public var test: String
        public var jobs: Int
        public var retries: Int
        public var timeout: Double?
        public var timeoutVerdict: String
        public var traceID: String
        public var baseTree: String
        public var candidates: [Candidate]

        public struct Candidate: Sendable, Equatable {
            public var number: Int
            public var spanID: String
            public var callID: String?
            public var tree: String
        }

        public init(
            mode: String, trace: String?, repo: String, base: String?, head: String?, from: String?,
            recordedRoot: String?, test: String, jobs: Int, retries: Int, timeout: Double?,
            timeoutVerdict: String, history: History
        ) {
            self.init(
                mode: mode, trace: trace, repo: repo, base: base, head: head, from: from,
                recordedRoot: recordedRoot, test: test, jobs: jobs, retries: retries, timeout: timeout,
                timeoutVerdict: timeoutVerdict, traceID: history.header.traceID, baseTree: history.baseTree.hex,
                candidates: history.candidates.map {
                    Candidate(number: $0.number, spanID: $0.spanID.rawValue, callID: $0.callID, tree: $0.tree.hex)
                })
        }

        public init(
            mode: String, trace: String?, repo: String, base: String?, head: String?, from: String?,
            recordedRoot: String?, test: String, jobs: Int, retries: Int, timeout: Double?,
            timeoutVerdict: String, traceID: String, baseTree: String, candidates: [Candidate]
        ) {
            self.mode = mode
            self.trace = trace
            self.repo = repo
            self.base = base
            self.head = head
            self.from = from
            self.recordedRoot = recordedRoot
            self.test = test
            self.jobs = jobs
            self.retries = retries
            self.timeout = timeout
            self.timeoutVerdict = timeoutVerdict
            self.traceID = traceID
            self.baseTree = baseTree
            self.candidates = candidates
        }

        public var json: JSON {
            .object([
                ("schema", .string(BisectLog.schema)),
                ("version", .number(BisectLog.version)),
                ("mode", .string(mode)),
                ("trace", string(trace)),
                ("repo", .string(repo)),
                ("base", string(base)),
                ("head", string(head)),
                ("from", string(from)),
                ("recorded_root", string(recordedRoot)),
                ("test", .string(test)),
                ("jobs", .number(jobs)),
                ("retries", .number(retries)),
                ("timeout", timeout.map { .number(BisectLog.seconds($0)) } ?? .null),
                ("timeout_verdict", .string(timeoutVerdict)),
                ("trace_id", .string(traceID)),
                ("base_tree", .string(baseTree)),
                (
                    "candidates",
                    .array(
                        candidates.map { c in
                            .object([
                                ("number", .number(c.number)),
                                ("span_id", .string(c.spanID)),
                                ("tool_call_id", string(c.callID)),
                                ("tree", .string(c.tree)),
                            ])
                        })
                ),
            ])
        }
    }

    /// The line of one probe.
    public static func json(_ probe: ProbeRecord) -> JSON {
        var members: [(String, JSON)] = [("probe", .number(probe.number))]
        if let step = probe.step { members.append(("step", .number(step))) }
        if let combination = probe.combination { members.append(("combination", .array(combination.map { .number($0) }))) }
        members.append(("tree", .string(probe.tree.hex)))
        members.append(("verdict", .string(probe.verdict.rawValue)))
        members.append(
            (
                "runs",
                .array(
                    probe.runs.map { run in
                        .object([("status", .number(Int(run.status))), ("timed_out", .bool(run.timedOut))])
                    })
            ))
        if probe.runs.isEmpty && probe.note == nil { members.append(("cached", .bool(true))) }
        if let note = probe.note { members.append(("note", .string(note))) }
        members.append(("duration_ms", .array(probe.runs.map { .number($0.milliseconds) })))
        return .object(members)
    }

    /// The last line.
    public static func json(result outcome: BisectOutcome, history: History, testRuns: Int) -> JSON {
        var members: [(String, JSON)] = [("result", .string(outcome.name))]
        func candidate(_ number: Int) -> JSON {
            let c = history.candidates[number - 1]
            return .object([("number", .number(number)), ("span_id", .string(c.spanID.rawValue)), ("tool_call_id", string(c.callID))])
        }
        switch outcome {
        case .found(let step): members.append(("culprit", candidate(step)))
        case .ambiguous(let range): members.append(("candidates", .array(range.map(candidate))))
        case .minimal(let set): members.append(("candidates", .array(set.map(candidate))))
        case .nonMonotonic(let bad, let good):
            members.append(("bad", .number(bad)))
            members.append(("good", .number(good)))
        case .untestable(let step, let verdict):
            members.append(("step", .number(step)))
            members.append(("verdict", .string(verdict.rawValue)))
        case .commandBroken(let status), .aborted(let status):
            members.append(("status", .number(Int(status))))
        case .baseFails, .endPasses, .nothingToBisect: break
        }
        members.append(("test_runs", .number(testRuns)))
        return .object(members)
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? String(Int64(value)) : String(value)
    }

    static func string(_ s: String?) -> JSON { s.map(JSON.string) ?? .null }

    /// One line of the log.
    public static func line(_ value: JSON) -> String { JSONWriter.string(value) + "\n" }
}
