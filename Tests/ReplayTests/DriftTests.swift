import XCTest

import Replay
import ToolSemantics
import Trace

/// What the agent saw (a Read's result, an Edit's `originalFile`) checked against the replayed
/// files: a difference is drift, reported with the span, the path and the first differing
/// line, and blamed on the shell calls that may have changed the file unseen.
///
/// A whole-file observation that is the first of its path, or that follows a shell call
/// replay cannot follow, is recovered instead (RecoveryTests): these tests show the file as
/// replay has it first, or observe part of it, so what they check stays drift.
final class DriftTests: XCTestCase {
    let file = "one\ntwo\nthree\nfour\n"

    // MARK: Read, Claude Code 2.x (`toolUseResult.file`)

    func testReadThatMatchesIsServedWithoutDrift() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        let call = log.read("r.txt", file)
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .served)
        XCTAssertEqual(step.paths, ["r.txt"])
        XCTAssertEqual(step.drift, [])
        XCTAssertTrue(r.run.clean)
    }

    func testReadThatDiffersIsDriftAtTheFirstDifferingLine() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        log.read("r.txt", file)  // seen as replay has it: what follows is no start state
        let call = log.read("r.txt", "one\ntwo\nTHREE\nFOUR\n")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .served)
        XCTAssertEqual(step.drift, [Drift(kind: .observation, path: "r.txt", line: 3, recorded: "THREE", replayed: "three")])
        XCTAssertEqual(r.run.drift.count, 1)
        XCTAssertEqual(r.run.outcome, .contradicted)
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(r.run.startState, [])
        // The span is the Read's own: the step carries it, and the trace names its source line.
        let span = try XCTUnwrap(r.trace.spans.first { $0.id == step.spanID })
        XCTAssertEqual(span.toolCallID, call)
        XCTAssertEqual(span.attributes[GenAI.sourceLine]?.intValue, 3)
    }

    func testReadOfAWindowChecksOnlyThatWindow() throws {
        let repo = try TestRepo(self, files: ["r.txt": "one\ntwo\nthree\nfour\nfive\n"])
        var log = ClaudeLog()
        let clean = log.read("r.txt", window: ["two", "three"], startLine: 2, totalLines: 6)
        let drifted = log.read("r.txt", window: ["three", "4"], startLine: 3, totalLines: 6)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(clean).drift, [])
        XCTAssertEqual(try r.step(drifted).drift, [Drift(kind: .observation, path: "r.txt", line: 4, recorded: "4", replayed: "four")])
    }

    func testReadOfAFileWithAnotherLengthIsDrift() throws {
        let repo = try TestRepo(self, files: ["r.txt": "one\ntwo\n"])
        var log = ClaudeLog()
        let call = log.read("r.txt", window: ["one"], startLine: 1, totalLines: 9)
        let d = try XCTUnwrap(replay(log, onto: repo).step(call).drift.first)
        XCTAssertEqual(d.kind, .observation)
        XCTAssertEqual(d.recorded, "(file of 9 lines)")
        XCTAssertEqual(d.replayed, "(file of 3 lines)")
    }

    func testReadOfAFileReplayDoesNotHaveIsExistenceDrift() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        // Recorded as missing first, as replay has it: the file is no untracked start state.
        log.failing("Read", ["file_path": .string(ClaudeLog.absolute("ghost.txt"))], error: "File does not exist.")
        let call = log.read("ghost.txt", "boo\n")
        let step = try replay(log, onto: repo).step(call)
        XCTAssertEqual(step.drift, [Drift(kind: .existence, path: "ghost.txt", recorded: "(file seen)", replayed: "(no file)")])
    }

    func testReadRecordedAsMissingOfAFileThatExistsIsExistenceDrift() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        let call = log.failing("Read", ["file_path": .string(ClaudeLog.absolute("r.txt"))], error: "File does not exist.")
        let step = try replay(log, onto: repo).step(call)
        XCTAssertEqual(step.drift.map(\.kind), [.existence])
    }

    func testReadOfACRLFFileComparesItsLines() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\n"])
        var log = ClaudeLog()
        let call = log.read("w.txt", "one\ntwo\n")
        XCTAssertEqual(try replay(log, onto: repo).step(call).drift, [])
    }

    func testReadOutsideTheRepoIsNotChecked() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let call = log.read("/etc/hosts", "127.0.0.1 localhost\n")
        let step = try replay(log, onto: repo).step(call)
        XCTAssertEqual(step.verdict, .served)
        XCTAssertEqual(step.drift, [])
    }

    // MARK: Read, as text with line-number prefixes

    func testReadAsArrowNumberedTextOfClaudeCode1() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        log.version = "1.0.57"
        let clean = log.readArrowText("r.txt", file)
        let drifted = log.readArrowText("r.txt", "one\n2\nthree\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(clean).drift, [])
        XCTAssertEqual(try r.step(drifted).drift, [Drift(kind: .observation, path: "r.txt", line: 2, recorded: "2", replayed: "two")])
    }

    func testReadAsArrowNumberedTextFromAnOffset() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        let call = log.readArrowText("r.txt", "three\nfive\n", startLine: 3)
        XCTAssertEqual(
            try replay(log, onto: repo).step(call).drift,
            [Drift(kind: .observation, path: "r.txt", line: 4, recorded: "five", replayed: "four")])
    }

    func testReadAsTabNumberedTextOfClaudeCode2WithoutARecord() throws {
        let repo = try TestRepo(self, files: ["r.txt": file])
        var log = ClaudeLog()
        let call = log.tool("Read", ["file_path": .string(ClaudeLog.absolute("r.txt"))], result: "1\tone\n2\tTWO\n3\tthree")
        XCTAssertEqual(
            try replay(log, onto: repo).step(call).drift,
            [Drift(kind: .observation, path: "r.txt", line: 2, recorded: "TWO", replayed: "two")])
    }

    func testReadLineThatKeepsAnArrowOrTabInItsTextIsComparedWhole() throws {
        let repo = try TestRepo(self, files: ["r.txt": "a→b\n\tindented\n"])
        var log = ClaudeLog()
        let call = log.readArrowText("r.txt", "a→b\n\tindented\n")
        XCTAssertEqual(try replay(log, onto: repo).step(call).drift, [])
    }

    // MARK: Edit before-images

    func testEditWhoseOriginalFileDiffersIsBeforeImageDrift() throws {
        let repo = try TestRepo(self, files: ["e.txt": "line 1\nline 2\nline 3\n"])
        var log = ClaudeLog()
        log.read("e.txt", "line 1\nline 2\nline 3\n")
        let call = log.edit("e.txt", "line 3", "LINE 3", originalFile: "line 1\nline two\nline 3\n")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied, "the edit still applies: its old_string is there")
        XCTAssertEqual(step.drift, [Drift(kind: .beforeImage, path: "e.txt", line: 2, recorded: "line two", replayed: "line 2")])
        XCTAssertEqual(try r.file("e.txt"), "line 1\nline 2\nLINE 3\n")
        XCTAssertFalse(r.run.clean)
    }

    func testEditWhoseOriginalFileMatchesHasNoDrift() throws {
        let repo = try TestRepo(self, files: ["e.txt": "x\r\ny\r\n"])
        var log = ClaudeLog()
        // Claude Code records the before-image with LF line ends; CRLF on disk is no drift.
        let call = log.edit("e.txt", "y", "z", originalFile: "x\ny\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertTrue(r.run.clean)
    }

    func testBeforeImageDriftInTheFinalNewline() throws {
        let repo = try TestRepo(self, files: ["e.txt": "x\ny"])
        var log = ClaudeLog()
        log.read("e.txt", "x\ny")
        let call = log.edit("e.txt", "x", "X", originalFile: "x\ny\n")
        let d = try XCTUnwrap(replay(log, onto: repo).step(call).drift.first)
        XCTAssertEqual(d.kind, .beforeImage)
        XCTAssertEqual(d.line, 2)
        XCTAssertEqual(d.recorded, "(ends with a newline)")
        XCTAssertEqual(d.replayed, "(no newline at end)")
    }

    func testMultiEditOriginalFileContentsIsChecked() throws {
        let repo = try TestRepo(self, files: ["m.txt": "a\nb\n"])
        var log = ClaudeLog()
        log.read("m.txt", "a\nb\n")
        let call = log.multiEdit("m.txt", [("a", "A")], originalFile: "a\nc\n")
        XCTAssertEqual(
            try replay(log, onto: repo).step(call).drift,
            [Drift(kind: .beforeImage, path: "m.txt", line: 2, recorded: "c", replayed: "b")])
    }

    func testBeforeImageOfAFileReplayDoesNotHave() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let call = log.edit("n.txt", "", "new\n", originalFile: "")
        let other = log.edit("o.txt", "a", "b", error: "File does not exist.")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift, [], "an empty before-image of a file being created is no drift")
        XCTAssertEqual(try r.step(other).drift, [])
    }

    // MARK: Edit after-images

    func testEditWhoseRecordedPatchAgreesHasNoDrift() throws {
        let repo = try TestRepo(self, files: ["e.txt": "a\nb\nc\n"])
        var log = ClaudeLog()
        let hunk: JSON = ["oldStart": 1, "oldLines": 3, "newStart": 1, "newLines": 3, "lines": [" a", "-b", "+B", " c"]]
        let call = log.edit("e.txt", "b", "B", originalFile: "a\nb\nc\n", patch: [hunk])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertTrue(r.run.clean)
    }

    func testEditWhoseResultDiffersFromItsRecordedPatchIsAfterImageDrift() throws {
        let repo = try TestRepo(self, files: ["e.txt": "a\nb\nc\n"])
        var log = ClaudeLog()
        // The record says the edit wrote "C" on line 2; replaying its input writes "B".
        let hunk: JSON = ["oldStart": 1, "oldLines": 3, "newStart": 1, "newLines": 3, "lines": [" a", "-b", "+C", " c"]]
        let call = log.edit("e.txt", "b", "B", originalFile: "a\nb\nc\n", patch: [hunk])
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.drift, [Drift(kind: .afterImage, path: "e.txt", line: 2, recorded: "C", replayed: "B")])
        XCTAssertFalse(r.run.clean)
    }

    func testAfterImageHandlesAMissingFinalNewline() throws {
        let repo = try TestRepo(self, files: ["e.txt": "a\nb"])
        var log = ClaudeLog()
        let hunk: JSON = [
            "oldStart": 1, "oldLines": 2, "newStart": 1, "newLines": 2,
            "lines": [" a", "-b", "\\ No newline at end of file", "+B", "\\ No newline at end of file"],
        ]
        let call = log.edit("e.txt", "b", "B", originalFile: "a\nb", patch: [hunk])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertEqual(try r.file("e.txt"), "a\nB")
    }

    // MARK: Suspects

    func testDriftIsBlamedOnTheShellCallsSinceTheFileWasLastSeen() throws {
        let repo = try TestRepo(self, files: ["s.txt": "one\n", "t.txt": "t\n"])
        var log = ClaudeLog()
        let early = log.bash("make setup")
        let seen = log.read("s.txt", "one\n")  // in step with the recording here
        let sed = log.bash("perl -pi -e s/one/uno/ s.txt")  // a change replay cannot follow
        log.tool("Grep", ["pattern": "x"], result: "")
        let after = log.bash("./check.sh")
        // Parts of the files: a whole file seen now would be recovered onto ./check.sh.
        let drifted = log.read("s.txt", window: ["uno"], startLine: 1, totalLines: 2)
        let unseenBefore = log.read("t.txt", window: ["T"], startLine: 1, totalLines: 2)
        let r = try replay(log, onto: repo)

        XCTAssertEqual(try r.step(seen).drift, [])
        let d = try XCTUnwrap(r.step(drifted).drift.first)
        XCTAssertEqual(d.line, 1)
        XCTAssertEqual(d.recorded, "uno")
        XCTAssertEqual(d.replayed, "one")
        XCTAssertEqual(
            d.suspects, [try r.step(sed).spanID, try r.step(after).spanID],
            "only shell calls after the last time the file matched")
        // A file never seen before: every shell call so far is a suspect.
        XCTAssertEqual(
            try r.step(unseenBefore).drift.first?.suspects,
            [try r.step(early).spanID, try r.step(sed).spanID, try r.step(after).spanID])
        for call in [early, sed, after] {
            XCTAssertEqual(try r.step(call).verdict, .served)
            XCTAssertTrue(try r.step(call).unseenEffects)
        }
    }

    func testAnEditResyncsAFileSoEarlierShellCallsAreNoLongerSuspects() throws {
        let repo = try TestRepo(self, files: ["s.txt": "one\n"])
        var log = ClaudeLog()
        log.bash("make other")
        log.edit("s.txt", "one", "two")
        let drifted = log.read("s.txt", "three\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(drifted).drift.first?.suspects, [])
    }

    /// A Read whose result shows no file content (an image, a message) confirms nothing about
    /// the file, so the shell calls before it stay suspects.
    func testReadThatShowedNoContentDoesNotClearSuspects() throws {
        // CRLF on disk: never recovered, so the difference stays drift and names its suspects.
        let repo = try TestRepo(self, files: ["e.txt": "v1\r\n"])
        var log = ClaudeLog()
        let bash = log.bash("./bump-version.sh e.txt")
        log.tool(
            "Read", ["file_path": .string(ClaudeLog.absolute("e.txt"))],
            result: "<system-reminder>Warning: the file is too large to show.</system-reminder>")
        let call = log.edit("e.txt", "v1", "v3", originalFile: "v2\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift.first?.suspects, [try r.step(bash).spanID])
    }

    func testReadThatShowedNoContentLeavesTheFileRecoverableOntoTheShellCall() throws {
        let repo = try TestRepo(self, files: ["e.txt": "v1\n"])
        var log = ClaudeLog()
        let bash = log.bash("./bump-version.sh e.txt")
        log.tool(
            "Read", ["file_path": .string(ClaudeLog.absolute("e.txt"))],
            result: "<system-reminder>Warning: the file is too large to show.</system-reminder>")
        let call = log.edit("e.txt", "v2", "v3", originalFile: "v2\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(bash).recovered.map(\.path), ["e.txt"], "the bump is still the likeliest cause")
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertEqual(try r.file("e.txt"), "v3\n")
    }

    func testBeforeImageDriftNamesTheShellSuspect() throws {
        // CRLF on disk: never recovered (an observation may have dropped the CRs), so drift.
        let repo = try TestRepo(self, files: ["e.txt": "v1\r\n"])
        var log = ClaudeLog()
        let bash = log.bash("./bump-version.sh e.txt")
        let call = log.edit("e.txt", "v1", "v3", originalFile: "v2\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift.map(\.kind), [.beforeImage])
        XCTAssertEqual(try r.step(call).drift.first?.suspects, [try r.step(bash).spanID])
    }
}
