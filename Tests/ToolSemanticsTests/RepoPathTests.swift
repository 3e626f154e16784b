import XCTest

@testable import ToolSemantics

/// A recorded path maps into the repository the same way on the quick road (a plain path
/// under a plain root) as on the general one; what the quick road cannot answer it leaves.
final class RepoPathTests: XCTestCase {
    let roots = ["/work/repo", "/work/repo/", "/", "/w/./r", "/w/../r", "C:\\Users\\me\\repo", "/w//r", "/é/r", "relative"]
    let paths = [
        "/work/repo/a.txt", "/work/repo/src/main.c", "/work/repo", "/work/repo/", "/work/repo//a", "/work/repo/./a",
        "/work/repo/a/../b", "/work/repo/../x", "/work/repox/a", "/work/repo/.git/config", "/work/repo/sub/.GIT/x",
        "/work/repo/git~1/x", "/work/repo/.g\u{200C}it/x", "/work/repo/gitignore", "/work/repo/.github/ci.yml",
        "/work/repo/a\\b", "/work/repo/a\u{0}b", "/work/repo/é/ü.txt", "/é/r/x", "/w/r/x", "a.txt", "./a.txt", "",
        "/work/repo/a/", "/other/a.txt",
    ]

    func testTheQuickRoadAgreesWithTheGeneralOne() {
        var quick = 0
        for root in roots {
            for path in paths {
                let general = RepoPath.mapInGeneral(path, root: root, workingDirectory: nil)
                if let answer = RepoPath.underPlainRoot(path, root: root) {
                    quick += 1
                    XCTAssertEqual(general, .success(answer), "\(path) under \(root)")
                }
                XCTAssertEqual(RepoPath.map(path, root: root), general, "\(path) under \(root)")
            }
        }
        XCTAssertEqual(quick, 6, "the common paths take the quick road")
        XCTAssertEqual(RepoPath.underPlainRoot("/work/repo/src/main.c", root: "/work/repo")?.value, "src/main.c")
        XCTAssertNil(RepoPath.underPlainRoot("/work/repo/.git/config", root: "/work/repo"))
    }

    func testPathsAreSplitAndComparedAsBytes() {
        // A `/` and a combining mark after it are one Character: split by characters, `..`
        // and `.git` hid inside one component.
        XCTAssertEqual(RepoPath.relative("../\u{301}x"), .failure(.outsideRepo("../\u{301}x")))
        XCTAssertEqual(RepoPath.map("/work/repo/.git/\u{301}x", root: "/work/repo"), .failure(.gitDirectory("/work/repo/.git/\u{301}x")))
        XCTAssertEqual(RepoPath.map("/work/repo/a/\u{301}b", root: "/work/repo").map(\.parents), .success(["a"]))
        // `e` and a combining accent is another directory on disk than `é` precomposed.
        XCTAssertEqual(RepoPath.map("/w/e\u{301}/x", root: "/w/\u{E9}"), .failure(.outsideRepo("/w/e\u{301}/x")))
        XCTAssertEqual(RepoPath.map("x", root: "/w/\u{E9}", workingDirectory: "/w/e\u{301}"), .failure(.outsideRepo("/w/e\u{301}/x")))
        XCTAssertEqual(RepoPath.map("/w/\u{E9}/x", root: "/w/\u{E9}").map(\.value), .success("x"))
    }

    func testALeadingSlashIsAByte() {
        // `/` and a combining mark are one Character, so `hasPrefix("/")` read this as relative.
        XCTAssertEqual(RepoPath.map("/\u{301}x", root: "/work/repo"), .failure(.outsideRepo("/\u{301}x")))
        XCTAssertEqual(RepoPath.relative("/\u{301}x"), .failure(.outsideRepo("/\u{301}x")))
        XCTAssertTrue(RepoPath.isBelow("a/\u{301}b", "a"))
        XCTAssertFalse(RepoPath.isBelow("ab", "a"))
        XCTAssertFalse(RepoPath.isBelow("a", "a"))
    }
}
