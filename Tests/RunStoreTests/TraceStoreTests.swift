import Foundation
import XCTest

import Git
import Importers
@testable import Replay
@testable import RunStore
import Trace

/// The trace stored on a thread of its own while the caller takes the spans of a Claude Code
/// log (read on a third thread): the commit holds the trace's native bytes; a store that
/// cannot even start its blob does not leave the log's reader waiting for it.
final class TraceStoreTests: XCTestCase {
    /// `writes` Write calls of `size`-byte files.
    func log(writes: Int, size: Int) -> ClaudeLog {
        var log = ClaudeLog()
        log.user("write them")
        let padding = String(repeating: "x", count: size)
        for i in 0..<writes { log.write("d\(i % 10)/f\(i).txt", "version \(i)\n\(padding)\n") }
        return log
    }

    func testTheStoredTraceIsTheLogsImport() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let path = try log(writes: 300, size: 5000).save(in: try makeTemporaryDirectory(self))
        let source = try TraceSource.open(path: path)
        let store = TraceStore(in: try repo.open(), header: source.header, produce: source.native())
        var spans = 0
        while try source.next() != nil { spans += 1 }
        XCTAssertEqual(spans, 601)
        let commit = try store.commit()
        let stored = try repo.git("cat-file", "blob", "\(commit):\(RunRefs.traceFile)")
        XCTAssertTrue(stored == String(decoding: TraceWriter.bytes(try Importer.load(path: path)), as: UTF8.self))
        XCTAssertEqual(try repo.git("cat-file", "-t", commit.description), "commit\n")
    }

    /// No temporary file can be made for the blob (here: the objects directory is gone after
    /// the repository was opened; in life, one the user cannot write). The native bytes of a
    /// log bigger than the pipe holds (about 8 MiB) are refused, so the caller still gets
    /// every span, and `commit()` says what failed.
    func testAStoreThatCannotStartDoesNotHoldUpTheSpans() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let repository = try repo.open()
        let path = try log(writes: 1200, size: 6000).save(in: try makeTemporaryDirectory(self))
        let source = try TraceSource.open(path: path)
        let objects = repo.path + "/.git/objects"
        try FileManager.default.moveItem(atPath: objects, toPath: objects + "-away")
        defer { try? FileManager.default.moveItem(atPath: objects + "-away", toPath: objects) }
        let store = TraceStore(in: repository, header: source.header, produce: source.native())

        let taken = expectation(description: "every span taken")
        let count = SpanCount()
        let reader = Unchecked(source)
        Thread.detachNewThread {
            do {
                while try reader.value.next() != nil { count.add() }
            } catch {
                XCTFail("\(error)")
            }
            taken.fulfill()
        }
        wait(for: [taken], timeout: 60)
        XCTAssertEqual(count.value, 2401)
        XCTAssertThrowsError(try store.commit()) { error in
            XCTAssertTrue("\(error)".contains("cannot make a temporary file"), "\(error)")
        }
    }
}

/// A value handed to another thread that alone uses it from then on.
private final class Unchecked<T>: @unchecked Sendable {
    let value: T
    init(_ value: T) { self.value = value }
}

private final class SpanCount: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add() { lock.lock(); n += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return n }
}
