import Foundation
import XCTest

@testable import Importers
import Trace

/// Bad logs get a `TraceError` naming the file, the line and the field; a log cut short by a
/// crash keeps what came before and marks the loss.
final class ImporterErrorTests: XCTestCase {
    func testAResultWhoseIDIsNotAStringNamesTheLineAndField() throws {
        var log = ClaudeLog()
        log.user("x")
        log.tool("Grep", ["pattern": "p"], result: "r")
        log.raw(#"{"type":"user","sessionId":"s","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":5}]}}"#)  // line 4
        let e = try importError(log)
        XCTAssertEqual(e.file, "session.jsonl")
        XCTAssertEqual(e.line, 4)
        XCTAssertEqual(e.field, "message.content[0].tool_use_id")
        XCTAssertEqual(e.description, "session.jsonl:4: field 'message.content[0].tool_use_id': expected a string, found a number")
    }

    func testSecondResultForACallIsAnError() throws {
        var log = ClaudeLog()
        let id = log.tool("Grep", ["pattern": "p"], result: "r")
        log.result(id, "again")
        let e = try importError(log)
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.field, "message.content[0].tool_use_id")
        XCTAssertTrue(e.message.contains("second result"), e.message)
    }

    func testDuplicateToolCallIDIsAnError() throws {
        var log = ClaudeLog()
        log.tool("Grep", ["pattern": "p"], result: "r", id: "toolu_dup")
        log.assistant(text: "again", calls: [("toolu_dup", "Grep", ["pattern": "q"])])  // line 3
        let e = try importError(log)
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.field, "message.content[1].id")
        XCTAssertTrue(e.message.contains("duplicate tool call id toolu_dup"), e.message)
    }

    func testDuplicateToolCallIDWhileTheFirstIsPendingIsAnError() throws {
        var log = ClaudeLog()
        log.assistant(calls: [("toolu_dup", "Edit", ["file_path": "/a"])])
        log.assistant(calls: [("toolu_dup", "Write", ["file_path": "/a"])])
        let e = try importError(log)
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "message.content[0].id")
        XCTAssertTrue(e.message.contains("first used on line 1"), e.message)
    }

    func testTheSameToolUseBlockLoggedTwiceIsOneCall() throws {
        var log = ClaudeLog()
        log.assistant(calls: [("toolu_same", "Grep", ["pattern": "p"])], messageID: "msg_1")
        log.assistant(calls: [("toolu_same", "Grep", ["pattern": "p"])], messageID: "msg_1")
        log.result("toolu_same", "r")
        let trace = try importLog(log)
        XCTAssertEqual(trace.spans.filter { $0.toolCallID == "toolu_same" }.count, 1)
        XCTAssertEqual(trace.spans.first?.output?["tool_calls"], ["toolu_same"])
    }

    func testTruncatedLastLineBecomesAnErrorEventAndKeepsWhatCameBefore() throws {
        var log = ClaudeLog()
        log.user("x")
        let id = log.tool("Grep", ["pattern": "p"], result: "r")
        log.raw(
            #"{"parentUuid":"abc","type":"assistant","message":{"id":"msg_cut","content":[{"type":"tool_use","id":"toolu_cut","name":"Edit","input":{"file_pa"#
        )
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        try Data(contentsOf: URL(fileURLWithPath: path)).dropLast().write(to: URL(fileURLWithPath: path))  // no final newline
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:Grep", "event"])
        XCTAssertEqual(try trace.tool(id).status, .ok)
        let lost = try XCTUnwrap(trace.spans.last)
        XCTAssertEqual(lost.name, "truncated record")
        XCTAssertEqual(lost.status, .error)
        XCTAssertEqual(lost.attributes[GenAI.sourceLine], 4)
        XCTAssertTrue(lost.output?.stringValue?.contains("cut short") == true)
    }

    func testUnterminatedButCompleteLastLineIsRead() throws {
        var log = ClaudeLog()
        log.user("last words")
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        try Data(contentsOf: URL(fileURLWithPath: path)).dropLast().write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Importer.load(path: path).kinds, ["user"])
    }

    func testBrokenLineInTheMiddleIsAnError() throws {
        var log = ClaudeLog()
        log.user("x")
        log.raw(#"{"type":"user","message":{"role":"user","content":"oops"}"#)  // line 2, newline-terminated
        log.user("y")
        let e = try importError(log)
        XCTAssertEqual(e.line, 2)
        XCTAssertTrue(e.message.hasPrefix("invalid JSON:"), e.message)
        XCTAssertTrue(e.message.contains("column"), e.message)
    }

    func testWrongFieldTypesNameTheField() throws {
        let cases: [(line: JSON, field: String, fragment: String)] = [
            (["type": "user", "sessionId": "s", "timestamp": 12, "message": ["role": "user", "content": "x"]], "timestamp", "expected a string"),
            (
                ["type": "user", "sessionId": "s", "timestamp": "yesterday", "message": ["role": "user", "content": "x"]], "timestamp",
                "not an RFC 3339 time"
            ),
            (["type": "user", "sessionId": "s", "message": "hello"], "message", "expected an object"),
            (["type": "user", "sessionId": "s"], "message", "missing"),
            (["type": "assistant", "sessionId": "s", "message": ["content": 5]], "message.content", "expected a string or an array"),
            (
                ["type": "assistant", "sessionId": "s", "message": ["content": [["type": "tool_use", "name": "Edit", "input": [:]]]]],
                "message.content[0].id", "missing"
            ),
            (
                ["type": "assistant", "sessionId": "s", "message": ["content": [["type": "tool_use", "id": "t", "name": "Edit", "input": "x"]]]],
                "message.content[0].input", "expected an object"
            ),
            (
                ["type": "assistant", "sessionId": "s", "message": ["content": [["type": "tool_use", "id": 7, "name": "Edit"]]]],
                "message.content[0].id", "expected a string"
            ),
            (
                ["type": "assistant", "sessionId": "s", "message": ["content": [], "usage": ["output_tokens": "many"]]],
                "message.usage.output_tokens", "expected a whole number"
            ),
            (
                ["type": "user", "sessionId": "s", "isSidechain": "yes", "message": ["role": "user", "content": "x"]], "isSidechain",
                "expected true or false"
            ),
            (["type": 3, "sessionId": "s"], "type", "expected a string"),
            (
                ["type": "user", "sessionId": "s", "message": ["content": [["type": "tool_result", "tool_use_id": ["x"]]]]],
                "message.content[0].tool_use_id", "expected a string"
            ),
        ]
        for c in cases {
            var log = ClaudeLog()
            log.user("fine")
            log.append(c.line)  // line 2
            let e = try importError(log)
            XCTAssertEqual(e.line, 2, c.line.compact)
            XCTAssertEqual(e.field, c.field, c.line.compact)
            XCTAssertTrue(e.message.contains(c.fragment), "\(c.line.compact): \(e.message)")
            XCTAssertTrue(e.description.hasPrefix("session.jsonl:2: field '\(c.field)': "), e.description)
        }
    }

    func testLineThatIsNotAnObjectIsAnError() throws {
        var log = ClaudeLog()
        log.user("x")
        log.raw("[1,2,3]")
        let e = try importError(log)
        XCTAssertEqual(e.line, 2)
        XCTAssertTrue(e.message.contains("expected an object, found an array"), e.message)
    }

    func testLogWithoutASessionIDIsAnError() throws {
        var log = ClaudeLog()
        log.raw(#"{"type":"user","message":{"role":"user","content":"no session"}}"#)
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        XCTAssertThrowsError(try Importer.load(path: path, format: .claudeCode, displayName: "s.jsonl")) { error in
            XCTAssertEqual((error as? TraceError)?.field, "sessionId")
            XCTAssertEqual((error as? TraceError)?.file, "s.jsonl")
        }
    }

    func testUnreadableInputsAreClearErrors() throws {
        let directory = try makeTemporaryDirectory(self)
        func loadError(_ bytes: [UInt8]) throws -> TraceError {
            let path = directory + "/f-\(UUID().uuidString).jsonl"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            do {
                _ = try Importer.load(path: path, displayName: "in.jsonl")
            } catch {
                return error
            }
            XCTFail("no error")
            throw NoError()
        }
        XCTAssertTrue(try loadError([]).message.contains("empty file"))
        let blank = try loadError(Array("\n\n  \n".utf8)).message
        XCTAssertTrue(blank.contains("empty") || blank.contains("cannot tell"), blank)
        XCTAssertTrue(try loadError([0x7F, 0x45, 0x4C, 0x46, 0x02, 0x01, 0x00, 0xFF, 0x0A]).message.contains("cannot tell which agent"))
        XCTAssertTrue(
            try loadError(
                Array("{\"sessionId\":\"s\",\"type\":\"user\",\"message\":{\"content\":\"caf\u{E9}\"}}\n".utf8).map { $0 == 0xA9 ? 0xFF : $0 }
            ).message.contains("cannot tell"))
        let missing = try XCTUnwrap(
            { () -> TraceError? in
                do { _ = try Importer.load(path: directory + "/nope.jsonl"); return nil } catch { return error as? TraceError }
            }())
        XCTAssertTrue(missing.message.contains("cannot open"), missing.message)
        let dir = try XCTUnwrap(
            { () -> TraceError? in
                do { _ = try Importer.load(path: directory, format: .claudeCode); return nil } catch { return error as? TraceError }
            }())
        XCTAssertTrue(dir.message.contains("directory"), dir.message)
    }

    func testInvalidUTF8InALaterLineNamesTheLine() throws {
        var log = ClaudeLog()
        log.user("fine")
        log.user("caf\u{E9}")
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        let at = try XCTUnwrap(bytes.firstIndex(of: 0xA9))  // the second byte of é
        bytes[at] = 0xFF
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Importer.load(path: path)) { error in
            let e = error as? TraceError
            XCTAssertEqual(e?.line, 2)
            XCTAssertTrue(e?.message.contains("invalid UTF-8") == true, "\(error)")
        }
    }
}
