import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// Shell commands in recorded sessions, replayed onto real repositories made by the git CLI:
/// the plain file effects land as commits, nothing is run, commands replay cannot follow are
/// flagged and blamed for later drift, failures and effects outside the sandbox are not
/// replayed.
final class ShellReplayTests: XCTestCase {
    let base = [
        "README.md": "# demo\n", "src/a.ts": "a\n", "src/b.ts": "b\n", "src/old/c.ts": "c\n", "notes.log": "n\n", "x.log": "x\n",
        "build.sh": "#!/bin/sh\nnpm run build\n",
    ]

    func bashStep(_ r: Replayed, _ call: String, file: StaticString = #filePath, line: UInt = #line) throws -> Run.Step {
        let step = try r.step(call, file: file, line: line)
        XCTAssertEqual(step.toolName, "Bash", file: file, line: line)
        return step
    }

    // MARK: Each form, as commits

    func testEachCommandFormLandsAsACommit() throws {
        let repo = try TestRepo(self, files: base, executable: ["build.sh"])
        var log = ClaudeLog()
        let rm = log.bash("rm notes.log")
        let glob = log.bash("rm -f *.log")
        let mkdir = log.bash("mkdir -p lib/util")
        let mv = log.bash("mv src/a.ts lib/util/")
        let mvDir = log.bash("mv src/old legacy")
        let cp = log.bash("cp -r legacy legacy2 && cp README.md docs.md")
        let touch = log.bash("touch .keep README.md")
        let echo = log.bash("echo 'export const v = 1;' > src/v.ts && echo '// more' >> src/v.ts")
        let printf = log.bash("printf '%s\\n' one two > list.txt")
        let heredoc = log.bash("cat > CHANGELOG.md <<'EOF'\n# Changes\n\n- $VERSION: shell replay\nEOF")
        let sed = log.bash("sed -i 's/demo/Demo/g' README.md docs.md")
        let chain = log.bash("cd src && sed -i.orig 's/b/B/' b.ts && rm b.ts.orig")
        let chmod = log.bash("chmod -x build.sh")
        let rmr = log.bash("rm -rf legacy2")
        let r = try replay(log, onto: repo)

        XCTAssertTrue(r.run.clean, "\(r.run.drift)")
        XCTAssertEqual(try bashStep(r, rm).changes.map(\.path), ["notes.log"])
        XCTAssertEqual(try bashStep(r, glob).paths, ["x.log"], "notes.log is gone already")
        XCTAssertEqual(try bashStep(r, mkdir).verdict, .served, "mkdir -p writes nothing git holds")
        XCTAssertNil(try bashStep(r, mkdir).commit)
        XCTAssertEqual(try bashStep(r, mv).changes.map(\.path), ["lib/util/a.ts", "src/a.ts"])
        XCTAssertEqual(try bashStep(r, mvDir).changes.map(\.path), ["legacy/c.ts", "src/old/c.ts"])
        XCTAssertEqual(try bashStep(r, cp).changes.map(\.path), ["docs.md", "legacy2/c.ts"])
        XCTAssertEqual(try bashStep(r, touch).changes.map(\.path), [".keep"], "touch of an existing file changes nothing git keeps")
        XCTAssertEqual(try r.file("src/v.ts", in: r.step(echo).treeAfter), "export const v = 1;\n// more\n")
        XCTAssertEqual(try r.file("list.txt", in: r.step(printf).treeAfter), "one\ntwo\n")
        XCTAssertEqual(try r.file("CHANGELOG.md", in: r.step(heredoc).treeAfter), "# Changes\n\n- $VERSION: shell replay\n")
        XCTAssertEqual(try bashStep(r, sed).changes.map(\.path), ["README.md", "docs.md"])
        XCTAssertEqual(try bashStep(r, chain).changes.map(\.path), ["src/b.ts"], "the backup came and went in one call")
        XCTAssertEqual(try r.file("src/b.ts"), "B\n")
        XCTAssertEqual(try r.repository.entry(in: r.step(chmod).treeAfter, path: "build.sh")?.mode, .blob)
        XCTAssertEqual(try bashStep(r, rmr).changes.map(\.path), ["legacy2/c.ts"])
        for call in [rm, glob, mkdir, mv, mvDir, cp, touch, echo, printf, heredoc, sed, chain, chmod, rmr] {
            let step = try r.step(call)
            XCTAssertFalse(step.unseenEffects, step.note ?? "")
        }

        XCTAssertEqual(
            try r.listing(),
            [
                "blob .keep", "blob CHANGELOG.md", "blob README.md", "blob build.sh", "blob docs.md", "blob legacy/c.ts",
                "blob lib/util/a.ts", "blob list.txt", "blob src/b.ts", "blob src/v.ts",
            ])
        XCTAssertEqual(try r.file("README.md"), "# Demo\n")
        // One commit per span that changed files, named after the call.
        XCTAssertEqual(r.run.commits.count, 13)
        let message = try r.repository.commitMessage(XCTUnwrap(r.step(mv).commit))
        XCTAssertTrue(message.hasPrefix("Bash lib/util/a.ts (+1 more)\n"), message)
    }

