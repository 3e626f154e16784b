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

/// A hunk that only deletes is credited to the spans that removed lines: whether a change
/// removed any is decided by a subsequence check, which must agree with the line diff.
final class RemovedLinesTests: XCTestCase {
    func testSubsequenceCheckAgreesWithTheLineDiff() {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int(state >> 33) % n
        }
        for _ in 0..<400 {
            let old = (0..<next(12)).map { _ in "l\(next(5))\n" }.joined()
            var lines = old.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
            for _ in 0..<next(4) {
                switch next(3) {
                case 0 where !lines.isEmpty: lines.remove(at: next(lines.count))
                case 1: lines.insert("l\(next(5))", at: next(lines.count + 1))
                default: if !lines.isEmpty { lines[next(lines.count)] = "l\(next(5))" }
                }
            }
            let new = lines.map { $0 + "\n" }.joined()
            let diff = SequenceDiff.diff(EditHunks.lines(Array(old.utf8)), EditHunks.lines(Array(new.utf8)))
            let deletes = diff.contains { if case .delete = $0 { return true } else { return false } }
            XCTAssertEqual(
                EditHunks.removesLines(from: Array(old.utf8), to: Array(new.utf8)), deletes, "\(old.debugDescription) → \(new.debugDescription)")
        }
    }
}
