import XCTest

import Git
import Replay
import Trace

/// Claude Code's `MultiEdit` (edits in order, all or nothing) and `Write` (create or
/// overwrite, bytes as given).
final class MultiEditWriteTests: XCTestCase {
    func testMultiEditAppliesItsEditsInOrder() throws {
        let repo = try TestRepo(self, files: ["m.txt": "one two three\n"])
        var log = ClaudeLog()
        // The second edit matches only what the first one wrote.
        let call = log.multiEdit("m.txt", [("one", "uno"), ("uno two", "uno dos"), ("three", "tres")])
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(try r.file("m.txt"), "uno dos tres\n")
        XCTAssertEqual(r.run.commits.count, 1, "one span, one commit, however many edits")
    }

    func testMultiEditIsAllOrNothing() throws {
        let repo = try TestRepo(self, files: ["m.txt": "one two three\n"])
        var log = ClaudeLog()
        let done = log.multiEdit("m.txt", [("one", "uno"), ("four", "cuatro"), ("three", "tres")])
        let failed = log.multiEdit("m.txt", [("one", "uno"), ("four", "cuatro")], error: "String to replace not found in file.\nString: four")
        let r = try replay(log, onto: repo)
        let step = try r.step(done)
        XCTAssertEqual(step.verdict, .mismatch)
        XCTAssertTrue(step.note?.contains("edit 2: String to replace not found") == true, step.note ?? "")
        XCTAssertEqual(try r.step(failed).verdict, .failedAsRecorded)
        XCTAssertEqual(try r.file("m.txt"), "one two three\n", "the first edit must not land alone")
        XCTAssertTrue(r.changedNothing)
    }

    func testMultiEditEditsAfterAReplaceAllSeeItsResult() throws {
        let repo = try TestRepo(self, files: ["m.txt": "a a a\n"])
        var log = ClaudeLog()
        log.multiEdit("m.txt", [("a", "b", true), ("b b b", "c", false)])
        XCTAssertEqual(try replay(log, onto: repo).file("m.txt"), "c\n")
    }

    func testMultiEditAmbiguousEditFailsTheWholeCall() throws {
        let repo = try TestRepo(self, files: ["m.txt": "x\nx\ny\n"])
        var log = ClaudeLog()
        let call = log.multiEdit("m.txt", [("y", "z"), ("x", "w")])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
        XCTAssertTrue(try r.step(call).note?.contains("Found 2 matches") == true)
        XCTAssertEqual(try r.file("m.txt"), "x\nx\ny\n")
    }

    func testMultiEditCanCreateAFileWithAnEmptyFirstOldString() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        log.multiEdit("src/new.swift", [("", "let a = 1\nlet b = 2\n"), ("b = 2", "b = 3")])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.file("src/new.swift"), "let a = 1\nlet b = 3\n")
    }

    func testMultiEditWithNoEditsRecordedAsDoneIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["m.txt": "m\n"])
        var log = ClaudeLog()
        let call = log.multiEdit("m.txt", [(String, String, Bool)]())
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
    }

    func testWriteCreatesAFileWithItsBytesAsGiven() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = ClaudeLog()
        let call = log.write("deep/er/new.txt", "no newline at the end")
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(try r.file("deep/er/new.txt"), "no newline at the end")
        XCTAssertEqual(step.changes.first?.before, nil)
        XCTAssertEqual(try r.repository.entry(in: r.run.finalTree, path: "deep/er/new.txt")?.mode, .blob)
        XCTAssertEqual(try repo.git("show", "\(r.run.head!.hex):deep/er/new.txt"), "no newline at the end")
    }

    func testWriteOverwritesAnExistingFile() throws {
        let repo = try TestRepo(self, files: ["a.txt": "old\ncontent\nand more\n"])
        var log = ClaudeLog()
        let call = log.write("a.txt", "new\ncontent\n", created: false)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(try r.bytes("a.txt"), Array("new\ncontent\n".utf8))
    }

    func testWriteOfTheSameBytesChangesNothingAndMakesNoCommit() throws {
        let repo = try TestRepo(self, files: ["a.txt": "same\n"])
        var log = ClaudeLog()
        let call = log.write("a.txt", "same\n", created: false)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertNil(try r.step(call).commit)
        XCTAssertTrue(r.changedNothing)
    }

    func testWriteRecordedAsCreateOnAnExistingFileIsDrift() throws {
        let repo = try TestRepo(self, files: ["a.txt": "already here\n"])
        var log = ClaudeLog()
        // Seen first, as replay has it: the create cannot be the session's start state.
        log.read("a.txt", "already here\n")
        let call = log.write("a.txt", "fresh\n", created: true)
        let r = try replay(log, onto: repo)
        let step = try r.step(call)
        XCTAssertEqual(step.verdict, .applied)
        XCTAssertEqual(step.drift.map(\.kind), [.existence])
        XCTAssertEqual(step.drift.first?.path, "a.txt")
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(try r.file("a.txt"), "fresh\n")
    }

    func testWriteRecordedAsUpdateOfAMissingFileIsDrift() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        let call = log.write("gone.txt", "x\n", created: false)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift.map(\.kind), [.existence])
    }

    func testWriteOntoADirectoryIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["dir/inside.txt": "i\n"])
        var log = ClaudeLog()
        let call = log.write("dir", "not a directory\n", created: false)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
        XCTAssertTrue(r.changedNothing)
    }

    func testWriteUnderAFileIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["plain.txt": "p\n"])
        var log = ClaudeLog()
        let call = log.write("plain.txt/child.txt", "c\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
        XCTAssertEqual(try r.file("plain.txt"), "p\n")
    }

    func testWriteThenEditThenWrite() throws {
        let repo = try TestRepo(self)
        var log = ClaudeLog()
        log.write("f.txt", "v1\n")
        log.edit("f.txt", "v1", "v2", originalFile: "v1\n")
        log.write("f.txt", "v3\n", created: false)
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.run.clean)
        XCTAssertEqual(r.run.commits.count, 3)
        XCTAssertEqual(try r.file("f.txt", in: r.tools[1].treeAfter), "v2\n")
        XCTAssertEqual(try r.file("f.txt"), "v3\n")
    }
}
