import Git
import Replay
import Trace
import XCTest
@testable import Analysis

final class RunDiffTests: XCTestCase {
    let files = ["a.txt": "one\ntwo\nthree\n", "b.txt": "alpha\nbeta\n"]

    func testIdenticalRunsInDifferentFoldersAreIdentical() throws {
        let f = try RunFixture(self, files: files)
        let spans = [f.edit(1, "a.txt", "two", "TWO"), f.bash(2, "make test", output: "ok")]
        var other = f.trace("b", spans)
        // The same calls recorded under another root compare equal.
        other.header.repoRoot = "/elsewhere"
        other.spans = other.spans.map { s in
            var s = s
            s.input = SpanKey.strip(s.input!, "/work/task/").replacingRoot("/elsewhere/")
            return s
        }
        let diff = RunDiff.compare(a: try f.replay(f.trace("a", spans)), b: try f.replay(other))
        XCTAssertTrue(diff.identical, "\(diff.differences)")
        XCTAssertNil(diff.firstDivergence)
        XCTAssertNil(diff.firstStateDivergence)
    }

    func testEachDifferenceClass() throws {
        let f = try RunFixture(self, files: files)
        let a = f.trace(
            "a",
            [
                f.edit(1, "a.txt", "one", "ONE"),  // identical
                f.edit(2, "a.txt", "two", "2"),  // different input (same tool, same file)
                f.bash(3, "make test", output: "1 failed"),  // different output
                f.edit(4, "b.txt", "beta", "BETA"),  // different effect (b.txt differs before)
                f.write(5, "c.txt", "only a\n"),  // only in a
            ])
        let b = f.trace(
            "b",
            [
                f.edit(1, "a.txt", "one", "ONE"),
                f.edit(2, "a.txt", "two", "deux"),
                f.bash(3, "make test", output: "all passed"),
                f.edit(4, "b.txt", "beta", "BETA"),
                f.bash(6, "ls", output: "a.txt b.txt"),  // only in b
            ])
        // Make b.txt differ before call 4 in run A only: an extra edit earlier in A.
        var aSpans = a.spans
        aSpans.insert(f.edit(7, "b.txt", "alpha", "ALPHA"), at: 3)
        let left = try f.replay(f.trace("a", aSpans))
        let right = try f.replay(b)
        let diff = RunDiff.compare(a: left, b: right)
        let classes = diff.entries.map(\.kind)
        XCTAssertEqual(classes, [.identical, .differentInput, .differentOutput, .onlyInA, .differentEffect, .onlyInA, .onlyInB])
        let first = try XCTUnwrap(diff.firstDivergence.map { diff.entries[$0] })
        XCTAssertEqual(first.kind, .differentInput)
        XCTAssertEqual(first.a?.callID, "call_2")
        XCTAssertEqual(first.b?.callID, "call_2")
        // The trees part after the second call (a.txt holds "2" against "deux").
        XCTAssertEqual(diff.firstStateDivergence, 1)
        XCTAssertFalse(diff.finalTreesEqual)
        XCTAssertFalse(diff.identical)
    }

    func testRunsOfDifferentLength() throws {
        let f = try RunFixture(self, files: files)
        let common = [f.edit(1, "a.txt", "one", "ONE")]
        let diff = RunDiff.compare(
            a: try f.replay(f.trace("a", common)),
            b: try f.replay(f.trace("b", common + [f.write(2, "d.txt", "new\n"), f.edit(3, "d.txt", "new", "newer")])))
        XCTAssertEqual(diff.entries.map(\.kind), [.identical, .onlyInB, .onlyInB])
        XCTAssertEqual(diff.firstDivergence, 1)
        XCTAssertNil(diff.entries[1].otherPosition, "A has no call after its last one")
        XCTAssertEqual(diff.firstStateDivergence, 1)
    }

    func testRunsOnDifferentBases() throws {
        let f = try RunFixture(self, files: files)
        let spans = [f.edit(1, "a.txt", "one", "ONE")]
        let left = try f.replay(f.trace("a", spans))
        // Replay the same trace onto another base in the same repository.
        let otherBase = Base(
            commit: nil,
            tree: try f.repository.treeFromScratch([
                ("a.txt", try f.repository.writeBlob(Array("one\ntwo\nthree\n".utf8)), .blob)
            ]))
        let right = (
            f.trace("b", spans), try Replayer(repository: f.repository).replay(header: f.trace("b", spans).header, spans: spans, base: otherBase)
        )
        let diff = RunDiff.compare(a: left, b: right)
        XCTAssertEqual(diff.firstStateDivergence, -1)
        XCTAssertNil(diff.firstDivergence, "the calls themselves are the same")
        XCTAssertFalse(diff.identical)
    }
}

extension JSON {
    /// Prefixes every string that names a path relative to the root (test helper).
    func replacingRoot(_ root: String) -> JSON {
        switch self {
        case .object(let o):
            return .object(
                o.map { k, v in
                    if k == "file_path", case .string(let s) = v { return (k, .string(root + s)) }
                    return (k, v)
                })
        default: return self
        }
    }
}
