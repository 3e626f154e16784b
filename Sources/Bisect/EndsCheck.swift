/// The checks before any search: the end must fail and the base must pass. Shared by
/// `Bisector` and `Minimizer`, which differ in what they search between the two.
///
/// The end is tested first (with one job), as it usually decides alone: an end that passes
/// leaves nothing to search. Exit statuses 126 and 127 (the shell could not execute or find
/// the command) are checked against the base as `git bisect run` does: when the base gives
/// 126 or 127 too, the command itself is broken.
struct EndsCheck: Sendable, Equatable {
    /// A state's verdict and the exit status of its first run (nil when none is known).
    struct Mark: Sendable, Equatable {
        var verdict: ProbeVerdict
        var status: Int32?
    }

    enum Next: Equatable {
        case probe(end: Bool, base: Bool)
        case ready
        case done(BisectOutcome)
    }

    var end: Mark?
    var base: Mark?

    /// What to do next; `last` is the end's number in the caller's numbering.
    func next(jobs: Int, last: Int) -> Next {
        if let end, end.verdict == .abort { return .done(.aborted(status: end.status ?? 128)) }
        if let base, base.verdict == .abort { return .done(.aborted(status: base.status ?? 128)) }
        guard let end else { return .probe(end: true, base: base == nil && jobs > 1) }
        switch end.verdict {
        case .good: return .done(.endPasses)
        case .skip, .flaky: return .done(.untestable(last, end.verdict))
        case .bad, .abort: break
        }
        guard let base else { return .probe(end: false, base: true) }
        switch base.verdict {
        case .good: return .ready
        case .skip, .flaky: return .done(.untestable(0, base.verdict))
        case .bad, .abort:
            if Self.cannotRun(end.status), Self.cannotRun(base.status) {
                return .done(.commandBroken(status: end.status ?? 127))
            }
            return .done(.baseFails)
        }
    }

    /// 126 (found but not executable) and 127 (not found), as a shell reports them.
    static func cannotRun(_ status: Int32?) -> Bool { status == 126 || status == 127 }
}
