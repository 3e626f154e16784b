import Foundation
import XCTest

@testable import Importers
import Trace

/// How an OpenHands event stream becomes spans: one `llm` span per model response, a tool
/// span per action placed at its observation, the source's ids and lines kept, usage counted
/// once per response, and bad input named by line and field.
final class OpenHandsImporterTests: XCTestCase {
    func load(_ log: OpenHandsLog, pretty: Bool = true, options: Importer.Options = Importer.Options()) throws -> Trace {
        let directory = try makeTemporaryDirectory(self)
        return try Importer.load(path: log.save(in: directory, pretty: pretty), options: options, displayName: "trajectory.json")
    }

    func loadError(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/bad.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            let trace = try Importer.load(path: path, format: .openHands, displayName: "bad.json")
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }

    func sample() -> OpenHandsLog {
        var log = OpenHandsLog()
        log.user("Fix the bug.")
        log.view("a.py", shown: "x = 1\n")
        log.strReplace("a.py", "x = 1", "x = 2", before: "x = 1\n", after: "x = 2\n")
        log.run("pytest", output: "1 failed", exitCode: 1)
        log.finish()
        return log
    }

    func testDetectedPrettyOrOnOneLineOrAsHistory() throws {
        let directory = try makeTemporaryDirectory(self)
        let log = sample()
        XCTAssertEqual(try SourceFormat.detect(path: log.save(in: directory, name: "a.json")), .openHands)
        XCTAssertEqual(try SourceFormat.detect(path: log.save(in: directory, name: "b.json", pretty: false)), .openHands)
        let output = directory + "/output.jsonl"
        let line: JSON = ["instance_id": "x__y-1", "instruction": "Fix it.", "history": log.json, "test_result": ["git_patch": ""]]
        try Data((line.compact + "\n").utf8).write(to: URL(fileURLWithPath: output))
        XCTAssertEqual(try SourceFormat.detect(path: output), .openHands)
        XCTAssertEqual(try Importer.load(path: output).spans.count, try load(log).spans.count)
    }

