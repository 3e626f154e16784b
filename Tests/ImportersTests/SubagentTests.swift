import Foundation
import XCTest

@testable import Importers
import Trace

/// Sub-agents: inline lines marked `isSidechain` (Claude Code 1.0.x), or a
/// `<session>/subagents/agent-*.jsonl` file per sub-agent beside the session (2.x), merged
/// into the session by time. Their spans hang under one `agent` span each.
final class SubagentTests: XCTestCase {
    /// The `agent` span above `span`, if any.
    func agent(of span: Span, in trace: Trace) -> Span? {
        var at = trace.span(span.parentID)
        while let s = at, s.kind != .agent { at = trace.span(s.parentID) }
        return at
    }

    func testInlineSidechainLinesHangUnderAnAgentSpan() throws {
        var log = ClaudeLog()
        log.version = "1.0.57"
        log.user("refactor")
        log.assistant(calls: [("toolu_task", "Task", ["description": "look around", "prompt": "find x"])], messageID: "msg_main")
        log.sidechain = true
        log.newChain()
        log.user("find x")
        log.assistant(calls: [("toolu_side", "Grep", ["pattern": "x"])], messageID: "msg_side")
        log.result("toolu_side", "a.txt")
        log.assistant(text: "x is in a.txt", messageID: "msg_side2")
        log.sidechain = false
        log.result("toolu_task", "x is in a.txt")
        log.assistant(text: "ok", messageID: "msg_main2")
        let trace = try importLog(log)

        XCTAssertEqual(trace.kinds, ["user", "llm", "agent", "user", "llm", "tool:Grep", "llm", "tool:Task", "llm"])
        let mainTurn = trace.spans[1], agentSpan = trace.spans[2]
        XCTAssertEqual(agentSpan.name, "subagent")
        XCTAssertEqual(agentSpan.attributes[GenAI.operationName], "invoke_agent")
        XCTAssertEqual(agentSpan.parentID, mainTurn.id, "the agent hangs under the turn that called Task")
        XCTAssertEqual(agentSpan.attributes["agentreplay.parent_tool_call.id"], "toolu_task")
        for i in 3...6 {
            XCTAssertEqual(agent(of: trace.spans[i], in: trace)?.id, agentSpan.id, "span \(i)")
        }
        XCTAssertEqual(try trace.tool("toolu_side").parentID, trace.spans[4].id, "the sidechain's own turn")
        XCTAssertNil(agent(of: try trace.tool("toolu_task"), in: trace))
        XCTAssertNil(agent(of: trace.spans[8], in: trace))
    }

    func testTwoInlineSidechainsAreTwoAgents() throws {
        var log = ClaudeLog()
        for n in 1...2 {
            log.assistant(calls: [("toolu_task\(n)", "Task", ["prompt": .string("job \(n)")])])
            log.sidechain = true
            log.newChain()
            log.user("job \(n)")
            log.assistant(text: "done \(n)")
            log.sidechain = false
            log.result("toolu_task\(n)", "done")
        }
        let trace = try importLog(log)
        let agents = trace.spans.filter { $0.kind == .agent }
        XCTAssertEqual(agents.count, 2)
        XCTAssertEqual(agents.map { $0.attributes["agentreplay.parent_tool_call.id"] }, ["toolu_task1", "toolu_task2"])
    }

    /// Claude Code runs Task calls of one message in parallel; 1.0.x logs their sidechains
    /// inline, interleaved. Each line belongs to the chain of its `parentUuid`, and each chain
    /// to the Task whose prompt it starts with.
    func testParallelInlineSidechainsKeepTheirOwnLines() throws {
        var log = ClaudeLog()
        log.version = "1.0.57"
        log.assistant(calls: [("toolu_A", "Task", ["prompt": "job A"]), ("toolu_B", "Task", ["prompt": "job B"])])
        let main = log.lastLine
        log.sidechain = true
        log.newChain()
        log.user("job A")
        let a1 = log.lastLine
        log.newChain()
        log.user("job B")
        let b1 = log.lastLine
        log.continueChain(after: a1)
        log.assistant(calls: [("toolu_a_grep", "Grep", ["pattern": "a"])])
        let a2 = log.lastLine
        log.continueChain(after: b1)
        log.assistant(calls: [("toolu_b_glob", "Glob", ["pattern": "b"])])
        log.continueChain(after: a2)
        log.result("toolu_a_grep", "a")
        log.result("toolu_b_glob", "b")
        log.sidechain = false
        log.continueChain(after: main)
        log.result("toolu_A", "A done")
        log.result("toolu_B", "B done")
        let trace = try importLog(log)

        let agents = trace.spans.filter { $0.kind == .agent }
        XCTAssertEqual(agents.count, 2)
        let grepAgent = try XCTUnwrap(agent(of: trace.tool("toolu_a_grep"), in: trace))
        let globAgent = try XCTUnwrap(agent(of: trace.tool("toolu_b_glob"), in: trace))
        XCTAssertNotEqual(grepAgent.id, globAgent.id, "each sidechain under its own agent")
        XCTAssertEqual(grepAgent.attributes["agentreplay.parent_tool_call.id"], "toolu_A")
        XCTAssertEqual(globAgent.attributes["agentreplay.parent_tool_call.id"], "toolu_B")
    }

