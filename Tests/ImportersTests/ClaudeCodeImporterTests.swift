import Foundation
import XCTest

@testable import Importers
import Trace

/// How a Claude Code log becomes spans: model turns, tool calls paired with their results,
/// failures, usage counted once per message, the session header.
final class ClaudeCodeImporterTests: XCTestCase {
    func testToolUseAndToolResultPairUpUnderTheTurnThatAskedForThem() throws {
        var log = ClaudeLog()
        log.user("fix the typo")  // line 1
        log.assistant(text: "Reading first.", calls: [("toolu_A", "Read", ["file_path": "/home/dev/project/a.txt"])], messageID: "msg_1")  // line 2
        log.result("toolu_A", "1\thello", record: ["type": "text", "file": ["content": "hello"]])  // line 3
        let trace = try importLog(log)

        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:Read"])
        let user = trace.spans[0], turn = trace.spans[1], tool = trace.spans[2]
        XCTAssertEqual(user.input, "fix the typo")
        XCTAssertEqual(turn.model, "claude-sonnet-4-5")
        XCTAssertEqual(turn.attributes[GenAI.responseID], "msg_1")
        XCTAssertEqual(turn.output, ["text": "Reading first.", "tool_calls": ["toolu_A"]])
        XCTAssertEqual(tool.parentID, turn.id)
        XCTAssertEqual(tool.name, "Read")
        XCTAssertEqual(tool.toolCallID, "toolu_A")
        XCTAssertEqual(tool.status, .ok)
        XCTAssertEqual(tool.input, ["file_path": "/home/dev/project/a.txt"])
        XCTAssertEqual(tool.output, "1\thello")
        XCTAssertEqual(tool.details, ["type": "text", "file": ["content": "hello"]])
        XCTAssertEqual(tool.attributes[GenAI.operationName], "execute_tool")
        XCTAssertEqual(tool.attributes[GenAI.sourceLine], 2, "the line of the call")
        XCTAssertEqual(tool.attributes["agentreplay.source.result_line"], 3)
        XCTAssertEqual(tool.attributes[GenAI.sourceID], "00000000-0000-4000-8000-000000000003", "the result line's uuid")
        XCTAssertEqual(tool.startTime?.text, "2025-06-01T10:00:01.000Z")
        XCTAssertEqual(tool.endTime?.text, "2025-06-01T10:00:02.000Z")
    }

    func testParallelCallsAreOrderedByTheirResults() throws {
        var log = ClaudeLog()
        log.assistant(calls: [("toolu_1", "Grep", ["pattern": "a"]), ("toolu_2", "Glob", ["pattern": "*"])])
        log.result("toolu_2", "g")
        log.result("toolu_1", "r")
        let trace = try importLog(log)
        XCTAssertEqual(trace.spans.compactMap(\.toolCallID), ["toolu_2", "toolu_1"])
        XCTAssertEqual(try trace.tool("toolu_1").parentID, try trace.tool("toolu_2").parentID)
    }

    func testFailedCallsHaveStatusError() throws {
        var log = ClaudeLog()
        let failed = log.failing("Edit", ["file_path": "/home/dev/project/a.txt"], error: "File does not exist.")
        let done = log.tool("Bash", ["command": "true"], result: "", isError: false)
        let trace = try importLog(log)
        XCTAssertEqual(try trace.tool(failed).status, .error)
        XCTAssertTrue(try trace.tool(failed).failed)
        XCTAssertEqual(try trace.tool(failed).output, "<tool_use_error>File does not exist.</tool_use_error>")
        XCTAssertEqual(try trace.tool(failed).details, "Error: File does not exist.")
        XCTAssertEqual(try trace.tool(done).status, .ok)
    }

