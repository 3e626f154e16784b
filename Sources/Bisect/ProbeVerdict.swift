/// What bisect concluded about one state from its test runs: the runs' verdicts
/// (`BisectVerdict`) combined, with `flaky` for runs that disagree.
///
/// - `good`, `bad`, `skip`: every run said so.
/// - `flaky`: the runs disagree (`--retries`); the search treats the state as untestable,
///   like `skip`, and the result lists it.
/// - `abort`: a run exited 128 or above (or was killed by a signal): the search stops.
public enum ProbeVerdict: String, Sendable, Equatable, CaseIterable {
    case good
    case bad
    case skip
    case flaky
    case abort

    /// The verdict of one state from the verdicts of its runs, in the order they ran: `abort`
    /// as soon as one run aborts, the common verdict when they all agree, else `flaky`.
    public init(runs: [BisectVerdict]) {
        precondition(!runs.isEmpty, "a probe has at least one run")
        if runs.contains(.abort) {
            self = .abort
            return
        }
        let first = runs[0]
        guard runs.allSatisfy({ $0 == first }) else {
            self = .flaky
            return
        }
        switch first {
        case .good: self = .good
        case .bad: self = .bad
        case .skip: self = .skip
        case .abort: self = .abort
        }
    }

    /// Whether the search can use the verdict (good or bad); skip and flaky cannot.
    public var isDecisive: Bool { self == .good || self == .bad }
}
