/// Delta debugging (Zeller and Hildebrandt's ddmin) over the candidates of a run, as a value:
/// a smallest set of candidates whose changes alone, applied to the base, make the test fail.
///
/// Where bisection names the first state that fails, this answers a different question: when
/// the failure needs two edits that only break things together (a renamed function and its
/// caller left behind), the first failing state names only the second, and `--minimal` names
/// both. The set found is 1-minimal: leaving out any one of its candidates makes the test
/// pass (or unresolved: skip, flaky).
///
/// Like `Bisector`, it runs nothing: `next()` says which combinations to probe (a combination
/// is a sorted list of candidate numbers, 1 to `count`) and `mark(_:_:status:)` takes the
/// verdicts. The full set (the end) must fail and the empty set (the base) pass; a
/// combination that cannot be tested counts as not failing, as ddmin's "unresolved".
public struct Minimizer: ProbeSearch, Sendable {
    public typealias Combination = [Int]
    public typealias Next = SearchNext<Combination>

    public let count: Int
    public let jobs: Int
    private var results: [Combination: EndsCheck.Mark] = [:]
    private var abortStatus: Int32?
    /// The failing combination being reduced, and how many parts it is cut into.
    private var current: Combination
    private var granularity = 2

    public init(count: Int, jobs: Int = 1) {
        self.count = max(0, count)
        self.jobs = max(1, jobs)
        self.current = Array(stride(from: 1, through: max(0, count), by: 1))
    }

    /// The full set: every candidate, the run's end.
    public var all: Combination { Array(stride(from: 1, through: count, by: 1)) }

    public func verdict(of combination: Combination) -> ProbeVerdict? {
        results[combination]?.verdict
    }

    public mutating func mark(_ combination: Combination, _ verdict: ProbeVerdict, status: Int32? = nil) {
        results[combination] = EndsCheck.Mark(verdict: verdict, status: status)
        if verdict == .abort, abortStatus == nil { abortStatus = status ?? 128 }
    }

    /// The next combinations to probe, or the result. It advances the search over what is
    /// already marked, so call it once after marking each batch.
    public mutating func next() -> Next {
        guard count > 0 else { return .done(.nothingToBisect) }
        if let abortStatus { return .done(.aborted(status: abortStatus)) }
        switch EndsCheck(end: results[all], base: results[[]]).next(jobs: jobs, last: count) {
        case .done(let outcome): return .done(outcome)
        case .probe(let end, let base):
            return .probe((base ? [[]] : []) + (end ? [all] : []))
        case .ready: break
        }
        while true {
            if current.count == 1 { return .done(.minimal(current)) }
            let parts = split(current, into: granularity)
            // Reduce to a part that fails on its own…
            if let failing = parts.first(where: failing) {
                current = failing
                granularity = 2
                continue
            }
            let untested = parts.filter { results[$0] == nil }
            if !untested.isEmpty { return .probe(Array(untested.prefix(jobs))) }
            // …or to a complement that fails (with two parts the complements are the parts).
            if granularity > 2 {
                let complements = parts.map { part in current.filter { !part.contains($0) } }
                if let failing = complements.first(where: failing) {
                    current = failing
                    granularity = max(granularity - 1, 2)
                    continue
                }
                let untested = complements.filter { results[$0] == nil }
                if !untested.isEmpty { return .probe(Array(untested.prefix(jobs))) }
            }
            // …else cut finer, until every candidate stands alone.
            if granularity < current.count {
                granularity = min(granularity * 2, current.count)
                continue
            }
            return .done(.minimal(current))
        }
    }

    private func failing(_ combination: Combination) -> Bool {
        results[combination]?.verdict == .bad
    }

    /// `combination` cut into `parts` runs of nearly equal length, in order.
    private func split(_ combination: Combination, into parts: Int) -> [Combination] {
        (0..<parts).map { i in
            Array(combination[(i * combination.count / parts)..<((i + 1) * combination.count / parts)])
        }
    }
}
