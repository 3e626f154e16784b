import XCTest

import Git
import Replay
import Trace

/// A whole-file observation that contradicts the replayed file: recovered as the effect of
/// the shell step that could have made it, or as the start state when nothing touched or saw
/// the file yet, and drift otherwise; and what a run vouches for (verified, unverified,
/// contradicted).
final class RecoveryTests: XCTestCase {
    let plain = "package main\nfunc main(){}\n"
    let formatted = "package main\n\nfunc main() {}\n"

    // MARK: A formatter's effect, recovered from what the log showed later

    func testAWholeReadAfterAFormatterIsRecoveredOntoTheFormatter() throws {
        let repo = try TestRepo(self, files: ["main.go": plain])
        var log = ClaudeLog()
        log.read("main.go", plain)
        let fmt = log.bash("gofmt -w main.go")
        let read = log.read("main.go", formatted)
        let r = try replay(log, onto: repo)
        let step = try r.step(fmt)
        XCTAssertEqual(step.recovered.map(\.path), ["main.go"])
        XCTAssertEqual(step.recovered.first?.observedAt, try r.step(read).index)
        XCTAssertEqual(step.changes.map(\.path), ["main.go"])
        XCTAssertNotNil(step.commit, "the formatter's step gets the commit of what it changed")
        XCTAssertEqual(try r.file("main.go", in: step.treeAfter), formatted)
        XCTAssertEqual(try r.file("main.go"), formatted)
        XCTAssertEqual(try r.step(read).drift, [])
        XCTAssertEqual(r.run.drift, [])
        // The same call may have changed other files: the run is unverified, not clean.
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(r.run.summary.recovered, 1)
        // The commit holds the formatted file, and its message names the formatter's span.
        let commit = try XCTUnwrap(step.commit)
        XCTAssertEqual(try r.repository.tree(ofCommit: commit), step.treeAfter)
    }

