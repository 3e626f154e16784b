import Foundation
import Trace

/// Builds a Gemini CLI session file the way gemini-cli's `ChatRecordingService` writes one:
/// the `ConversationRecord` (`sessionId`, `projectHash`, `startTime`, `lastUpdated`,
/// `messages`) as one pretty-printed JSON document, or as JSONL records: the metadata, then
/// each message appended every time the recorder updates it (text first, then its tokens,
/// then its tool calls), with `$set` records for `lastUpdated`.
public struct GeminiSession {
    public init() {}

    /// The directory the session worked in.
    public static let root = "/home/dev/calc"
    /// SHA-256 of `root`, as gemini-cli's `getProjectHash` makes it.
    public static let rootHash = "48d39cca5c4bedfd5417866103501597d2444bff957e7538322472eba4f64f6e"

    public var sessionID = "8d3f1c2e-5b6a-4c7d-9e8f-0a1b2c3d4e5f"
    public var projectHash = GeminiSession.rootHash
    public var model = "gemini-2.5-pro"
    public var start: Int64 = 1_760_799_448  // 2025-10-18T14:57:28Z

    public private(set) var messages: [JSON] = []
    private var clock: Int64 = 0
    private var counter = 0

    public static func absolute(_ path: String) -> String { path.hasPrefix("/") || path.hasPrefix(".") ? path : root + "/" + path }

    public mutating func time() -> String {
        defer { clock += 1 }
        return Timestamp(seconds: start + clock).text
    }

    public mutating func nextID() -> String {
        counter += 1
        return String(format: "%08x-0000-4000-8000-%012d", counter, counter)
    }

    public mutating func user(_ text: String) {
        messages.append(["id": .string(nextID()), "timestamp": .string(time()), "type": "user", "content": [["text": .string(text)]]])
    }

    /// A recorded tool call: what `ToolCallRecord` holds.
    public struct Call {
        public var name: String
        public var args: JSON
        /// `success`, `error` or `cancelled`.
        public var status = "success"
        /// The `functionResponse`'s `output` (or `error` when the status is `error`).
        public var result: String
        public var display: JSON? = nil

        public init(name: String, args: JSON, status: String = "success", result: String, display: JSON? = nil) {
            self.name = name
            self.args = args
            self.status = status
            self.result = result
            self.display = display
        }
    }

    /// A model response making `calls`; returns their ids.
    @discardableResult
    public mutating func gemini(_ text: String = "", calls: [Call] = []) -> [String] {
        let id = nextID()
        let time = time()
        var records: [JSON] = []
        for call in calls {
            counter += 1
            let callID = "\(call.name)-\(start * 1000 + Int64(counter))-\(String(format: "%013x", counter))"
            let response: JSON = call.status == "error" ? ["error": .string(call.result)] : ["output": .string(call.result)]
            var record: [(String, JSON)] = [
                ("id", .string(callID)), ("name", .string(call.name)), ("args", call.args),
                ("result", [["functionResponse": ["id": .string(callID), "name": .string(call.name), "response": response]]]),
                ("status", .string(call.status)), ("timestamp", .string(time)),
            ]
            if let display = call.display { record.append(("resultDisplay", display)) }
            record += [("displayName", .string(call.name)), ("description", ""), ("renderOutputAsMarkdown", false)]
            records.append(.object(record))
        }
        var message: [(String, JSON)] = [("id", .string(id)), ("timestamp", .string(time)), ("type", "gemini"), ("content", .string(text))]
        if !records.isEmpty { message.append(("toolCalls", .array(records))) }
        message += [
            ("thoughts", [["subject": "Planning", "description": "Deciding the next step.", "timestamp": .string(time)]]),
            ("tokens", ["input": 8400, "output": 20, "cached": 8000, "thoughts": 24, "tool": 0, "total": 8444]),
            ("model", .string(model)),
        ]
        messages.append(.object(message))
        return records.compactMap { $0["id"]?.stringValue }
    }

