import Foundation
import XCTest

@testable import Importers
import Trace

/// agent-strace traces, as its hooks record a Claude Code session live and as it converts the
/// session's log afterwards (`fixtures/agent-strace/`, written by agent-strace 0.103.0), and
/// hand-made lines for what those do not show.
final class AgentStraceImporterTests: XCTestCase {
    static let hooks = packageRoot + "/fixtures/agent-strace/hooks/51ea40b0-7088-44/events.ndjson"
    static let converted = packageRoot + "/fixtures/agent-strace/import/51ea40b0-7088-4482-8231-74d06cde3e3a/events.ndjson"

    func load(_ lines: [String], meta: String? = nil, file: StaticString = #filePath, line: UInt = #line) throws -> Trace {
        let directory = try makeTemporaryDirectory(self) + "/s1"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: directory + "/events.ndjson"))
        if let meta { try Data(meta.utf8).write(to: URL(fileURLWithPath: directory + "/meta.json")) }
        return try Importer.load(path: directory + "/events.ndjson", displayName: "s1/events.ndjson")
    }

    func loadError(_ lines: [String], file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        do {
            let trace = try load(lines)
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }

    func testTheHooksRecording() throws {
        XCTAssertEqual(try SourceFormat.detect(path: Self.hooks), .agentStrace)
        let trace = try Importer.load(path: Self.hooks)
        XCTAssertEqual(trace.header.agentName, "agent-strace", "meta.json names claude-code: replayed with Claude Code's tools")
        XCTAssertEqual(trace.header.repoRoot, "/home/dev/calc", "session_start's cwd")
        XCTAssertEqual(trace.header.sourceFormat, "agent-strace")
        XCTAssertEqual(
            trace.kinds.filter { $0 != "user" },
            [
                "tool:Read", "tool:Read", "tool:Read", "tool:Edit", "tool:MultiEdit", "tool:Write", "tool:Bash", "tool:Edit", "tool:Read",
                "tool:Edit", "tool:Read",
            ])
        let failed = try trace.tool("toolu_018O1elBoeyHSE8N3aJbNJhP")
        XCTAssertEqual(failed.status, .error, "answered by an error event")
        XCTAssertEqual(failed.output, "tool call failed")
        let edit = try trace.tool("toolu_01lg019djkW43qNQoP5lLWOC")
        XCTAssertEqual(edit.input?["file_path"], "/home/dev/calc/calc/ops.py")
        XCTAssertNotNil(edit.input?["old_string"]?.stringValue)
        XCTAssertEqual(edit.status, .ok)
        XCTAssertNotNil(edit.attributes["agentreplay.source.result_id"])
        XCTAssertEqual(edit.attributes[GenAI.sourceLine], 9)
    }

    func testTheConvertedLog() throws {
        let trace = try Importer.load(path: Self.converted, options: Importer.Options(recordedRoot: "/home/dev/calc"))
        XCTAssertEqual(trace.header.traceID, "51ea40b070884482823174d06cde3e3a")
        XCTAssertEqual(trace.header.repoRoot, "/home/dev/calc")
        XCTAssertEqual(trace.spans.filter { $0.kind == .tool }.count, 11)
        // One llm span per Claude message, however many lines it was logged as.
        let turns = trace.spans.filter { $0.kind == .llm }
        XCTAssertEqual(turns.count, 11)
        XCTAssertEqual(turns.first?.usage, Usage(inputTokens: 3, outputTokens: 96, cacheReadTokens: 11240, cacheCreationTokens: 9812))
        XCTAssertEqual(turns.first?.output?["text"], "I'll start by looking at the operations module.")
        XCTAssertEqual(turns.first?.output?["tool_calls"], ["toolu_01FxCy1p2GJtb0fB07AK1XbY"])
        let read = try trace.tool("toolu_01FxCy1p2GJtb0fB07AK1XbY")
        XCTAssertEqual(read.parentID, turns.first?.id)
        XCTAssertTrue(read.output?.stringValue?.hasPrefix("1\t\"\"\"Arithmetic") == true)
        let failed = try trace.tool("toolu_018O1elBoeyHSE8N3aJbNJhP")
        XCTAssertEqual(failed.status, .error, "<tool_use_error> in the result")
    }

    func testOutputsCutShortKeepTheirWholeLines() throws {
        let long = (0..<400).map { "line \($0)" }.joined(separator: "\n")
        func wholeLines(_ n: Int) -> String {
            let cut = String(long.unicodeScalars.prefix(n))
            return String(cut[..<cut.lastIndex(of: "\n")!])
        }
        let hook = String(long.unicodeScalars.prefix(1000)) + "... (truncated)"
        let preview = String(long.unicodeScalars.prefix(2000)) + "..."
        let trace = try load([
            #"{"event_type":"tool_call","timestamp":1700000000.5,"event_id":"c1","session_id":"s","data":{"tool_name":"Read","arguments":{"file_path":"/r/a"},"tool_use_id":"t1"}}"#,
            #"{"event_type":"tool_result","timestamp":1700000001.25,"event_id":"r1","session_id":"s","parent_id":"c1","data":{"tool_name":"Read","result":\#(JSON.string(hook).compact)}}"#,
            #"{"event_type":"tool_call","timestamp":1700000002,"event_id":"c2","session_id":"s","data":{"tool_name":"Read","arguments":{"file_path":"/r/b"},"request_id":"t2"}}"#,
            #"{"event_type":"tool_result","timestamp":1700000003,"event_id":"r2","session_id":"s","data":{"tool_use_id":"t2","content_preview":\#(JSON.string(preview).compact)}}"#,
        ])
        let first = try trace.tool("t1"), second = try trace.tool("t2")
        XCTAssertEqual(first.attributes["agentreplay.output_truncated"], true)
        XCTAssertEqual(first.output?.stringValue, wholeLines(1000))
        XCTAssertEqual(second.attributes["agentreplay.output_truncated"], true)
        XCTAssertEqual(second.output?.stringValue, wholeLines(2000))
        XCTAssertEqual(first.startTime?.text, "2023-11-14T22:13:20.500Z")
        XCTAssertEqual(first.endTime?.text, "2023-11-14T22:13:21.250Z")
    }

    func testAnotherAgentIsReplayedFromEffectsOnly() throws {
        let trace = try load(
            [#"{"event_type":"session_start","timestamp":1,"event_id":"e","session_id":"s","data":{"cwd":"/w"}}"#],
            meta: #"{"session_id": "s", "agent_name": "openai-codex"}"#)
        XCTAssertEqual(trace.header.agentName, "agent-strace/openai-codex")
        XCTAssertEqual(trace.header.repoRoot, "/w")
    }

    func testCallsWithoutResultsAndErrorsWithoutCalls() throws {
        let trace = try load([
            #"{"event_type":"tool_call","timestamp":1,"event_id":"c1","session_id":"s","data":{"tool_name":"Bash","arguments":{"command":"sleep 9"}}}"#,
            #"{"event_type":"error","timestamp":2,"event_id":"e1","session_id":"s","data":{"error":"hook timed out"}}"#,
        ])
        XCTAssertEqual(trace.kinds, ["event", "tool:Bash"])
        XCTAssertEqual(try trace.tool("c1").status, .unset)
        XCTAssertEqual(trace.spans[0].status, .ok)
    }

    /// Every tool span has a call id of its own, so the trace reads back: a call with no id at
    /// all (an empty `event_id`, no `tool_use_id`) takes its line's, and an id used again gets
    /// `#<event id>`, then `#2`, … (the `agent-strace` fuzz target found the empty one).
    func testEveryCallHasAnIDOfItsOwn() throws {
        let trace = try load([
            #"{"event_type":"tool_call","timestamp":1,"event_id":"","session_id":"s","data":{"tool_name":"Read"}}"#,
            #"{"event_type":"tool_call","timestamp":2,"event_id":"a","session_id":"s","data":{"tool_name":"Read","tool_use_id":"t"}}"#,
            #"{"event_type":"tool_call","timestamp":3,"event_id":"b","session_id":"s","data":{"tool_name":"Read","tool_use_id":"t"}}"#,
            #"{"event_type":"tool_call","timestamp":4,"event_id":"c","session_id":"s","data":{"tool_name":"Read","tool_use_id":"t#b"}}"#,
            #"{"event_type":"tool_call","timestamp":5,"event_id":"b2","session_id":"s","data":{"tool_name":"Read","tool_use_id":"t"}}"#,
        ])
        XCTAssertEqual(trace.spans.compactMap(\.toolCallID), ["line1", "t", "t#b", "t#b#c", "t#b2"])
        let again = try makeTemporaryDirectory(self) + "/again.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: again))
        XCTAssertEqual(TraceWriter.bytes(try TraceReader.read(path: again)), TraceWriter.bytes(trace))
    }

    func testBadInputNamesTheLineAndField() throws {
        var e = try loadError([
            #"{"event_type":"tool_call","timestamp":1,"event_id":"c1","session_id":"s","data":{}}"#,
            #"{"timestamp":2,"event_id":"c2","session_id":"s","data":{}}"#,
        ])
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "event_type")
        XCTAssertEqual(e.description, "s1/events.ndjson:2: field 'event_type': missing")
        e = try loadError([#"{"event_type":"user_prompt","timestamp":"now","event_id":"u","session_id":"s","data":{"prompt":"x"}}"#])
        XCTAssertEqual(e.field, "timestamp")
        e = try loadError([#"{"event_type":"user_prompt","timestamp":1,"event_id":"u","session_id":"s","data":{"prompt":"x"}}"#, "{oops"])
        XCTAssertEqual(e.line, 2)
        e = try loadError([#"{"event_type":"user_prompt","timestamp":1,"event_id":"u","session_id":"s","data":{"prompt":["x"]}}"#])
        XCTAssertEqual(e.field, "data.prompt")
    }
}
