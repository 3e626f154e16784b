import Foundation
import XCTest
@testable import Trace

/// `TraceOutput` writes on a second thread: the bytes must be those `TraceWriter` gives, in
/// order, whatever the batching; a failed write must reach the caller; an abandoned output
/// must leave no file.
final class TraceOutputTests: XCTestCase {
    /// Spans of every size, from a few bytes to 1.1 MiB (more than a flush, a batch
    /// and the lane's limit of the small lane below).
    static let trace: Trace = {
        let header = Trace.Header(traceID: "0123456789abcdef0123456789abcdef", agentName: "test")
        var spans: [Span] = []
        for i in 0..<1200 {
            let size = i == 7 ? 9 << 17 : (i * 37) % 1500
            spans.append(
                Span(
                    id: Span.ID(String(format: "%016x", i)), kind: .tool, name: "Read",
                    attributes: Attributes([(GenAI.toolName, "Read"), (GenAI.toolCallID, .string("c\(i)"))]),
                    input: ["file_path": .string("/f/\(i)")],
                    output: .string(String(repeating: "a line of text, \"\(i)\"\n", count: size / 24 + 1))))
        }
        return Trace(header: header, spans: spans)
    }()

    func testFileGetsTheWritersBytesInOrder() throws {
        let path = try makeTemporaryDirectory(self) + "/out.ndjson"
        let output = try TraceOutput(path: path)
        try output.write(Self.trace.header)
        for span in Self.trace.spans { try output.write(span) }
        XCTAssertFalse(FileManager.default.fileExists(atPath: path), "the file appears on finish only")
        try output.finish()
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), TraceWriter.bytes(Self.trace))
    }

    func testASmallLaneWaitsAndKeepsTheOrder() throws {
        let path = try makeTemporaryDirectory(self) + "/lane.ndjson"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        let sink = TraceOutput.Sink(fd: fd, name: path)
        let lane = WriterLane(sink: sink, limit: 1)
        try lane.put([.header(Self.trace.header)], weight: 1)
        var i = 0
        while i < Self.trace.spans.count {
            let batch = Self.trace.spans[i..<min(i + 7, Self.trace.spans.count)]
            try lane.put(batch.map { .span($0) }, weight: batch.map(WriterLane.weight).reduce(0, +))
            i += 7
        }
        try lane.close()
        try sink.flush()
        close(fd)
        XCTAssertEqual(Array(try Data(contentsOf: URL(fileURLWithPath: path))), TraceWriter.bytes(Self.trace))
    }

    func testAFailedWriteReachesTheCaller() throws {
        try XCTSkipUnless(FileManager.default.fileExists(atPath: "/dev/full"), "no /dev/full here")
        let output = try TraceOutput(path: "/dev/full")
        var thrown: TraceError?
        do {
            try output.write(Self.trace.header)
            for span in Self.trace.spans { try output.write(span) }
            try output.finish()
        } catch {
            thrown = error
        }
        XCTAssertEqual(thrown?.description, "/dev/full: cannot write: No space left on device")
    }

    func testAnAbandonedOutputLeavesNoFile() throws {
        let directory = try makeTemporaryDirectory(self)
        do {
            let output = try TraceOutput(path: directory + "/gone.ndjson")
            try output.write(Self.trace.header)
            for span in Self.trace.spans.prefix(500) { try output.write(span) }
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: directory), [])
    }
}
