import Insight
import XCTest

final class LineDiffTests: XCTestCase {
    func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testCreatedDeletedAndChangedFiles() {
        let created = LineDiff(before: nil, after: bytes("a\nb\n"))
        XCTAssertEqual([created.added, created.removed], [2, 0])
        XCTAssertEqual(created.lines, [.hunk("@@ -0,0 +1,2 @@"), .added("a"), .added("b")])
        let deleted = LineDiff(before: bytes("a\n"), after: nil)
        XCTAssertEqual(deleted.lines, [.hunk("@@ -1 +0,0 @@"), .removed("a")])
        XCTAssertTrue(LineDiff(before: bytes("x\0y"), after: bytes("z")).binary)
    }

    func testChangesFarApartAreTwoHunksWithThreeLinesOfContext() {
        let before = (1...20).map { "line \($0)" }.joined(separator: "\n") + "\n"
        var after = before.replacingOccurrences(of: "line 2\n", with: "line two\n")
        after = after.replacingOccurrences(of: "line 18\n", with: "line eighteen\n")
        let diff = LineDiff(before: bytes(before), after: bytes(after))
        XCTAssertEqual([diff.added, diff.removed], [2, 2])
        let hunks = diff.lines.compactMap { if case .hunk(let h) = $0 { return h } else { return nil } }
        XCTAssertEqual(hunks, ["@@ -1,5 +1,5 @@", "@@ -15,6 +15,6 @@"])
        XCTAssertEqual(diff.lines.count, 2 + (5 + 1) + (6 + 1))
    }

    func testLongDiffsAreCut() {
        let after = (1...1000).map(String.init).joined(separator: "\n") + "\n"
        let diff = LineDiff(before: nil, after: bytes(after), limit: 50)
        XCTAssertEqual(diff.added, 1000)
        XCTAssertEqual(diff.lines.count, 50)
        XCTAssertTrue(diff.truncated)
    }

    /// A file gaining its final newline changed its last line, as `git diff` says (libgit2's
    /// diff; the hand-written one it replaced saw no change).
    func testAMissingFinalNewlineIsAChangeAsGitSeesIt() {
        let diff = LineDiff(before: bytes("a\nb"), after: bytes("a\nb\n"))
        XCTAssertEqual([diff.added, diff.removed], [1, 1])
        XCTAssertEqual(diff.lines, [.hunk("@@ -1,2 +1,2 @@"), .context("a"), .removed("b"), .added("b")])
    }

    /// Two unrelated versions of 20,000 lines (issue 19's bound): every line counted.
    func testTwoUnrelatedLargeVersions() {
        let before = (0..<20_000).map { "old \($0)\n" }.joined(), after = (0..<20_000).map { "new \($0)\n" }.joined()
        let diff = LineDiff(before: bytes(before), after: bytes(after))
        XCTAssertEqual([diff.added, diff.removed], [20_000, 20_000])
        XCTAssertTrue(diff.truncated)
        XCTAssertEqual(diff.lines.count, 400)
    }
}
