import Foundation
import XCTest

import Audit
import Importers
import TestSupport
import Trace

/// The importers carry each agent's permission records into the trace's canonical
/// attributes (`Permission`).
final class PermissionImportTests: XCTestCase {
    func load(_ lines: [String], name: String = "session.jsonl") throws -> Trace {
        let folder = try makeTemporaryDirectory(self, "AuditTests")
        let path = folder + "/" + name
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return try Importer.load(path: path)
    }

    static func claude(_ n: Int, _ type: String, _ rest: String, mode: String? = nil) -> String {
        let m = mode.map { #","permissionMode":"\#($0)""# } ?? ""
        return
            #"{"type":"\#(type)","uuid":"u\#(n)","parentUuid":\#(n == 1 ? "null" : "\"u\(n - 1)\""),"sessionId":"s1","version":"2.1.90","cwd":"/home/dev/project","timestamp":"2026-01-01T00:00:0\#(n)Z"\#(m),\#(rest)}"#
    }

    static func call(_ n: Int, id: String, tool: String, input: String) -> String {
        claude(
            n, "assistant",
            #""message":{"id":"m\#(n)","model":"claude-sonnet-4-5","role":"assistant","content":[{"type":"tool_use","id":"\#(id)","name":"\#(tool)","input":\#(input)}]}"#
        )
    }

    static func result(_ n: Int, id: String, text: String, error: Bool, mode: String? = nil) -> String {
        claude(
            n, "user",
            #""message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"\#(id)","content":"\#(text)","is_error":\#(error)}]}"#,
            mode: mode)
    }

    func testClaudeCodeModeHooksAndRefusals() throws {
        let trace = try load([
            Self.claude(1, "user", #""message":{"role":"user","content":"go"}"#, mode: "acceptEdits"),
            Self.call(2, id: "t1", tool: "Bash", input: #"{"command":"git push"}"#),
            #"{"type":"progress","uuid":"p1","parentUuid":"u2","sessionId":"s1","timestamp":"2026-01-01T00:00:03Z","data":{"type":"hook_progress","hookEvent":"PreToolUse","hookName":"PreToolUse:Bash","command":"guard.sh"},"toolUseID":"t1","parentToolUseID":"t1"}"#,
            Self.result(4, id: "t1", text: "PreToolUse:Bash hook error: [guard.sh]: pushing is not allowed", error: true),
            #"{"type":"permission-mode","permissionMode":"bypassPermissions","sessionId":"s1"}"#,
            Self.call(5, id: "t2", tool: "Write", input: #"{"file_path":"/home/dev/project/a.txt","content":"x"}"#),
            Self.result(6, id: "t2", text: "The user doesn't want to proceed with this tool use. The tool use was rejected.", error: true),
            Self.call(7, id: "t3", tool: "Read", input: #"{"file_path":"/home/dev/project/a.txt"}"#),
            Self.result(8, id: "t3", text: "Permission for this tool use was denied. The tool use was rejected.", error: true),
        ])
        let tools = trace.spans.filter { $0.kind == .tool }
        XCTAssertEqual(tools.count, 3)
        XCTAssertEqual(tools[0].attributes[Permission.mode], .string("acceptEdits"))
        XCTAssertEqual(tools[0].attributes[Permission.hooks], .array([.string("PreToolUse:Bash")]))
        XCTAssertEqual(tools[0].attributes[Permission.decision], .string("blocked_by_hook"))
        XCTAssertEqual(tools[0].attributes[Permission.decidedBy], .string("hook PreToolUse:Bash"))
        XCTAssertEqual(tools[1].attributes[Permission.mode], .string("bypassPermissions"))
        XCTAssertEqual(tools[1].attributes[Permission.decision], .string("denied_by_user"))
        XCTAssertEqual(tools[2].attributes[Permission.decision], .string("denied_by_policy"))
        XCTAssertEqual(tools[2].attributes[Permission.decidedBy], .string("permission rules"))
    }

    static func codex(_ n: Int, _ type: String, _ payload: String) -> String {
        #"{"timestamp":"2026-01-01T00:00:0\#(n)Z","type":"\#(type)","payload":\#(payload)}"#
    }

    func testCodexPolicySandboxApprovalAndRejection() throws {
        let trace = try load(
            [
                Self.codex(1, "session_meta", #"{"id":"019e0000-0000-7000-8000-000000000001","cli_version":"0.140.0","cwd":"/work/repo"}"#),
                Self.codex(
                    2, "turn_context",
                    #"{"cwd":"/work/repo","approval_policy":"on-request","sandbox_policy":{"type":"workspace-write","writable_roots":["/work/repo","/tmp"],"network_access":false},"model":"gpt-5"}"#
                ),
                Self.codex(
                    3, "response_item",
                    #"{"type":"function_call","name":"exec_command","call_id":"c1","arguments":"{\"cmd\":\"npm install\",\"sandbox_permissions\":\"require_escalated\"}"}"#
                ),
                Self.codex(4, "event_msg", #"{"type":"exec_approval_request","call_id":"c1","command":["npm","install"]}"#),
                Self.codex(5, "response_item", #"{"type":"function_call_output","call_id":"c1","output":"Process exited with code 0"}"#),
                Self.codex(
                    6, "response_item", #"{"type":"function_call","name":"exec_command","call_id":"c2","arguments":"{\"cmd\":\"git push\"}"}"#),
                Self.codex(7, "response_item", #"{"type":"function_call_output","call_id":"c2","output":"exec command rejected by user"}"#),
            ], name: "rollout.jsonl")
        let tools = trace.spans.filter { $0.kind == .tool }
        XCTAssertEqual(tools.count, 2)
        for t in tools {
            XCTAssertEqual(t.attributes[Permission.mode], .string("on-request"))
            XCTAssertEqual(t.attributes[Permission.sandbox], .string("workspace-write"))
            XCTAssertEqual(t.attributes[Permission.writableRoots], .array([.string("/work/repo"), .string("/tmp")]))
            XCTAssertEqual(t.attributes[Permission.network], .bool(false))
        }
        XCTAssertEqual(tools[0].attributes[Permission.requested], .bool(true))
        XCTAssertNil(tools[0].attributes[Permission.decision])
        XCTAssertEqual(tools[1].attributes[Permission.decision], .string("denied_by_user"))
    }

    func testPermissionAttributesSurviveTheNativeFormat() throws {
        let trace = try load([
            Self.claude(1, "user", #""message":{"role":"user","content":"go"}"#, mode: "plan"),
            Self.call(2, id: "t1", tool: "Bash", input: #"{"command":"ls"}"#),
            Self.result(3, id: "t1", text: "The user doesn't want to take this action right now. STOP", error: true),
        ])
        let folder = try makeTemporaryDirectory(self, "AuditTests")
        let path = folder + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try TraceReader.read(path: path), trace)
    }
}

extension PermissionImportTests {
    /// A Codex code-mode `exec` script: the commands it runs through `tools` are audited like
    /// any shell call.
    func testCodexCodeModeScriptCommandsAreAudited() throws {
        let script = #"const r = await tools.exec_command({cmd: \"git push --force origin main\"});\ntext(r);"#
        let trace = try load(
            [
                Self.codex(1, "session_meta", #"{"id":"019e0000-0000-7000-8000-000000000002","cli_version":"0.142.0","cwd":"/work/repo"}"#),
                Self.codex(
                    2, "turn_context",
                    #"{"cwd":"/work/repo","approval_policy":"never","sandbox_policy":{"type":"danger-full-access"},"model":"gpt-5"}"#),
                Self.codex(3, "response_item", #"{"type":"custom_tool_call","name":"exec","call_id":"c1","input":"\#(script)"}"#),
                Self.codex(4, "response_item", #"{"type":"custom_tool_call_output","call_id":"c1","output":"ok"}"#),
            ], name: "rollout.jsonl")
        let audit = Audit(trace)
        XCTAssertEqual(audit.rows.count, 1)
        XCTAssertEqual(audit.rows[0].request.command, "git push --force origin main")
        XCTAssertEqual(audit.rows[0].decision, .decided(.allowedByPolicy))
        XCTAssertEqual(audit.risks.map(\.riskClass), [.network, .destructive])
    }
}