    func testAnEditAfterAFormatterAppliesOnTheRecoveredFile() throws {
        let repo = try TestRepo(self, files: ["main.go": plain])
        var log = ClaudeLog()
        let first = log.edit("main.go", "func main(){}", "func main(){ run() }", originalFile: plain)
        let fmt = log.bash("gofmt -w .")
        let after = "package main\n\nfunc main() { run() }\n"
        let second = log.edit("main.go", "run()", "run(1)", originalFile: after)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(first).verdict, .applied)
        XCTAssertEqual(try r.step(fmt).recovered.map(\.path), ["main.go"])
        XCTAssertEqual(try r.step(second).verdict, .applied)
        XCTAssertEqual(try r.step(second).drift, [])
        XCTAssertEqual(try r.file("main.go"), "package main\n\nfunc main() { run(1) }\n")
        // Every step after the formatter sees its effect: the trees are rewritten from there.
        XCTAssertEqual(try r.file("main.go", in: try r.step(second).treeBefore), after)
        XCTAssertEqual(r.run.commits.count, 3)
    }

    func testTheLatestShellStepSinceThePathMatchedIsTheOneRecoveredOnto() throws {
        let repo = try TestRepo(self, files: ["a.go": plain])
        var log = ClaudeLog()
        let early = log.bash("make generate")
        log.read("a.go", plain)
        let late = log.bash("make fmt")
        log.read("a.go", formatted)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(early).recovered, [])
        XCTAssertEqual(try r.step(late).recovered.map(\.path), ["a.go"])
    }

    func testADifferenceNoStepExplainsStaysDrift() throws {
        let repo = try TestRepo(self, files: ["a.go": plain])
        var log = ClaudeLog()
        log.read("a.go", plain)
        let read = log.read("a.go", formatted)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(read).drift.map(\.kind), [.observation])
        XCTAssertEqual(r.run.outcome, .contradicted)
        XCTAssertEqual(try r.file("a.go"), plain)
    }

    func testAPartialReadIsNeverRecovered() throws {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\nthree\n"])
        var log = ClaudeLog()
        log.bash("./script.sh")
        let read = log.read("a.txt", window: ["one", "TWO"], startLine: 1, totalLines: 4)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(read).drift.map(\.kind), [.observation])
        XCTAssertEqual(r.run.summary.recovered, 0)
        XCTAssertEqual(try r.file("a.txt"), "one\ntwo\nthree\n")
    }

    func testAPartialReadThatALaterRecoveryExplainsIsNoLongerDrift() throws {
        // entireio/cli ckpt d65f53d0e8e2: a window read after a shell call contradicts the
        // replayed file; a later whole-file observation is recovered onto that call, and the
        // window agrees with the file as recovered.
        let repo = try TestRepo(self, files: ["f.go": "a\nb\nc\n"])
        var log = ClaudeLog()
        log.read("f.go", "a\nb\nc\n")
        let shell = log.bash("./generate")
        let window = log.read("f.go", window: ["B"], startLine: 2, totalLines: 4)
        log.read("f.go", "a\nB\nc\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(shell).recovered.map(\.path), ["f.go"])
        let step = try r.step(window)
        XCTAssertEqual(step.drift, [])
        XCTAssertTrue(step.note?.contains("agrees with the file recovered") ?? false, step.note ?? "")
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.summary.drift, 0)
    }

    func testAPartialReadThatTheRecoveryDoesNotExplainStaysDrift() throws {
        let repo = try TestRepo(self, files: ["f.go": "a\nb\nc\n"])
        var log = ClaudeLog()
        log.read("f.go", "a\nb\nc\n")
        log.bash("./generate")
        let window = log.read("f.go", window: ["Q"], startLine: 2, totalLines: 4)
        log.read("f.go", "a\nB\nc\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(window).drift.first?.recorded, "Q")
        XCTAssertEqual(r.run.outcome, .contradicted)
    }

    func testACallThatFailedAsRecordedDoesNotTellThatAFileMatched() throws {
        // A refused Edit ("File has not been read yet") never looked at the file: the shell
        // call before it can still explain a later before-image.
        let repo = try TestRepo(self, files: ["g.go": "x\n"])
        var log = ClaudeLog()
        log.read("g.go", "x\n")
        let shell = log.bash("./generate")
        log.edit("g.go", "y", "z", error: "File has not been read yet. Read it first before writing to it.")
        let edit = log.edit("g.go", "y", "z", originalFile: "y\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(shell).recovered.map(\.path), ["g.go"])
        XCTAssertEqual(try r.step(edit).verdict, .applied)
        XCTAssertEqual(r.run.summary.drift + r.run.summary.mismatch, 0)
        XCTAssertEqual(try r.file("g.go"), "z\n")
    }

    func testAnEditThatFailsAfterAShellCallIsExplainedNotAContradiction() throws {
        // The script may have written the text the Edit replaced: its failure on replay is
        // no contradiction, but its effect is unknown.
        let repo = try TestRepo(self, files: ["g.go": "x\n"])
        var log = ClaudeLog()
        log.read("g.go", "x\n")
        let shell = log.bash("./generate")
        let edit = log.edit("g.go", "y", "z")
        let r = try replay(log, onto: repo)
        let step = try r.step(edit)
        XCTAssertEqual(step.verdict, .mismatch)
        XCTAssertEqual(step.suspects, [try r.step(shell).spanID])
        XCTAssertTrue(step.unverified)
        XCTAssertTrue(step.note?.contains("not a contradiction") ?? false, step.note ?? "")
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.summary.mismatch, 0)
        XCTAssertEqual(r.run.summary.explainedDifferences, 1)
    }

    func testAnEditThatFailsWithNoShellCallBeforeItIsAContradiction() throws {
        let repo = try TestRepo(self, files: ["g.go": "x\n"])
        var log = ClaudeLog()
        log.bash("./generate")
        log.read("g.go", "x\n")  // matched after the script: it cannot explain what follows
        let edit = log.edit("g.go", "y", "z")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(edit).suspects, [])
        XCTAssertEqual(r.run.outcome, .contradicted)
        XCTAssertEqual(r.run.summary.mismatch, 1)
    }

    func testAFileWithCarriageReturnsIsNeverRecovered() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\n"])
        var log = ClaudeLog()
        log.bash("./script.sh")
        let read = log.read("w.txt", "one\nTWO\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(read).drift.map(\.kind), [.observation])
        XCTAssertEqual(try r.file("w.txt"), "one\r\ntwo\r\n")
    }

    func testAFileAShellCallMadeIsRecoveredFromAWriteBeforeImage() throws {
        let repo = try TestRepo(self, files: ["keep.txt": "k\n"])
        var log = ClaudeLog()
        let gen = log.bash("python gen.py")
        let generated = "generated\n"
        let edit = log.edit("out.txt", "generated", "edited", originalFile: generated)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(gen).recovered.map(\.path), ["out.txt"])
        XCTAssertEqual(try r.step(gen).changes.first?.before, nil)
        XCTAssertEqual(try r.step(edit).verdict, .applied)
        XCTAssertEqual(try r.file("out.txt"), "edited\n")
    }

    func testAWriteThatCreatedAFileAShellCallHadDeletedIsRecoveredAsADeletion() throws {
        let repo = try TestRepo(self, files: ["old.txt": "old\n"])
        var log = ClaudeLog()
        let clean = log.bash("make clean")
        let write = log.write("old.txt", "new\n", created: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(clean).recovered.map(\.path), ["old.txt"])
        XCTAssertNil(try r.file("old.txt", in: try r.step(clean).treeAfter))
        XCTAssertEqual(try r.step(write).drift, [])
        XCTAssertEqual(try r.file("old.txt"), "new\n")
    }

    // MARK: The start state

    func testAFirstObservationThatDisagreesWithTheBaseIsTheStartState() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\n", "b.py": "y = 2\n"])
        let baseTree = try repo.open().tree(ofCommit: try repo.open().head()!)
        var log = ClaudeLog()
        log.read("a.py", "x = 10\n")
        let edit = log.edit("a.py", "x = 10", "x = 11", originalFile: "x = 10\n")
        log.read("new.py", "untracked\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.startState.map(\.path), ["a.py", "new.py"])
        XCTAssertNotEqual(r.run.baseTree, baseTree)
        XCTAssertEqual(try r.file("a.py", in: r.run.baseTree), "x = 10\n")
        XCTAssertEqual(try r.file("new.py", in: r.run.baseTree), "untracked\n")
        XCTAssertEqual(try r.file("b.py", in: r.run.baseTree), "y = 2\n")
        XCTAssertEqual(try r.step(edit).verdict, .applied)
        XCTAssertEqual(try r.file("a.py"), "x = 11\n")
        XCTAssertEqual(r.run.drift, [], "nothing contradicts a dirty start the log shows")
        // But files the session never saw may have been dirty too: the run cannot vouch for them.
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertTrue(r.run.caveats.contains { $0.contains("began on a tree other than the base") }, "\(r.run.caveats)")
        XCTAssertEqual(r.run.summary.startState, 2)
        // The first commit of the chain is the start state on the base commit; the edit's
        // commit comes after it and holds only the agent's own change.
        let commit = try XCTUnwrap(try r.step(edit).commit)
        let parent = try XCTUnwrap(try r.repository.commitParents(commit).first)
        XCTAssertEqual(try r.repository.tree(ofCommit: parent), r.run.baseTree)
        XCTAssertEqual(try r.repository.commitParents(parent), [try repo.open().head()!])
    }

    func testAnObservationAfterAnEditOfThePathIsNotTheStartState() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\n"])
        var log = ClaudeLog()
        log.edit("a.py", "x = 1", "x = 2", originalFile: "x = 1\n")
        let read = log.read("a.py", "x = 3\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.startState, [])
        XCTAssertEqual(try r.step(read).drift.map(\.kind), [.observation])
    }

    // MARK: What a run vouches for

    func testAShellCallNothingConfirmsLeavesTheRunUnverified() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = ClaudeLog()
        let build = log.bash("make")
        let r = try replay(log, onto: repo)
        XCTAssertTrue(try r.step(build).unseenEffects)
        XCTAssertTrue(try r.step(build).unverified)
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.summary.unverified, 1)
        XCTAssertFalse(r.run.clean)
    }

    func testAReadOnlyShellCallLeavesTheRunVerified() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = ClaudeLog()
        log.bash("ls -la && git status")
        log.edit("a.txt", "a", "b", originalFile: "a\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.outcome, .verified)
        XCTAssertTrue(r.run.clean)
    }

    func testAnUnknownToolIsNotReplayable() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let call = log.tool("FancyNewEditor", ["file_path": .string(ClaudeLog.absolute("x.txt"))], result: .string("done"))
        let listed = log.tool("Grep", ["pattern": "x"], result: .string("No matches"))
        let mcpRemote = log.tool("mcp__linear-server__get_issue", ["id": "X-1"], result: .string("{}"))
        let mcpLocal = log.tool("mcp__filesystem__write_file", ["path": "x"], result: .string("ok"))
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .notReplayable)
        XCTAssertEqual(try r.step(listed).verdict, .served)
        XCTAssertEqual(try r.step(mcpRemote).verdict, .served)
        XCTAssertEqual(try r.step(mcpLocal).verdict, .notReplayable)
        XCTAssertEqual(r.run.outcome, .contradicted)
        XCTAssertEqual(r.run.summary.notReplayable, 2)
        XCTAssertEqual(r.run.summary.mismatch, 0)
    }

    func testAWriteToATemporaryFolderIsNotAFailure() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let temporary = log.tool("Write", ["file_path": "/tmp/bb-shot/shot.mjs", "content": "x"], result: .string("File created"))
        let elsewhere = log.tool("Write", ["file_path": "/etc/motd", "content": "x"], result: .string("File created"))
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(temporary).verdict, .served)
        XCTAssertEqual(try r.step(elsewhere).verdict, .outsideRepo)
    }

    func testASubagentLeavesTheRunUnverified() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let task = log.tool("Task", ["prompt": "fix the tests", "subagent_type": "general-purpose"], result: .string("Done."))
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(task).verdict, .served)
        XCTAssertTrue(try r.step(task).unverified)
        XCTAssertEqual(r.run.outcome, .unverified)
    }
}

/// A recorded root that may be a folder of the repository rather than its top.
final class RootCheckTests: XCTestCase {
    func testASessionThatOnlyCreatedFilesInAFolderNamedLikeItsRootIsUnverified() throws {
        // The recorded root's last component is ClaudeLog.root's.
        let name = String(ClaudeLog.root.split(separator: "/").last!)
        let repo = try TestRepo(self, files: ["\(name)/inner.txt": "x\n"])
        var log = ClaudeLog()
        log.write("test.txt", "new\n", created: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.outcome, .unverified)
        XCTAssertEqual(r.run.caveats.count, 1)
    }

    func testAPathTheBaseHasAtTheTopSettlesIt() throws {
        let name = String(ClaudeLog.root.split(separator: "/").last!)
        let repo = try TestRepo(self, files: ["\(name)/inner.txt": "x\n", "top.txt": "t\n"])
        var log = ClaudeLog()
        log.read("top.txt", "t\n")
        log.write("test.txt", "new\n", created: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.caveats, [])
        XCTAssertEqual(r.run.outcome, .verified)
    }
}
