import Foundation
import XCTest

@testable import Importers
import Trace

/// The held spans of one log file: taken from the front while the back grows, each keeping
/// its absolute index (an importer still merges lines into a turn by it), with the effective
/// time `TimeMerge` orders by.
final class SpanLogTests: XCTestCase {
    /// Span `i`; every third has no time of its own.
    func span(_ i: Int) -> Span {
        Span(
            id: Span.ID(String(format: "%016x", i + 1)), kind: .event, name: "event \(i)",
            startTime: i % 3 == 2 ? nil : Timestamp(seconds: 1_748_772_000 + Int64(i)))
    }

    /// Its effective time: its own, else the one before.
    func time(_ i: Int) -> Timestamp { Timestamp(seconds: 1_748_772_000 + Int64(i % 3 == 2 ? i - 1 : i)) }

    func testIndicesStayAbsoluteWhileTheFrontIsTakenAndTheStorageShrinks() {
        var log = SpanLog()
        XCTAssertTrue(log.isEmpty)
        XCTAssertNil(log.firstTime)
        var next = 0
        // Two appended for one taken, for long enough that the taken front is dropped from
        // the storage several times (it is, past 4096).
        for i in 0..<20_000 {
            log.append(span(i))
            XCTAssertEqual(log.endIndex, i + 1)
            XCTAssertEqual(log.lastTime, time(i))
            if i % 2 == 1 {
                XCTAssertEqual(log[log.startIndex], span(next))
                XCTAssertEqual(log.firstTime, time(next))
                XCTAssertEqual(log.removeFirst(), span(next))
                next += 1
                XCTAssertEqual(log.startIndex, next)
            }
            // The span at an absolute index, read and changed, as a turn being merged into is.
            let middle = (log.startIndex + log.endIndex) / 2
            XCTAssertEqual(log[middle].name, "event \(middle)")
        }
        log[15_000].name = "changed"
        while log.startIndex < 12_000 {
            let i = log.startIndex
            XCTAssertEqual(log.removeFirst(), span(i))
        }
        XCTAssertEqual(log.startIndex, 12_000)
        let (rest, before) = log.removeAll()
        XCTAssertEqual(before, time(11_999), "the effective time of the last span taken")
        XCTAssertEqual(rest.count, 8_000)
        XCTAssertEqual(rest.first, span(12_000))
        XCTAssertEqual(rest[3_000].name, "changed")
        XCTAssertEqual(rest.last, span(19_999))
        XCTAssertTrue(log.isEmpty)
        XCTAssertEqual(log.startIndex, 20_000)
        XCTAssertEqual(log.endIndex, 20_000)
        // And on: appended after everything was taken, at the next index.
        log.append(span(20_000))
        XCTAssertEqual(log[20_000], span(20_000))
        XCTAssertEqual(log.removeAll().timeBefore, time(19_999))
    }

    /// A log long enough that the held spans' storage is cut while a call is waiting and a
    /// split message is being merged: the stream still agrees with the whole read.
    func testALongLogStreamsAsItReadsWhole() throws {
        var log = ClaudeLog()
        log.user("go")
        for i in 0..<2500 { log.tool("Grep", ["pattern": .string("a\(i)")], result: "r") }
        log.assistant(calls: [("toolu_slow", "Bash", ["command": "make"])], messageID: "msg_slow")
        for i in 0..<2500 {
            log.assistant(text: "looking", messageID: "msg_\(i)")
            log.assistant(calls: [("toolu_b\(i)", "Grep", ["pattern": .string("b\(i)")])], messageID: "msg_\(i)")
            log.result("toolu_b\(i)", "r")
        }
        log.result("toolu_slow", "built")
        for i in 0..<2500 { log.tool("Grep", ["pattern": .string("c\(i)")], result: "r") }
        log.assistant(calls: [("toolu_never", "Bash", ["command": "sleep"])])
        for i in 0..<100 { log.tool("Grep", ["pattern": .string("d\(i)")], result: "r") }
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let importer = ClaudeCodeImporter(path: path)
        func bytes(_ stream: ClaudeCodeStream) throws -> [UInt8] {
            let header = try stream.header()
            var spans: [Span] = []
            while let span = try stream.next() { spans.append(span) }
            return TraceWriter.bytes(Trace(header: header, spans: spans))
        }
        let whole = try bytes(importer.stream(whole: true))
        XCTAssertTrue(try bytes(importer.stream()) == whole)
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.spans.count, 1 + 5000 + 2 + 5000 + 5000 + 2 + 200)
        XCTAssertEqual(trace.spans.filter { $0.kind == .llm && $0.output?["text"] == "looking" }.count, 2500, "each split message one turn")
    }
}
