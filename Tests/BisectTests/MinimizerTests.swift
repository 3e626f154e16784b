import XCTest
@testable import Bisect

/// ddmin as a value: combinations in, verdicts out.
final class MinimizerTests: XCTestCase {
    func minimize(count: Int, jobs: Int = 1, _ oracle: ([Int]) -> ProbeVerdict) -> (outcome: BisectOutcome, probes: [[Int]]) {
        var minimizer = Minimizer(count: count, jobs: jobs)
        var probes: [[Int]] = []
        while probes.count < 10_000 {
            switch minimizer.next() {
            case .done(let outcome): return (outcome, probes)
            case .probe(let combinations):
                XCTAssertLessThanOrEqual(combinations.count, max(jobs, 2))
                for combination in combinations {
                    XCTAssertNil(minimizer.verdict(of: combination), "\(combination) probed twice")
                    probes.append(combination)
                    let verdict = oracle(combination)
                    minimizer.mark(combination, verdict, status: verdict == .bad ? 1 : verdict == .abort ? 130 : 0)
                }
            }
        }
        XCTFail("ddmin does not end")
        return (.nothingToBisect, probes)
    }

    func testTwoEditsThatOnlyBreakTogether() {
        for jobs in [1, 3] {
            let (outcome, probes) = minimize(count: 8, jobs: jobs) { Set($0).isSuperset(of: [2, 5]) ? .bad : .good }
            XCTAssertEqual(outcome, .minimal([2, 5]))
            XCTAssertEqual(probes.prefix(jobs > 1 ? 1 : 2).first, jobs > 1 ? [] : Array(1...8))
        }
    }

    func testOneCulprit() {
        let (outcome, _) = minimize(count: 13) { $0.contains(7) ? .bad : .good }
        XCTAssertEqual(outcome, .minimal([7]))
    }

    func testThreeWayInteraction() {
        let (outcome, _) = minimize(count: 20) { Set($0).isSuperset(of: [1, 10, 20]) ? .bad : .good }
        XCTAssertEqual(outcome, .minimal([1, 10, 20]))
    }

    func testUnresolvedCombinationsCountAsNotFailing() {
        // Without 3, any combination holding 6 cannot be built (skip): still [3, 6].
        let (outcome, _) = minimize(count: 8) { c in
            if c.contains(6) && !c.contains(3) { return .skip }
            return Set(c).isSuperset(of: [3, 6]) ? .bad : .good
        }
        XCTAssertEqual(outcome, .minimal([3, 6]))
    }

    func testEnds() {
        XCTAssertEqual(minimize(count: 4) { _ in .good }.outcome, .endPasses)
        XCTAssertEqual(minimize(count: 4) { _ in .bad }.outcome, .baseFails)
        XCTAssertEqual(minimize(count: 0) { _ in .bad }.outcome, .nothingToBisect)
    }

    func testAbortStops() {
        let (outcome, _) = minimize(count: 8) { $0.count == 4 ? .abort : (Set($0).isSuperset(of: [1, 8]) ? .bad : .good) }
        XCTAssertEqual(outcome, .aborted(status: 130))
    }
}
