import XCTest

import Replay
import Trace

/// A recorded failure must fail again, a recorded success must succeed again; what the
/// agent refused before running (a person said no, a guard) needs no reproducing.
final class RecordedOutcomeTests: XCTestCase {
    let base = ["a.txt": "alpha\nbeta\n"]

    func testRecordedFailureThatWouldSucceedIsAMismatchAndWritesNothing() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.edit("a.txt", "beta", "BETA", error: "String to replace not found in file.\nString: beta")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .mismatch)
        XCTAssertEqual(step.note, "recorded as failed (String to replace not found in file.), but it succeeds on replay")
        XCTAssertTrue(r.changedNothing)
        XCTAssertFalse(r.run.clean)
    }

    func testCallsRefusedBeforeRunningFailAsRecorded() throws {
        let refusals = [
            "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). STOP what you are doing and wait for the user to tell you how to proceed.",
            "File has not been read yet. Read it first before writing to it.",
            "File has been modified since read, either by the user or by a linter. Read it again before attempting to write it.",
            "PreToolUse:Edit hook error: blocked by policy",
            "Permission to edit /home/dev/project/a.txt has been denied.",
        ]
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        var calls: [String] = []
        for message in refusals {
            calls.append(log.edit("a.txt", "beta", "BETA", error: message))
            calls.append(log.write("a.txt", "overwritten\n", error: message))
            calls.append(log.multiEdit("a.txt", [("alpha", "ALPHA")], error: message))
        }
        let r = try replay(log, onto: repo)
        for call in calls {
            let step = try r.step(call)
            XCTAssertEqual(step.verdict, .failedAsRecorded, "\(step.toolName ?? "") \(step.note ?? "")")
            XCTAssertNil(step.commit)
        }
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(r.run.summary.failedAsRecorded, refusals.count * 3)
    }

    func testRecordedSuccessThatFailsIsAMismatch() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let missing = log.edit("a.txt", "gamma", "GAMMA")
        let later = log.edit("a.txt", "alpha", "ALPHA")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(missing).verdict, .mismatch)
        XCTAssertEqual(try r.step(missing).note, "recorded as done, but on replay: String to replace not found in file.")
        XCTAssertEqual(try r.step(later).verdict, .applied, "a mismatch does not stop the replay")
        XCTAssertEqual(try r.file("a.txt"), "ALPHA\nbeta\n")
        XCTAssertEqual(r.run.summary.mismatch, 1)
        XCTAssertEqual(r.run.summary.notReplayable, 0, "a mismatch is counted apart")
        XCTAssertEqual(r.run.outcome, .contradicted)
    }

    func testCallWithoutAResultIsNotApplied() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.edit("a.txt", "alpha", "ALPHA")
        // The session ends before the result of this call is logged.
        log.assistant(calls: [
            ("toolu_unanswered", "Edit", ["file_path": .string(ClaudeLog.absolute("a.txt")), "old_string": "beta", "new_string": "BETA"])
        ])
        let r = try replay(log, onto: repo)
        let step = try r.step("toolu_unanswered")
        XCTAssertEqual(step.verdict, .noResult)
        XCTAssertNil(step.commit)
        XCTAssertEqual(try r.file("a.txt"), "ALPHA\nbeta\n")
        XCTAssertFalse(r.run.clean)
    }

    func testFailedWriteIsNotApplied() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let call = log.write("b.txt", "b\n", error: "EACCES: permission denied, open '/home/dev/project/b.txt'")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .failedAsRecorded)
        XCTAssertNil(try r.file("b.txt"))
    }

    func testInputWithoutRequiredFieldsIsAMismatchUnlessRecordedAsFailed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let noPath = log.tool("Edit", ["old_string": "a", "new_string": "b"], result: "ok", record: ["filePath": ""])
        let noOld = log.tool("Edit", ["file_path": .string(ClaudeLog.absolute("a.txt")), "new_string": "b"], result: "ok")
        let failed = log.failing(
            "Edit", ["file_path": .string(ClaudeLog.absolute("a.txt"))],
            error: "InputValidationError: Edit failed due to the following issue:\nThe required parameter `old_string` is missing")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(noPath).verdict, .mismatch)
        XCTAssertEqual(try r.step(noOld).verdict, .mismatch)
        XCTAssertEqual(try r.step(failed).verdict, .failedAsRecorded)
        XCTAssertTrue(r.changedNothing)
    }

    func testOtherToolsAreServed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let grep = log.tool("Grep", ["pattern": "beta"], result: "a.txt")
        let todo = log.tool("TodoWrite", ["todos": []], result: "ok")
        let failedGlob = log.failing("Glob", ["pattern": "**"], error: "boom")
        let r = try replay(log, onto: repo)
        for call in [grep, todo, failedGlob] {
            XCTAssertEqual(try r.step(call).verdict, .served)
        }
        XCTAssertTrue(r.run.clean)
        XCTAssertTrue(r.changedNothing)
    }
}