    /// `replace`, recorded as done (with its `resultDisplay`: the file before and after) or
    /// failed with `error`. `expected` is `expected_replacements` (absent when nil).
    @discardableResult
    public mutating func replace(
        _ path: String, _ old: String, _ new: String, expected: Int? = nil, before: String? = nil, after: String? = nil,
        error: String? = nil, status: String? = nil
    ) -> String {
        var args: [(String, JSON)] = [("file_path", .string(Self.absolute(path))), ("old_string", .string(old)), ("new_string", .string(new))]
        if let expected { args.append(("expected_replacements", .number(expected))) }
        let file = Self.absolute(path)
        let call: Call
        if let error {
            call = Call(name: "replace", args: .object(args), status: status ?? "error", result: error, display: .string("Error: " + error))
        } else {
            let name = (file as NSString).lastPathComponent
            call = Call(
                name: "replace", args: .object(args), status: status ?? "success",
                result: before == nil
                    ? "Created new file: \(file) with provided content." : "Successfully modified file: \(file) (\(expected ?? 1) replacements).",
                display: [
                    "fileDiff": .string("Index: \(name)\n===================================================================\n"),
                    "fileName": .string(name), "originalContent": before.map(JSON.string) ?? nil,
                    "newContent": .string(after ?? new),
                    "diffStat": ["ai_removed_lines": 1, "ai_added_lines": 1, "user_added_lines": 0, "user_removed_lines": 0],
                ])
        }
        return gemini(calls: [call])[0]
    }

    /// `write_file`: `existed` says which message gemini-cli gave (overwrote, or created).
    @discardableResult
    public mutating func writeFile(
        _ path: String, _ content: String, existed: Bool = false, before: String? = nil, written: String? = nil,
        error: String? = nil
    ) -> String {
        let file = Self.absolute(path)
        let args: JSON = ["file_path": .string(file), "content": .string(content)]
        if let error { return gemini(calls: [Call(name: "write_file", args: args, status: "error", result: error)])[0] }
        let name = (file as NSString).lastPathComponent
        return gemini(calls: [
            Call(
                name: "write_file", args: args,
                result: existed ? "Successfully overwrote file: \(file)." : "Successfully created and wrote to new file: \(file).",
                display: [
                    "fileDiff": .string("Index: \(name)\n"), "fileName": .string(name), "originalContent": .string(before ?? ""),
                    "newContent": .string(written ?? content),
                ])
        ])[0]
    }

    @discardableResult
    public mutating func shell(_ command: String, output: String = "") -> String {
        gemini(calls: [
            Call(
                name: "run_shell_command", args: ["command": .string(command), "description": "Run a command"],
                result: "Command: \(command)\nDirectory: (root)\nOutput: \(output)\nError: (none)\nExit Code: 0")
        ])[0]
    }

    // MARK: Output

    public var record: JSON {
        .object([
            ("sessionId", .string(sessionID)), ("projectHash", .string(projectHash)),
            ("startTime", .string(Timestamp(seconds: start).text)), ("lastUpdated", .string(Timestamp(seconds: start + clock).text)),
            ("messages", .array(messages)),
        ])
    }

    /// The JSONL records: metadata, then each message as the recorder appends it.
    public var jsonlRecords: [JSON] {
        var out: [JSON] = [
            [
                "sessionId": .string(sessionID), "projectHash": .string(projectHash), "startTime": .string(Timestamp(seconds: start).text),
                "lastUpdated": .string(Timestamp(seconds: start).text), "kind": "main",
            ]
        ]
        for message in messages {
            guard case .object(let members) = message else { continue }
            if message["type"]?.stringValue == "gemini" {
                // First the text (no tokens yet), then with tokens, then with its tool calls.
                out.append(.object(members.filter { $0.0 != "toolCalls" && $0.0 != "tokens" } + [("tokens", .null)]))
                out.append(.object(members.filter { $0.0 != "toolCalls" }))
            }
            out.append(message)
            out.append(["$set": ["lastUpdated": message["timestamp"] ?? .null]])
        }
        return out
    }

    /// Writes the session as gemini-cli does: `JSON.stringify(record, null, 2)`, or JSONL.
    public func save(in directory: String, jsonl: Bool = false, extra: [JSON] = []) throws -> String {
        let path = directory + "/session-2025-10-18T14-57-8d3f1c2e.json" + (jsonl ? "l" : "")
        let text = jsonl ? (jsonlRecords + extra).map { $0.compact + "\n" }.joined() : JSONWriter.pretty(record)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
