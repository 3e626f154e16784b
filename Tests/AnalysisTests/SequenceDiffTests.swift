import XCTest
@testable import Analysis

final class SequenceDiffTests: XCTestCase {
    /// Applies an edit script to `a` and checks it yields `b`, and that equal runs really are equal.
    func check(_ a: [Character], _ b: [Character], file: StaticString = #filePath, line: UInt = #line) -> [SequenceDiff.Operation] {
        let ops = SequenceDiff.diff(a, b)
        var rebuilt: [Character] = []
        var edits = 0
        for op in ops {
            switch op {
            case let .equal(ar, br):
                XCTAssertEqual(Array(a[ar]), Array(b[br]), file: file, line: line)
                rebuilt += a[ar]
            case let .delete(r, _): edits += r.count
            case let .insert(r, _): rebuilt += b[r]; edits += r.count
            }
        }
        XCTAssertEqual(rebuilt, b, file: file, line: line)
        return ops
    }

    func testShortestScriptOnTheClassicExample() {
        // Myers' paper: ABCABBA → CBABAC has an edit distance of 5.
        let ops = check(Array("ABCABBA"), Array("CBABAC"))
        let distance = ops.reduce(0) { n, op in
            switch op {
            case .equal: return n
            case let .delete(r, _), let .insert(r, _): return n + r.count
            }
        }
        XCTAssertEqual(distance, 5)
    }

    func testEdgeCases() {
        XCTAssertEqual(SequenceDiff.diff([Int](), []), [])
        XCTAssertEqual(SequenceDiff.diff([1, 2], [1, 2]), [.equal(aRange: 0..<2, bRange: 0..<2)])
        XCTAssertEqual(SequenceDiff.diff([], [1]), [.insert(0..<1, at: 0)])
        XCTAssertEqual(SequenceDiff.diff([1], []), [.delete(0..<1, at: 0)])
        _ = check(Array("abc"), Array("xyz"))
        _ = check(Array("aaaa"), Array("aa"))
    }

    func testSmallDifferenceInLongSequencesStaysCheap() {
        let a = Array(0..<200_000)
        var b = a
        for i in stride(from: 1_000, to: 200_000, by: 1_000) { b[i] = -i }
        b.insert(-1, at: 50)
        b.remove(at: 150_000)
        let ops = SequenceDiff.diff(a, b)
        let changed = ops.reduce(0) { n, op in
            if case let .insert(r, _) = op { return n + r.count } else { return n }
        }
        XCTAssertEqual(changed, 200)
    }
}