    func testGlobsExpandInSortedOrder() throws {
        let repo = try TestRepo(self, files: ["b.txt": "b", "a.txt": "a", "B.txt": "B", "_.txt": "_", "dir/c.txt": "c"])
        var log = ClaudeLog()
        let call = log.bash("mv *.txt dir/")
        let r = try replay(log, onto: repo)
        // Byte order: "B" < "_" < "a" < "b"; each source is written, then removed.
        XCTAssertEqual(
            try r.step(call).paths,
            [
                "dir/B.txt", "B.txt", "dir/_.txt", "_.txt", "dir/a.txt", "a.txt", "dir/b.txt", "b.txt",
            ])
        XCTAssertEqual(try r.listing(), ["blob dir/B.txt", "blob dir/_.txt", "blob dir/a.txt", "blob dir/b.txt", "blob dir/c.txt"])
    }

    // MARK: Drift

    func testAReadOfAFileMvMovedMatches() throws {
        let repo = try TestRepo(self, files: ["serve.ts": "serve()\n"])
        var log = ClaudeLog()
        log.bash("mkdir -p web/charts")
        let mv = log.bash("mv serve.ts web/")
        let read = log.read("web/serve.ts", "serve()\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(mv).verdict, .applied)
        XCTAssertEqual(try r.step(read).drift, [])
        XCTAssertTrue(r.run.clean)
    }

    func testAScriptRunIsFlaggedAndLaterDriftIsBlamedOnIt() throws {
        let repo = try TestRepo(self, files: base, executable: ["build.sh"])
        var log = ClaudeLog()
        let seen = log.read("src/a.ts", "a\n")
        let known = log.bash("echo b2 > src/b.ts")  // followed: not a suspect
        let build = log.bash("./build.sh")
        // Part of the file: a whole file seen now would be recovered onto ./build.sh.
        let read = log.read("src/a.ts", window: ["a, rebuilt"], startLine: 1, totalLines: 2)
        let r = try replay(log, onto: repo)

        XCTAssertEqual(try r.step(seen).drift, [])
        let step = try r.step(build)
        XCTAssertEqual(step.verdict, .served)
        XCTAssertTrue(step.unseenEffects)
        XCTAssertEqual(step.note, "`./build.sh` runs a program replay does not follow")
        XCTAssertFalse(try r.step(known).unseenEffects)
        let drift = try XCTUnwrap(r.step(read).drift.first)
        XCTAssertEqual(drift.kind, .observation)
        XCTAssertEqual(drift.path, "src/a.ts")
        XCTAssertEqual(drift.suspects, [step.spanID], "the script, not the echo replay followed")
        XCTAssertTrue(drift.explained)
        // The script may have made the difference: no contradiction, but nothing to vouch for.
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.summary.drift, 0)
        XCTAssertEqual(r.run.summary.explainedDifferences, 1)
    }

