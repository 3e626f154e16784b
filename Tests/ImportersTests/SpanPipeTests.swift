import Foundation
import XCTest

@testable import Importers
import Trace

/// Spans made on the pipe's own thread reach the caller in order and the native reader as
/// the trace's bytes; an error reaches both after the spans made before it; `cancel()` ends
/// both sides; a native reader that gives up does not stop the spans.
final class SpanPipeTests: XCTestCase {
    let header = Trace.Header(traceID: "0123456789abcdef0123456789abcdef", agentName: "test", sourceFormat: "test")

    /// Span `i`, with `padding` bytes of output (to make the native bytes several pieces).
    func span(_ i: Int, padding: Int = 0) -> Span {
        Span(
            id: Span.ID(String(format: "%016x", i + 1)), kind: .event, name: "event \(i)",
            startTime: Timestamp(seconds: 1_748_772_000 + Int64(i)), status: .ok,
            output: padding > 0 ? .string(String(repeating: "x", count: padding) + "\(i)") : nil)
    }

    /// A pipe over `count` spans (then an error, when given), counting what it made.
    func makePipe(_ count: Int, padding: Int = 0, failing error: TraceError? = nil, batchSize: Int = 256, depth: Int = 8) -> (SpanPipe, Counter) {
        let made = Counter()
        let pipe = SpanPipe(
            header: header, batchSize: batchSize, depth: depth,
            produce: { [self] () throws(TraceError) -> Span? in
                let i = made.next()
                if i < count { return span(i, padding: padding) }
                if let error { throw error }
                return nil
            }, measure: { (made.value, count) })
        return (pipe, made)
    }

    func testSpansComeInOrderAcrossManyBatches() throws {
        let (pipe, _) = makePipe(5000, batchSize: 7, depth: 2)
        var got: [Span] = []
        while let span = try pipe.next() { got.append(span) }
        XCTAssertEqual(got, (0..<5000).map { span($0) })
        XCTAssertNil(try pipe.next(), "still nil after the end")
        XCTAssertEqual(pipe.position.total, 5000)
        XCTAssertGreaterThan(pipe.position.done, 5000, "measured after the last span")
    }

    func testAnErrorComesAfterTheSpansMadeBeforeIt() throws {
        let bad = TraceError(file: "session.jsonl", line: 300, field: "message.content[0].tool_use_id", message: "bad")
        let (pipe, _) = makePipe(1000, failing: bad, batchSize: 64)
        let native = pipe.native()
        let nativeError = expectation(description: "the native reader's error")
        let box = Box()
        detach {
            do {
                try native { box.append($0) }
                XCTFail("the native reader ended without the error")
            } catch let error as TraceError {
                XCTAssertEqual(error, bad)
            } catch {
                XCTFail("\(error)")
            }
            nativeError.fulfill()
        }
        var got = 0
        do {
            while try pipe.next() != nil { got += 1 }
            XCTFail("no error")
        } catch {
            XCTAssertEqual(error, bad)
        }
        XCTAssertEqual(got, 1000, "every span made before the error")
        wait(for: [nativeError], timeout: 30)
        // The native reader had the spans made before the error too.
        var expected: [UInt8] = []
        TraceWriter.append(header, to: &expected)
        for i in 0..<1000 { TraceWriter.append(span(i), to: &expected) }
        XCTAssertTrue(box.bytes == expected)
    }

    /// Several pieces of about a megabyte, read on another thread while the caller takes the
    /// spans: the same bytes as the trace written whole.
    func testTheNativeReaderGetsTheTracesBytes() throws {
        let (pipe, _) = makePipe(3000, padding: 1000)
        let native = pipe.native()
        let box = Box()
        let done = expectation(description: "native reader")
        detach {
            do { try native { box.append($0) } } catch { XCTFail("\(error)") }
            done.fulfill()
        }
        var got: [Span] = []
        while let span = try pipe.next() { got.append(span) }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(got.count, 3000)
        let expected = TraceWriter.bytes(Trace(header: header, spans: (0..<3000).map { span($0, padding: 1000) }))
        XCTAssertTrue(box.bytes == expected, "\(box.bytes.count) bytes, expected \(expected.count)")
        XCTAssertGreaterThanOrEqual(box.pieces, 3, "pieces of about a megabyte")
        XCTAssertLessThanOrEqual(box.largest, (1 << 20) + 2000)
    }

