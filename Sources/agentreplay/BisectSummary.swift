import Bisect
import Git
import Replay

/// What `agentreplay bisect` and `bisect replay` print from: the search's outcome and probes,
/// the run's history, the settings that shaped the search. Everything here comes from the
/// log's replayable part, so both commands print the same thing.
struct BisectSummary {
    var history: History
    var outcome: BisectOutcome
    var probes: [ProbeRecord]
    var mode: String
    var test: String
    var repository: Repository

    var testRuns: Int { probes.reduce(0) { $0 + $1.runs.count } }

    /// 0 found (a culprit, or with --minimal a set), 1 not found (ambiguous, non-monotonic,
    /// the base fails, the end passes, untestable ends, nothing to bisect), 2 trouble (the
    /// command cannot run, a run exited 128 or above).
    var exitStatus: Int32 {
        switch outcome {
        case .found, .minimal: return 0
        case .ambiguous, .nonMonotonic, .baseFails, .endPasses, .untestable, .nothingToBisect: return 1
        case .commandBroken, .aborted: return 2
        }
    }

    func candidate(_ number: Int) -> History.Candidate { history.candidates[number - 1] }

    /// The unified diff of a candidate's commit against the state before it.
    func diff(_ number: Int) throws -> String {
        let c = candidate(number)
        return try BisectDiff.text(from: c.parentTree, to: c.tree, repository: repository)
    }

    func paths(_ number: Int) throws -> [String] {
        let c = candidate(number)
        return try repository.diff(from: c.parentTree, to: c.tree).map(\.path)
    }

    func describe(step: Int) -> String {
        if step == 0 { return "base" }
        let c = candidate(step)
        return "step \(step) (\(c.toolName ?? c.name) \(c.callID ?? c.spanID.rawValue))"
    }
}