    func testPossibleEffectsThatNothingContradictsAreListedNotFailed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let install = log.bash("npm install")
        log.read("src/a.ts", "a\n")
        let r = try replay(log, onto: repo)
        XCTAssertTrue(try r.step(install).unseenEffects)
        XCTAssertEqual(r.run.summary.unseenEffects, 1)
        // Not contradicted, and not verified either: nothing confirms what npm install wrote.
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.summary.unverified, 1)
        XCTAssertEqual(r.run.summary.drift, 0)
    }

    func testACopyMadeFromAFileReplayLacksIsBlamedOnTheCopy() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = ClaudeLog()
        let cp = log.bash("cp generated/config.json config.json")  // a file no earlier call showed
        let read = log.read("config.json", "{}\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(cp).note, "`cp generated/config.json`: replay has no generated/config.json")
        XCTAssertTrue(try r.step(cp).unseenEffects)
        // The file the log showed next is the copy's effect, recovered onto it.
        XCTAssertEqual(try r.step(cp).recovered.map(\.path), ["config.json"])
        XCTAssertEqual(try r.step(read).drift, [])
        XCTAssertEqual(try r.file("config.json", in: try r.step(cp).treeAfter), "{}\n")
    }

    // MARK: Failures, refusals, no result

    func testAFailedCommandIsNotApplied() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let partial = log.bash("rm src/a.ts && npm test", output: "1 failing", failed: true)
        let same = log.bash("rm ghost.txt", output: "rm: ghost.txt: No such file or directory", failed: true)
        let timedOut = log.bash("sed -i 's/a/A/' src/a.ts && sleep 600", output: "Command timed out after 2m 0.0s", failed: true)
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.changedNothing)
        let p = try r.step(partial)
        XCTAssertEqual(p.verdict, .served)
        XCTAssertTrue(p.unseenEffects, "it may have run in part")
        XCTAssertEqual(p.note, "recorded as failed (1 failing): its file effects are not replayed (it may have run in part)")
        let s = try r.step(same)
        XCTAssertEqual(s.verdict, .failedAsRecorded, "rm fails on replay too, and there was nothing else")
        XCTAssertFalse(s.unseenEffects)
        XCTAssertTrue(try r.step(timedOut).unseenEffects)
        XCTAssertEqual(r.run.outcome, .unverified, "what ran in part is unseen, and nothing contradicts it")
    }

    func testARefusedCommandNeverRan() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let refused = log.bash("rm -rf src", output: "The user doesn't want to proceed with this tool use. The tool use was rejected.", failed: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(refused).verdict, .failedAsRecorded)
        XCTAssertFalse(try r.step(refused).unseenEffects)
        XCTAssertTrue(r.changedNothing)
    }

    func testCommandsWithoutAnEndAreNotApplied() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let background = log.tool(
            "Bash", ["command": "rm src/a.ts", "run_in_background": true], result: "Command running in background with ID: bash_1",
            record: ["stdout": "", "stderr": "", "interrupted": false, "isImage": false])
        let interrupted = log.tool(
            "Bash", ["command": "rm src/b.ts"], result: "",
            record: ["stdout": "", "stderr": "", "interrupted": true, "isImage": false])
        log.assistant(calls: [("toolu_never", "Bash", ["command": "rm README.md"])])  // the session ended before its result
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.changedNothing)
        XCTAssertEqual(try r.step(background).note, "run in the background: its file effects are not replayed")
        XCTAssertEqual(try r.step(interrupted).note, "interrupted: its file effects are not replayed")
        XCTAssertEqual(try r.step("toolu_never").note, "the log has no result for this call: its file effects are not replayed")
        for call in [background, interrupted, "toolu_never"] {
            XCTAssertEqual(try r.step(call).verdict, .served)
            XCTAssertTrue(try r.step(call).unseenEffects)
        }
    }

    // MARK: The sandbox

    func testEffectsOutsideTheRepoAreNotReplayed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let outside = log.bash("echo secret > /tmp/out.txt && cp src/a.ts ../elsewhere.ts")
        let git = log.bash("rm -f .git/index.lock && rm -rf .git")
        let movedOut = log.bash("mv src/b.ts /tmp/")
        let r = try replay(log, onto: repo)
        let o = try r.step(outside)
        XCTAssertEqual(o.verdict, .served)
        XCTAssertFalse(o.unseenEffects)
        XCTAssertEqual(
            o.note, "`echo` writes to /tmp/out.txt: outside the repo, not replayed; `cp` to ../elsewhere.ts: outside the repo, not replayed")
        XCTAssertEqual(try r.step(git).note, "`rm` removes .git/index.lock: inside .git, not replayed; `rm` removes .git: inside .git, not replayed")
        let m = try r.step(movedOut)
        XCTAssertEqual(m.changes.map(\.path), ["src/b.ts"], "gone from the repo")
        XCTAssertEqual(m.note, "`mv` to /tmp/b.ts: outside the repo, not replayed")
        XCTAssertTrue(r.run.clean)
    }

    func testWritesThroughASymlinkAreNotReplayed() throws {
        let repo = try TestRepo(self, files: ["link": "->/etc", "a.txt": "a\n"])
        var log = ClaudeLog()
        let call = log.bash("echo x > link/passwd")
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(try r.step(call).unseenEffects)
        XCTAssertEqual(try r.step(call).note, "`echo` writes through link/passwd, a symlink or submodule of the tree: not replayed")
    }

    // MARK: Working directories

    func testTheCallsWorkingDirectoryAndCd() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.user("tidy up")  // the session starts at the root…
        log.cwd = ClaudeLog.root + "/src"  // …and the shell is in src/ by now
        let here = log.bash("rm a.ts")
        let up = log.bash("cd .. && rm README.md")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(here).paths, ["src/a.ts"])
        XCTAssertEqual(try r.step(up).paths, ["README.md"])
    }

    // MARK: Codex and SWE-agent

    func testCodexShellCommands() throws {
        let repo = try TestRepo(self, files: base)
        var log = CodexLog()
        log.commit = nil
        log.meta()
        log.turn("tidy up")
        let rm = log.exec("rm -rf src/old && git status --short")
        let failed = log.exec("rm README.md && false", exitCode: 1)
        let readOnly = log.exec("sed -n '1,20p' README.md")
        let shell = log.functionCall("shell", ["command": ["bash", "-lc", "mv x.log y.log"], "workdir": .string(CodexLog.root)])
        log.functionOutput(shell, #"{"output":"","metadata":{"exit_code":0,"duration_seconds":0.1}}"#)
        let running = log.functionCall("exec_command", ["cmd": "rm notes.log && npm run dev", "workdir": .string(CodexLog.root)])
        log.functionOutput(running, "Chunk ID: 1\nWall time: 30.0 seconds\nProcess running with session ID 7\nOriginal token count: 0\nOutput:\n")
        let directory = try makeTemporaryDirectory(self, "rollout")
        let r = try replay(Importer.load(path: log.save(in: directory)), onto: repo)

        XCTAssertEqual(try r.step(rm).paths, ["src/old/c.ts"])
        XCTAssertEqual(try r.step(rm).verdict, .applied)
        XCTAssertEqual(try r.step(failed).verdict, .served)
        XCTAssertTrue(try r.step(failed).unseenEffects)
        XCTAssertEqual(try r.step(readOnly).verdict, .served)
        XCTAssertFalse(try r.step(readOnly).unseenEffects)
        XCTAssertEqual(try r.step(shell).paths, ["y.log", "x.log"])
        XCTAssertEqual(try r.step(running).note, "still running when its output was recorded: its file effects are not replayed")
        XCTAssertEqual(try r.listing(), ["blob README.md", "blob build.sh", "blob notes.log", "blob src/a.ts", "blob src/b.ts", "blob y.log"])
    }

    func testSWEAgentShellKeepsItsWorkingDirectoryFromCallToCall() throws {
        let repo = try TestRepo(self, files: ["pkg/a.py": "a = 1\n", "pkg/b.py": "b = 1\n", "setup.py": "setup()\n"])
        var t = SWEAgentTrajectory()
        t.bash("cd /testbed/pkg")
        t.bash("rm b.py && echo 'c = 1' > c.py")
        t.strReplace("pkg/a.py", "a = 1", "a = 2")
        t.submission = """
            diff --git a/pkg/a.py b/pkg/a.py
            --- a/pkg/a.py
            +++ b/pkg/a.py
            @@ -1 +1 @@
            -a = 1
            +a = 2
            diff --git a/pkg/b.py b/pkg/b.py
            deleted file mode 100644
            --- a/pkg/b.py
            +++ /dev/null
            @@ -1 +0,0 @@
            -b = 1
            diff --git a/pkg/c.py b/pkg/c.py
            new file mode 100644
            --- /dev/null
            +++ b/pkg/c.py
            @@ -0,0 +1 @@
            +c = 1

            """
        t.submit()
        let directory = try makeTemporaryDirectory(self, "traj")
        let r = try replay(Importer.load(path: t.save(in: directory)), onto: repo)
        XCTAssertTrue(r.run.clean, "\(r.run.drift)")
        XCTAssertEqual(r.tools[1].paths, ["pkg/b.py", "pkg/c.py"])
        XCTAssertEqual(try r.listing(), ["blob pkg/a.py", "blob pkg/c.py", "blob setup.py"])
    }
}
