import XCTest
@testable import Bisect

/// The search as a value: verdicts in, probes out. No processes, no repositories.
final class BisectorTests: XCTestCase {
    /// Runs a bisector against `oracle` (state → verdict and exit status) to the end; returns
    /// the outcome and the batches it asked for.
    func search(
        trees: [String], jobs: Int = 1, limit: Int = 10_000,
        _ oracle: (Int) -> (ProbeVerdict, Int32)
    ) -> (outcome: BisectOutcome, batches: [[Int]]) {
        var bisector = Bisector(trees: trees, jobs: jobs)
        var batches: [[Int]] = []
        while batches.count < limit {
            switch bisector.next() {
            case .done(let outcome): return (outcome, batches)
            case .probe(let steps):
                XCTAssertFalse(steps.isEmpty)
                XCTAssertLessThanOrEqual(steps.count, max(jobs, 2))
                batches.append(steps)
                for step in steps {
                    XCTAssertNil(bisector.verdict(of: step), "state \(step) probed twice")
                    let (verdict, status) = oracle(step)
                    bisector.mark(step, verdict, status: status)
                }
            }
        }
        XCTFail("the search does not end")
        return (.nothingToBisect, batches)
    }

    func distinct(_ count: Int) -> [String] { (0..<count).map { "tree\($0)" } }

    func monotone(culprit: Int) -> (Int) -> (ProbeVerdict, Int32) {
        { $0 >= culprit ? (.bad, 1) : (.good, 0) }
    }

    func testCulpritAtFirstMiddleAndLastSpan() {
        let trees = distinct(17)  // base + 16 candidates
        for culprit in [1, 8, 16] {
            let (outcome, batches) = search(trees: trees, monotone(culprit: culprit))
            XCTAssertEqual(outcome, .found(culprit))
            XCTAssertEqual(batches.first, [16], "the end is probed first")
            XCTAssertEqual(batches.dropFirst().first, [0], "then the base")
        }
    }

    func testAtMostCeilLog2PlusTwoRunsInTheMonotoneCase() {
        for candidates in 1...70 {
            let bound = Int(ceil(log2(Double(candidates)))) + 2
            for culprit in 1...candidates {
                let (outcome, batches) = search(trees: distinct(candidates + 1), monotone(culprit: culprit))
                XCTAssertEqual(outcome, .found(culprit), "E=\(candidates) culprit=\(culprit)")
                XCTAssertLessThanOrEqual(batches.joined().count, bound, "E=\(candidates) culprit=\(culprit)")
            }
        }
        let (_, batches) = search(trees: distinct(1025), monotone(culprit: 777))
        XCTAssertEqual(batches.joined().count, 12)
    }

    func testBaseAlreadyFailing() {
        let (outcome, batches) = search(trees: distinct(9)) { _ in (.bad, 1) }
        XCTAssertEqual(outcome, .baseFails)
        XCTAssertEqual(batches, [[8], [0]])
    }

    func testEndPassingNeedsOneProbe() {
        let (outcome, batches) = search(trees: distinct(9)) { _ in (.good, 0) }
        XCTAssertEqual(outcome, .endPasses)
        XCTAssertEqual(batches, [[8]])
    }

    func testNothingToBisect() {
        XCTAssertEqual(Bisector(trees: ["t"]).next(), .done(.nothingToBisect))
    }

    func testUntestableEnds() {
        XCTAssertEqual(search(trees: distinct(5)) { _ in (.skip, 125) }.outcome, .untestable(4, .skip))
        XCTAssertEqual(search(trees: distinct(5)) { $0 == 0 ? (.flaky, 0) : (.bad, 1) }.outcome, .untestable(0, .flaky))
    }