    func testSplitMessageIsOneTurnAndItsUsageCountsOnce() throws {
        // Claude Code writes one API message over several lines (one per content block), each
        // repeating the message's usage.
        let usage: JSON = ["input_tokens": 3, "cache_creation_input_tokens": 100, "cache_read_input_tokens": 1000, "output_tokens": 50]
        var log = ClaudeLog()
        log.assistant(text: "Let me look.", messageID: "msg_split", usage: usage)
        log.assistant(calls: [("toolu_1", "Grep", ["pattern": "x"])], messageID: "msg_split", usage: usage)
        log.assistant(calls: [("toolu_2", "Glob", ["pattern": "y"])], messageID: "msg_split", usage: usage)
        log.result("toolu_1", "a")
        log.result("toolu_2", "b")
        log.assistant(text: "Done.", messageID: "msg_next", usage: ["input_tokens": 1, "output_tokens": 7])
        let trace = try importLog(log)

        let turns = trace.spans.filter { $0.kind == .llm }
        XCTAssertEqual(turns.count, 2)
        XCTAssertEqual(turns[0].usage, Usage(inputTokens: 3, outputTokens: 50, cacheReadTokens: 1000, cacheCreationTokens: 100))
        XCTAssertEqual(turns[0].output, ["text": "Let me look.", "tool_calls": ["toolu_1", "toolu_2"]])
        XCTAssertEqual(turns[0].startTime?.text, "2025-06-01T10:00:00.000Z")
        XCTAssertEqual(turns[0].endTime?.text, "2025-06-01T10:00:02.000Z")
        XCTAssertEqual(try trace.tool("toolu_2").parentID, turns[0].id)
        XCTAssertEqual(turns[1].usage, Usage(inputTokens: 1, outputTokens: 7))
        let expectedTotal: Int64 = 1161  // 3 + 50 + 1000 + 100, then 1 + 7
        XCTAssertEqual(turns.map(\.usage).reduce(Usage(), +).total, expectedTotal)
    }

    func testStreamedOutputCountKeepsItsLargestValue() throws {
        // 1.0.x logs a message's first line with the output count so far and the last with
        // the final count: the final (largest) one is the message's.
        var log = ClaudeLog()
        log.assistant(text: "a", messageID: "msg_s", usage: ["input_tokens": 3, "output_tokens": 4])
        log.assistant(text: "b", messageID: "msg_s", usage: ["input_tokens": 3, "output_tokens": 282])
        let turn = try XCTUnwrap(importLog(log).spans.first)
        XCTAssertEqual(turn.usage, Usage(inputTokens: 3, outputTokens: 282))
        XCTAssertEqual(turn.output?["text"], "ab")
    }

