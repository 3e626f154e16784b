import Foundation
import XCTest

@testable import Importers
import Trace

/// How a Codex rollout becomes spans: the header from `session_meta`, model turns from runs
/// of output items, tool calls paired with their outputs by `call_id`, usage per response,
/// `patch_apply_end` kept as details, failures, and bad input.
final class CodexImporterTests: XCTestCase {
    func load(_ log: CodexLog) throws -> Trace {
        let directory = try makeTemporaryDirectory(self)
        return try Importer.load(path: log.save(in: directory), displayName: "rollout.jsonl")
    }

    func loadError(_ log: CodexLog, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        do {
            let trace = try load(log)
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }

    func testHeaderComesFromTheFirstSessionMeta() throws {
        var log = CodexLog()
        log.meta()
        log.turn("hi")
        log.commit = "2222222222222222222222222222222222222222"
        log.cwd = "/elsewhere"
        log.meta()  // a resumed session writes it again
        let trace = try load(log)
        XCTAssertEqual(trace.header.traceID, "019e1a2b3c4d7e5f8a9b0c1d2e3f4a5b")
        XCTAssertEqual(trace.header.agentName, "codex")
        XCTAssertEqual(trace.header.agentVersion, "0.140.0")
        XCTAssertEqual(trace.header.repoRoot, CodexLog.root)
        XCTAssertEqual(trace.header.baseCommit, "1111111111111111111111111111111111111111")
        XCTAssertEqual(trace.header.sourceFormat, "codex")
        XCTAssertEqual(trace.header.sourceFile, "rollout.jsonl")
        let options = Importer.Options(recordedRoot: "/other/root")
        let moved = try Importer.load(path: log.save(in: makeTemporaryDirectory(self)), options: options)
        XCTAssertEqual(moved.header.repoRoot, "/other/root")
    }

    func testCodeModeScriptsKeepTheirPatchRecordsInOrder() throws {
        var log = CodexLog()
        log.meta()
        log.turn("edit")
        let a = log.script(
            "await tools.apply_patch(p); await tools.apply_patch(q)",
            patches: [
                (true, [CodexLog.absolute("a"): CodexLog.add("a\n")]), (true, [CodexLog.absolute("b"): CodexLog.add("b\n")]),
            ])
        let b = log.script("await tools.apply_patch(p)", ended: "Script failed", error: "apply_patch verification failed: x")
        let c = log.customCall("exec", "await tools.apply_patch(p)")
        log.patchApplyEnd("exec-late", success: true, changes: [CodexLog.absolute("c"): CodexLog.add("c\n")])
        log.line(
            "response_item",
            ["type": "custom_tool_call_output", "call_id": .string(c), "output": "Script running with cell ID 3\nWall time 11.0 seconds\nOutput:\n"])
        log.patchApplyEnd("exec-later", success: true, changes: [CodexLog.absolute("d"): CodexLog.add("d\n")])
        let trace = try load(log)
        let spans = Dictionary(uniqueKeysWithValues: trace.spans.compactMap { s in s.toolCallID.map { ($0, s) } })
        let records = { (id: String) in spans[id]?.details?["patch_apply_end"]?.arrayValue?.compactMap { $0["call_id"]?.stringValue } }
        XCTAssertEqual(records(a), ["exec-\(a)-0", "exec-\(a)-1"])
        XCTAssertEqual(spans[a]?.status, .ok)
        XCTAssertNil(spans[b]?.details)
        XCTAssertEqual(spans[b]?.status, .error, "Script failed")
        XCTAssertEqual(records(c), ["exec-late", "exec-later"], "a record after a running script's output is still its own")
    }

    func testOutputItemsOfOneResponseAreOneTurnAndCallsHangUnderIt() throws {
        var log = CodexLog()
        log.meta()  // line 1
        log.turn("fix it")  // lines 2-3
        log.reasoning()  // 4
        log.assistant("Looking.")  // 5
        let a = log.functionCall("exec_command", ["cmd": "ls"])  // 6
        let b = log.functionCall("exec_command", ["cmd": "pwd"])  // 7
        log.functionOutput(b, "Process exited with code 0\nOutput:\n/x\n")  // 8
        log.functionOutput(a, "Process exited with code 2\nOutput:\nls: no\n")  // 9
        log.tokenCount(input: 1200, cached: 1000, output: 30)  // 10
        log.assistant("Done.")  // 11
        log.tokenCount(input: 1300, cached: 1200, output: 5)  // 12
        log.raw(log.lines.last!)  // 13: the same event again
        let trace = try load(log)
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:exec_command", "tool:exec_command", "llm"])
        let turn = trace.spans[1]
        XCTAssertEqual(turn.name, "chat gpt-5.5")
        XCTAssertEqual(turn.output, ["text": "Looking.", "tool_calls": [.string(a), .string(b)]])
        XCTAssertEqual(turn.usage, Usage(inputTokens: 200, outputTokens: 30, cacheReadTokens: 1000))
        XCTAssertEqual(turn.attributes[GenAI.sourceLine], 4)
        XCTAssertEqual(trace.spans[4].usage, Usage(inputTokens: 100, outputTokens: 5, cacheReadTokens: 1200), "a repeated token_count counts once")

        let first = try trace.tool(b)  // placed where its output came
        XCTAssertEqual(trace.spans[2].toolCallID, b)
        XCTAssertEqual(first.parentID, turn.id)
        XCTAssertEqual(first.input, ["cmd": "pwd"])
        XCTAssertEqual(first.status, .ok)
        XCTAssertEqual(first.attributes[GenAI.sourceLine], 7)
        XCTAssertEqual(first.attributes["agentreplay.source.result_line"], 8)
        XCTAssertEqual(first.attributes[GenAI.sourceID], .string(b))
        XCTAssertEqual(first.startTime?.text, "2025-06-01T10:00:06.000Z")
        XCTAssertEqual(first.endTime?.text, "2025-06-01T10:00:07.000Z")
        XCTAssertEqual(try trace.tool(a).status, .error, "exit code 2")
    }

    func testPatchApplyEndBecomesTheCallsDetailsInEitherOrder() throws {
        var log = CodexLog()
        log.meta()
        log.turn("edit")
        let changes: JSON = [CodexLog.absolute("a.txt"): CodexLog.add("a\n")]
        let before = log.applyPatch("*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch", changes: changes)
        // The event after the output, and a failed patch.
        let after = log.customCall("apply_patch", "*** Begin Patch\n*** Delete File: gone.txt\n*** End Patch")
        log.customOutput(after, "Exit code: 1\nOutput:\nFailed to delete")
        log.patchApplyEnd(after, success: false, changes: [:], stderr: "Failed to delete file gone.txt")
        let trace = try load(log)
        XCTAssertEqual(try trace.tool(before).details?["changes"], changes)
        XCTAssertEqual(try trace.tool(before).input, ["input": "*** Begin Patch\n*** Add File: a.txt\n+a\n*** End Patch"])
        XCTAssertEqual(try trace.tool(before).status, .ok)
        XCTAssertEqual(try trace.tool(after).details?["stderr"], "Failed to delete file gone.txt")
        XCTAssertEqual(try trace.tool(after).status, .error)
    }

    func testFailureIsReadFromWhatTheModelWasShown() {
        XCTAssertEqual(CodexOutcome.status(output: "apply_patch verification failed: Failed to find expected lines", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Exit code: 1\nWall time: 0 seconds\nOutput:\n", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Exit code: 0\nWall time: 0 seconds\nOutput:\nExit code: 1", details: nil), .ok)
        XCTAssertEqual(CodexOutcome.status(output: #"{"output":"boom","metadata":{"exit_code":127,"duration_seconds":0.1}}"#, details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "aborted by user", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Chunk ID: 1\nProcess running with session ID 7\nOutput:\n", details: nil), .ok)
        XCTAssertEqual(CodexOutcome.status(output: "Exit code: 1", details: ["success": true]), .ok, "patch_apply_end decides")
    }

    /// The markers are read by bytes where that cannot differ from characters: a combining mark
    /// after a marker's last character makes another character of it; a carriage return ends
    /// a line; a first byte other than a marker's is never one.
    func testFailureMarkersAfterCombiningMarksAndCarriageReturns() {
        XCTAssertEqual(CodexOutcome.status(output: "Exit code: 1\r\nOutput:\r\n", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Process exited with code 2\nOutput:\n", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Output:\nExit code: 1\n", details: nil), .ok, "after Output: is the command's own text")
        XCTAssertEqual(CodexOutcome.status(output: "Exit code:\u{301} 1\n", details: nil), .ok, "not the marker: its colon is another character")
        XCTAssertEqual(CodexOutcome.status(output: "abortedx", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "aborted\u{301}", details: nil), .ok, "`aborted́` is not `aborted`")
        XCTAssertEqual(CodexOutcome.status(output: "Script failed\nx", details: nil), .error)
        XCTAssertEqual(CodexOutcome.status(output: "Script failed\r\nx", details: nil), .ok)
        XCTAssertEqual(CodexOutcome.status(output: " Exit code: 1", details: nil), .ok)
    }

    func testCallsWithoutOutputAreUnsetAndLast() throws {
        var log = CodexLog()
        log.meta()
        log.turn("go")
        let pending = log.functionCall("write_stdin", ["session_id": 3, "chars": ""])
        let trace = try load(log)
        XCTAssertEqual(try trace.tool(pending).status, .unset)
        XCTAssertEqual(trace.spans.last?.toolCallID, pending)
    }

    func testUserMessagesCodexInjectsAreMarkedMeta() throws {
        var log = CodexLog()
        log.meta()
        log.line(
            "response_item", ["type": "message", "role": "developer", "content": [["type": "input_text", "text": "<permissions instructions>…"]]])
        log.line(
            "response_item",
            [
                "type": "message", "role": "user",
                "content": [["type": "input_text", "text": "<environment_context>\n  <cwd>/x</cwd>\n</environment_context>"]],
            ])
        log.turn("real question")
        let trace = try load(log)
        XCTAssertEqual(trace.kinds, ["user", "user"])
        XCTAssertEqual(trace.spans[0].attributes["agentreplay.meta"], true)
        XCTAssertNil(trace.spans[1].attributes["agentreplay.meta"])
        XCTAssertEqual(trace.spans[1].input, "real question")
    }

    func testCompactionIsAnEvent() throws {
        var log = CodexLog()
        log.meta()
        log.line("compacted", ["message": "summary of the session so far"])
        let trace = try load(log)
        XCTAssertEqual(trace.kinds, ["event"])
        XCTAssertEqual(trace.spans[0].name, "compaction")
        XCTAssertEqual(trace.spans[0].output, "summary of the session so far")
    }

    func testRolloutsBeforeTheEnvelopeAreRead() throws {
        var log = CodexLog()
        log.raw(
            #"{"id":"5973b6c0-94b8-487b-a530-2aeb6098ae0e","timestamp":"2025-04-28T12:00:00.000Z","instructions":null,"git":{"commit_hash":"3333333333333333333333333333333333333333","branch":"main"}}"#
        )
        log.raw(#"{"record_type":"state"}"#)
        log.raw(#"{"type":"message","role":"user","content":[{"type":"input_text","text":"hello"}]}"#)
        log.raw(#"{"type":"function_call","name":"shell","arguments":"{\"command\":[\"ls\"]}","call_id":"call_1"}"#)
        log.raw(
            #"{"type":"function_call_output","call_id":"call_1","output":"{\"output\":\"a\\n\",\"metadata\":{\"exit_code\":0,\"duration_seconds\":0.0}}"}"#
        )
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        XCTAssertEqual(try SourceFormat.detect(path: path), .codex)
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.header.traceID, "5973b6c094b8487ba5302aeb6098ae0e")
        XCTAssertEqual(trace.header.baseCommit, "3333333333333333333333333333333333333333")
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:shell"])
        XCTAssertEqual(try trace.tool("call_1").input, ["command": ["ls"]])
    }

    func testDetection() throws {
        var log = CodexLog()
        log.meta()
        let directory = try makeTemporaryDirectory(self)
        XCTAssertEqual(try SourceFormat.detect(path: log.save(in: directory)), .codex)
    }

    // MARK: Bad input

    func testBadInputNamesTheFileLineAndField() throws {
        var log = CodexLog()
        log.meta()
        log.functionOutput("call_nobody", "x")  // line 2
        var e = try loadError(log)
        XCTAssertEqual(e.description, "rollout.jsonl:2: field 'payload.call_id': output for tool call call_nobody, which no earlier line asked for")

        log = CodexLog()
        log.commit = "not-a-commit"
        log.meta()
        e = try loadError(log)
        XCTAssertEqual(e.line, 1)
        XCTAssertEqual(e.field, "payload.git.commit_hash")

        log = CodexLog()
        log.meta()
        log.raw(
            #"{"timestamp":"2025-06-01T10:00:01.000Z","type":"response_item","payload":{"type":"function_call","name":"exec_command","arguments":"{}"}}"#
        )
        e = try loadError(log)
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "payload.call_id")

        log = CodexLog()
        log.meta()
        log.raw(#"{"timestamp":"yesterday","type":"event_msg","payload":{"type":"token_count"}}"#)
        e = try loadError(log)
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "timestamp")

        log = CodexLog()
        log.meta()
        log.raw("{not json")
        log.turn("after")
        e = try loadError(log)
        XCTAssertEqual(e.line, 2)

        log = CodexLog()
        log.turn("no meta")
        e = try loadError(log)
        XCTAssertEqual(e.field, "session_meta")
    }

    func testACutOffLastLineKeepsWhatCameBefore() throws {
        var log = CodexLog()
        log.meta()
        log.turn("go")
        let directory = try makeTemporaryDirectory(self)
        let path = try log.save(in: directory)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        handle.seekToEndOfFile()
        handle.write(Data(#"{"timestamp":"2025-06-01T10:00:09.000Z","type":"response_item","payload":{"type":"mess"#.utf8))
        handle.closeFile()
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.kinds, ["user", "event"])
        XCTAssertEqual(trace.spans.last?.name, "truncated record")
        XCTAssertEqual(trace.spans.last?.status, .error)
    }
}