    func testSkipsAroundTheCulpritGiveTheCandidateRange() {
        // Culprit 6; states 4 to 7 cannot be tested.
        let (outcome, _) = search(trees: distinct(11)) { step in
            if (4...7).contains(step) { return (.skip, 125) }
            return step >= 6 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(outcome, .ambiguous(4...8))
    }

    func testSkipsAwayFromTheCulpritAreSteppedAround() {
        // State 5 is skipped and 6 is the culprit: 4 passes, 6 fails, so it is 5 or 6.
        let (outcome, _) = search(trees: distinct(11)) { step in
            if step == 5 { return (.skip, 125) }
            return step >= 6 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(outcome, .ambiguous(5...6))
        let (clear, _) = search(trees: distinct(11)) { step in
            if step == 3 || step == 8 { return (.skip, 125) }
            return step >= 6 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(clear, .found(6))
    }

    func testFlakyStatesAreNotTrusted() {
        let (outcome, _) = search(trees: distinct(9)) { step in
            if step == 4 { return (.flaky, 1) }
            return step >= 4 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(outcome, .ambiguous(4...5))
    }

    func testSameTreeIsTestedOnce() {
        // States 3, 4 and 5 have one tree (span 4 and 5 rewrote a file to what it was).
        let trees = ["base", "a", "b", "c", "c", "c", "d", "e", "f"]
        var tested: [Int] = []
        let (outcome, batches) = search(trees: trees) { step in
            tested.append(step)
            return step >= 3 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(outcome, .found(3))
        XCTAssertEqual(Set(batches.joined()).intersection([3, 4, 5]).count, 1)
    }

    func testARevertedBreakageIsReportedAsNonMonotonic() {
        // Span 2 writes BUG, span 6 takes it out again (state 6 has state 1's tree), span 8
        // breaks the test another way. A plain bisection would name span 2 for the end's
        // failure; the shared tree shows a state passing after one that fails.
        let trees = ["t0", "t1", "t2", "t3", "t4", "t5", "t1", "t7", "t8"]
        let (outcome, _) = search(trees: trees) { step in
            switch step {
            case 0, 1, 6, 7: return (.good, 0)
            default: return (.bad, 1)
            }
        }
        guard case .nonMonotonic(let bad, let good) = outcome else {
            return XCTFail("expected non-monotonic, got \(outcome)")
        }
        XCTAssertLessThan(bad, good)
        XCTAssertEqual(good, 6)
    }

    func testCommandNotFoundOnBothEndsIsBroken() {
        let (outcome, batches) = search(trees: distinct(9)) { _ in (.bad, 127) }
        XCTAssertEqual(outcome, .commandBroken(status: 127))
        XCTAssertEqual(batches, [[8], [0]])
    }

    func testCommandNotFoundOnlyAtTheEndCountsAsBad() {
        let (outcome, _) = search(trees: distinct(9)) { step in step >= 3 ? (.bad, 126) : (.good, 0) }
        XCTAssertEqual(outcome, .found(3))
    }

    func testAbortStops() {
        let (outcome, batches) = search(trees: distinct(9)) { step in
            if step == 4 { return (.abort, 129) }
            return step >= 6 ? (.bad, 1) : (.good, 0)
        }
        XCTAssertEqual(outcome, .aborted(status: 129))
        XCTAssertEqual(batches.last, [4])
    }

    func testKAryWithSeveralJobs() {
        for jobs in [2, 3, 4] {
            for candidates in [1, 2, 5, 16, 63, 100] {
                for culprit in 1...candidates {
                    let (outcome, batches) = search(trees: distinct(candidates + 1), jobs: jobs, monotone(culprit: culprit))
                    XCTAssertEqual(outcome, .found(culprit), "jobs=\(jobs) E=\(candidates) culprit=\(culprit)")
                    for batch in batches { XCTAssertLessThanOrEqual(batch.count, jobs) }
                    // The ends round, then each round cuts the range into jobs + 1 parts.
                    let rounds = 1 + Int(ceil(log(Double(candidates)) / log(Double(jobs + 1)) - 1e-9))
                    XCTAssertLessThanOrEqual(batches.count, rounds, "jobs=\(jobs) E=\(candidates) culprit=\(culprit)")
                }
            }
        }
    }

    func testSeveralJobsProbeTheEndsTogether() {
        var bisector = Bisector(trees: distinct(101), jobs: 4)
        guard case .probe(let first) = bisector.next() else { return XCTFail() }
        XCTAssertEqual(first.count, 4)
        XCTAssertEqual(first.first, 0)
        XCTAssertEqual(first.last, 100)
        bisector.mark(0, .good)
        for step in first.dropFirst() { bisector.mark(step, .bad) }
        guard case .probe(let second) = bisector.next() else { return XCTFail() }
        XCTAssertTrue(second.allSatisfy { $0 > 0 && $0 < first[1] })
    }
}