    func testCompactionBoundariesAreEventSpans() throws {
        var log = ClaudeLog()
        log.user("hello")
        let boundary = log.line(
            type: "system",
            [
                ("subtype", "compact_boundary"), ("content", "Conversation compacted"),
                ("compactMetadata", ["trigger": "auto", "preTokens": 155_000]),
            ])
        log.append(boundary)
        log.append(["type": "summary", "summary": "Fixing the build", "leafUuid": "00000000-0000-4000-8000-000000000001"])
        let hook = log.line(type: "system", [("subtype", "stop_hook_summary")])
        log.append(hook)
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["user", "event", "event"])
        XCTAssertEqual(trace.spans[1].name, "compaction")
        XCTAssertEqual(trace.spans[1].output, ["trigger": "auto", "preTokens": 155_000])
        XCTAssertEqual(trace.spans[1].attributes[GenAI.sourceLine], 2)
        XCTAssertEqual(trace.spans[1].status, .ok)
        XCTAssertEqual(trace.spans[2].name, "compaction")
        XCTAssertEqual(trace.spans[2].output, "Fixing the build")
    }

    func testCallsWithoutAResultKeepTheirCallTimeAndHaveNoStatus() throws {
        var log = ClaudeLog()
        log.assistant(calls: [("toolu_open", "Edit", ["file_path": "/x"])], messageID: "msg_open")  // t0, never answered
        log.tool("Grep", ["pattern": "p"], result: "r", id: "toolu_done")  // t1, t2
        let trace = try importLog(log)
        // The unanswered call sits right after the turn that made it.
        XCTAssertEqual(trace.kinds, ["llm", "tool:Edit", "llm", "tool:Grep"])
        let open = try trace.tool("toolu_open")
        XCTAssertEqual(open.status, .unset)
        XCTAssertNil(open.output)
        XCTAssertEqual(open.parentID, trace.spans[0].id)
        XCTAssertNil(open.attributes["agentreplay.source.result_line"])
    }

    func testMetaUserLinesAreMarked() throws {
        var log = ClaudeLog()
        let meta = log.line(
            type: "user",
            [("isMeta", true), ("message", ["role": "user", "content": [["type": "text", "text": "<command-name>/clear</command-name>"]]])])
        log.append(meta)
        let span = try XCTUnwrap(importLog(log).spans.first)
        XCTAssertEqual(span.kind, .user)
        XCTAssertEqual(span.attributes["agentreplay.meta"], true)
    }

    func testHeaderNamesTheSessionAgentAndRoot() throws {
        var log = ClaudeLog()
        log.append(["type": "permission-mode", "permissionMode": "default"])  // no cwd, no session id
        log.user("hi")
        log.cwd = "/elsewhere"
        log.user("moved")
        let trace = try importLog(log)
        XCTAssertEqual(trace.header.traceID, "5d0c1f6e8a0b4c7e9d1a2b3c4d5e6f70")
        XCTAssertEqual(trace.header.agentName, "claude-code")
        XCTAssertEqual(trace.header.agentVersion, "2.1.100")
        XCTAssertEqual(trace.header.repoRoot, ClaudeLog.root, "the first cwd")
        XCTAssertEqual(trace.header.sourceFormat, "claude-code")
        XCTAssertEqual(trace.header.sourceFile, "session.jsonl")
        XCTAssertNil(trace.header.baseCommit)
        XCTAssertEqual(try importLog(log, options: Importer.Options(recordedRoot: "/testbed")).header.repoRoot, "/testbed")
    }

    func testToolSpanKeepsTheWorkingDirectoryWhenItMoved() throws {
        var log = ClaudeLog()
        log.user("hi")
        log.cwd = ClaudeLog.root + "/sub"
        let moved = log.bash("ls")
        let trace = try importLog(log)
        XCTAssertEqual(try trace.tool(moved).attributes[GenAI.workingDirectory], .string(ClaudeLog.root + "/sub"))
    }

    func testImportIsDeterministic() throws {
        var log = ClaudeLog()
        log.user("x")
        log.edit("a.txt", "a", "b")
        log.bash("ls")
        let a = try importLog(log), b = try importLog(log)
        XCTAssertEqual(a, b)
        XCTAssertEqual(TraceWriter.bytes(a), TraceWriter.bytes(b))
        for span in a.spans {
            XCTAssertEqual(span.id.rawValue.count, 16)
            XCTAssertTrue(span.id.rawValue.allSatisfy { $0.isHexDigit && !$0.isUppercase })
        }
        XCTAssertEqual(Set(a.spans.map(\.id)).count, a.spans.count, "span ids are unique")
    }

    /// Found by fuzzing (`scripts/fuzz claude-code`): when the log's times go backwards, a
    /// call never answered (merged in by its time) came before the turn that made it, and the
    /// trace `import` wrote could not be read back ("parent … does not appear before this span").
    func testACallNeverComesBeforeItsTurnWhenTheLogsTimesGoBackwards() throws {
        var log = ClaudeLog()
        log.at(100)
        log.user("x")  // line 1, 100 s after the start
        log.at(0)
        // Line 2, earlier, never answered.
        log.assistant(text: "", calls: [("toolu_A", "Read", ["file_path": "/home/dev/project/a.txt"])], messageID: "msg_1")
        let trace = try importLog(log)
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:Read"])
        XCTAssertEqual(trace.spans[2].parentID, trace.spans[1].id)
        let path = try makeTemporaryDirectory(self) + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(TraceWriter.bytes(try TraceReader.read(path: path)), TraceWriter.bytes(trace))
    }

    func testNonUUIDSessionIDStillGivesA32DigitTraceID() throws {
        var log = ClaudeLog()
        log.sessionID = "not-a-uuid"
        log.user("x")
        let id = try importLog(log).header.traceID
        XCTAssertEqual(id.count, 32)
        XCTAssertTrue(id.allSatisfy(\.isHexDigit))
    }

    func testFormatDetection() throws {
        let directory = try makeTemporaryDirectory(self)
        func detect(_ text: String) throws -> SourceFormat? {
            let path = directory + "/f-\(UUID().uuidString)"
            try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            return try SourceFormat.detect(path: path)
        }
        var log = ClaudeLog()
        log.user("x")
        XCTAssertEqual(try detect(log.text), .claudeCode)
        XCTAssertEqual(try detect("\n\n" + log.text), .claudeCode)
        XCTAssertEqual(try detect(#"{"type":"summary","summary":"s","leafUuid":"u"}"# + "\n"), .claudeCode)
        XCTAssertEqual(try detect(#"{"agentreplay":"trace","version":1}"# + "\n"), .native)
        XCTAssertEqual(try detect(#"{"type":"session_meta","payload":{}}"# + "\n"), nil)
        XCTAssertEqual(try detect("[1,2]\n"), nil)
        XCTAssertEqual(try detect("not json\n"), nil)
        XCTAssertEqual(try detect(""), nil)
    }
}
