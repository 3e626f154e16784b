import Dispatch
import XCTest

@testable import Analysis

/// The line diff on what a hostile log can make (issue 19): growth at n and 2n, not a wall
/// time (see Tests/ReplayTests/GrowthTests.swift).
final class SequenceDiffGrowthTests: XCTestCase {
    func time(runs: Int = 2, _ body: () -> Void) -> Double {
        var best = UInt64.max
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            body()
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
        }
        return Double(max(best, 1))
    }

    func assertLinear(_ name: String, n: Int, bound: Double = 3, _ cost: (Int) -> Double) {
        _ = cost(n)
        let small = cost(n), large = cost(2 * n)
        XCTAssertLessThanOrEqual(large / small, bound, "\(name): cost \(small) at n = \(n), \(large) at 2n")
    }

    /// The line diff of two versions with nothing in common: past `maxDistance` the middle is
    /// deleted and inserted whole, so time and memory stop growing with D².
    func testALineDiffOfTwoUnrelatedVersionsIsBounded() {
        assertLinear("diff", n: 6_000) { n in
            let a = (0..<n).map { "old \($0)" }, b = (0..<n).map { "new \($0)" }
            return time {
                let ops = SequenceDiff.diff(a, b)
                XCTAssertEqual(ops, [.delete(0..<n, at: 0), .insert(0..<n, at: n)])
            }
        }
        let small = SequenceDiff.diff(["a", "b", "c"], ["a", "x", "c"])
        XCTAssertEqual(small.count, 4, "a small change is still found exactly: \(small)")
    }
}
