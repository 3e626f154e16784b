import Foundation
import XCTest

import Git
import Replay
import Trace

/// The trees agentreplay's hooks record after shell calls (`refs/agentreplay/sessions/<id>/`),
/// written here with git itself, and what replay makes of them: the effect of a call replay
/// cannot follow, a check of any other, and nothing said of the calls before.
final class RecordedShellTreeTests: XCTestCase {
    /// Records `repo`'s working tree as the hooks do, under `name` of the log's session:
    /// a commit of `git add -A`'s tree (in a throwaway index) on HEAD.
    func record(_ repo: TestRepo, _ name: String, session: String = ClaudeLog().sessionID) throws {
        let index = try makeTemporaryDirectory(self, "index") + "/index"
        try FileManager.default.copyItem(atPath: repo.path + "/.git/index", toPath: index)
        var env = GitCLI.environment
        env["GIT_INDEX_FILE"] = index
        _ = try Subprocess.run("/usr/bin/env", ["git", "add", "-A"], in: repo.path, environment: env)
        let tree = try Subprocess.run("/usr/bin/env", ["git", "write-tree"], in: repo.path, environment: env).stdoutText
        let commit = try repo.git("commit-tree", tree.trimmingCharacters(in: .whitespacesAndNewlines), "-p", "HEAD", "-m", name)
        _ = try repo.git("update-ref", "refs/agentreplay/sessions/\(session)/\(name)", commit.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    func testARecordedTreeIsTheEffectOfACallReplayCannotFollow() throws {
        let repo = try TestRepo(self, files: ["a.py": "x=1\n", "b.py": "y=2\n"])
        try record(repo, "start")
        var log = ClaudeLog()
        let task = log.tool("Task", ["description": "tidy", "prompt": "tidy up"], result: "done")
        // A formatter the agent ran: it changed a.py and wrote a report.
        try repo.write(["a.py": "x = 1\n", "report.txt": "1 file reformatted\n"])
        let bash = log.bash("make fmt", output: "1 file reformatted")
        try record(repo, "calls/\(bash)")
        let quiet = log.bash("make check")
        try record(repo, "calls/\(quiet)")
        log.read("a.py", "x = 1\n")
        let r = try replay(log, onto: repo)

        XCTAssertEqual(r.run.baseChoice, "hooks")
        let step = try r.step(bash)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.changes.map(\.path), ["a.py", "report.txt"])
        XCTAssertFalse(step.unverified)
        XCTAssertNotNil(step.commit)
        XCTAssertTrue(step.note?.contains("its effect is the working tree recorded after it (2 files)") == true, step.note ?? "")
        let unchanged = try r.step(quiet)
        XCTAssertEqual(unchanged.verdict, .served)
        XCTAssertFalse(unchanged.unverified)
        XCTAssertNil(unchanged.commit)
        XCTAssertEqual(try r.file("a.py"), "x = 1\n")
        XCTAssertEqual(r.run.drift, [])
        // The subagent before it may have changed files too: what it did is folded into the
        // formatter's tree, so it stays unverified, and so does the run.
        XCTAssertTrue(try r.step(task).unverified)
        XCTAssertEqual(r.run.outcome, .unverified)
    }

    func testWithEveryCallRecordedTheRunIsVerified() throws {
        let repo = try TestRepo(self, files: ["a.py": "x=1\n"])
        try repo.write(["notes.txt": "started dirty\n"])
        try record(repo, "start")
        var log = ClaudeLog()
        try repo.write(["a.py": "x = 1\n"])
        let bash = log.bash("black a.py")
        try record(repo, "calls/\(bash)")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.outcome, .verified)
        XCTAssertEqual(try r.file("notes.txt", in: r.run.baseTree), "started dirty\n", "the recorded start, dirty")
        XCTAssertEqual(try r.step(bash).changes.map(\.path), ["a.py"])
    }

    func testACallReplayFollowsIsCheckedAgainstItsTree() throws {
        let repo = try TestRepo(self, files: ["a.py": "x=1\n"])
        try record(repo, "start")
        var log = ClaudeLog()
        // Someone else changed a.py while the agent listed the folder: `ls` cannot have.
        try repo.write(["a.py": "edited elsewhere\n"])
        let ls = log.bash("ls")
        try record(repo, "calls/\(ls)")
        let r = try replay(log, onto: repo)
        let step = try r.step(ls)
        XCTAssertEqual(step.verdict, .served)
        XCTAssertEqual(step.drift.map(\.kind), [.tree])
        XCTAssertEqual(r.run.outcome, .contradicted)
    }
}

extension RecordedShellTreeTests {
    /// A trace that names its base commit (a Codex rollout does) and a start the hooks
    /// recorded on that commit: the hooks' working tree is the start, dirty files and all.
    func testTheHooksStartRefinesTheTracesOwnBaseCommit() throws {
        let repo = try TestRepo(self, files: ["a.py": "x=1\n"])
        try repo.write(["wip.py": "unsaved work\n"])
        try record(repo, "start")
        let head = try repo.head
        let header = Trace.Header(traceID: Trace.Header.traceID(session: ClaudeLog().sessionID), agentName: "native-test", baseCommit: head)
        let r = try replay(Trace(header: header, spans: []), onto: repo)
        XCTAssertEqual(r.run.baseChoice, "hooks")
        XCTAssertEqual(r.run.baseCommit?.hex, head)
        XCTAssertEqual(try r.file("wip.py", in: r.run.baseTree), "unsaved work\n")
        // Another commit recorded by the trace: the trace's own base, the hooks' start unused.
        _ = try repo.git("add", "-A")
        _ = try repo.git("commit", "-q", "-m", "wip")
        let other = Trace.Header(traceID: header.traceID, agentName: "native-test", baseCommit: try repo.head)
        XCTAssertEqual(try replay(Trace(header: other, spans: []), onto: repo).run.baseChoice, "recorded")
    }
}
