import Foundation
import XCTest

import Importers
import Replay
import TestSupport
import Trace

/// Codex code mode: the `tools.*` calls of an `exec` script replayed in order, each patch
/// checked against the `patch_apply_end` the script recorded; a recorded failure fails again;
/// a script replay cannot read is not replayable.
final class CodexCodeModeTests: XCTestCase {
    let base = ["src/app.py": "def main():\n    print('hi')\n", "README.md": "# app\n"]

    func replay(_ log: CodexLog, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "rollout")
        return try replay(Importer.load(path: log.save(in: directory)), onto: repo)
    }

    func session(_ build: (inout CodexLog) -> Void) -> CodexLog {
        var log = CodexLog()
        log.version = "0.146.0"
        log.commit = nil
        log.meta()
        log.turn("please edit")
        build(&log)
        return log
    }

    /// `source` as a JS double-quoted string literal.
    func js(_ source: String) -> String {
        "\""
            + source.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"").replacingOccurrences(
                of: "\n", with: "\\n") + "\""
    }

    func patchScript(_ patch: String) -> String { "const patch = \(js(patch));\ntext(await tools.apply_patch(patch));\n" }

    let update = "*** Begin Patch\n*** Update File: src/app.py\n@@\n-    print('hi')\n+    print('hello')\n*** End Patch"
    let updateRecord: JSON = [
        CodexLog.absolute("src/app.py"): CodexLog.update("@@ -1,2 +1,2 @@\n def main():\n-    print('hi')\n+    print('hello')\n")
    ]
    let add = "*** Begin Patch\n*** Add File: notes/a.txt\n+note\n*** End Patch"
    let addRecord: JSON = [CodexLog.absolute("notes/a.txt"): CodexLog.add("note\n")]

    func testScriptCallsReplayInOrderAndAgreeWithTheirRecords() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        var shell = ""
        let log = session { log in
            id = log.script(
                patchScript(update) + "const r = await tools.update_plan({plan:[{step:\"edit\",status:\"completed\"}]});\n"
                    + patchScript(add)
                    .replacingOccurrences(of: "const patch", with: "const second").replacingOccurrences(of: "(patch)", with: "(second)"),
                patches: [(true, updateRecord), (true, addRecord)])
            shell = log.script(
                "const r = await tools.exec_command({cmd:\"rm README.md\",\"workdir\":\"\(CodexLog.root)\",\"yield_time_ms\":10000}); text(r.output);\n"
            )
        }
        let r = try replay(log, onto: repo)
        let step = try r.step(id)
        XCTAssertEqual(step.verdict, .applied, step.note ?? "")
        XCTAssertEqual(step.paths, ["src/app.py", "notes/a.txt"])
        XCTAssertEqual(step.drift, [], "each patch agrees with its own patch_apply_end")
        XCTAssertEqual(try r.file("src/app.py"), "def main():\n    print('hello')\n")
        XCTAssertEqual(try r.file("notes/a.txt"), "note\n")
        XCTAssertEqual(try r.step(shell).verdict, .applied, "the shell model replays `rm`")
        XCTAssertNil(try r.file("README.md"))
        XCTAssertTrue(r.run.clean, r.run.steps.map { "\($0.name) \($0.verdict) \($0.note ?? "")" }.joined(separator: "\n"))
    }

    func testAPatchThatDisagreesWithItsRecordIsDrift() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.script(patchScript(add), patches: [(true, [CodexLog.absolute("notes/a.txt"): CodexLog.add("other\n")])])
        }
        let step = try replay(log, onto: repo).step(id)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.drift.map(\.path), ["notes/a.txt"])
    }

    func testARecordedPatchFailureFailsAgainAndStopsTheScript() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let stale = "*** Begin Patch\n*** Update File: src/app.py\n@@\n-    print('bye')\n+    print('x')\n*** End Patch"
        let log = session { log in
            id = log.script(
                patchScript(add) + "text(await tools.apply_patch(\(js(stale))));\nawait tools.exec_command({cmd:\"rm README.md\"});\n",
                patches: [(true, addRecord)], ended: "Script failed",
                error: "apply_patch verification failed: Failed to find expected lines in \(CodexLog.root)/src/app.py:\n    print('bye')")
        }
        let r = try replay(log, onto: repo)
        let step = try r.step(id)
        XCTAssertEqual(step.verdict, .applied, "the first patch ran; the second failed as recorded")
        XCTAssertEqual(step.paths, ["notes/a.txt"])
        XCTAssertEqual(try r.file("notes/a.txt"), "note\n")
        XCTAssertEqual(try r.file("README.md"), "# app\n", "the script stopped before `rm`")
        XCTAssertTrue(step.note?.contains("call 2 (tools.apply_patch): apply_patch verification failed") == true, step.note ?? "")
        XCTAssertTrue(r.run.clean)
    }

    func testARecordedFailureThatSucceedsOnReplayIsAMismatch() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.script(patchScript(update), ended: "Script failed", error: "apply_patch verification failed: Failed to find expected lines")
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .mismatch)
        XCTAssertTrue(r.changedNothing)
        XCTAssertFalse(r.run.clean)
    }

    func testAScriptWithASyntaxErrorRanNothing() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.script(
                "const patch = \"*** Begin Patch\n\";\ntext(await tools.apply_patch(patch));", ended: "Script failed",
                error: "SyntaxError: Invalid or unexpected token")
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.step(id).note, "the script did not run: SyntaxError: Invalid or unexpected token")
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(r.run.clean)
    }

    func testAScriptReplayCannotFollowIsNotReplayable() throws {
        let repo = try TestRepo(self, files: base)
        var ids: [String] = []
        let log = session { log in
            ids.append(log.script("for (const p of [\(js(add))]) { await tools.apply_patch(p) }", patches: [(true, addRecord)]))
            ids.append(log.script("await tools.remove_file({path:\"README.md\"})"))
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try ids.map { try r.step($0).verdict }, [.notReplayable, .notReplayable])
        XCTAssertEqual(try r.step(ids[0]).note, "code mode: tools.apply_patch is called inside a block, a function, a loop or an array")
        XCTAssertEqual(try r.step(ids[1]).note, "code mode: tools.remove_file: a tool replay does not know, which may change files")
        XCTAssertTrue(r.changedNothing)
        XCTAssertFalse(r.run.clean)
    }

    func testScriptsThatCannotChangeFilesAreServed() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.script(
                "const qs=[\"a\",\"b\"];const rs=await Promise.all(qs.map(query=>tools.mcp__probe__search_code({path:\"/w\",query})));\nconst p = await tools.update_plan({plan:[]});\ntext(JSON.stringify(rs));"
            )
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .served)
        XCTAssertTrue(r.run.clean)
    }

    func testCallsStartedTogetherReplayUnlessTwoChangeFiles() throws {
        let repo = try TestRepo(self, files: base)
        var ids: [String] = []
        let log = session { log in
            ids.append(
                log.script(
                    "const rs = await Promise.all([tools.exec_command({cmd:\"cat README.md\"}), tools.exec_command({cmd:\"rm README.md\"})]);\ntext(rs[0].output);"
                ))
            ids.append(
                log.script("const cmds = [\"rm src/app.py\", \"touch x.txt\"];\nawait Promise.all(cmds.map(cmd => tools.exec_command({cmd})));"))
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(ids[0]).verdict, .applied, "one of them changes files: their order does not matter")
        XCTAssertNil(try r.file("README.md"))
        XCTAssertEqual(try r.step(ids[1]).verdict, .notReplayable)
        XCTAssertEqual(try r.step(ids[1]).note, "calls 1, 2 started together and may each change files: the order of their effects is unknown")
        XCTAssertEqual(try r.file("src/app.py"), base["src/app.py"], "nothing of it is applied")
    }

    func testAPatchOfAScriptStillRunningIsNotAssumed() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.script("await tools.exec_command({cmd:\"sleep 60\"});\n" + patchScript(add), ended: "Script running with cell ID 7", output: "")
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .noResult)
        XCTAssertTrue(r.changedNothing)
    }

    func testApplyPatchThroughExecCommandInAScript() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let command = "apply_patch <<'EOF'\n\(add)\nEOF\n"
        let log = session { log in
            id = log.script(
                "const r = await tools.exec_command({cmd:\(js(command)),workdir:\"\(CodexLog.root)/src\"});\ntext(r.output);",
                patches: [(true, [CodexLog.absolute("src/notes/a.txt"): CodexLog.add("note\n")])])
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .applied)
        XCTAssertEqual(try r.step(id).drift, [])
        XCTAssertEqual(try r.file("src/notes/a.txt"), "note\n")
    }
}
