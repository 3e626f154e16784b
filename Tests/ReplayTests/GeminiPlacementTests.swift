import Foundation
import XCTest

import Git
@testable import Importers
import Replay
import Trace

/// Which folder of the repository a Gemini CLI session ran in (`GeminiPlacement`): the folder
/// found by the log's `projectHash` from an absolute path a call's record gives, then placed in
/// the repository by what tells its readings apart (the working tree, the base's folders, a
/// file of the base the session named), and said in the run. Two real sessions
/// (`fixtures/gemini/`, computermode/test-repo) that ran in a folder of their repository, on
/// repositories built by git, and sessions written by `GeminiSession`.
final class GeminiPlacementTests: XCTestCase {
    static let wednesday = "gemini-cli__computermode-test-repo__5a31697679ee.json"
    static let attach = "gemini-cli__computermode-test-repo__943126df1f2a.json"
    static let testDir = "/Users/ninawork/entire/test-repos/test-repo/test-dir"
    /// What the base of the sessions' repository (`89c33d1`) holds at its top.
    static let base = ["README.md": "# test-repo\n\nTest repo for various gh integrations\n", "hello.py": "print('hello')\n", "multi.py": "x = 1\n"]

    func load(_ name: String, recordedRoot: String? = nil) throws -> Trace {
        try Importer.load(path: packageRoot + "/fixtures/gemini/" + name, options: Importer.Options(recordedRoot: recordedRoot))
    }

    func testTheFolderIsReadFromTheAbsolutePathAResultGives() throws {
        let trace = try load(Self.wednesday)
        XCTAssertEqual(trace.header.repoRoot, Self.testDir, "the folder whose SHA-256 is the projectHash")
        let call = try XCTUnwrap(trace.spans.first { $0.toolName == "write_file" })
        XCTAssertEqual(call.attributes["agentreplay.gemini.ran_in"]?.stringValue, Self.testDir)
        XCTAssertEqual(call.attributes["agentreplay.gemini.ran_in.evidence"]?.stringValue, "output")
        XCTAssertEqual(GeminiProjectRoot.sha256Hex(Self.testDir), "8b4f91c53c99173b79614e87a4358ae6859b85fd475d3abf32fc97ebc0aad63c")
        let other = try load(Self.attach)
        XCTAssertEqual(other.header.repoRoot, "/Users/ninawork/entire/test-repos/test-repo/gemini-attach")
    }

    func testFolderFromARecordedPath() {
        XCTAssertEqual(GeminiProjectRoot.folder(relative: "test.txt", recorded: "/u/r/d/test.txt"), "/u/r/d")
        XCTAssertEqual(GeminiProjectRoot.folder(relative: "./src/a.py", recorded: "/u/r/src/a.py"), "/u/r")
        XCTAssertNil(GeminiProjectRoot.folder(relative: "b.py", recorded: "/u/r/a.py"), "another file")
        XCTAssertNil(GeminiProjectRoot.folder(relative: "../a.py", recorded: "/u/a.py"), "`..` is not followed")
        XCTAssertNil(GeminiProjectRoot.folder(relative: "a.py", recorded: "/a.py"), "no folder left but the root")
        XCTAssertEqual(
            GeminiProjectRoot.recordedPaths(
                output: .string("Successfully created and wrote to new file: /u/r/d/t.txt. Here is the updated code:\n/not/this"),
                display: ["filePath": "/u/r/d/t.txt"]),
            ["/u/r/d/t.txt"])
    }

