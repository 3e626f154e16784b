import Foundation
import XCTest

import Git
import Replay
import Trace

/// A trace is untrusted input: no path that escapes the recorded root, nothing into `.git`
/// (any case, any depth), nothing through a symlink or into a submodule of the base tree,
/// no NUL. Such calls get `outside-repo` or `refused`, and the tree stays as it was.
final class SandboxTests: XCTestCase {
    let base = ["a.txt": "a\n", "sub/b.txt": "b\n"]

    enum Tool: CaseIterable { case write, edit, multiEdit }

    /// Replays each of `paths` with each of `tools` (Write, Edit, MultiEdit), recorded as
    /// done, and checks every call gets `verdict` (or `other`) and that nothing was written
    /// anywhere.
    func assertNeverWritten(
        _ paths: [String], verdict: Verdict, or other: Verdict? = nil, tools: [Tool] = Tool.allCases, repo: TestRepo? = nil,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let repo = try repo ?? TestRepo(self, files: base)
        let before = try repo.git("status", "--porcelain", "--ignored")
        var log = ClaudeLog()
        var calls: [(String, String)] = []
        for path in paths {
            for tool in tools {
                switch tool {
                case .write: calls.append((path, log.write(path, "pwned\n")))
                case .edit: calls.append((path, log.edit(path, "a", "pwned")))
                case .multiEdit: calls.append((path, log.multiEdit(path, [("", "pwned\n")])))
                }
            }
        }
        let r = try replay(log, onto: repo)
        for (path, call) in calls {
            let step = try r.step(call)
            XCTAssertTrue(
                step.verdict == verdict || step.verdict == other, "\(step.toolName ?? "") \(path): \(step.verdict) \(step.note ?? "")", file: file,
                line: line)
            XCTAssertNil(step.commit, file: file, line: line)
            XCTAssertEqual(step.changes, [], file: file, line: line)
            XCTAssertNotNil(step.note, file: file, line: line)
        }
        XCTAssertTrue(r.changedNothing, "the tree must stay the base tree", file: file, line: line)
        XCTAssertEqual(try r.listing(), try r.listing(r.run.baseTree), file: file, line: line)
        XCTAssertFalse(r.run.clean, file: file, line: line)
        XCTAssertEqual(try repo.git("status", "--porcelain", "--ignored"), before, "nothing written to the working tree", file: file, line: line)
    }

    func testPathsEscapingTheRootWithDotDot() throws {
        let outside = (try makeTemporaryDirectory(self, "outside") as NSString).lastPathComponent
        try assertNeverWritten(
            [
                "../escape.txt",
                "./sub/../../escape.txt",
                "sub/../../escape.txt",
                "./../\(outside)/x.txt",
                ClaudeLog.root + "/../escape.txt",
                ClaudeLog.root + "/sub/../../../etc/passwd",
            ], verdict: .outsideRepo)
    }

    func testAbsolutePathsElsewhere() throws {
        try assertNeverWritten(
            [
                "/etc/passwd",
                "/home/dev/project2/a.txt",  // shares the root's prefix, but is not under it
                "/home/dev",
                "/",
            ], verdict: .outsideRepo)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/agentreplay-escape.txt"))
    }

