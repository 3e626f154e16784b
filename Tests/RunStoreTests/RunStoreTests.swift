import Foundation
import XCTest

import Git
import Importers
import Replay
import RunStore
import Trace

/// `RunStore.replay`, the one way a command replays a session and keeps the run: with
/// `store`, the run's refs and trace are in the repository afterwards; without, nothing is
/// written; a replay that fails leaves no ref and the source stopped.
final class RunStoreTests: XCTestCase {
    func session() -> ClaudeLog {
        var log = ClaudeLog()
        log.user("two files")
        _ = log.write("b.txt", "b\n")
        _ = log.edit("a.txt", "a", "A")
        return log
    }

    func testAStoredRunNamesItsHeadAndKeepsItsTrace() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let path = try session().save(in: try makeTemporaryDirectory(self))
        let source = try TraceSource.open(path: path)
        let repository = try Repository.open(repo.path, objectsInMemory: true)
        var phases: [String] = [], finished = 0
        let run = try RunStore.replay(
            source, onto: repository, base: nil, store: true,
            observer: RunStore.Observer(phase: { phases.append($0) }, finished: { finished += 1 }))
        let head = try XCTUnwrap(run.head)
        XCTAssertEqual(run.refs, [RunRefs.name(source.header.traceID), RunRefs.last])
        XCTAssertEqual(phases, ["writing the run's objects and refs"])
        XCTAssertEqual(finished, 1)
        XCTAssertEqual(try repo.git("rev-parse", RunRefs.last), head.hex + "\n")
        XCTAssertEqual(try repo.git("show", "\(RunRefs.last):b.txt"), "b\n")
        let stored = try XCTUnwrap(try RunRefs.storedTrace(source.header.traceID, in: try repo.open()))
        XCTAssertEqual(stored, TraceWriter.bytes(try Importer.load(path: path)))
    }

    func testWithoutStoringNothingIsWritten() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let path = try session().save(in: try makeTemporaryDirectory(self))
        let objectsBefore = try repo.git("count-objects", "-v")
        let run = try RunStore.replay(
            try TraceSource.open(path: path), onto: try Repository.open(repo.path, objectsInMemory: true),
            base: nil, store: false)
        XCTAssertNotNil(run.head)
        XCTAssertEqual(run.refs, [])
        XCTAssertEqual(try repo.git("for-each-ref", "refs/agentreplay"), "")
        XCTAssertEqual(try repo.git("count-objects", "-v"), objectsBefore, "no object written")
    }

    func testAFailedReplayLeavesNoRefAndTellsTheCallerItFinished() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let path = try session().save(in: try makeTemporaryDirectory(self))
        var finished = 0
        XCTAssertThrowsError(
            try RunStore.replay(
                try TraceSource.open(path: path), onto: try Repository.open(repo.path, objectsInMemory: true),
                base: "no-such-revision", store: true, observer: RunStore.Observer(finished: { finished += 1 })))
        XCTAssertEqual(finished, 1)
        XCTAssertEqual(try repo.git("for-each-ref", "refs/agentreplay"), "")
    }

    /// The objects directory is gone after the repository was opened (in life: one the user
    /// cannot write; root writes anywhere, so the test takes it away instead).
    func testARepositoryWhoseObjectsCannotBeWrittenIsRefusedBeforeReplaying() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let path = try session().save(in: try makeTemporaryDirectory(self))
        let repository = try Repository.open(repo.path, objectsInMemory: true)
        let objects = repo.path + "/.git/objects"
        try FileManager.default.moveItem(atPath: objects, toPath: objects + "-away")
        defer { try? FileManager.default.moveItem(atPath: objects + "-away", toPath: objects) }
        var spans = 0
        XCTAssertThrowsError(
            try RunStore.replay(
                try TraceSource.open(path: path), onto: repository, base: nil, store: true,
                observer: RunStore.Observer(spans: { source in
                    {
                        spans += 1; return try source.next()
                    }
                }))
        ) {
            XCTAssertTrue($0 is RunStore.Unwritable, "\($0)")
        }
        XCTAssertEqual(spans, 0, "refused before a span is read")
    }
}
