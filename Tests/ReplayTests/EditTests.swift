import XCTest

import Git
import Replay
import Trace

/// Claude Code's `Edit`, replayed with its own semantics: exact, unique match unless
/// `replace_all`; old == new fails; an empty `old_string` creates a file; deleting text that
/// ends a line takes the newline; CRLF files stay CRLF.
final class EditTests: XCTestCase {
    let base = ["a.txt": "alpha\nbeta\ngamma\n"]

    func testUniqueMatchIsReplacedAndCommitted() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.edit("a.txt", "beta", "BETA")
        let r = try replay(log, onto: repo)

        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.paths, ["a.txt"])
        XCTAssertEqual(try r.file("a.txt"), "alpha\nBETA\ngamma\n")
        XCTAssertTrue(r.run.clean)
        // One commit, on the base, holding exactly that change: checked with git itself.
        let commit = try XCTUnwrap(step.commit)
        XCTAssertEqual(r.run.commits, [commit])
        XCTAssertEqual(try r.repository.commitParents(commit), [try XCTUnwrap(ObjectID(hex: repo.head))])
        XCTAssertEqual(try repo.git("show", "\(commit.hex):a.txt"), "alpha\nBETA\ngamma\n")
        XCTAssertEqual(try repo.git("diff", "--name-status", "HEAD", commit.hex), "M\ta.txt\n")
        XCTAssertEqual(step.changes.map(\.path), ["a.txt"])
        XCTAssertEqual(step.changes.first?.before, try r.repository.entry(in: r.run.baseTree, path: "a.txt")?.id)
    }

    func testCommitTakesAuthorAndTimeFromTheTrace() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.at(3600)
        let call = log.edit("a.txt", "beta", "BETA")
        let r = try replay(log, onto: repo)
        let commit = try XCTUnwrap(r.step(call).commit).hex
        // The call is logged at 3600 s, its result at 3601 s: 2025-06-01T11:00:01Z.
        XCTAssertEqual(
            try repo.git("log", "-1", "--format=%an <%ae> %at %cn %ct", commit),
            "claude-code 2.1.100 <claude-code@agentreplay.invalid> 1748775601 claude-code 2.1.100 1748775601\n")
        let message = try repo.git("log", "-1", "--format=%B", commit)
        XCTAssertTrue(message.hasPrefix("Edit a.txt\n"), message)
        XCTAssertTrue(message.contains("Agentreplay-Tool-Call: \(call)"), message)
    }

    func testStringNotFoundFailsAgainWhenRecordedAsFailed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.edit("a.txt", "delta", "DELTA", error: "String to replace not found in file.\nString: delta")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .failedAsRecorded)
        XCTAssertEqual(step.note, "String to replace not found in file.")
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(r.run.clean, "a failure that fails again is what the recording says")
    }

    func testStringNotFoundIsAMismatchWhenRecordedAsDone() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.edit("a.txt", "delta", "DELTA")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .mismatch)
        XCTAssertTrue(step.note?.contains("String to replace not found") == true, step.note ?? "")
        XCTAssertNil(step.commit)
        XCTAssertTrue(r.changedNothing)
        XCTAssertFalse(r.run.clean)
    }

    func testSeveralMatchesWithoutReplaceAllFail() throws {
        let repo = try TestRepo(self, files: ["b.txt": "x = 1\nx = 1\n"])
        var log = ClaudeLog()
        let recordedFailure = log.edit("b.txt", "x = 1", "x = 2", error: "Found 2 matches of the string to replace, but replace_all is false.")
        let recordedDone = log.edit("b.txt", "x = 1", "x = 2", replaceAll: false)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(recordedFailure).verdict, .failedAsRecorded)
        let done = try r.step(recordedDone)
        XCTAssertEqual(done.verdict, .mismatch)
        XCTAssertTrue(done.note?.contains("Found 2 matches") == true, done.note ?? "")
        XCTAssertEqual(try r.file("b.txt"), "x = 1\nx = 1\n")
        XCTAssertTrue(r.changedNothing)
    }

    func testReplaceAllReplacesEveryMatch() throws {
        let repo = try TestRepo(self, files: ["b.txt": "let x = x + x\nprint(x)\n"])
        var log = ClaudeLog()
        let call = log.edit("b.txt", "x", "count", replaceAll: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertEqual(try r.file("b.txt"), "let count = count + count\nprint(count)\n")
    }

    func testReplaceAllWithOneMatchIsAPlainReplacement() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.edit("a.txt", "gamma", "GAMMA", replaceAll: true)
        XCTAssertEqual(try replay(log, onto: repo).file("a.txt"), "alpha\nbeta\nGAMMA\n")
    }

    func testMatchingIsExactBytesNoNormalisation() throws {
        // "é" precomposed in the file, decomposed in old_string: not the same string.
        let repo = try TestRepo(self, files: ["u.txt": "caf\u{E9}\n"])
        var log = ClaudeLog()
        let decomposed = log.edit("u.txt", "cafe\u{301}", "tea")
        let exact = log.edit("u.txt", "caf\u{E9}", "tea")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(decomposed).verdict, .mismatch)
        XCTAssertEqual(try r.step(exact).verdict, .applied)
        XCTAssertEqual(try r.file("u.txt"), "tea\n")
    }

    func testOldStringEqualToNewStringFails() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let failed = log.edit("a.txt", "beta", "beta", error: "No changes to make: old_string and new_string are exactly the same.")
        let done = log.edit("a.txt", "beta", "beta")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(failed).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.step(done).verdict, .mismatch)
        XCTAssertTrue(try r.step(done).note?.contains("No changes to make") == true)
        XCTAssertTrue(r.changedNothing)
    }

    func testEmptyOldStringCreatesAFile() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.edit("new/dir/c.txt", "", "created\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertEqual(try r.file("new/dir/c.txt"), "created\n")
        XCTAssertEqual(try r.step(call).changes.first?.before, nil)
        XCTAssertEqual(try repo.git("diff", "--name-status", "HEAD", r.run.head!.hex), "A\tnew/dir/c.txt\n")
    }

    func testEmptyOldStringRefusesAnExistingFile() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let failed = log.edit("a.txt", "", "replaced\n", error: "Cannot create new file - file already exists.")
        let done = log.edit("a.txt", "", "replaced\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(failed).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.step(done).verdict, .mismatch)
        XCTAssertTrue(try r.step(done).note?.contains("file already exists") == true)
        XCTAssertEqual(try r.file("a.txt"), base["a.txt"])
    }

    func testEmptyOldStringMayFillAFileOfOnlyWhiteSpace() throws {
        let repo = try TestRepo(self, files: ["blank.txt": " \n\t\n"])
        var log = ClaudeLog()
        let call = log.edit("blank.txt", "", "content\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertEqual(try r.file("blank.txt"), "content\n")
    }

    func testEditOfAMissingFileFails() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let failed = log.edit("missing.txt", "a", "b", error: "File does not exist.")
        let done = log.edit("missing.txt", "a", "b")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(failed).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.step(done).verdict, .mismatch)
        XCTAssertNil(try r.file("missing.txt"))
    }

    func testDeletingAStringThatEndsALineRemovesItsNewline() throws {
        let repo = try TestRepo(self, files: ["d.txt": "keep\ndrop me\nkeep too\n", "e.txt": "abc\n", "f.txt": "one\ntwo\n"])
        var log = ClaudeLog()
        log.edit("d.txt", "drop me", "")
        log.edit("e.txt", "b", "")  // not at a line end: only the text goes
        log.edit("f.txt", "two\n", "")  // already ends with the newline: nothing more goes
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.file("d.txt"), "keep\nkeep too\n")
        XCTAssertEqual(try r.file("e.txt"), "ac\n")
        XCTAssertEqual(try r.file("f.txt"), "one\n")
    }

    func testDeletingTheLastLineWithoutANewlineKeepsThePrecedingNewline() throws {
        let repo = try TestRepo(self, files: ["g.txt": "one\ntwo"])
        var log = ClaudeLog()
        log.edit("g.txt", "two", "")
        XCTAssertEqual(try replay(log, onto: repo).file("g.txt"), "one\n")
    }

    func testDeletingWithReplaceAllTakesOnlyTheOccurrencesThatEndALine() throws {
        // Claude Code replaces `old + "\n"` everywhere once any occurrence ends a line, so
        // an occurrence inside a line survives.
        let repo = try TestRepo(self, files: ["h.txt": "x\nyx\nx"])
        var log = ClaudeLog()
        log.edit("h.txt", "x", "", replaceAll: true)
        XCTAssertEqual(try replay(log, onto: repo).file("h.txt"), "yx")
    }

    func testCRLFFileKeepsCRLF() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\nthree\r\n"])
        var log = ClaudeLog()
        // The model sends LF; the match is made on the LF view of the file.
        log.edit("w.txt", "two\nthree", "2\n3")
        log.edit("w.txt", "one", "1")
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(try r.bytes("w.txt"), Array("1\r\n2\r\n3\r\n".utf8))
        XCTAssertEqual(try repo.git("show", "\(r.run.head!.hex):w.txt"), "1\r\n2\r\n3\r\n")
    }

    func testLFFileStaysLF() throws {
        let repo = try TestRepo(self, files: ["l.txt": "one\ntwo\n"])
        var log = ClaudeLog()
        log.edit("l.txt", "one", "uno\r\nun")  // CR that the model sent is written as sent
        XCTAssertEqual(try replay(log, onto: repo).bytes("l.txt"), Array("uno\r\nun\ntwo\n".utf8))
    }

    func testExecutableBitSurvivesAnEdit() throws {
        let repo = try TestRepo(self, files: ["run.sh": "#!/bin/sh\necho hi\n"], executable: ["run.sh"])
        var log = ClaudeLog()
        log.edit("run.sh", "hi", "hello")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.repository.entry(in: r.run.finalTree, path: "run.sh")?.mode, .executable)
        XCTAssertEqual(try repo.git("ls-tree", r.run.head!.hex, "run.sh").prefix(6), "100755")
    }

    func testEditsChainOneCommitEach() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.edit("a.txt", "alpha", "A")
        log.read("a.txt", "A\nbeta\ngamma\n")  // served: no commit
        log.edit("a.txt", "beta", "B")
        log.edit("a.txt", "gamma", "G")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.run.commits.count, 3)
        XCTAssertTrue(r.run.clean)
        let chain = try repo.git("rev-list", "--reverse", r.run.head!.hex).split(separator: "\n").map(String.init)
        XCTAssertEqual(chain, [try repo.head] + r.run.commits.map(\.hex))
        XCTAssertEqual(try r.file("a.txt"), "A\nB\nG\n")
        for (i, step) in r.tools.enumerated() where i > 0 {
            XCTAssertEqual(step.treeBefore, r.tools[i - 1].treeAfter, "trees chain from step to step")
        }
    }
}
