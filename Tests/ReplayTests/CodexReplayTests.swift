import Foundation
import XCTest

import Git
import Importers
import Replay
import Trace

/// Codex rollouts replayed: `apply_patch` in every form Codex accepts it, with Codex's
/// semantics, checked against the recorded `patch_apply_end`; the real rollout in
/// `fixtures/codex/` replayed onto the start state rebuilt from what the session observed.
final class CodexReplayTests: XCTestCase {
    static let real = "codex-0.140.0-alpha.19__planetfall-license.jsonl"

    func replay(_ log: CodexLog, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "rollout")
        let trace = try Importer.load(path: log.save(in: directory))
        XCTAssertEqual(trace.header.sourceFormat, "codex")
        return try replay(trace, onto: repo)
    }

    func session(_ build: (inout CodexLog) -> Void) -> CodexLog {
        var log = CodexLog()
        log.commit = nil  // start from the test repository's HEAD
        log.meta()
        log.turn("please edit")
        build(&log)
        return log
    }

    // MARK: The real rollout

    /// Rebuilds the base with `fixtures/codex/make-planetfall-base.py` (the two files the
    /// patch updates, from the `sed -n '1,220p'` outputs the session recorded).
    func rebuildRealBase() throws -> (TestRepo, String) {
        let log = packageRoot + "/fixtures/codex/" + Self.real
        let directory = try makeTemporaryDirectory(self, "planetfall") + "/base"
        let result = try Subprocess.run(
            "/usr/bin/env", ["python3", packageRoot + "/fixtures/codex/make-planetfall-base.py", log, directory], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderrText)
        return (TestRepo(existing: directory), log)
    }

    func testRealRolloutReplaysItsPatchExactlyAsRecorded() throws {
        let (repo, log) = try rebuildRealBase()
        // The rebuilt files are the ones the session had: their blob ids begin with the
        // `index e8ef11f..edb93f4` / `index bedf5e9..ef1cb5b` lines of the `git diff` the
        // agent ran after the patch.
        XCTAssertTrue(try repo.git("rev-parse", "HEAD:README.md").hasPrefix("e8ef11f"))
        XCTAssertTrue(try repo.git("rev-parse", "HEAD:package.json").hasPrefix("bedf5e9"))

        var trace = try Importer.load(path: log)
        XCTAssertEqual(trace.header.agentName, "codex")
        XCTAssertEqual(trace.header.agentVersion, "0.140.0-alpha.19")
        XCTAssertEqual(trace.header.baseCommit, "e3efe558f4a965ca151cabae9fc2e3ee1af872dc")
        XCTAssertEqual(trace.header.repoRoot, "/Users/goose-guest/Documents/work/planetfall-seed-signalkit")
        trace.header.baseCommit = nil  // that commit is not in the rebuilt repository
        let r = try replay(trace, onto: repo)

        // Nothing contradicts it; `npm run build` and the rest may have changed files unseen.
        XCTAssertEqual(
            r.run.outcome, .unverified,
            r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map {
                "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)"
            }.joined(separator: "\n"))
        let patch = try XCTUnwrap(r.tools.first { $0.toolName == "apply_patch" })
        XCTAssertEqual(patch.verdict, .applied)
        XCTAssertEqual(patch.callID, "call_uGZOUdtZNM8TcCqXIIZcS6eD")
        XCTAssertEqual(patch.paths, ["LICENSE", "package.json", "README.md"])
        XCTAssertEqual(patch.drift, [], "the result agrees with patch_apply_end, path by path")
        XCTAssertEqual(r.run.commits.count, 1)
        XCTAssertEqual(r.tools.filter { $0.toolName == "exec_command" }.count, 20)
        // Served, none run; only the commands that may write files are flagged (`ShellReplay`).
        let shells = r.tools.filter { $0.toolName == "exec_command" }
        XCTAssertTrue(shells.allSatisfy { $0.verdict == .served })
        let spans = Dictionary(uniqueKeysWithValues: r.trace.spans.map { ($0.id, $0) })
        XCTAssertEqual(
            shells.filter(\.unseenEffects).compactMap { spans[$0.spanID]?.input?["cmd"]?.stringValue },
            [
                "node -e \"JSON.parse(require('fs').readFileSync('package.json', 'utf8')); console.log('package.json ok')\"",
                "npm run build",
                "git diff --cached --check && git commit -m \"Add GPLv3 license\"",  // still running when recorded
            ])

        // LICENSE is what the patch added, byte for byte; the updated files have the blob ids
        // the agent's own `git diff` showed.
        let span = try XCTUnwrap(r.trace.spans.first { $0.toolCallID == patch.callID })
        let license = try XCTUnwrap(
            span.details?["changes"]?["/Users/goose-guest/Documents/work/planetfall-seed-signalkit/LICENSE"]?["content"]?.stringValue)
        XCTAssertEqual(try r.file("LICENSE"), license)
        XCTAssertEqual(try r.file("LICENSE")?.split(separator: "\n", omittingEmptySubsequences: false).count, 675 + 1, "`wc -l LICENSE` said 675")
        let final = r.run.finalTree.hex
        XCTAssertTrue(try repo.git("rev-parse", "\(final):README.md").hasPrefix("edb93f4"))
        XCTAssertTrue(try repo.git("rev-parse", "\(final):package.json").hasPrefix("ef1cb5b"))
    }

    func testRealRolloutUsageIsKeptPerModelTurn() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/codex/" + Self.real)
        let turns = trace.spans.filter { $0.kind == .llm }
        let total = turns.map(\.usage).reduce(Usage(), +)
        // The last `token_count` reports the session's running total: 596436 input tokens
        // (476416 of them cached) and 14888 output tokens.
        XCTAssertEqual(total, Usage(inputTokens: 596_436 - 476_416, outputTokens: 14_888, cacheReadTokens: 476_416))
        XCTAssertEqual(turns.first?.usage, Usage(inputTokens: 29_614 - 4_992, outputTokens: 1_606, cacheReadTokens: 4_992))
        XCTAssertEqual(turns.first?.model, "gpt-5.5")
    }

    func testImportedRolloutReplaysToTheSameCommits() throws {
        let (repo, log) = try rebuildRealBase()
        var trace = try Importer.load(path: log)
        trace.header.baseCommit = nil
        let direct = try replay(trace, onto: repo)
        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.trace.header.sourceFormat, "codex")
        XCTAssertEqual(converted.run.commits, direct.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), direct.run.steps.map(\.verdict))
        XCTAssertFalse(direct.run.commits.isEmpty)
    }

    // MARK: apply_patch forms

    let base = ["src/app.py": "def main():\n    print('hi')\n", "README.md": "# app\n"]

    func testEveryFormOfApplyPatchIsApplied() throws {
        let repo = try TestRepo(self, files: base)
        let patch = { (n: Int) in "*** Begin Patch\n*** Add File: notes/\(n).txt\n+note \(n)\n*** End Patch\n" }
        var calls: [String] = []
        let log = session { log in
            calls.append(log.applyPatch(patch(1), changes: [CodexLog.absolute("notes/1.txt"): CodexLog.add("note 1\n")]))
            // The function form, and `apply_patch` run through the shell tools of older Codex.
            let f = log.functionCall("apply_patch", ["input": .string(patch(2))])
            log.functionOutput(f, "Exit code: 0\nOutput:\nSuccess.")
            let s = log.functionCall("shell", ["command": ["apply_patch", .string(patch(3))], "workdir": .string(CodexLog.root)])
            log.functionOutput(
                s, #"{"output":"Success. Updated the following files:\nA notes/3.txt\n","metadata":{"exit_code":0,"duration_seconds":0.0}}"#)
            let h = log.functionCall(
                "shell",
                [
                    "command": [
                        "bash", "-lc", .string("cd notes && apply_patch <<'EOF'\n*** Begin Patch\n*** Add File: 4.txt\n+note 4\n*** End Patch\nEOF"),
                    ]
                ])
            log.functionOutput(h, "Exit code: 0\nOutput:\nSuccess.")
            let e = log.functionCall(
                "exec_command", ["cmd": .string("apply_patch <<'PATCH'\n\(patch(5))PATCH\n"), "workdir": .string(CodexLog.root + "/src")])
            log.functionOutput(e, "Process exited with code 0\nOutput:\nSuccess.")
            calls += [f, s, h, e]
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try calls.map { try r.step($0).verdict }, Array(repeating: .applied, count: 5))
        XCTAssertEqual(try r.file("notes/1.txt"), "note 1\n")
        XCTAssertEqual(try r.file("notes/2.txt"), "note 2\n")
        XCTAssertEqual(try r.file("notes/3.txt"), "note 3\n")
        XCTAssertEqual(try r.file("notes/4.txt"), "note 4\n", "relative to the `cd` of the script")
        XCTAssertEqual(try r.file("src/notes/5.txt"), "note 5\n", "relative to the call's workdir")
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(r.run.commits.count, 5)
    }

    func testUpdateMoveAndDeleteInOnePatch() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.applyPatch(
                """
                *** Begin Patch
                *** Update File: src/app.py
                *** Move to: src/main.py
                @@ def main():
                -    print('hi')
                +    print('hello')
                *** Delete File: README.md
                *** End Patch
                """,
                changes: [
                    CodexLog.absolute("src/app.py"): CodexLog.update(
                        "@@ -1,2 +1,2 @@\n def main():\n-    print('hi')\n+    print('hello')\n", moveTo: "src/main.py"),
                    CodexLog.absolute("README.md"): CodexLog.delete("# app\n"),
                ])
        }
        let r = try replay(log, onto: repo)
        let step = try r.step(id)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.drift, [])
        XCTAssertEqual(Set(step.changes.map(\.path)), ["src/app.py", "src/main.py", "README.md"])
        XCTAssertNil(try r.file("src/app.py"))
        XCTAssertNil(try r.file("README.md"))
        XCTAssertEqual(try r.file("src/main.py"), "def main():\n    print('hello')\n")
    }

    // MARK: Recorded outcomes

    func testRecordedVerificationFailureFailsAgainAndWritesNothing() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.applyPatch(
                "*** Begin Patch\n*** Update File: src/app.py\n@@\n-    print('bye')\n+    print('x')\n*** End Patch",
                changes: nil, success: false,
                output: "apply_patch verification failed: Failed to find expected lines [\"    print('bye')\"] in /home/dev/project/src/app.py")
        }
        let r = try replay(log, onto: repo)
        let step = try r.step(id)
        XCTAssertEqual(step.verdict, .failedAsRecorded)
        XCTAssertEqual(
            step.note, "apply_patch verification failed: Failed to find expected lines [\"    print('bye')\"] in /home/dev/project/src/app.py")
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(r.run.clean)
    }

    func testRecordedSuccessThatFailsOnReplayIsAMismatch() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.applyPatch(
                "*** Begin Patch\n*** Update File: src/app.py\n@@\n-    print('bye')\n+    print('x')\n*** End Patch",
                changes: [CodexLog.absolute("src/app.py"): CodexLog.update("@@ -2 +2 @@\n-    print('bye')\n+    print('x')\n")])
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .mismatch)
        XCTAssertEqual(try r.step(id).note, "recorded as done, but on replay: Failed to find expected lines [\"    print('bye')\"] in src/app.py")
        XCTAssertFalse(r.run.clean)
        XCTAssertTrue(r.changedNothing)
    }

    func testARecordThatDisagreesWithTheReplayedResultIsDrift() throws {
        // The base has trailing white space Codex's lenient matching steps over: the patch
        // applies, but the unified diff Codex recorded was computed on a file without it.
        let repo = try TestRepo(self, files: ["a.txt": "one  \ntwo\n"])
        var id = ""
        let log = session { log in
            log.exec("./strip-spaces.sh a.txt")  // a shell call replay cannot see: the suspect
            id = log.applyPatch(
                "*** Begin Patch\n*** Update File: a.txt\n@@\n one\n-two\n+2\n*** End Patch",
                changes: [CodexLog.absolute("a.txt"): CodexLog.update("@@ -1,2 +1,2 @@\n one\n-two\n+2\n")])
        }
        let r = try replay(log, onto: repo)
        let step = try r.step(id)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(try r.file("a.txt"), "one\n2\n", "Codex writes the matched region as the patch spells it, context included")
        let drift = try XCTUnwrap(step.drift.first)
        XCTAssertEqual(drift.kind, .beforeImage)
        XCTAssertEqual(drift.path, "a.txt")
        XCTAssertEqual(drift.line, 1)
        XCTAssertEqual(drift.recorded, "one")
        XCTAssertEqual(drift.replayed, "one  ")
        XCTAssertEqual(drift.suspects.count, 1, "the exec_command before it")
        XCTAssertFalse(r.run.clean)
    }

    func testAnAddedFileWhoseRecordedContentDiffersIsAfterImageDrift() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in
            id = log.applyPatch(
                "*** Begin Patch\n*** Add File: n.txt\n+new\n*** End Patch",
                changes: [CodexLog.absolute("n.txt"): CodexLog.add("newer\n"), CodexLog.absolute("other.txt"): CodexLog.add("x\n")])
        }
        let r = try replay(log, onto: repo)
        let drift = try r.step(id).drift
        XCTAssertEqual(drift.map(\.kind), [.afterImage, .existence])
        XCTAssertEqual(drift.map(\.path), ["n.txt", "other.txt"])
        XCTAssertEqual(drift.first?.recorded, "newer")
        XCTAssertEqual(drift.first?.replayed, "new")
    }

    func testPathsOutsideTheRepoOrInsideGitAreNeverWritten() throws {
        let repo = try TestRepo(self, files: base)
        var outside = "", git = ""
        let log = session { log in
            outside = log.applyPatch("*** Begin Patch\n*** Add File: /etc/evil\n+x\n*** End Patch", changes: nil)
            git = log.applyPatch("*** Begin Patch\n*** Add File: .git/hooks/pre-commit\n+x\n*** End Patch", changes: nil)
        }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(outside).verdict, .outsideRepo)
        XCTAssertEqual(try r.step(git).verdict, .refused)
        XCTAssertTrue(r.changedNothing)
    }

    func testShellCommandsAreServedAndFlagged() throws {
        let repo = try TestRepo(self, files: base)
        var id = ""
        let log = session { log in id = log.exec("make clean", exitCode: 0) }
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(id).verdict, .served)
        XCTAssertTrue(try r.step(id).unseenEffects)
        XCTAssertTrue(r.changedNothing)
    }
}