    /// A temporary folder cannot be the repository's: such a write is served with a note,
    /// never written, and leaves the tree as it was.
    func testATemporaryFolderIsServedNeverWritten() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let write = log.write("/tmp/agentreplay-escape.txt", "pwned\n")
        let edit = log.edit("/tmp/agentreplay-escape.txt", "a", "pwned")
        let r = try replay(log, onto: repo)
        for call in [write, edit] {
            XCTAssertEqual(try r.step(call).verdict, .served)
            XCTAssertNil(try r.step(call).commit)
        }
        XCTAssertTrue(r.changedNothing)
        XCTAssertFalse(FileManager.default.fileExists(atPath: "/tmp/agentreplay-escape.txt"))
    }

    func testTheRootItselfIsRefused() throws {
        try assertNeverWritten(
            [ClaudeLog.root, ClaudeLog.root + "/", ClaudeLog.root + "/sub/..", "./", "./sub/.."], verdict: .refused, or: .outsideRepo)
    }

    func testGitDirectoryInAnyCaseAtAnyDepth() throws {
        try assertNeverWritten(
            [
                ".git/config",
                ".GIT/config",
                ".Git/hooks/pre-commit",
                "sub/.git/hooks/x",
                "sub/.gIt",
                ".git",
                ClaudeLog.root + "/.git/HEAD",
                ClaudeLog.root + "/sub/../.git/info/attributes",
                "./.git/refs/heads/main",
            ], verdict: .refused)
    }

    /// Names that are `.git` on Windows (NTFS: trailing dots and spaces, the 8.3 short name,
    /// alternate data streams) or macOS (HFS+ ignores zero-width code points). libgit2 refuses
    /// most of them as tree entries; replay must refuse them as paths, span by span, and go on
    /// with the rest of the trace rather than stop on libgit2's error.
    func testAliasesOfGitOnOtherFileSystemsAreRefused() throws {
        try assertNeverWritten(
            [
                ".git./config", ".git /config", ".GIT. . /config", "GIT~1/config", "git~1/hooks/post-checkout",
                ".git::$INDEX_ALLOCATION/config", "sub/.git.", ".g\u{200C}it/config", ".gi\u{FEFF}t/hooks/x",
            ], verdict: .refused, tools: [.write])
    }

    func testNULInAPath() throws {
        try assertNeverWritten(["a.txt\u{0}.sh", "sub/\u{0}", ClaudeLog.root + "/\u{0}/x"], verdict: .refused)
    }

    func testThroughASymlinkOfTheBaseTree() throws {
        let target = try makeTemporaryDirectory(self, "symlink-target")
        let repo = try TestRepo(
            self,
            files: [
                "a.txt": "a\n", "sub/b.txt": "b\n",
                "out": "->" + target,  // a directory elsewhere
                "up": "->..",  // the repo's parent
                "inside": "->sub",  // even a link that stays in the repo is not followed
                "file-link": "->a.txt",
            ])
        try assertNeverWritten(
            ["out/x.txt", "up/x.txt", "inside/b.txt", "inside/new.txt", "file-link", "out"], verdict: .refused, tools: [.write, .multiEdit],
            repo: repo)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: target), [], "nothing appeared where the link points")
        XCTAssertEqual(try String(contentsOfFile: repo.path + "/sub/b.txt", encoding: .utf8), "b\n")
    }

    func testIntoASubmoduleEntry() throws {
        let repo = try TestRepo(self, files: base)
        try repo.addGitlink("vendor/lib")
        try assertNeverWritten(
            ["vendor/lib/file.txt", "vendor/lib", "vendor/lib/deep/er.txt"], verdict: .refused, tools: [.write, .multiEdit], repo: repo)
    }

    /// An Edit through a symlink succeeded when recorded (Claude Code follows links); replay
    /// must refuse it for the link, not call it a mismatch because it finds no file there.
    func testEditThroughASymlinkIsRefused() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "sub/b.txt": "b\n", "inside": "->sub", "file-link": "->a.txt"])
        try assertNeverWritten(["inside/b.txt", "file-link"], verdict: .refused, tools: [.edit], repo: repo)
    }

    func testEditIntoASubmoduleIsRefused() throws {
        let repo = try TestRepo(self, files: base)
        try repo.addGitlink("vendor/lib")
        try assertNeverWritten(["vendor/lib/file.txt"], verdict: .refused, tools: [.edit], repo: repo)
    }

    func testRecordedFailuresOnForbiddenPathsFailAsRecorded() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let outside = log.write("/etc/passwd", "x", error: "EACCES: permission denied, open '/etc/passwd'")
        let git = log.edit(".git/config", "a", "b", error: "File does not exist.")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(outside).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.step(git).verdict, .failedAsRecorded)
        XCTAssertTrue(r.changedNothing)
    }

    func testLegitimateNeighboursOfForbiddenNamesAreWritten() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        for path in [".gitignore", ".github/workflows/ci.yml", "sub/.gitkeep", "notes/git/x.txt", "a..b.txt", "sub/./c.txt"] {
            log.write(path, "ok\n")
        }
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.run.clean, "\(r.tools.map { "\($0.verdict) \($0.note ?? "")" })")
        for path in [".gitignore", ".github/workflows/ci.yml", "sub/.gitkeep", "notes/git/x.txt", "a..b.txt", "sub/c.txt"] {
            XCTAssertEqual(try r.file(path), "ok\n", path)
        }
    }

    /// A session recorded on Windows names files `C:\…\src\a.ts`. Replay must map them
    /// under the recorded root or refuse them; it must not write one file whose name is the
    /// whole Windows path, nor climb out with `..\`.
    func testWindowsPathsAreMappedOrRefusedNeverWrittenAsOneName() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.cwd = "C:\\Users\\dev\\project"
        let inside = log.write("C:\\Users\\dev\\project\\src\\a.ts", "a\n")
        let climbing = log.write("..\\..\\escape.txt", "x\n")
        let r = try replay(log, onto: repo)
        let step = try r.step(inside)
        XCTAssertTrue(step.paths == ["src/a.ts"] || step.verdict == .outsideRepo || step.verdict == .refused, "\(step.verdict) \(step.paths)")
        XCTAssertNotEqual(try r.step(climbing).verdict, .applied)
        let listing = try r.listing()
        XCTAssertFalse(listing.contains { $0.contains("\\") }, "\(listing)")
    }

    func testRelativePathsFollowTheRecordedWorkingDirectory() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.user("start")  // the first cwd is the recorded root
        log.cwd = ClaudeLog.root + "/sub"
        let inSub = log.write("./rel.txt", "r\n")
        log.cwd = "/somewhere/else"
        let elsewhere = log.write("./rel.txt", "r\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(inSub).paths, ["sub/rel.txt"])
        XCTAssertEqual(try r.file("sub/rel.txt"), "r\n")
        XCTAssertEqual(try r.step(elsewhere).verdict, .outsideRepo)
    }
}