    /// The caller takes nothing: the producer fills the pipe and waits. `cancel()` ends the
    /// native reader (it throws `Cancelled`) and the producer, and `next()` no longer waits.
    func testCancelEndsABlockedProducerAndTheNativeReader() throws {
        let (pipe, made) = makePipe(Int.max, batchSize: 4, depth: 2)
        let native = pipe.native()
        let ended = expectation(description: "native reader ended")
        detach {
            do {
                try native { _ in XCTFail("no piece is full yet") }
                XCTFail("the native reader ended without an error")
            } catch is SpanPipe.Cancelled {
            } catch {
                XCTFail("\(error)")
            }
            ended.fulfill()
        }
        // Wait for the producer to fill the pipe and block.
        var waited = 0
        while made.value < 12 && waited < 1000 { usleep(10_000); waited += 1 }
        usleep(100_000)
        let blockedAt = made.value
        XCTAssertLessThanOrEqual(blockedAt, 4 * 2 + 4 + 1, "the producer waits for the caller")
        pipe.cancel()
        wait(for: [ended], timeout: 30)
        // What was handed over may still be taken; then next() ends at once.
        var taken = 0
        while try pipe.next() != nil { taken += 1 }
        XCTAssertLessThanOrEqual(taken, 8)
        usleep(100_000)
        XCTAssertEqual(made.value, blockedAt, "the producer stopped")
    }

    /// A native reader whose sink fails (the trace store could not write) stops; the caller
    /// still gets every span, though nobody reads the pieces any more.
    func testAFailingNativeSinkStopsOnlyTheNativeSide() throws {
        struct Full: Error {}
        let (pipe, _) = makePipe(5000, padding: 1000, batchSize: 16, depth: 2)
        let native = pipe.native()
        let failed = expectation(description: "native reader failed")
        detach {
            do {
                try native { _ in throw Full() }
                XCTFail("the sink's error was lost")
            } catch is Full {
            } catch {
                XCTFail("\(error)")
            }
            failed.fulfill()
        }
        let taken = expectation(description: "every span taken")
        let count = Counter()
        detach {
            do {
                while try pipe.next() != nil { _ = count.next() }
            } catch {
                XCTFail("\(error)")
            }
            taken.fulfill()
        }
        wait(for: [failed, taken], timeout: 60)
        XCTAssertEqual(count.value, 5000)
    }

    /// Through `TraceSource`: a Claude Code log's spans and native bytes are those of the
    /// log imported whole.
    func testTraceSourceOfAClaudeCodeLogIsItsImport() throws {
        var log = ClaudeLog()
        log.user("go")
        for i in 0..<400 { log.edit("f\(i % 5).txt", "a", "b") }
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        let trace = try Importer.load(path: path)
        let source = try TraceSource.open(path: path)
        let native = source.native()
        let box = Box()
        let done = expectation(description: "native reader")
        detach {
            do { try native { box.append($0) } } catch { XCTFail("\(error)") }
            done.fulfill()
        }
        var spans: [Span] = []
        while let span = try source.next() { spans.append(span) }
        wait(for: [done], timeout: 30)
        XCTAssertEqual(source.header, trace.header)
        XCTAssertEqual(spans, trace.spans)
        XCTAssertTrue(box.bytes == TraceWriter.bytes(trace))
        XCTAssertEqual(source.position().done, source.position().total, "bytes of the log read")
    }
}

/// Runs `body` on a thread of its own (the native reader runs on another thread than the
/// caller's, as in a run).
func detach(_ body: @escaping () -> Void) {
    let job = Job(body)
    Thread.detachNewThread { job.body() }
}

private final class Job: @unchecked Sendable {
    let body: () -> Void
    init(_ body: @escaping () -> Void) { self.body = body }
}

/// A count shared between threads.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0

    func next() -> Int {
        lock.lock()
        defer { lock.unlock() }
        n += 1
        return n - 1
    }

    var value: Int {
        lock.lock()
        defer { lock.unlock() }
        return n
    }
}

/// The pieces a native reader was handed.
private final class Box: @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [UInt8] = []
    private var count = 0
    private var biggest = 0

    func append(_ piece: [UInt8]) {
        lock.lock()
        collected += piece
        count += 1
        biggest = max(biggest, piece.count)
        lock.unlock()
    }

    var bytes: [UInt8] {
        lock.lock()
        defer { lock.unlock() }
        return collected
    }

    var pieces: Int {
        lock.lock()
        defer { lock.unlock() }
        return count
    }

    var largest: Int {
        lock.lock()
        defer { lock.unlock() }
        return biggest
    }
}
