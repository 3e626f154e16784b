import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// OpenHands event streams replayed: the editor exactly as `openhands_aci` runs it (no tab
/// expansion, a stripped retry, its `insert`, a working `undo_edit`), what its observations
/// recorded checked against the replayed files, and the real-shaped fixture replayed twice
/// (directly and converted to the native format) to the same commits.
final class OpenHandsReplayTests: XCTestCase {
    func replay(_ log: OpenHandsLog, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "openhands")
        let trace = try Importer.load(path: log.save(in: directory))
        XCTAssertEqual(trace.header.sourceFormat, "openhands")
        return try replay(trace, onto: repo)
    }

    func describe(_ r: Replayed) -> String {
        r.tools.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }.joined(separator: "\n")
    }

    // MARK: str_replace

    func testNoTabExpansionTheFileAndStringsAreMatchedAsTheyAre() throws {
        let before = "def f():\n\tif x:\n\t\treturn 1\n"
        let repo = try TestRepo(self, files: ["m.py": before])
        var log = OpenHandsLog()
        // SWE-agent's editor would find this (it expands tabs); OpenHands' does not.
        log.strReplace(
            "m.py", "if x:\n                return 1", "if x:\n                return 2",
            error: "No replacement was performed, old_str `if x:\n                return 1` did not appear verbatim in /workspace/m.py.")
        let after = "def f():\n\tif x:\n\t\treturn 2\n"
        log.strReplace("m.py", "\t\treturn 1", "\t\treturn 2", before: before, after: after, line: 3)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .applied], describe(r))
        XCTAssertEqual(try r.file("m.py"), after, "tabs kept")
        XCTAssertEqual(r.tools[1].drift, [], "the snippet, the echoed strings and the diff agree")
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testAMissRetriesWithBothStringsStripped() throws {
        let before = "a = 1\nb = 2\n"
        let repo = try TestRepo(self, files: ["s.py": before])
        var log = OpenHandsLog()
        // `old_str` with white space the file lacks: found once stripped; `new_str` is stripped too.
        let after = "a = 1\nb = 3\n"
        log.strReplace("s.py", "\n  b = 2  \n\n", "\n  b = 3  \n", before: before, after: after, line: 2)
        log.strReplace("s.py", "  zzz  ", "q", error: "No replacement was performed, old_str `zzz` did not appear verbatim in /workspace/s.py.")
        // Spaces where the file has a tab: the stripped string is found inside the tab-indented line.
        let tabbed = "a = 1\nb = 3\n\treturn x\n"
        log.strReplace("s.py", "b = 3\n", "b = 3\n\treturn x\n", before: after, after: tabbed, line: 2)
        log.strReplace("s.py", "        return x", "        return y", before: tabbed, after: "a = 1\nb = 3\n\treturn y\n", line: 3)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .failedAsRecorded, .applied, .applied], describe(r))
        XCTAssertEqual(try r.file("s.py", in: r.tools[0].treeAfter), after)
        XCTAssertEqual(try r.file("s.py"), "a = 1\nb = 3\n\treturn y\n")
        XCTAssertEqual(r.tools[1].note, "No replacement was performed, old_str `zzz` did not appear verbatim in /workspace/s.py.")
    }

    func testOnlyAUniqueMatchIsReplacedAndTheStringsMustDiffer() throws {
        let before = "x = 1\nx = 1\ny = 2\n"
        let repo = try TestRepo(self, files: ["a.txt": before])
        var log = OpenHandsLog()
        log.strReplace(
            "a.txt", "x = 1", "x = 3",
            error: "No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1, 2]. Please ensure it is unique.")
        log.strReplace(
            "a.txt", "y = 2", "y = 2",
            error: "Invalid `new_str` parameter: y = 2. No replacement was performed. `new_str` and `old_str` must be different.")
        log.strReplace("a.txt", "y = 2", "y = 9", error: "No replacement was performed, old_str `y = 2` did not appear verbatim in /workspace/a.txt.")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .failedAsRecorded, .mismatch], describe(r))
        XCTAssertEqual(
            r.tools[0].note, "No replacement was performed. Multiple occurrences of old_str `x = 1` in lines [1, 2]. Please ensure it is unique.")
        XCTAssertEqual(
            r.tools[2].note,
            "recorded as failed (No replacement was performed, old_str `y = 2` did not appear verbatim in /workspace/a.txt.), but it succeeds on replay"
        )
        XCTAssertTrue(r.changedNothing)
    }

    func testEditsReadUniversalNewlinesAndWriteLF() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\nthree\n"])
        var log = OpenHandsLog()
        log.strReplace("w.txt", "two", "2", before: "one\ntwo\nthree\n", after: "one\n2\nthree\n", line: 2)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.file("w.txt"), "one\n2\nthree\n")
        XCTAssertEqual(r.tools[0].drift, [])
    }

    // MARK: insert, create, undo_edit

    func testInsertWritesEachNewLineWithANewline() throws {
        let before = "a\nb\nc"  // no newline at the end
        let repo = try TestRepo(self, files: ["i.txt": before])
        var log = OpenHandsLog()
        let first = "top\na\nb\nc"
        log.insert("i.txt", line: 0, "top", before: before, after: first)
        let second = "top\na\nmid\n\nb\nc"
        log.insert("i.txt", line: 2, "mid\n", before: first, after: second)  // a trailing newline inserts an empty line
        let third = "top\na\nmid\n\nb\ncend\n"
        log.insert("i.txt", line: 6, "end", before: second, after: third)  // the last line had no newline: joined
        log.insert("i.txt", line: 9, "x", error: "Invalid `insert_line` parameter: 9. It should be within the range of allowed values: [0, 6]")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied, .failedAsRecorded], describe(r))
        XCTAssertEqual(try r.file("i.txt", in: r.tools[0].treeAfter), first)
        XCTAssertEqual(try r.file("i.txt", in: r.tools[1].treeAfter), second)
        XCTAssertEqual(try r.file("i.txt"), third)
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testUndoEditRestoresWhatTheLastEditRead() throws {
        let before = "v = 1\n"
        let repo = try TestRepo(self, files: ["u.py": before])
        var log = OpenHandsLog()
        log.strReplace("u.py", "v = 1", "v = 2", before: before, after: "v = 2\n")
        log.strReplace("u.py", "v = 2", "v = 3", before: "v = 2\n", after: "v = 3\n")
        log.undo("u.py", before: "v = 3\n", after: "v = 2\n")
        log.undo("u.py", before: "v = 2\n", after: "v = 1\n")
        log.undo("u.py", error: "No edit history found for /workspace/u.py.")
        log.create("n.py", "created\n")
        log.undo("n.py", before: "created\n", after: "created\n")  // create keeps the created text
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied, .applied, .failedAsRecorded, .applied, .applied], describe(r))
        XCTAssertEqual(try r.file("u.py", in: r.tools[2].treeAfter), "v = 2\n")
        XCTAssertEqual(try r.file("u.py"), before)
        XCTAssertEqual(try r.file("n.py"), "created\n")
        XCTAssertNil(r.tools[6].commit, "undoing a create rewrites the same text: no change, no commit")
        XCTAssertEqual(r.run.commits.count, 5)
    }

    func testUndoWithoutHistoryInReplayIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["u.py": "v = 1\n"])
        var log = OpenHandsLog()
        log.undo("u.py", before: "v = 1\n", after: "v = 0\n")  // the edit it undoes happened before the log
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools[0].verdict, .mismatch)
        XCTAssertEqual(r.tools[0].note, "recorded as done, but on replay: No edit history found for /workspace/u.py.")
    }

    func testCreateRefusesAnExistingFileAndPathsMustBeAbsolute() throws {
        let repo = try TestRepo(self, files: ["a.txt": "old\n"])
        var log = OpenHandsLog()
        log.create(
            "a.txt", "new",
            error:
                "Invalid `path` parameter: /workspace/a.txt. File already exists at: /workspace/a.txt. Cannot overwrite files using command `create`."
        )
        log.create("dir/b.txt", "no newline at the end")
        log.editor(
            "create", "./relative.txt", [("file_text", "x")],
            output: "ERROR:\nInvalid `path` parameter: ./relative.txt. The path should be an absolute path, starting with `/`.")
        log.editor("create", "./other.txt", [("file_text", "x")], output: "File created successfully at: ./other.txt")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .applied, .failedAsRecorded, .mismatch], describe(r))
        XCTAssertEqual(r.tools[2].note, "Invalid `path` parameter: ./relative.txt. The path should be an absolute path, starting with `/`.")
        XCTAssertEqual(try r.file("dir/b.txt"), "no newline at the end")
        XCTAssertEqual(try r.file("a.txt"), "old\n")
        XCTAssertNil(try r.file("relative.txt"))
    }

    // MARK: What the observations recorded

    func testOldAndNewContentThatHoldFilesAreChecked() throws {
        let repo = try TestRepo(self, files: ["c.py": "k = 1\nz = 0\n"])
        var log = OpenHandsLog()
        log.era = .ipython
        // The log saw a file with `z = 9` where replay has `z = 0`: before-image drift.
        log.strReplace("c.py", "k = 1", "k = 2", before: "k = 1\nz = 9\n", after: "k = 2\nz = 9\n")
        // Its recorded result names a line replay does not write: after-image drift.
        log.strReplace("c.py", "k = 2", "k = 3", before: "k = 2\nz = 0\n", after: "k = 3\nz = 0\nextra\n")
        log.strReplace("c.py", "k = 3", "k = 4", before: "k = 3\nz = 0\n", after: "k = 4\nz = 0\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied], describe(r))
        XCTAssertEqual(r.tools[0].drift, [Drift(kind: .beforeImage, path: "c.py", line: 2, recorded: "z = 9", replayed: "z = 0")])
        XCTAssertEqual(r.tools[1].drift, [Drift(kind: .afterImage, path: "c.py", line: 3, recorded: "extra", replayed: nil)])
        XCTAssertEqual(r.tools[2].drift, [])
        XCTAssertEqual(try r.file("c.py"), "k = 4\nz = 0\n")
    }

    func testTheIPythonEraTakesTheCommandFromTheModelsArguments() throws {
        let repo = try TestRepo(self)
        var log = OpenHandsLog()
        log.era = .ipython
        log.create("game.py", "import random\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.trace.spans.first { $0.kind == .tool }?.input?["command"], "create")
        XCTAssertEqual(r.tools[0].verdict, .applied)
        XCTAssertEqual(try r.file("game.py"), "import random\n")
        XCTAssertEqual(r.tools[0].drift, [])
    }

    func testTheDiffIsCheckedAgainstTheEditReplayMade() throws {
        let repo = try TestRepo(self, files: ["d.py": "a\nb\nc\n"])
        var log = OpenHandsLog()
        log.strReplace("d.py", "b", "B", before: "a\nb\nc\n", after: "a\nB\nc\n", line: 2)
        // A recording whose diff says line 2 was `x`: it saw another file.
        log.strReplace("d.py", "B", "b2", before: "a\nx\nc\n", after: "a\nb2\nc\n", line: 2)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools[0].drift, [])
        XCTAssertEqual(r.tools[1].drift, [Drift(kind: .beforeImage, path: "d.py", line: 2, recorded: "x", replayed: "B")])
    }

    func testTheSnippetAfterAnEditIsChecked() throws {
        let repo = try TestRepo(self, files: ["s.py": "a = 1\nb = 2\n"])
        var log = OpenHandsLog()
        log.strReplace("s.py", "b = 2", "b = 3", before: "a = 1\nb = 2\n", after: "a = 1\nb = 4\n", line: 2)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools[0].drift.first, Drift(kind: .afterImage, path: "s.py", line: 2, recorded: "b = 4", replayed: "b = 3"))
    }

    func testViewIsCheckedWithoutTabExpansion() throws {
        let repo = try TestRepo(self, files: ["v.py": "def f():\n\treturn 1\n"])
        var log = OpenHandsLog()
        log.view("v.py", shown: "def f():\n\treturn 1\n")
        log.view("v.py", shown: "def f():\n        return 1\n")
        log.view("gone.py", shown: "x\n")
        log.view(
            "missing.py",
            error: "Invalid `path` parameter: /workspace/missing.py. The path /workspace/missing.py does not exist. Please provide a valid path.")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .served, .served])
        XCTAssertEqual(r.tools[0].drift, [])
        XCTAssertEqual(r.tools[1].drift, [Drift(kind: .observation, path: "v.py", line: 2, recorded: "        return 1", replayed: "\treturn 1")])
        XCTAssertEqual(r.tools[2].drift.map(\.kind), [.existence])
        XCTAssertEqual(r.tools[3].drift, [])
    }

    // MARK: Other actions

    func testCommandsAreServedAndErrorsAndRefusalsDidNotRun() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = OpenHandsLog()
        log.run("./clean.sh", exitCode: 0)  // a script: what it changed is unseen
        var call = log.action(
            "edit", function: "str_replace_editor", arguments: ["command": "create", "path": "/workspace/b.txt", "file_text": "b"],
            args: ["path": "/workspace/b.txt", "command": "create", "file_text": "b", "impl_source": "oh_aci"])
        log.observation("error", cause: call.id, content: "Runtime disconnected")
        call = log.action(
            "edit", function: "str_replace_editor", arguments: ["command": "create", "path": "/workspace/c.txt", "file_text": "c"],
            args: ["path": "/workspace/c.txt", "command": "create", "file_text": "c", "impl_source": "oh_aci"])
        log.observation("user_rejected", cause: call.id, content: "Action has been rejected by the user! Waiting for further user input.")
        log.finish()
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .failedAsRecorded, .failedAsRecorded], describe(r))
        XCTAssertTrue(r.tools[0].unseenEffects)
        XCTAssertEqual(r.tools[1].note, "Runtime disconnected")
        XCTAssertEqual(r.tools[2].note, "rejected by the user: Action has been rejected by the user! Waiting for further user input.")
        XCTAssertTrue(r.changedNothing)
    }

    func testLLMBasedEditsWriteTheRecordedFile() throws {
        let repo = try TestRepo(self, files: ["l.py": "one\n"])
        var log = OpenHandsLog()
        let call = log.action(
            "edit", function: "edit_file", arguments: ["path": "/workspace/l.py", "content": "two"],
            args: ["path": "/workspace/l.py", "content": "two", "start": 1, "end": -1, "impl_source": "llm_based_edit"])
        log.observation(
            "edit", cause: call.id, content: "--- l.py\n+++ l.py\n@@ -1 +1 @@\n-one\n+two",
            extras: [
                "path": "/workspace/l.py", "prev_exist": true, "old_content": "one\n", "new_content": "two\n", "impl_source": "llm_based_edit",
            ])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools[0].verdict, .applied)
        XCTAssertEqual(r.tools[0].drift, [])
        XCTAssertEqual(try r.file("l.py"), "two\n")
    }

    // MARK: The native format

    func testConvertedToNativeItReplaysToTheSameCommits() throws {
        let before = "x = 1\n"
        let repo = try TestRepo(self, files: ["a.py": before])
        var log = OpenHandsLog()
        log.user("Change x.")
        log.view("a.py", shown: before)
        log.strReplace("a.py", "x = 1", "x = 2", before: before, after: "x = 2\n")
        log.insert("a.py", line: 1, "y = 3", before: "x = 2\n", after: "x = 2\ny = 3\n")
        log.undo("a.py", before: "x = 2\ny = 3\n", after: "x = 2\n")
        log.create("b.py", "b\n")
        log.run("python a.py")
        let direct = try replay(log, onto: repo)
        // `python a.py` may write files replay cannot see: unverified, and nothing contradicts it.
        XCTAssertEqual(direct.run.outcome, .unverified, describe(direct))
        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(direct.trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.trace.header.sourceFormat, "openhands")
        XCTAssertEqual(converted.run.commits, direct.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), direct.run.steps.map(\.verdict))
        XCTAssertEqual(converted.run.drift, direct.run.drift)
        XCTAssertEqual(direct.run.commits.count, 4)
    }
}

