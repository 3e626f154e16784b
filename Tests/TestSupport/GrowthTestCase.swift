import Dispatch
import XCTest

/// A test case that bounds how work grows with its input (issue 19): each case runs at n and
/// 2n and bounds the ratio of the work (counted where the code counts it, else the best of a
/// few timings), never a wall time. Linear work doubles; quadratic work quadruples.
open class GrowthTestCase: XCTestCase {
    /// The least time `body` takes over `runs` runs, in nanoseconds.
    public func time(runs: Int = 3, _ body: () throws -> Void) rethrows -> Double {
        var best = UInt64.max
        for _ in 0..<runs {
            let start = DispatchTime.now().uptimeNanoseconds
            try body()
            best = min(best, DispatchTime.now().uptimeNanoseconds - start)
        }
        return Double(max(best, 1))
    }

    /// Asserts that `cost(2n) / cost(n)` is at most `bound` (linear: 2).
    public func assertLinear(_ name: String, n: Int, bound: Double = 3, _ cost: (Int) throws -> Double) rethrows {
        _ = try cost(n)  // warm up
        let small = try cost(n), large = try cost(2 * n)
        XCTAssertLessThanOrEqual(large / small, bound, "\(name): cost \(small) at n = \(n), \(large) at 2n")
    }
}