    /// The sessions' own base has no folder of that name: nothing tells which folder of the
    /// repository the session ran in, so its file stays at the top and the run says why it
    /// cannot vouch for that.
    func testWithNoSuchFolderInTheBaseTheTopIsKeptUnverified() throws {
        let repo = try TestRepo(self, files: Self.base)
        let r = try replay(load(Self.wednesday), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied])
        XCTAssertEqual(try r.file("test.txt"), "test wednesday\n")
        XCTAssertEqual(r.run.drift, [])
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(
            r.run.caveats,
            [
                "the session ran in \(Self.testDir) (from #2's output and the log's projectHash), taken as the repository's top; "
                    + "no file it named is a file of the base to confirm that: if the top was /Users/ninawork/entire/test-repos/test-repo "
                    + "or above, its files belong under test-dir/ there (name the top with --recorded-root)"
            ])
        XCTAssertEqual(r.run.inferences, [])
    }

    /// A base with one folder among the places the session's folder can be: the file lands
    /// there, and the run stays unverified (the repository's own top may be named `test-dir`).
    func testTheOneFolderOfTheBaseItCanBe() throws {
        let repo = try TestRepo(self, files: Self.base.merging(["test-dir/notes.md": "notes\n"]) { a, _ in a })
        let r = try replay(load(Self.wednesday), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied])
        XCTAssertEqual(try r.file("test-dir/test.txt"), "test wednesday\n")
        XCTAssertNil(try r.file("test.txt"))
        XCTAssertEqual(r.tools[0].paths, ["test-dir/test.txt"])
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(
            r.run.caveats,
            [
                "the session ran in test-dir/ (\(Self.testDir), from #2's output and the log's projectHash), the one folder of the base "
                    + "it can be; no file it named is a file of the base there to confirm it: if the repository's top is that folder "
                    + "itself, its files belong at the top (name the top with --recorded-root)"
            ])

        let attach = try TestRepo(self, files: Self.base.merging(["gemini-attach/.keep": ""]) { a, _ in a })
        let a = try replay(load(Self.attach), onto: attach)
        XCTAssertEqual(
            try a.file("gemini-attach/TESTING.md"),
            "# Testing Gemini\n\nThis directory is used for testing the capabilities and performance of Gemini CLI.")
        XCTAssertEqual(a.run.outcome, .unverified)
    }

    /// Two folders of the base it can be: no answer, the top, and the run names both.
    func testTwoFoldersItCanBeLeaveTheTop() throws {
        let repo = try TestRepo(self, files: Self.base.merging(["test-dir/a": "a\n", "test-repo/test-dir/b": "b\n"]) { a, _ in a })
        let r = try replay(load(Self.wednesday), onto: repo)
        XCTAssertEqual(try r.file("test.txt"), "test wednesday\n")
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.caveats.count, 1)
        XCTAssertTrue(r.run.caveats[0].contains("(the base has test-dir/, test-repo/test-dir/, each of which it can be)"), r.run.caveats[0])
    }

    /// `--recorded-root` naming the top above the folder: relative paths resolve against the
    /// folder, and the run vouches for it.
    func testARecordedRootAboveTheFolder() throws {
        let trace = try load(Self.wednesday, recordedRoot: "/Users/ninawork/entire/test-repos/test-repo")
        let call = try XCTUnwrap(trace.spans.first { $0.toolName == "write_file" })
        XCTAssertEqual(call.attributes[GenAI.workingDirectory]?.stringValue, Self.testDir)
        XCTAssertNil(call.attributes["agentreplay.gemini.ran_in"])
        let r = try replay(trace, onto: TestRepo(self, files: Self.base))
        XCTAssertEqual(try r.file("test-dir/test.txt"), "test wednesday\n")
        XCTAssertEqual(r.run.outcome, .verified, "\(r.run.caveats)")
    }

    /// A session in `<repo>/sub`, replayed in that very working tree: certain.
    func testTheWorkingTreeHoldingTheFolderSettlesIt() throws {
        let repo = try TestRepo(self, files: Self.base)
        let folder = repo.path + "/sub"
        var s = GeminiSession()
        s.projectHash = GeminiProjectRoot.sha256Hex(folder)
        s.user("write it")
        s.gemini(calls: [
            .init(
                name: "write_file", args: ["file_path": "new.txt", "content": "new\n"],
                result: "Successfully created and wrote to new file: \(folder)/new.txt.")
        ])
        let trace = try Importer.load(path: s.save(in: makeTemporaryDirectory(self, "gemini")))
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(try r.file("sub/new.txt"), "new\n")
        XCTAssertEqual(r.run.outcome, .verified, "\(r.run.caveats)")
        XCTAssertEqual(
            r.run.inferences,
            ["the session ran in sub/ (\(folder), from #2's output and the log's projectHash), a folder of this repository's working tree"])
    }

    /// A file the session found existing (it edited it) is a file of the base under one
    /// reading only, a folder: the run vouches for it. (A session at the top of a repository
    /// with a folder named like its own, `calc/calc/`, reads files of the top:
    /// `GeminiFixtureTests`.)
    func testAFileOfTheBaseConfirmsTheFolder() throws {
        let repo = try TestRepo(self, files: ["web/app.js": "let a = 1\n", "README.md": "mono\n"])
        let folder = "/home/dev/mono/web"
        var s = GeminiSession()
        s.projectHash = GeminiProjectRoot.sha256Hex(folder)
        s.gemini(calls: [
            .init(
                name: "replace", args: ["file_path": "app.js", "old_string": "a = 1", "new_string": "a = 2"],
                result: "Successfully modified file: \(folder)/app.js (1 replacements).",
                display: ["fileName": "app.js", "originalContent": "let a = 1\n", "newContent": "let a = 2\n"])
        ])
        let trace = try Importer.load(path: s.save(in: makeTemporaryDirectory(self, "gemini")))
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied])
        XCTAssertEqual(try r.file("web/app.js"), "let a = 2\n")
        XCTAssertEqual(r.run.outcome, .verified, "\(r.run.caveats)")
        XCTAssertEqual(
            r.run.inferences,
            [
                "the session ran in web/ (\(folder), from #1's output and the log's projectHash): web/app.js, a file it found "
                    + "there, is a file of the base, and no other place it can be has one"
            ])
    }

    /// A repository `calc` with a package `calc/`: a session at its top that read a file of the
    /// top stays there, though `calc/` is a folder of the base named like its own folder.
    func testAFileOfTheTopKeepsTheTop() throws {
        let repo = try TestRepo(self, files: ["README.md": "# calc\n", "calc/__init__.py": "\n"])
        var s = GeminiSession()
        s.gemini(calls: [
            .init(name: "read_file", args: ["file_path": "/home/dev/calc/README.md"], result: "# calc\n"),
            .init(
                name: "write_file", args: ["file_path": "calc/ops.py", "content": "x = 1\n"],
                result: "Successfully created and wrote to new file: /home/dev/calc/calc/ops.py."),
        ])
        let trace = try Importer.load(path: s.save(in: makeTemporaryDirectory(self, "gemini")))
        XCTAssertEqual(trace.header.repoRoot, GeminiSession.root)
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(try r.file("calc/ops.py"), "x = 1\n")
        XCTAssertEqual(r.run.outcome, .verified, "\(r.run.caveats)")
        XCTAssertEqual(
            r.run.inferences,
            [
                "the session ran at the repository's top (/home/dev/calc, from #1's input and the log's projectHash): README.md, "
                    + "a file it found there, is a file of the base, and no other place it can be has one"
            ])
    }
}
