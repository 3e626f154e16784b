/// How a search ended. States are numbered as in `Bisector`: 0 is the base, k the state after
/// the k-th candidate span, and the last number is the end of the run.
public enum BisectOutcome: Equatable, Sendable {
    /// The first state that fails: `step` fails and `step - 1` passes, so candidate `step`
    /// is the culprit.
    case found(Int)
    /// The culprit is one of the candidates in `range`: the states between the last that
    /// passes and the first that fails were skipped or flaky.
    case ambiguous(ClosedRange<Int>)
    /// A smallest set of candidates whose changes alone, applied to the base, make the test
    /// fail (`--minimal`); removing any one of them makes it pass.
    case minimal([Int])
    /// State `good` passes although the earlier state `bad` fails: a later span undid the
    /// breakage, so no single span explains the end (bisecting would name a wrong culprit).
    case nonMonotonic(bad: Int, good: Int)
    /// The base already fails: nothing the session did broke the test.
    case baseFails
    /// The end passes: the session broke nothing this test sees.
    case endPasses
    /// The base (0) or the end could not be tested: its verdict was skip or flaky.
    case untestable(Int, ProbeVerdict)
    /// The test exits 126 or 127 (cannot execute, not found) on the end and on the base: the
    /// command itself is broken.
    case commandBroken(status: Int32)
    /// A test run exited 128 or above (or was killed by a signal): bisect stops, as
    /// `git bisect run` does.
    case aborted(status: Int32)
    /// The run changed no files: there is nothing to search.
    case nothingToBisect

    /// A short name for logs and JSON: `found`, `ambiguous`, `minimal`, `non-monotonic`,
    /// `base-fails`, `end-passes`, `untestable`, `command-broken`, `aborted`,
    /// `nothing-to-bisect`.
    public var name: String {
        switch self {
        case .found: return "found"
        case .ambiguous: return "ambiguous"
        case .minimal: return "minimal"
        case .nonMonotonic: return "non-monotonic"
        case .baseFails: return "base-fails"
        case .endPasses: return "end-passes"
        case .untestable: return "untestable"
        case .commandBroken: return "command-broken"
        case .aborted: return "aborted"
        case .nothingToBisect: return "nothing-to-bisect"
        }
    }
}