    func testSpansAndTheirSources() throws {
        let trace = try load(sample())
        XCTAssertEqual(trace.header.agentName, "openhands")
        XCTAssertEqual(trace.header.repoRoot, "/workspace")
        XCTAssertEqual(trace.header.sourceFormat, "openhands")
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:str_replace_editor", "llm", "tool:str_replace_editor", "llm", "tool:execute_bash", "llm"])
        let view = try trace.tool("toolu_0001")
        XCTAssertEqual(view.attributes["agentreplay.openhands.action"], "read")
        XCTAssertEqual(view.attributes[GenAI.sourceID], "1")
        XCTAssertEqual(view.attributes["agentreplay.source.result_id"], "2")
        XCTAssertEqual(view.parentID, trace.spans[1].id)
        XCTAssertEqual(view.status, .ok)
        let edit = try trace.tool("toolu_0002")
        XCTAssertEqual(edit.input?["command"], "str_replace")
        XCTAssertEqual(edit.input?["old_str"], "x = 1")
        XCTAssertEqual(edit.details?["diff"], "--- /workspace/a.py\n+++ /workspace/a.py\n@@ -1 +1 @@\n-x = 1\n+x = 2")
        XCTAssertEqual(edit.startTime?.text, "2025-03-01T10:00:03.900854Z", "naive times read as UTC")
        XCTAssertEqual(try trace.tool("toolu_0003").status, .error, "exit code 1")

        // The pretty-printed file's line of each event.
        let text = try String(contentsOfFile: try sample().save(in: makeTemporaryDirectory(self)), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(edit.attributes[GenAI.sourceLine]?.intValue)
        XCTAssertEqual(lines[Int(line) - 1].trimmingCharacters(in: .whitespaces), "{")
        XCTAssertEqual(lines[Int(line)].trimmingCharacters(in: .whitespaces), #""id": 3,"#)
    }

    func testUsageIsCountedOncePerResponse() throws {
        let trace = try load(sample())
        let turn = trace.spans[1]
        XCTAssertEqual(turn.model, "claude-3-5-sonnet-20241022")
        XCTAssertEqual(turn.usage, Usage(inputTokens: 100, outputTokens: 120, cacheReadTokens: 4000, cacheCreationTokens: 900))
        XCTAssertEqual(turn.output?["tool_calls"], ["toolu_0001"])
        XCTAssertEqual(trace.spans.filter { $0.kind == .llm }.count, 4, "the finish call's response is a turn, the call itself no tool span")
    }

    func testTheIPythonEraReadsTheModelsArguments() throws {
        var log = OpenHandsLog()
        log.era = .ipython
        log.create("g.py", "print(1)\n")
        let edit = try XCTUnwrap(try load(log).spans.first { $0.kind == .tool })
        XCTAssertEqual(edit.input, ["command": "create", "path": "/workspace/g.py", "file_text": "print(1)\n"])
        XCTAssertEqual(edit.details?["new_content"], "print(1)\n")
    }

    func testActionsWithoutAnObservation() throws {
        var log = OpenHandsLog()
        log.action("run", function: "execute_bash", arguments: ["command": "sleep 100"], args: ["command": "sleep 100"])
        log.finish()
        let trace = try load(log)
        let run = try trace.tool("toolu_0001")
        XCTAssertEqual(run.status, .unset)
        XCTAssertNil(trace.spans.first { $0.toolCallID == "toolu_0002" }, "finish gets no observation and is no tool span")
    }

    func testRecordedRootOption() throws {
        XCTAssertEqual(try load(sample(), options: Importer.Options(recordedRoot: "/workspace/repo")).header.repoRoot, "/workspace/repo")
    }

    func testTheSameFileGivesTheSameTrace() throws {
        XCTAssertEqual(TraceWriter.bytes(try load(sample())), TraceWriter.bytes(try load(sample())))
    }

    // MARK: Bad input

    func testBadJSONNamesTheLineAndColumn() throws {
        let e = try loadError("[\n  {\"id\": 0, \"action\": \"message\"},\n  {\"id\": 1,, }\n]\n")
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.message.hasPrefix("not valid JSON"), e.message)
    }

    func testAnEventThatIsNeitherNamesItsIndex() throws {
        let e = try loadError(
            "[\n  {\"id\": 0, \"source\": \"user\", \"action\": \"message\", \"args\": {\"content\": \"hi\"}},\n  {\"id\": 1, \"source\": \"agent\"}\n]\n"
        )
        XCTAssertEqual(e.line, 3)
        XCTAssertEqual(e.field, "[1]")
        XCTAssertTrue(e.message.contains("neither"), e.message)
    }

    func testAWrongFieldTypeIsNamed() throws {
        let e = try loadError(
            #"[{"id": 0, "source": "agent", "action": "run", "args": {"command": "ls"}}, {"id": 1, "cause": 0, "observation": "run", "content": ["x"]}]"#
        )
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.field, "[1].content")
        XCTAssertEqual(e.description, "bad.json:1: field '[1].content': expected a string, found an array")
        let t = try loadError(#"[{"id": 0, "timestamp": "yesterday", "source": "user", "action": "message", "args": {"content": "x"}}]"#)
        XCTAssertEqual(t.field, "[0].timestamp")
        let o = try loadError(#"{"instance_id": "a"}"#)
        XCTAssertEqual(o.field, "history")
    }

    func testDuplicateEventIDsAreRefused() throws {
        let e = try loadError(
            #"[{"id": 4, "source": "agent", "action": "run", "args": {"command": "ls"}}, {"id": 4, "source": "agent", "action": "run", "args": {"command": "pwd"}}]"#
        )
        XCTAssertEqual(e.field, "[1].id")
        XCTAssertTrue(e.message.contains("duplicate event id 4"), e.message)
    }
}
