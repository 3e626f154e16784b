import XCTest

@testable import Replay
@testable import ToolSemantics

/// The submission SWE-agent recorded, read as git wrote it in a Linux container.
final class SWEAgentSubmissionTests: XCTestCase {
    func testSubmissionsWithCRLFLineEndsAndDriveLikePaths() throws {
        let diff = "diff --git a/C:/x/y.py b/C:/x/y.py\nindex 1..2 100644\n--- a/C:/x/y.py\n+++ b/C:/x/y.py\n@@ -1 +1 @@\n-a\n+b\n"
        let crlf = diff.replacingOccurrences(of: "\n", with: "\r\n")
        let parsed = try GitDiff.parse(crlf).get()
        XCTAssertEqual(parsed.files.map(\.oldPath), ["C:/x/y.py"])
        XCTAssertEqual(parsed.files.map(\.newPath), ["C:/x/y.py"])
        XCTAssertEqual(parsed.files.first?.diff.hunks.count, 1)
        XCTAssertEqual(try SWEAgentSubmission.repoPath("C:/x/y.py").get().value, "C:/x/y.py")
        XCTAssertThrowsError(try SWEAgentSubmission.repoPath("a\\b.py").get())
        XCTAssertThrowsError(try SWEAgentSubmission.repoPath("../b.py").get())
    }
}
