import Foundation
import Trace

/// Builds a Codex CLI rollout (JSONL) the way Codex 0.1xx writes one: `{"timestamp", "type",
/// "payload"}` lines; `session_meta` first, then per user turn a `turn_context`, the user
/// `message`, and model output items (`message`, `function_call`, `custom_tool_call`), their
/// outputs by `call_id`, `patch_apply_end` events and a `token_count` after each response.
/// Every line is one second after the one before, so a log built twice is the same bytes.
public struct CodexLog {
    public init() {}

    public static let root = "/home/dev/project"

    public var sessionID = "019e1a2b-3c4d-7e5f-8a9b-0c1d2e3f4a5b"
    public var version = "0.140.0"
    public var model = "gpt-5.5"
    public var cwd = CodexLog.root
    public var commit: String? = "1111111111111111111111111111111111111111"
    /// `git.branch` of the meta; "main" when nil and a commit is recorded.
    public var branch: String?
    public var start: Int64 = 1_748_772_000  // 2025-06-01T10:00:00Z

    public private(set) var lines: [String] = []
    private var clock: Int64 = 0
    private var counter = 0
    private var totals = (input: 0, cached: 0, output: 0)

    public static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }

    public mutating func nextID() -> String {
        counter += 1
        return "call_" + String(format: "%06d", counter)
    }

    public mutating func line(_ type: String, _ payload: JSON) {
        defer { clock += 1 }
        lines.append(
            JSON.object([("timestamp", .string(Timestamp(seconds: start + clock).text)), ("type", .string(type)), ("payload", payload)]).compact)
    }

    public mutating func raw(_ text: String) { lines.append(text) }

    public mutating func meta() {
        var payload: [(String, JSON)] = [
            ("id", .string(sessionID)), ("timestamp", .string(Timestamp(seconds: start).text)), ("cwd", .string(cwd)),
            ("originator", "codex_cli_rs"), ("cli_version", .string(version)),
        ]
        var git: [(String, JSON)] = []
        if let commit { git.append(("commit_hash", .string(commit))) }
        if let name = branch ?? (commit == nil ? nil : "main") { git.append(("branch", .string(name))) }
        if !git.isEmpty { payload.append(("git", .object(git))) }
        line("session_meta", .object(payload))
    }

    public mutating func turn(_ text: String) {
        line("turn_context", ["cwd": .string(cwd), "approval_policy": "never", "model": .string(model)])
        line("response_item", ["type": "message", "role": "user", "content": [["type": "input_text", "text": .string(text)]]])
    }

    public mutating func assistant(_ text: String) {
        line("response_item", ["type": "message", "role": "assistant", "content": [["type": "output_text", "text": .string(text)]]])
    }

    public mutating func reasoning() { line("response_item", ["type": "reasoning", "summary": []]) }

    /// A `function_call` (its arguments JSON-encoded in a string, as Codex logs them).
    @discardableResult
    public mutating func functionCall(_ name: String, _ arguments: JSON, id: String? = nil) -> String {
        let callID = id ?? nextID()
        line("response_item", ["type": "function_call", "name": .string(name), "arguments": .string(arguments.compact), "call_id": .string(callID)])
        return callID
    }

    @discardableResult
    public mutating func customCall(_ name: String, _ input: String, id: String? = nil) -> String {
        let callID = id ?? nextID()
        line(
            "response_item",
            ["type": "custom_tool_call", "status": "completed", "call_id": .string(callID), "name": .string(name), "input": .string(input)])
        return callID
    }

    public mutating func functionOutput(_ id: String, _ output: String) {
        line("response_item", ["type": "function_call_output", "call_id": .string(id), "output": .string(output)])
    }

    public mutating func customOutput(_ id: String, _ output: String) {
        line("response_item", ["type": "custom_tool_call_output", "call_id": .string(id), "output": .string(output)])
    }

    public mutating func patchApplyEnd(_ id: String, success: Bool, changes: JSON, stdout: String = "", stderr: String = "") {
        line(
            "event_msg",
            [
                "type": "patch_apply_end", "call_id": .string(id), "stdout": .string(stdout), "stderr": .string(stderr), "success": .bool(success),
                "changes": changes,
            ])
    }

    /// The usage of the response before it; Codex sends the running total along.
    public mutating func tokenCount(input: Int = 1000, cached: Int = 400, output: Int = 50) {
        totals = (totals.input + input, totals.cached + cached, totals.output + output)
        let last: JSON = [
            "input_tokens": .number(input), "cached_input_tokens": .number(cached), "output_tokens": .number(output), "reasoning_output_tokens": 10,
            "total_tokens": .number(input + output),
        ]
        let total: JSON = [
            "input_tokens": .number(totals.input), "cached_input_tokens": .number(totals.cached), "output_tokens": .number(totals.output),
            "reasoning_output_tokens": 10, "total_tokens": .number(totals.input + totals.output),
        ]
        line("event_msg", ["type": "token_count", "info": ["total_token_usage": total, "last_token_usage": last, "model_context_window": 258400]])
    }

    /// `exec_command` with unified exec's output preamble.
    @discardableResult
    public mutating func exec(_ cmd: String, output: String = "", exitCode: Int = 0) -> String {
        let id = functionCall("exec_command", ["cmd": .string(cmd), "workdir": .string(cwd)])
        functionOutput(
            id, "Chunk ID: 0a1b2c\nWall time: 0.0000 seconds\nProcess exited with code \(exitCode)\nOriginal token count: 1\nOutput:\n" + output)
        tokenCount()
        return id
    }

    /// The freeform `apply_patch` tool: the call, Codex's `patch_apply_end` record (`changes`;
    /// none when nil), the output the model saw, then the response's token count.
    @discardableResult
    public mutating func applyPatch(_ patch: String, changes: JSON?, success: Bool = true, output: String? = nil) -> String {
        let id = customCall("apply_patch", patch)
        if let changes { patchApplyEnd(id, success: success, changes: changes, stderr: success ? "" : (output ?? "")) }
        customOutput(id, output ?? "Exit code: \(success ? 0 : 1)\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\n")
        tokenCount()
        return id
    }

    /// An `apply_patch` call (adding `late.txt`) whose `patch_apply_end`, a refusal, is recorded
    /// `gap` shell calls after its output (Codex records it before); returns the call's id.
    @discardableResult
    public mutating func applyPatchRecordedLate(gap: Int) -> String {
        let id = customCall("apply_patch", "*** Begin Patch\n*** Add File: late.txt\n+x\n*** End Patch\n")
        customOutput(id, "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n")
        tokenCount()
        for i in 0..<gap { exec("echo \(i)") }
        patchApplyEnd(id, success: false, changes: [CodexLog.absolute("late.txt"): CodexLog.add("x\n")], stderr: "refused")
        return id
    }

    /// A code-mode `exec` call (Codex 0.145+): its JavaScript, the `patch_apply_end` of each
    /// `tools.apply_patch` it made (`changes`; ids `exec-…` of the script's own), then its
    /// output as content items, `Script completed` unless `ended` says otherwise (`Script
    /// failed` with `Script error:\n` + `error`, or `Script running with cell ID 7`).
    @discardableResult
    public mutating func script(
        _ source: String, patches: [(success: Bool, changes: JSON)] = [], ended: String = "Script completed", error: String? = nil,
        output: String = "{}"
    ) -> String {
        let id = customCall("exec", source)
        for (n, patch) in patches.enumerated() {
            patchApplyEnd("exec-\(id)-\(n)", success: patch.success, changes: patch.changes)
        }
        let head = ended + "\nWall time 0.1 seconds\nOutput:\n"
        let body = error.map { "Script error:\n" + $0 } ?? output
        line(
            "response_item",
            [
                "type": "custom_tool_call_output", "call_id": .string(id),
                "output": [["type": "input_text", "text": .string(head)], ["type": "input_text", "text": .string(body)]],
            ])
        tokenCount()
        return id
    }

    // MARK: Records of changes (`patch_apply_end.changes`)

    public static func add(_ content: String) -> JSON { ["type": "add", "content": .string(content)] }
    public static func delete(_ content: String) -> JSON { ["type": "delete", "content": .string(content)] }
    public static func update(_ diff: String, moveTo: String? = nil) -> JSON {
        ["type": "update", "unified_diff": .string(diff), "move_path": moveTo.map { .string(absolute($0)) } ?? .null]
    }

    public var text: String { lines.map { $0 + "\n" }.joined() }

    public func save(in directory: String, name: String = "rollout.jsonl") throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