    /// The session and one sub-agent file, written as Claude Code 2.x lays them out.
    func writeSessionWithSubagentFile() throws -> (path: String, directory: String) {
        var main = ClaudeLog()
        main.user("go")  // t0
        main.assistant(
            calls: [("toolu_task", "Task", ["description": "help", "prompt": "edit s.txt", "subagent_type": "general-purpose"])],
            messageID: "msg_main")  // t1
        main.at(20)
        main.result(
            "toolu_task", "edited",
            record: ["status": "completed", "prompt": "edit s.txt", "agentId": "a1b2c3d", "content": [["type": "text", "text": "edited"]]])  // t20
        main.assistant(text: "thanks", messageID: "msg_main2")  // t21

        var sub = ClaudeLog()
        sub.sidechain = true
        sub.agentID = "a1b2c3d"
        sub.at(5)
        sub.user("edit s.txt")  // t5
        sub.edit("s.txt", "a", "b")  // t6, t7
        sub.assistant(text: "edited", messageID: "msg_sub_end")  // t8

        let directory = try makeTemporaryDirectory(self)
        let path = try main.save(in: directory)
        try FileManager.default.createDirectory(atPath: directory + "/session/subagents", withIntermediateDirectories: true)
        _ = try sub.save(in: directory + "/session/subagents", name: "agent-a1b2c3d.jsonl")
        try Data("not a log\n".utf8).write(to: URL(fileURLWithPath: directory + "/session/subagents/notes.txt"))
        return (path, directory)
    }

    func testSubagentFileIsMergedIntoTheSessionByTime() throws {
        let (path, _) = try writeSessionWithSubagentFile()
        let trace = try Importer.load(path: path, displayName: "session.jsonl")
        let times = trace.spans.map { $0.startTime?.text.dropFirst(14).prefix(5) ?? "-" }
        XCTAssertEqual(trace.spans.filter { $0.kind == .agent }.count, 1)
        let agentSpan = try XCTUnwrap(trace.spans.first { $0.kind == .agent })
        XCTAssertEqual(agentSpan.attributes[GenAI.agentID], "a1b2c3d")
        let edit = try XCTUnwrap(trace.spans.first { $0.toolName == "Edit" })
        XCTAssertEqual(agent(of: edit, in: trace)?.id, agentSpan.id)

        // Main-session spans keep their order, sub-agent spans keep theirs, and the sub-agent's
        // work sits after the turn that called Task and before the main session's next turn.
        let index = { (id: Span.ID) in trace.spans.firstIndex { $0.id == id }! }
        let taskTurn = try XCTUnwrap(trace.spans.first { $0.attributes[GenAI.responseID] == "msg_main" })
        let nextTurn = try XCTUnwrap(trace.spans.first { $0.attributes[GenAI.responseID] == "msg_main2" })
        let subSpans = trace.spans.filter { agent(of: $0, in: trace) != nil || $0.kind == .agent }
        XCTAssertEqual(subSpans.count, 5, "\(trace.kinds)")  // agent, user, llm, Edit, llm
        for span in subSpans {
            XCTAssertGreaterThan(index(span.id), index(taskTurn.id), "\(times)")
            XCTAssertLessThan(index(span.id), index(nextTurn.id), "\(times)")
        }
        XCTAssertEqual(subSpans.map(\.kind), [.agent, .user, .llm, .tool, .llm])
    }

    func testSubagentFileNamesItselfInErrors() throws {
        let (path, directory) = try writeSessionWithSubagentFile()
        try Data("{\"type\":\"user\",\"message\":{\"role\":\"user\",\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":5}]}}\n".utf8)
            .write(to: URL(fileURLWithPath: directory + "/session/subagents/agent-zzz.jsonl"))
        XCTAssertThrowsError(try Importer.load(path: path, displayName: "session.jsonl")) { error in
            let e = error as? TraceError
            XCTAssertEqual(e?.file, "session/subagents/agent-zzz.jsonl")
            XCTAssertEqual(e?.line, 1)
            XCTAssertEqual(e?.field, "message.content[0].tool_use_id")
        }
    }

    /// Claude Code 2.x names the sub-agent in the Task call's record (`toolUseResult.agentId`),
    /// so the agent span of a `subagents/agent-<id>.jsonl` file can hang under the turn that
    /// called Task, as an inline sidechain's does.
    func testSubagentFileAgentHangsUnderTheTaskCallersTurn() throws {
        let (path, _) = try writeSessionWithSubagentFile()
        let trace = try Importer.load(path: path, displayName: "session.jsonl")
        let agentSpan = try XCTUnwrap(trace.spans.first { $0.kind == .agent })
        let taskTurn = try XCTUnwrap(trace.spans.first { $0.attributes[GenAI.responseID] == "msg_main" })
        XCTAssertEqual(agentSpan.parentID, taskTurn.id)
        XCTAssertEqual(agentSpan.attributes["agentreplay.parent_tool_call.id"], "toolu_task")
    }
}
