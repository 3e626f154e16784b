import Foundation
import Trace

/// Builds a Claude Code session log (JSONL) the way Claude Code writes one: an `assistant`
/// line with a `tool_use` block for every call, then a `user` line with its `tool_result`
/// and the structured `toolUseResult` record. Every line carries the session id, `cwd`,
/// `uuid`/`parentUuid` and a time one second after the line before, so a log built twice is
/// the same bytes.
public struct ClaudeLog {
    public init() {}

    /// The directory the recorded session worked in.
    public static let root = "/home/dev/project"

    public var sessionID = "5d0c1f6e-8a0b-4c7e-9d1a-2b3c4d5e6f70"
    public var version = "2.1.100"
    public var model = "claude-sonnet-4-5"
    public var cwd = ClaudeLog.root
    /// The `gitBranch` every line carries (none when nil).
    public var gitBranch: String?
    /// Lines written while this is set are sub-agent lines (`isSidechain`, `agentId`).
    public var sidechain = false
    public var agentID: String?
    /// The time of the first line; each line after it is one second later.
    public var start: Int64 = 1_748_772_000  // 2025-06-01T10:00:00Z

    public private(set) var lines: [String] = []
    private var clock: Int64 = 0
    private var counter = 0
    private var lastUUID: String?

    /// `path` made absolute under the recorded root (as Claude Code logs paths), unless it
    /// already is absolute, starts with `./` or `../`, or holds a backslash (kept as given, as a
    /// hostile, odd or Windows-recorded log may have it).
    public static func absolute(_ path: String) -> String {
        let keep = path.hasPrefix("/") || path.hasPrefix("./") || path.hasPrefix("../") || path.contains("\\")
        return keep ? path : root + "/" + path
    }

    // MARK: Lines

    public mutating func nextTime() -> String {
        defer { clock += 1 }
        return Timestamp(seconds: start + clock).text
    }

    /// Sets the clock so the next line is `seconds` after the start.
    public mutating func at(_ seconds: Int64) { clock = seconds }

    public mutating func nextID(_ prefix: String) -> String {
        counter += 1
        return prefix + String(format: "%012d", counter)
    }

    /// One line of the given type with Claude Code's envelope around `members`.
    public mutating func line(type: String, _ members: [(String, JSON)]) -> JSON {
        let uuid = nextID("00000000-0000-4000-8000-")
        var m: [(String, JSON)] = [
            ("parentUuid", lastUUID.map(JSON.string) ?? .null),
            ("isSidechain", .bool(sidechain)),
            ("userType", "external"),
            ("cwd", .string(cwd)),
        ]
        if let gitBranch { m.append(("gitBranch", .string(gitBranch))) }
        m += [
            ("sessionId", .string(sessionID)),
            ("version", .string(version)),
        ]
        if let agentID, sidechain { m.append(("agentId", .string(agentID))) }
        m.append(("type", .string(type)))
        m += members
        m += [("uuid", .string(uuid)), ("timestamp", .string(nextTime()))]
        lastUUID = uuid
        return .object(m)
    }

    public mutating func append(_ value: JSON) { lines.append(value.compact) }

    /// A line written as it is (bad input, truncated records).
    public mutating func raw(_ text: String) { lines.append(text) }

    /// Starts a new chain (`parentUuid: null`), as a sub-agent's first line does.
    public mutating func newChain() { lastUUID = nil }

    /// The `uuid` of the last line written.
    public var lastLine: String? { lastUUID }

    /// Makes the next line continue the chain after the line `uuid` (interleaved chains).
    public mutating func continueChain(after uuid: String?) { lastUUID = uuid }

    public mutating func user(_ text: String) {
        append(line(type: "user", [("message", ["role": "user", "content": .string(text)])]))
    }

    /// An assistant line: optional text, then `tool_use` blocks.
    public mutating func assistant(
        text: String? = nil, calls: [(id: String, name: String, input: JSON)] = [],
        messageID: String? = nil, usage: JSON? = nil
    ) {
        var content: [JSON] = []
        if let text { content.append(["type": "text", "text": .string(text)]) }
        for call in calls { content.append(["type": "tool_use", "id": .string(call.id), "name": .string(call.name), "input": call.input]) }
        var message: [(String, JSON)] = [
            ("id", .string(messageID ?? nextID("msg_"))), ("type", "message"), ("role", "assistant"),
            ("model", .string(model)), ("content", .array(content)),
        ]
        message.append(
            ("usage", usage ?? ["input_tokens": 10, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 100, "output_tokens": 20]))
        append(line(type: "assistant", [("message", .object(message))]))
    }

    /// A user line answering `callID`.
    public mutating func result(_ callID: String, _ content: JSON, isError: Bool = false, record: JSON? = nil) {
        var block: [(String, JSON)] = [("tool_use_id", .string(callID)), ("type", "tool_result"), ("content", content)]
        if isError { block.append(("is_error", true)) }
        var members: [(String, JSON)] = [("message", ["role": "user", "content": [.object(block)]])]
        if let record { members.append(("toolUseResult", record)) }
        append(line(type: "user", members))
    }

    /// One tool call and its result; returns the call id.
    @discardableResult
    public mutating func tool(_ name: String, _ input: JSON, result content: JSON, isError: Bool = false, record: JSON? = nil, id: String? = nil)
        -> String
    {
        let callID = id ?? nextID("toolu_")
        assistant(calls: [(callID, name, input)])
        result(callID, content, isError: isError, record: record)
        return callID
    }

    /// A failed call as Claude Code logs it: the message in `<tool_use_error>` tags, and the
    /// record a string starting `Error:`.
    @discardableResult
    public mutating func failing(_ name: String, _ input: JSON, error: String, id: String? = nil) -> String {
        tool(
            name, input, result: .string("<tool_use_error>\(error)</tool_use_error>"), isError: true,
            record: .string("Error: \(error)"), id: id)
    }

