import Foundation
import XCTest

import Git
import Importers
import Replay
import TestSupport
import Trace

/// The base found by agreement: for a log that names no base commit, the newest commit at or
/// before the session's start, on its branch, whose files agree with what the session first
/// saw of each file. Real repositories built by git, with commits made before and after the
/// session (their committer times set), and logs built as the agents write them.
final class BaseAgreementTests: XCTestCase {
    /// ClaudeLog's and CodexLog's first line.
    let sessionStart: Int64 = 1_748_772_000

    /// Commits every change of `repo`'s working tree at `time` (committer and author).
    @discardableResult
    func commit(_ repo: TestRepo, _ message: String, at time: Int64) throws -> ObjectID {
        let environment = ["GIT_COMMITTER_DATE": "\(time) +0000", "GIT_AUTHOR_DATE": "\(time) +0000"]
        for arguments in [["add", "-A"], ["commit", "-q", "--allow-empty", "-m", message]] {
            let result = try Subprocess.run(
                "/usr/bin/env", ["git", "-c", "user.name=T", "-c", "user.email=t@e"] + arguments,
                in: repo.path, environment: GitCLI.environment.merging(environment) { $1 })
            XCTAssertEqual(result.status, 0, result.stderrText)
        }
        return try XCTUnwrap(ObjectID(hex: try repo.head))
    }

    /// Replays `path` as `agentreplay run` does with no `--base`: the base resolved from the
    /// session's start, then chosen by agreement.
    func run(_ path: String, onto repo: TestRepo, revision: String? = nil) throws -> Replayer.Chosen {
        let trace = try Importer.load(path: path)
        let repository = try Repository.open(repo.path, objectsInMemory: true)
        let start = trace.spans.first.flatMap { $0.startTime ?? $0.endTime }?.seconds
        let base = try Base.resolve(header: trace.header, revision: revision, sessionStart: start, in: repository)
        var spans = trace.spans.makeIterator()
        return try Replayer(repository: repository).replayChoosingBase(
            header: trace.header, base: base, sessionStart: start, next: { spans.next() },
            again: {
                var again = trace.spans.makeIterator()
                return { again.next() }
            },
            fresh: { try Repository.open(repo.path, objectsInMemory: true) })
    }

    func save(_ log: ClaudeLog) throws -> String { try log.save(in: makeTemporaryDirectory(self, "trace")) }

    func file(_ chosen: Replayer.Chosen, _ path: String) throws -> String? {
        guard let entry = try chosen.repository.entry(in: chosen.run.finalTree, path: path) else { return nil }
        return String(decoding: try chosen.repository.blob(entry.id), as: UTF8.self)
    }

    /// The agent's edits, committed on the branch after the session; a person's commit on
    /// main before the session's start. The time alone picks main's commit; the Read and the
    /// Edit agree only with the branch's commit the session began on.
    func testTheBranchCommitTheSessionSawIsChosenOverANewerOne() throws {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n", "b.txt": "b\n"])
        try repo.git("checkout", "-q", "-b", "feature")
        try repo.write(["b.txt": "b on the branch\n"])
        let began = try commit(repo, "the branch", at: sessionStart - 500)
        try repo.git("checkout", "-q", "main")
        try repo.write(["a.txt": "one\ntwo\nthree\n"])
        try commit(repo, "main moves on", at: sessionStart - 100)
        var log = ClaudeLog()
        log.gitBranch = "feature"
        log.user("edit a")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "one", "1")
        // Afterwards a person commits the agent's edit on the branch.
        try repo.git("checkout", "-q", "feature")
        try repo.write(["a.txt": "1\ntwo\n"])
        try commit(repo, "the agent's edit", at: sessionStart + 3600)
        try repo.git("checkout", "-q", "main")

