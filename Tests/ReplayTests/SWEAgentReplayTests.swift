import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// SWE-agent trajectories replayed: `str_replace_editor` exactly as SWE-agent runs it, views
/// checked, the final tree checked against the recorded submission; and the real trajectory
/// in `fixtures/swe-agent/` replayed onto psf/requests, giving the patch it submitted.
final class SWEAgentReplayTests: XCTestCase {
    static let real = "swe-agent-1.0.1__psf-requests-2317"

    func replay(_ trajectory: SWEAgentTrajectory, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "traj")
        let trace = try Importer.load(path: trajectory.save(in: directory))
        XCTAssertEqual(trace.header.sourceFormat, "swe-agent")
        return try replay(trace, onto: repo)
    }

    /// The editor step at `index` (0-based) among the tool steps.
    func tool(_ r: Replayed, _ index: Int) -> Run.Step { r.tools[index] }

    // MARK: The real trajectory

    /// Builds the base with `fixtures/swe-agent/make-requests-base.sh` (requests/sessions.py,
    /// compat.py and utils.py from the requests 2.4.3 wheel, byte-identical to the base
    /// commit's). Skips when the wheel cannot be downloaded.
    func requestsBase() throws -> TestRepo {
        let directory = try makeTemporaryDirectory(self, "requests") + "/base"
        let result = try Subprocess.run("/bin/sh", [packageRoot + "/fixtures/swe-agent/make-requests-base.sh", directory], in: packageRoot)
        if result.status == 3 {
            throw XCTSkip("cannot download requests==2.4.3 with pip (no network or no package index): \(result.stderrText)")
        }
        XCTAssertEqual(result.status, 0, result.stderrText)
        let repo = TestRepo(existing: directory)
        XCTAssertEqual(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), try repo.head)
        return repo
    }

    func realTrace() throws -> Trace {
        var trace = try Importer.load(path: packageRoot + "/fixtures/swe-agent/\(Self.real).traj")
        XCTAssertEqual(trace.header.baseCommit, "091991be0da19de9108dbe5e3752917fea3d7fdc")
        XCTAssertEqual(trace.header.repoRoot, "/testbed")
        // The rebuilt repository has the base's files but not its commit: start from its HEAD.
        trace.header.baseCommit = nil
        return trace
    }

    /// Lines of a git diff without its `index` lines (blob ids depend on abbreviation).
    func withoutIndexLines(_ diff: String) -> [Substring] {
        diff.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.hasPrefix("index ") }
    }

    func testRealTrajectoryGivesTheSubmittedPatch() throws {
        let repo = try requestsBase()
        let r = try replay(realTrace(), onto: repo)

        let instance =
            try JSONSerialization.jsonObject(
                with: Data(contentsOf: URL(fileURLWithPath: packageRoot + "/fixtures/swe-agent/\(Self.real).instance.json"))) as? [String: Any]
        let modelPatch = try XCTUnwrap(instance?["model_patch"] as? String)
        let replayed = try repo.git("diff", try repo.head, r.run.finalTree.hex)
        XCTAssertEqual(withoutIndexLines(replayed), withoutIndexLines(modelPatch))

        XCTAssertTrue(
            r.run.clean,
            r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map {
                "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)"
            }.joined(separator: "\n"))
        let editor = r.tools.filter { $0.toolName == "str_replace_editor" }
        XCTAssertEqual(
            editor.map(\.verdict),
            [
                .served, .served, .served, .served, .served, .served,  // views
                .applied,  // create reproduce_error.py
                .failedAsRecorded,  // str_replace: old_str not found
                .served, .applied, .applied, .applied, .applied,
            ])
        XCTAssertEqual(editor[7].note, "No replacement was performed, old_str `# Method should be case-insensitive")
        XCTAssertEqual(r.tools.filter { $0.toolName == "bash" }.count, 6)
        // Served, none run; `find | grep` and `grep` cannot write, the four runs of the script may.
        XCTAssertEqual(
            r.tools.filter { $0.toolName == "bash" }.map { "\($0.verdict) \($0.unseenEffects)" },
            ["served false", "served false", "served true", "served true", "served true", "served true"])
        let submit = try XCTUnwrap(r.tools.last)
        XCTAssertEqual(submit.toolName, "submit")
        XCTAssertEqual(submit.drift, [], "the final tree is the submission")
        XCTAssertEqual(Set(submit.paths), ["reproduce_error.py", "requests/sessions.py"])
        XCTAssertEqual(r.run.commits.count, 5)
    }

    func testRealTrajectoryImportedToNativeReplaysToTheSameCommits() throws {
        let repo = try requestsBase()
        let trace = try realTrace()
        let direct = try replay(trace, onto: repo)
        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.run.commits, direct.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), direct.run.steps.map(\.verdict))
        XCTAssertEqual(converted.run.drift, direct.run.drift)
    }

    // MARK: str_replace_editor

    func testStrReplaceExpandsTabsInTheWholeFileColumnByColumn() throws {
        let repo = try TestRepo(self, files: ["m.py": "def f():\n\tif x:\n\t\treturn 1\nab\tc\td\n"])
        var t = SWEAgentTrajectory()
        t.strReplace("m.py", "return 1", "return 2")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(tool(r, 0).verdict, .applied)
        XCTAssertEqual(try r.file("m.py"), "def f():\n        if x:\n                return 2\nab      c       d\n")
    }

    func testStrReplaceNeedsExactlyOneOccurrenceThatDiffers() throws {
        let repo = try TestRepo(self, files: ["a.txt": "x = 1\nx = 1\ny = 2\n"])
        var t = SWEAgentTrajectory()
        t.strReplace(
            "a.txt", "x = 1", "x = 3",
            observation: "No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1, 2]. Please ensure it is unique")
        t.strReplace("a.txt", "z", "w", observation: "No replacement was performed, old_str `z` did not appear verbatim in /testbed/a.txt.")
        t.strReplace("a.txt", "y = 2", "y = 2", observation: "No replacement was performed, old_str `y = 2` is the same as new_str `y = 2`.")
        t.strReplace("a.txt", "x = 1\nx", "x = 1\nx = 0\nx")  // one occurrence: applied
        t.strReplace(
            "a.txt", "y = 2", "y = 9", observation: "No replacement was performed, old_str `y = 2` did not appear verbatim in /testbed/a.txt.")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .failedAsRecorded, .failedAsRecorded, .applied, .mismatch])
        XCTAssertEqual(
            tool(r, 0).note, "No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1, 2]. Please ensure it is unique")
        XCTAssertEqual(
            tool(r, 4).note,
            "recorded as failed (No replacement was performed, old_str `y = 2` did not appear verbatim in /testbed/a.txt.), but it succeeds on replay"
        )
        XCTAssertEqual(try r.file("a.txt"), "x = 1\nx = 0\nx = 1\ny = 2\n")
    }

    func testCreateRefusesAnExistingPathAndWritesTheTextAsGiven() throws {
        let repo = try TestRepo(self, files: ["a.txt": "old\n"])
        var t = SWEAgentTrajectory()
        t.create("a.txt", "new", observation: "File already exists at: /testbed/a.txt. Cannot overwrite files using command `create`.")
        t.create("b/c.txt", "no newline at the end")
        t.create("a.txt", "again")  // recorded as created: replay finds the file there
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .applied, .mismatch])
        XCTAssertEqual(try r.file("b/c.txt"), "no newline at the end")
        XCTAssertEqual(try r.file("a.txt"), "old\n")
    }

    func testEditsReadUniversalNewlinesAndWriteLF() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\nthree\rfour\r\n"])
        var t = SWEAgentTrajectory()
        t.strReplace("w.txt", "two", "2")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(try r.file("w.txt"), "one\n2\nthree\nfour\n")
    }

    func testInsertAndUndo() throws {
        let repo = try TestRepo(self, files: ["a.py": "a\n\tb\n"])
        var t = SWEAgentTrajectory()
        t.insert("a.py", line: 1, "\tinserted")
        t.editor("undo_edit", "a.py", observation: "Last edit to /testbed/a.py undone successfully.")
        t.insert("a.py", line: 9, "x", observation: "Invalid `insert_line` parameter: 9. It should be within the range of lines of the file: [0, 3]")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .failedAsRecorded])
        XCTAssertEqual(try r.file("a.py", in: r.tools[0].treeAfter), "a\n        inserted\n        b\n")
        XCTAssertEqual(try r.file("a.py"), "a\n        b\n", "undo restores the text the edit read, tabs expanded")
    }

    func testTheSnippetPrintedAfterAnEditIsCheckedAgainstTheResult() throws {
        let repo = try TestRepo(self, files: ["s.py": "a = 1\nb = 2\n"])
        var t = SWEAgentTrajectory()
        t.strReplace(
            "s.py", "b = 2", "b = 3",
            observation: """
                The file /testbed/s.py has been edited. Here's the result of running `cat -n` on a snippet of /testbed/s.py:
                     1\ta = 1
                     2\tb = 4
                     3\t
                Review the changes and make sure they are as expected. Edit the file again if necessary.
                """)
        let r = try replay(t, onto: repo)
        let drift = try XCTUnwrap(tool(r, 0).drift.first)
        XCTAssertEqual(drift.kind, .afterImage)
        XCTAssertEqual(drift.line, 2)
        XCTAssertEqual(drift.recorded, "b = 4")
        XCTAssertEqual(drift.replayed, "b = 3")
    }

    func testViewIsCheckedAgainstTheReplayedFile() throws {
        let repo = try TestRepo(self, files: ["v.py": "def f():\n\treturn 1\n\n# end\n"])
        var t = SWEAgentTrajectory()
        t.view("v.py", lines: ["def f():", "        return 1", "", "# end", ""])
        t.view("v.py", lines: ["        return 1", ""], from: 2, range: (2, 3))
        t.view("v.py", lines: ["def f():", "    return 1"])
        t.view("missing.py", lines: ["x"])
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .served, .served])
        XCTAssertEqual(tool(r, 0).drift, [])
        XCTAssertEqual(tool(r, 1).drift, [])
        XCTAssertEqual(tool(r, 2).drift, [Drift(kind: .observation, path: "v.py", line: 2, recorded: "    return 1", replayed: "        return 1")])
        XCTAssertEqual(tool(r, 3).drift.map(\.kind), [.existence])
        XCTAssertFalse(r.run.clean)
    }

    func testCommandLinesArgparseRejectsFailAsRecorded() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var t = SWEAgentTrajectory()
        t.step(
            "str_replace_editor str_replace /testbed/a.txt --old_str a --bogus b",
            "usage: str_replace_editor [-h] ...\nstr_replace_editor: error: unrecognized arguments: --bogus b")
        t.step("str_replace_editor create /testbed/x.txt --file_text \"$(cat a.txt)\"", "File created successfully at: /testbed/x.txt")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(tool(r, 0).verdict, .failedAsRecorded)
        XCTAssertEqual(tool(r, 1).toolName, "bash", "a command substitution is the shell's: its effect is unknown")
        XCTAssertTrue(tool(r, 1).unseenEffects)
        XCTAssertTrue(r.changedNothing)
    }

    // MARK: The submission

    func testAFinalTreeThatIsTheSubmissionIsClean() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\n"])
        var t = SWEAgentTrajectory()
        t.strReplace("a.py", "x = 1", "x = 2")
        t.create("new.py", "print(1)")
        t.submission = """
            diff --git a/a.py b/a.py
            index 7b4d68d..9d07aa0 100644
            --- a/a.py
            +++ b/a.py
            @@ -1 +1 @@
            -x = 1
            +x = 2
            diff --git a/new.py b/new.py
            new file mode 100644
            index 0000000..1c0a17d
            --- /dev/null
            +++ b/new.py
            @@ -0,0 +1 @@
            +print(1)
            \\ No newline at end of file

            """
        t.submit()
        let r = try replay(t, onto: repo)
        XCTAssertTrue(r.run.clean, "\(r.run.drift)")
        XCTAssertEqual(r.tools.last?.paths, ["a.py", "new.py"])
    }

    func testASubmissionThatReplayDoesNotReachIsDriftBlamedOnTheShell() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\n", "b.py": "y = 1\n"])
        var t = SWEAgentTrajectory()
        t.bash("python make_file.py")  // the shell made a file replay cannot see
        t.strReplace("a.py", "x = 1", "x = 2")
        t.strReplace("b.py", "y = 1", "y = 2")  // …and the submission does not have this edit
        t.submission = """
            diff --git a/a.py b/a.py
            --- a/a.py
            +++ b/a.py
            @@ -1 +1 @@
            -x = 1
            +x = 2
            diff --git a/made_by_shell.py b/made_by_shell.py
            new file mode 100644
            --- /dev/null
            +++ b/made_by_shell.py
            @@ -0,0 +1 @@
            +z = 1

            """
        t.submit()
        let r = try replay(t, onto: repo)
        XCTAssertFalse(r.run.clean)
        let submit = try XCTUnwrap(r.tools.last)
        XCTAssertEqual(submit.note, "the final tree differs from the recorded submission in 2 files")
        XCTAssertEqual(submit.drift.map(\.path), ["made_by_shell.py", "b.py"])
        XCTAssertEqual(submit.drift.map(\.kind), [.existence, .existence])
        let shell = try XCTUnwrap(r.tools.first { $0.toolName == "bash" })
        XCTAssertEqual(submit.drift[0].suspects, [shell.spanID])
        let edit = r.tools[2]
        XCTAssertEqual(edit.toolName, "str_replace_editor")
        XCTAssertEqual(submit.drift[1].suspects.first, edit.spanID, "the edit the submission lacks")
    }

    func testIgnoredFilesNeedNotBeInTheSubmission() throws {
        let repo = try TestRepo(self, files: [".gitignore": "*.log\nbuild/\n!keep.log\n", "a.py": "x\n"])
        var t = SWEAgentTrajectory()
        t.create("debug.log", "noise")
        t.create("build/out.txt", "noise")
        t.create("keep.log", "kept")
        t.submission = ""
        t.submit()
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.last?.drift.map(\.path), ["keep.log"], "only the file .gitignore does not exclude")
    }
}