/// The fixture the real editor made (`fixtures/openhands/make-fixture.py`).
final class OpenHandsFixtureTests: XCTestCase {
    static let directory = packageRoot + "/fixtures/openhands"

    /// The files under `directory`, by path relative to it.
    func files(_ directory: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            if !isDirectory.boolValue { out[name] = try String(contentsOfFile: directory + "/" + name, encoding: .utf8) }
        }
        return out
    }

    func check(_ name: String) throws {
        let repo = try TestRepo(self, files: files(Self.directory + "/base"))
        let trace = try Importer.load(path: Self.directory + "/" + name)
        XCTAssertEqual(trace.header.sourceFormat, "openhands")
        let r = try replay(trace, onto: repo)
        let failures = r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }
        // pytest may have written files replay cannot see: unverified, not contradicted.
        XCTAssertEqual(
            r.run.outcome, .unverified, failures.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }.joined(separator: "\n"))

        let expected = try files(Self.directory + "/expected")
        XCTAssertEqual(try r.listing().map { String($0.split(separator: " ", maxSplits: 1)[1]) }.sorted(), expected.keys.sorted())
        for (path, content) in expected { XCTAssertEqual(try r.file(path), content, path) }

        let editor = r.tools.filter { $0.toolName == "str_replace_editor" }
        XCTAssertEqual(
            editor.map(\.verdict),
            [
                .served,  // view ops.py
                .applied, .applied,  // str_replace, then one found once both strings are stripped
                .failedAsRecorded,  // several matches
                .applied, .applied,  // a tab matched as a tab; a spaced old_str found by the stripped retry
                .applied, .applied, .failedAsRecorded,  // insert after a line without newline, at the top, out of range
                .failedAsRecorded, .applied, .failedAsRecorded,  // create: no directory, after mkdir, over a file
                .applied, .failedAsRecorded, .applied, .applied,  // undo README; undo without history; create __init__.py; undo Makefile
                .served, .served,  // view a missing file; view the Makefile
                .failedAsRecorded,  // a relative path
            ])
        XCTAssertEqual(
            editor[3].note,
            "No replacement was performed. Multiple occurrences of old_str `    return a` in lines [5, 9, 15]. Please ensure it is unique.")
        // `mkdir -p tests` is replayed (a directory: nothing to commit); pytest may have written anything.
        XCTAssertEqual(r.tools.filter { $0.toolName == "execute_bash" }.map(\.verdict), [.served, .served])
        XCTAssertEqual(r.tools.filter { $0.toolName == "execute_bash" }.map(\.unseenEffects), [false, true])
        XCTAssertEqual(r.tools.filter(\.unverified).map(\.toolName), ["execute_bash"])

        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.run.commits, r.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), r.run.steps.map(\.verdict))
    }

    func testTheCurrentShape() throws { try check("openhands__calc-current.json") }

    func testTheIPythonShape() throws { try check("openhands__calc-ipython.json") }
}
