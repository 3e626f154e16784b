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
    ///
    /// The cores are shared: a burst of other work can slow one timing several fold, so the
    /// pair is measured up to three times and the best ratio judged (quadratic work is slow
    /// every time; a burst is not).
    public func assertLinear(_ name: String, n: Int, bound: Double = 3, _ cost: (Int) throws -> Double) rethrows {
        _ = try cost(n)  // warm up
        var best = (ratio: Double.infinity, small: 0.0, large: 0.0)
        for _ in 0..<3 where best.ratio > bound {
            let small = try cost(n), large = try cost(2 * n)
            if large / small < best.ratio { best = (large / small, small, large) }
        }
        XCTAssertLessThanOrEqual(best.ratio, bound, "\(name): cost \(best.small) at n = \(n), \(best.large) at 2n")
    }
}
