/// Glossary of bisect.
///
/// - **Candidate**: a span of the run that changed files; candidate k (from 1) made the run's
///   commit k. Spans that changed nothing cannot break a test and are never probed.
/// - **State**: the files after some candidates. State 0 is the base, state k the tree of
///   commit k, and the last state the end of the run.
/// - **Probe**: testing one state (with `--minimal`, one combination of candidates) in a
///   private worktree: one run of the test, or `1 + retries` runs.
/// - **Verdict**: what a run's exit status says (`BisectVerdict`, `git bisect run`'s
///   contract), and what a probe's runs say together (`ProbeVerdict`: `flaky` when they
///   disagree).
/// - **Culprit**: the candidate whose state is the first to fail.
/// - **Bisector**, **Minimizer**: the searches, as values that say what to probe next and
///   take verdicts; they run nothing. `Session` runs the probes.
///
/// A binary (with more jobs, k-ary) search over the states of a run. It is a plain value:
/// `next()` says which states to probe, or that the search is done, and `mark(_:_:)` takes
/// what a probe found. It runs nothing, so it is tested with plain values.
///
/// Verdicts are kept by tree: states with the same tree (a span undone by a later one, a
/// rewrite to the same content) share one verdict and are tested once. The base must pass and
/// the end fail (`EndsCheck`); a state that passes after one that fails is reported as a
/// non-monotonic history instead of a culprit.
public struct Bisector: ProbeSearch, Sendable {
    /// A state's number: 0 is the base, k the state after candidate k.
    public typealias Step = Int
    public typealias Next = SearchNext<Step>

    /// How many states to probe at once (k-ary search with k = jobs + 1 parts).
    public let jobs: Int
    /// The number of the end state (the number of candidates).
    public let last: Step
    /// For each state, the first state with the same tree: verdicts are kept under it.
    private let representative: [Step]
    private var marks: [Step: EndsCheck.Mark] = [:]
    private var abortStatus: Int32?

    /// `trees[k]` names the tree of state k (any key that is equal exactly when the trees
    /// are); `trees[0]` is the base. There must be at least one.
    public init(trees: [String], jobs: Int = 1) {
        precondition(!trees.isEmpty, "the base state is always there")
        self.jobs = max(1, jobs)
        self.last = trees.count - 1
        var first: [String: Step] = [:]
        var representative: [Step] = []
        representative.reserveCapacity(trees.count)
        for (step, tree) in trees.enumerated() {
            if let seen = first[tree] {
                representative.append(seen)
            } else {
                first[tree] = step
                representative.append(step)
            }
        }
        self.representative = representative
    }

    /// What is known of state `step`, from its own probe or one of a state with its tree.
    public func verdict(of step: Step) -> ProbeVerdict? {
        marks[representative[step]]?.verdict
    }

    /// Whether `a` and `b` have the same tree.
    public func sameTree(_ a: Step, _ b: Step) -> Bool {
        representative[a] == representative[b]
    }

    /// Records what the probe of `step` found; `status` is the exit status of its first run
    /// (it tells 126 and 127 apart from other failures).
    public mutating func mark(_ step: Step, _ verdict: ProbeVerdict, status: Int32? = nil) {
        marks[representative[step]] = EndsCheck.Mark(verdict: verdict, status: status)
        if verdict == .abort, abortStatus == nil { abortStatus = status ?? 128 }
    }

    public func next() -> Next {
        guard last > 0 else { return .done(.nothingToBisect) }
        if let abortStatus { return .done(.aborted(status: abortStatus)) }
        let ends = EndsCheck(end: marks[representative[last]], base: marks[representative[0]])
        switch ends.next(jobs: jobs, last: last) {
        case .done(let outcome):
            return .done(outcome)
        case .probe(let end, let base):
            var steps: [Step] = []
            if base { steps.append(0) }
            if end { steps.append(last) }
            if end && base && jobs > 2 {
                steps += choose(between: 0, and: last, count: jobs - 2)
            }
            return .probe(distinctTrees(steps.sorted()))
        case .ready:
            break
        }
        // The base passes and the end fails. Find the first failing state and the last
        // passing one; in a monotone history the last passing one comes first.
        var firstBad = last
        var lastGood = 0
        for step in 0...last {
            switch verdict(of: step) {
            case .bad?: firstBad = min(firstBad, step)
            case .good?: lastGood = step
            default: break
            }
        }
        if lastGood > firstBad {
            let bad = (firstBad..<lastGood).last { verdict(of: $0) == .bad } ?? firstBad
            return .done(.nonMonotonic(bad: bad, good: lastGood))
        }
        let unknown = unknownSteps(between: lastGood, and: firstBad)
        if unknown.isEmpty {
            return .done(firstBad == lastGood + 1 ? .found(firstBad) : .ambiguous((lastGood + 1)...firstBad))
        }
        return .probe(choose(between: lastGood, and: firstBad, count: jobs).sorted())
    }

    /// The untested states strictly between `low` and `high`.
    private func unknownSteps(between low: Step, and high: Step) -> [Step] {
        guard high - low > 1 else { return [] }
        return ((low + 1)..<high).filter { verdict(of: $0) == nil }
    }

    /// Up to `count` untested states strictly between `low` and `high`, with distinct trees,
    /// each the nearest to one of the points that cut the range into `count + 1` equal
    /// parts (the lower on a tie). With one job the cut is at `low + (high - low) / 2`, so
    /// each probe leaves at most half the candidates (rounded up).
    private func choose(between low: Step, and high: Step, count: Int) -> [Step] {
        let unknown = unknownSteps(between: low, and: high)
        guard !unknown.isEmpty, count > 0 else { return [] }
        var chosen: [Step] = []
        var chosenTrees = Set<Step>()
        let width = high - low
        for part in 1...count {
            let ideal = low + part * width / (count + 1)
            // The nearest untested state, walking out from the ideal point.
            var index = lowerBound(unknown, ideal)
            var below = index - 1
            var pick: Step?
            while pick == nil && (below >= 0 || index < unknown.count) {
                let up = index < unknown.count ? unknown[index] : nil
                let down = below >= 0 ? unknown[below] : nil
                let candidate: Step
                if let up, let down {
                    candidate = ideal - down <= up - ideal ? down : up
                } else {
                    candidate = up ?? down!
                }
                if candidate == up { index += 1 } else { below -= 1 }
                if !chosenTrees.contains(representative[candidate]) { pick = candidate }
            }
            guard let pick else { break }
            chosen.append(pick)
            chosenTrees.insert(representative[pick])
        }
        return chosen
    }

    private func distinctTrees(_ steps: [Step]) -> [Step] {
        var seen = Set<Step>()
        return steps.filter { seen.insert(representative[$0]).inserted }
    }

    private func lowerBound(_ sorted: [Step], _ value: Step) -> Int {
        var low = 0, high = sorted.count
        while low < high {
            let middle = (low + high) / 2
            if sorted[middle] < value { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
