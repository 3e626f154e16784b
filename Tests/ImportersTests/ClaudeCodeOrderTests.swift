import XCTest

@testable import Importers
import Trace

/// The order of a Claude Code log is its `uuid`/`parentUuid` chain, not always the file's:
/// Claude Code 2.1.x can write a result line just before its call's line. And a log that
/// begins after a call (an excerpt) holds results of calls it does not hold.
final class ClaudeCodeOrderTests: XCTestCase {
    /// The two lines of one call, the result written first (its `parentUuid` names the
    /// call's line, as in blackgirlbytes/planetfall-seed-signalkit's session at line 252).
    func earlyResult(_ log: inout ClaudeLog, id: String, name: String = "Read", input: JSON = ["file_path": "/home/dev/project/a.txt"]) {
        let call = log.line(
            type: "assistant",
            [
                (
                    "message",
                    [
                        "id": .string("msg_" + id), "type": "message", "role": "assistant", "model": "claude-opus-4-8",
                        "content": [["type": "tool_use", "id": .string(id), "name": .string(name), "input": input]],
                    ]
                )
            ])
        let result = log.line(
            type: "user",
            [
                (
                    "message",
                    [
                        "role": "user", "content": [["tool_use_id": .string(id), "type": "tool_result", "content": "1\ta"]],
                    ]
                )
            ])
        log.append(result)
        log.append(call)
    }

    func testAResultWrittenBeforeItsCallComesAfterIt() throws {
        var log = ClaudeLog()
        log.user("go")
        earlyResult(&log, id: "toolu_early")
        log.tool("Grep", ["pattern": "x"], result: "r", id: "toolu_after")
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:Read", "llm", "tool:Grep"])
        let read = try trace.tool("toolu_early")
        XCTAssertEqual(read.status, .ok)
        XCTAssertEqual(read.parentID, trace.spans[1].id, "the turn that asked for it")
        XCTAssertEqual(read.attributes[GenAI.sourceLine], 3, "the call's line")
        XCTAssertEqual(read.attributes["agentreplay.source.result_line"], 2)
    }

    /// An excerpt's first line answers a call made before it; the conversation goes on after
    /// it (a child line): a call with no name or input, marked, where its result was.
    func testAResultWhoseCallTheLogLacksIsACallMarkedMissing() throws {
        var log = ClaudeLog()
        log.continueChain(after: "00000000-0000-4000-8000-999999999999")
        log.result("toolu_task", [["type": "text", "text": "All the changes have been made."]], record: ["status": "completed", "agentId": "a1"])
        log.assistant(text: "There are compile errors.")
        log.tool("Edit", ["file_path": "/home/dev/project/a.txt", "old_string": "a", "new_string": "b"], result: "ok", id: "toolu_edit")
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["tool:unknown tool", "llm", "llm", "tool:Edit"])
        let orphan = trace.spans[0]
        XCTAssertEqual(orphan.toolCallID, "toolu_task")
        // Named, as every tool span must be: its native trace reads back (the claude-code
        // fuzz target found one that did not).
        XCTAssertEqual(orphan.toolName, "unknown tool")
        let directory = try makeTemporaryDirectory(self, "order")
        let native = directory + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        XCTAssertEqual(try TraceReader.read(path: native).spans.count, trace.spans.count)
        XCTAssertNil(orphan.input)
        XCTAssertEqual(orphan.attributes[ClaudeCodeEarlyResults.callMissing], true)
        XCTAssertEqual(orphan.attributes[GenAI.sourceLine], 1)
    }

    /// Held to the end (nothing continues after it): still kept, last of the file's spans.
    func testAResultNoLineFollowsIsKeptAtTheEnd() throws {
        var log = ClaudeLog()
        log.user("go")
        log.continueChain(after: "00000000-0000-4000-8000-999999999999")
        log.result("toolu_gone", "done")
        log.continueChain(after: nil)
        log.tool("Grep", ["pattern": "x"], result: "r")
        let trace = try importLog(log)
        XCTAssertEqual(trace.spans.last?.toolCallID, "toolu_gone")
        XCTAssertEqual(trace.spans.last?.attributes[ClaudeCodeEarlyResults.callMissing], true)
    }

    /// A second result for an answered call is still an error, naming its line.
    func testASecondResultIsStillAnError() throws {
        var log = ClaudeLog()
        let id = log.tool("Grep", ["pattern": "x"], result: "r")
        log.result(id, "again")
        XCTAssertThrowsError(try importLog(log)) { error in
            XCTAssertEqual((error as? TraceError)?.line, 3)
            XCTAssertTrue("\(error)".contains("a second result for tool call"), "\(error)")
        }
    }

    /// The stream and the whole read agree on logs with results written early and missing calls.
    func testStreamAndWholeAgree() throws {
        var log = ClaudeLog()
        log.continueChain(after: "00000000-0000-4000-8000-999999999999")
        log.result("toolu_before", "done")
        for i in 0..<300 {
            if i % 7 == 0 { earlyResult(&log, id: "toolu_e\(i)") } else { log.tool("Grep", ["pattern": .string("p\(i)")], result: "r") }
            if i % 50 == 3 { log.assistant(calls: [("toolu_never\(i)", "Bash", ["command": "make"])]) }
        }
        let path = try log.save(in: try makeTemporaryDirectory(self))
        let importer = ClaudeCodeImporter(path: path)
        var whole: [Span] = [], streamed: [Span] = []
        let w = try importer.stream(whole: true)
        _ = try w.header()
        while let s = try w.next() { whole.append(s) }
        let s = try importer.stream()
        _ = try s.header()
        while let span = try s.next() { streamed.append(span) }
        XCTAssertEqual(streamed, whole)
        XCTAssertEqual(whole.filter { $0.attributes[ClaudeCodeEarlyResults.callMissing] != nil }.count, 1)
        XCTAssertEqual(whole.filter { $0.kind == .tool && $0.status == .ok }.count, 301)
    }

    /// `{…}{…}` on one line (a line whose newline Claude Code never wrote, then the next):
    /// both objects are read, under that line's number.
    func testTwoObjectsOnOneLineAreBothRead() throws {
        var log = ClaudeLog()
        log.user("go")
        let first = log.line(type: "user", [("message", ["role": "user", "content": "one"])]).compact
        log.raw(first + #"{"type":"summary","summary":"Fix things","leafUuid":"x"}"#)
        log.user("two")
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["user", "user", "event", "user"])
        XCTAssertEqual(trace.spans[2].attributes[GenAI.sourceLine], 2)
    }

    /// A line that is bad JSON in another way stays an error.
    func testABadLineIsStillAnError() throws {
        var log = ClaudeLog()
        log.user("go")
        log.raw(#"{"type":"user" {"a":1}}"#)
        log.user("two")
        XCTAssertThrowsError(try importLog(log)) { error in
            XCTAssertEqual((error as? TraceError)?.line, 2)
        }
    }
}