        let chosen = try run(save(log), onto: repo)
        XCTAssertEqual(chosen.base.commit, began)
        XCTAssertEqual(chosen.run.baseChoice, "agreement")
        XCTAssertEqual(chosen.run.baseSearch, Base.Search(sights: 1, examined: 1, tips: ["refs/heads/feature"], branch: "feature", agreed: true))
        XCTAssertEqual(chosen.run.outcome, .verified)
        XCTAssertTrue(chosen.run.startState.isEmpty)
        XCTAssertEqual(try file(chosen, "a.txt"), "1\ntwo\n")
        XCTAssertEqual(try file(chosen, "b.txt"), "b on the branch\n")
        XCTAssertTrue(chosen.base.explanation.contains("branch feature"), chosen.base.explanation)
    }

    /// No branch: HEAD's history. A commit made before the session's start that the session
    /// never saw (it began on the commit before) is passed over, found by an Edit's
    /// old_string alone (no whole-file record).
    func testAnEditsOldStringPassesOverACommitTheSessionNeverSaw() throws {
        let repo = try TestRepo(self, files: ["a.txt": "alpha\n"])
        let began = try XCTUnwrap(ObjectID(hex: try repo.head))
        try repo.write(["a.txt": "beta\n"])
        try commit(repo, "later, but before the session", at: sessionStart - 10)
        var log = ClaudeLog()
        log.user("edit")
        log.edit("a.txt", "alpha", "gamma")
        let chosen = try run(save(log), onto: repo)
        XCTAssertEqual(chosen.base.commit, began)
        XCTAssertEqual(chosen.base.search?.examined, 2)
        XCTAssertEqual(chosen.base.search?.tips, ["HEAD"])
        XCTAssertEqual(chosen.run.outcome, .verified)
        XCTAssertEqual(try file(chosen, "a.txt"), "gamma\n")
    }

    /// A dirty start: no commit holds what the session first saw. Today's choice stands (the
    /// newest commit at or before the start), the file as first seen is its start state, and
    /// the search says it found nothing.
    func testADirtyStartKeepsTheSessionStartAndItsStartState() throws {
        let repo = try TestRepo(self, files: ["a.txt": "committed\n"])
        try repo.write(["a.txt": "committed, then more\n"])
        let head = try commit(repo, "before", at: sessionStart - 10)
        var log = ClaudeLog()
        log.user("edit")
        log.read("a.txt", "uncommitted work\n")
        log.edit("a.txt", "work", "play")
        let chosen = try run(save(log), onto: repo)
        XCTAssertEqual(chosen.base.commit, head)
        XCTAssertEqual(chosen.run.baseChoice, "head")
        XCTAssertEqual(chosen.run.baseSearch?.agreed, false)
        XCTAssertEqual(chosen.run.baseSearch?.examined, 2)
        XCTAssertEqual(chosen.run.startState.map(\.path), ["a.txt"])
        XCTAssertEqual(try file(chosen, "a.txt"), "uncommitted play\n")
        XCTAssertTrue(chosen.base.explanation.contains("no commit at or before the session's start agrees"), chosen.base.explanation)
    }

    /// A commit that agrees with every first sight is a start, not a verdict: an observation
    /// after the agent's own edit that contradicts the replay is still drift.
    func testAnAgreeingBaseIsStillCheckedByTheReplay() throws {
        let repo = try TestRepo(self, files: ["a.txt": "x\n"])
        let began = try XCTUnwrap(ObjectID(hex: try repo.head))
        try repo.write(["a.txt": "w\n"])
        try commit(repo, "before the session", at: sessionStart - 10)
        var log = ClaudeLog()
        log.user("edit")
        log.read("a.txt", "x\n")
        log.edit("a.txt", "x", "y")
        log.read("a.txt", "z\n")
        let chosen = try run(save(log), onto: repo)
        XCTAssertEqual(chosen.base.commit, began)
        XCTAssertEqual(chosen.run.outcome, .contradicted)
        XCTAssertEqual(chosen.run.drift.map(\.path), ["a.txt"])
    }

    /// `--base` overrides: no search is made.
    func testBaseOptionOverrides() throws {
        let repo = try TestRepo(self, files: ["a.txt": "alpha\n"])
        try repo.write(["a.txt": "beta\n"])
        let head = try commit(repo, "before the session", at: sessionStart - 10)
        var log = ClaudeLog()
        log.edit("a.txt", "alpha", "gamma")
        let chosen = try run(save(log), onto: repo, revision: "HEAD")
        XCTAssertEqual(chosen.base.commit, head)
        XCTAssertNil(chosen.run.baseSearch)
        XCTAssertEqual(chosen.run.outcome, .contradicted)
    }

    /// A Codex rollout that names a branch but no commit: an apply_patch's context lines must
    /// match, which only the branch's older commit does; the branch's commit made after the
    /// session (the agent's patch, committed) is walked past.
    func testACodexPatchsContextChoosesTheBase() throws {
        let repo = try TestRepo(self, files: ["src/m.py": "def f():\n    return 1\n"])
        try repo.git("checkout", "-q", "-b", "work")
        let began = try XCTUnwrap(ObjectID(hex: try repo.head))
        try repo.write(["src/m.py": "def f():\n    return 2\n"])
        try commit(repo, "the agent's patch, committed afterwards", at: sessionStart + 600)
        try repo.git("checkout", "-q", "main")
        try repo.write(["src/m.py": "def f():\n    return 3\n"])
        try commit(repo, "main, before the session", at: sessionStart - 60)
        var log = CodexLog()
        log.commit = nil
        log.branch = "work"
        log.meta()
        log.turn("fix")
        log.applyPatch("*** Begin Patch\n*** Update File: src/m.py\n@@\n def f():\n-    return 1\n+    return 2\n*** End Patch", changes: nil)
        let path = try log.save(in: makeTemporaryDirectory(self, "trace"))
        let chosen = try run(path, onto: repo)
        XCTAssertEqual(chosen.base.commit, began)
        XCTAssertEqual(chosen.run.baseChoice, "agreement")
        XCTAssertEqual(chosen.run.baseSearch?.branch, "work")
        XCTAssertEqual(chosen.run.baseSearch?.examined, 1)
        XCTAssertEqual(try file(chosen, "src/m.py"), "def f():\n    return 2\n")
    }

    /// The recorded branch is read from Claude Code's `gitBranch` and Codex's `git.branch`,
    /// and kept through the native format.
    func testTheBranchIsReadAndKept() throws {
        var log = ClaudeLog()
        log.gitBranch = "topic/x"
        log.user("hi")
        let trace = try Importer.load(path: save(log))
        XCTAssertEqual(trace.header.branch, "topic/x")
        let line = NativeFormat.encode(trace.header)
        XCTAssertEqual(try NativeFormat.decodeHeader(line, file: "t", line: 1).branch, "topic/x")
        var detached = ClaudeLog()
        detached.gitBranch = "HEAD"
        detached.user("hi")
        XCTAssertNil(try Importer.load(path: save(detached)).header.branch)
        var codex = CodexLog()
        codex.commit = nil
        codex.branch = "dev"
        codex.meta()
        codex.turn("hi")
        XCTAssertEqual(try Importer.load(path: codex.save(in: makeTemporaryDirectory(self, "trace"))).header.branch, "dev")
    }
}