    // MARK: Claude Code tools

    /// `Edit`: recorded as done, or as failed with `error`. `originalFile` is the
    /// before-image the record carries (none when nil), `patch` its `structuredPatch` hunks.
    @discardableResult
    public mutating func edit(
        _ path: String, _ old: String, _ new: String, replaceAll: Bool? = nil, error: String? = nil,
        originalFile: String? = nil, patch: [JSON] = []
    ) -> String {
        var input: [(String, JSON)] = [("file_path", .string(Self.absolute(path))), ("old_string", .string(old)), ("new_string", .string(new))]
        if let replaceAll { input.append(("replace_all", .bool(replaceAll))) }
        if let error { return failing("Edit", .object(input), error: error) }
        var record: [(String, JSON)] = [("filePath", .string(Self.absolute(path))), ("oldString", .string(old)), ("newString", .string(new))]
        if let originalFile { record.append(("originalFile", .string(originalFile))) }
        record += [("structuredPatch", .array(patch)), ("userModified", false), ("replaceAll", .bool(replaceAll ?? false))]
        return tool(
            "Edit", .object(input), result: .string("The file \(Self.absolute(path)) has been updated successfully."), record: .object(record))
    }

    /// `MultiEdit` with `(old, new)` pairs (`replace_all` when the third member is true).
    @discardableResult
    public mutating func multiEdit(_ path: String, _ edits: [(String, String, Bool)], error: String? = nil, originalFile: String? = nil) -> String {
        let list = JSON.array(edits.map { ["old_string": .string($0.0), "new_string": .string($0.1), "replace_all": .bool($0.2)] })
        let input: JSON = ["file_path": .string(Self.absolute(path)), "edits": list]
        if let error { return failing("MultiEdit", input, error: error) }
        var record: [(String, JSON)] = [("filePath", .string(Self.absolute(path))), ("edits", list)]
        if let originalFile { record.append(("originalFileContents", .string(originalFile))) }
        record += [("structuredPatch", []), ("userModified", false)]
        return tool("MultiEdit", input, result: .string("Applied \(edits.count) edits to \(Self.absolute(path))"), record: .object(record))
    }

    @discardableResult
    public mutating func multiEdit(_ path: String, _ edits: [(String, String)], error: String? = nil, originalFile: String? = nil) -> String {
        multiEdit(path, edits.map { ($0.0, $0.1, false) }, error: error, originalFile: originalFile)
    }

    /// `Write`: `created` says which record type the log has (`create` or `update`).
    @discardableResult
    public mutating func write(_ path: String, _ content: String, created: Bool = true, error: String? = nil) -> String {
        let input: JSON = ["file_path": .string(Self.absolute(path)), "content": .string(content)]
        if let error { return failing("Write", input, error: error) }
        let record: JSON = [
            "type": created ? "create" : "update", "filePath": .string(Self.absolute(path)), "content": .string(content),
            "structuredPatch": [],
        ]
        let text = created ? "File created successfully at: \(Self.absolute(path))" : "The file \(Self.absolute(path)) has been updated."
        return tool("Write", input, result: .string(text), record: record)
    }

    /// `Read` of a whole file as Claude Code 2.x logs it: `1\t`-numbered text and a `file`
    /// record with the content.
    @discardableResult
    public mutating func read(_ path: String, _ content: String) -> String {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        return read(path, window: lines.map(String.init), startLine: 1, totalLines: lines.count, content: content)
    }

    /// `Read` of `window` (lines from `startLine`, 1-based) of a file of `totalLines` lines.
    @discardableResult
    public mutating func read(_ path: String, window: [String], startLine: Int, totalLines: Int, content: String? = nil) -> String {
        let text = window.enumerated().map { "\(startLine + $0.offset)\t\($0.element)" }.joined(separator: "\n")
        var input: [(String, JSON)] = [("file_path", .string(Self.absolute(path)))]
        if startLine != 1 || window.count != totalLines {
            input += [("offset", .number(startLine)), ("limit", .number(window.count))]
        }
        let record: JSON = [
            "type": "text",
            "file": [
                "filePath": .string(Self.absolute(path)), "content": .string(content ?? window.joined(separator: "\n")),
                "numLines": .number(window.count), "startLine": .number(startLine), "totalLines": .number(totalLines),
            ],
        ]
        return tool("Read", .object(input), result: .string(text), record: record)
    }

    /// `Read` as Claude Code 1.0.x showed it, with no structured record: every line numbered
    /// `     1→`.
    @discardableResult
    public mutating func readArrowText(_ path: String, _ content: String, startLine: Int = 1) -> String {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let shown = content.hasSuffix("\n") ? lines.dropLast() : lines[...]
        let text = shown.enumerated().map { i, line -> String in
            let n = String(startLine + i)
            return String(repeating: " ", count: max(0, 6 - n.count)) + n + "→" + line
        }.joined(separator: "\n")
        return tool("Read", ["file_path": .string(Self.absolute(path))], result: .string(text))
    }

    @discardableResult
    public mutating func bash(_ command: String, output: String = "", failed: Bool = false) -> String {
        let record: JSON = ["stdout": .string(output), "stderr": "", "interrupted": false, "isImage": false]
        return tool(
            "Bash", ["command": .string(command), "description": "run a command"],
            result: .string(output), isError: failed, record: failed ? .string("Error: \(output)") : record)
    }

    // MARK: Output

    public var text: String { lines.map { $0 + "\n" }.joined() }

    /// Writes the log to `directory/name` and returns the path.
    public func save(in directory: String, name: String = "session.jsonl") throws -> String {
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
