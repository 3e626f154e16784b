import Foundation
import Trace

/// Builds an OpenHands event stream the way OpenHands saves one (`event_to_trajectory`): a
/// JSON list of events, each action followed by its observation (`cause`), every agent
/// action carrying the LiteLLM response that decided it in `tool_call_metadata`.
///
/// Two eras of the editor's records: `.current` (2025 on: the action's `args` hold
/// `command`, `path`, `old_str`, …; the observation's `old_content`/`new_content` repeat the
/// call's `old_str`/`new_str` and `diff` holds `get_diff` of the file) and `.ipython`
/// (January 2025: the args hold only the IPython code the call ran, the model's arguments
/// are in the tool call, and `old_content`/`new_content` hold the file before and after).
public struct OpenHandsLog {
    public init() {}

    public static let root = "/workspace"

    public enum Era { case current, ipython }

    public var era = Era.current
    public var model = "claude-3-5-sonnet-20241022"
    /// The time of the first event; each event is one second after the one before.
    public var start: Int64 = 1_740_823_200  // 2025-03-01T10:00:00Z

    public private(set) var events: [JSON] = []
    private var nextEventID = 0
    private var clock: Int64 = 0
    private var responses = 0

    /// `path` under the root, unless it is absolute or starts with `.` (kept as given).
    public static func absolute(_ path: String) -> String { path.hasPrefix("/") || path.hasPrefix(".") ? path : root + "/" + path }

    public mutating func nextID() -> Int {
        defer { nextEventID += 1 }
        return nextEventID
    }

    /// `datetime.isoformat()` of a naive UTC time, as OpenHands writes it.
    public mutating func time() -> String {
        defer { clock += 1 }
        let text = Timestamp(seconds: start + clock).text  // …T10:00:01.000Z
        return String(text.dropLast(4)) + "900854"
    }

    public mutating func user(_ text: String) {
        events.append([
            "id": .number(nextID()), "timestamp": .string(time()), "source": "user", "message": .string(text), "action": "message",
            "args": ["content": .string(text), "image_urls": nil, "wait_for_response": false],
        ])
    }

    /// One model response that makes one tool call, and the action OpenHands made of it.
    /// Returns the action's event id and the call id.
    @discardableResult
    public mutating func action(_ type: String, function: String, arguments: JSON, args: JSON, text: String = "Next step.") -> (id: Int, call: String)
    {
        responses += 1
        let callID = "toolu_\(String(format: "%04d", responses))"
        let response: JSON = [
            "id": .string("chatcmpl-\(responses)"), "created": .number(Int(start) + responses), "model": .string(model),
            "object": "chat.completion", "system_fingerprint": nil,
            "choices": [
                [
                    "finish_reason": "tool_calls", "index": 0,
                    "message": [
                        "content": .string(text), "role": "assistant",
                        "tool_calls": [
                            [
                                "index": 1, "function": ["arguments": .string(arguments.compact), "name": .string(function)],
                                "id": .string(callID), "type": "function",
                            ]
                        ],
                        "function_call": nil,
                    ],
                ]
            ],
            "usage": [
                "completion_tokens": 120, "prompt_tokens": 5000, "total_tokens": 5120, "completion_tokens_details": nil,
                "prompt_tokens_details": ["audio_tokens": nil, "cached_tokens": 4000],
                "cache_creation_input_tokens": 900, "cache_read_input_tokens": 4000,
            ],
            "service_tier": nil,
        ]
        let id = nextID()
        var argsObject = args.objectValue ?? []
        argsObject.append(("thought", .string(text)))
        events.append([
            "id": .number(id), "timestamp": .string(time()), "source": "agent", "message": "", "action": .string(type),
            "tool_call_metadata": [
                "function_name": .string(function), "tool_call_id": .string(callID), "model_response": response,
                "total_calls_in_response": 1,
            ],
            "args": .object(argsObject), "timeout": 120,
        ])
        return (id, callID)
    }

    public mutating func observation(_ type: String, cause: Int, content: String, extras: JSON = [:], message: String = "") {
        events.append([
            "id": .number(nextID()), "timestamp": .string(time()), "source": "agent", "message": .string(message), "cause": .number(cause),
            "observation": .string(type), "content": .string(content), "extras": extras,
        ])
    }

    // MARK: The editor

    /// The editor's `cat -n` rendering (`_make_output`) of `text` from line `from`.
    public static func catN(_ text: String, from: Int = 1, of description: String) -> String {
        let numbered = text.split(separator: "\n", omittingEmptySubsequences: false).enumerated().map {
            let n = String(from + $0.offset)
            return String(repeating: " ", count: max(0, 6 - n.count)) + n + "\t" + $0.element
        }
        return "Here's the result of running `cat -n` on \(description):\n" + numbered.joined(separator: "\n") + "\n"
    }

    /// Lines `from`…`to` (1-based) of `text`, each with its newline, as `read_file` reads them.
    public static func window(_ text: String, _ from: Int, _ to: Int) -> String {
        var lines: [String] = []
        var current = ""
        for c in text {
            current.append(c)
            if c == "\n" { lines.append(current); current = "" }
        }
        if !current.isEmpty { lines.append(current) }
        let low = max(1, from), high = min(lines.count, to)
        return low > high ? "" : lines[(low - 1)..<high].joined()
    }

    /// `get_diff`: `difflib.unified_diff` of the two texts split on `\n`, no context, lines
    /// right-stripped — for one contiguous change, which is all these tests make.
    public static func diff(_ before: String, _ after: String, path: String) -> String {
        let a = before.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let b = after.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var prefix = 0
        while prefix < a.count, prefix < b.count, a[prefix] == b[prefix] { prefix += 1 }
        var suffix = 0
        while suffix < a.count - prefix, suffix < b.count - prefix, a[a.count - 1 - suffix] == b[b.count - 1 - suffix] { suffix += 1 }
        let removed = a[prefix..<(a.count - suffix)], added = b[prefix..<(b.count - suffix)]
        if removed.isEmpty && added.isEmpty { return "" }
        func range(_ start: Int, _ count: Int) -> String {
            count == 1 ? "\(start + 1)" : "\(count == 0 ? start : start + 1),\(count)"
        }
        var lines = ["--- \(path)", "+++ \(path)", "@@ -\(range(prefix, removed.count)) +\(range(prefix, added.count)) @@"]
        lines += removed.map { "-" + $0 } + added.map { "+" + $0 }
        return lines.map { String($0.reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed()) }.joined(separator: "\n")
    }

    /// One editor call and its observation: `output` is what the editor printed (`ERROR:\n…`
    /// for a failure), `before`/`after` the file around a successful edit.
    @discardableResult
    public mutating func editor(
        _ command: String, _ path: String, _ options: [(String, JSON)] = [], output: String,
        before: String? = nil, after: String? = nil
    ) -> String {
        let file = Self.absolute(path)
        let arguments = JSON.object([("command", .string(command)), ("path", .string(file))] + options)
        let old = options.first { $0.0 == "old_str" }?.1 ?? .null
        let new = options.first { $0.0 == "new_str" }?.1 ?? .null
        let failed = output.hasPrefix("ERROR:")
        let action: (id: Int, call: String)
        switch era {
        case .current:
            var args: [(String, JSON)] = [("path", .string(file)), ("command", .string(command))]
            for key in ["file_text", "old_str", "new_str", "insert_line"] {
                args.append((key, options.first { $0.0 == key }?.1 ?? .null))
            }
            args += [("content", ""), ("start", 1), ("end", -1), ("impl_source", "oh_aci")]
            action = self.action("edit", function: "str_replace_editor", arguments: arguments, args: .object(args))
            let diff = failed ? "" : Self.diff(before ?? "", after ?? "", path: file)
            observation(
                "edit", cause: action.id, content: output,
                extras: [
                    "path": .string(file), "prev_exist": false, "old_content": old, "new_content": new,
                    "impl_source": "oh_aci", "diff": .string(diff), "_diff_cache": nil,
                ], message: "I edited the file \(file).")
        case .ipython:
            let code = "print(file_editor(**\(arguments.compact)))"
            action = self.action(
                "edit", function: "str_replace_editor", arguments: arguments,
                args: [
                    "path": .string(file), "content": "", "start": 1, "end": -1, "impl_source": "oh_aci",
                    "translated_ipython_code": .string(code),
                ])
            observation(
                "edit", cause: action.id, content: failed ? output : Self.diff(before ?? "", after ?? "", path: file),
                extras: [
                    "path": .string(file), "prev_exist": .bool(before != nil && command != "create"),
                    "old_content": failed || command == "create" ? nil : before.map(JSON.string) ?? nil,
                    "new_content": failed ? nil : after.map(JSON.string) ?? nil,
                    "impl_source": "oh_aci", "formatted_output_and_error": .string(output),
                ], message: "I edited the file \(file).")
        }
        return action.call
    }

    @discardableResult
    public mutating func create(_ path: String, _ text: String, error: String? = nil) -> String {
        let file = Self.absolute(path)
        return editor(
            "create", path, [("file_text", .string(text))], output: error.map { "ERROR:\n" + $0 } ?? "File created successfully at: \(file)",
            before: error == nil ? "" : nil, after: text)
    }

    /// `str_replace`, recorded as done (`after` is the file it wrote, `line` the line of the
    /// replacement, for the snippet) or failed with `error`.
    @discardableResult
    public mutating func strReplace(
        _ path: String, _ old: String, _ new: String, before: String = "", after: String = "", line: Int = 1,
        error: String? = nil
    ) -> String {
        let file = Self.absolute(path)
        let output: String
        if let error {
            output = "ERROR:\n" + error
        } else {
            let start = max(0, line - 4), end = line + 4 + new.filter { $0 == "\n" }.count
            output =
                "The file \(file) has been edited. " + Self.catN(Self.window(after, start + 1, end), from: start + 1, of: "a snippet of \(file)")
                + "Review the changes and make sure they are as expected. Edit the file again if necessary."
        }
        return editor("str_replace", path, [("old_str", .string(old)), ("new_str", .string(new))], output: output, before: before, after: after)
    }

    @discardableResult
    public mutating func insert(_ path: String, line: Int, _ new: String, before: String = "", after: String = "", error: String? = nil) -> String {
        let file = Self.absolute(path)
        let output: String
        if let error {
            output = "ERROR:\n" + error
        } else {
            let added = new.split(separator: "\n", omittingEmptySubsequences: false).count
            let start = max(0, line - 4), end = line + 4 + added
            output =
                "The file \(file) has been edited. "
                + Self.catN(Self.window(after, start + 1, end), from: max(1, line - 4 + 1), of: "a snippet of the edited file")
                + "Review the changes and make sure they are as expected (correct indentation, no duplicate lines, etc). Edit the file again if necessary."
        }
        return editor("insert", path, [("insert_line", .number(line)), ("new_str", .string(new))], output: output, before: before, after: after)
    }

    @discardableResult
    public mutating func undo(_ path: String, before: String = "", after: String = "", error: String? = nil) -> String {
        let file = Self.absolute(path)
        let output = error.map { "ERROR:\n" + $0 } ?? "Last edit to \(file) undone successfully. " + Self.catN(after, of: file)
        return editor("undo_edit", path, output: output, before: before, after: after)
    }

    /// `view` of a whole file showing `shown` (a `FileReadAction` with `impl_source: oh_aci`).
    @discardableResult
    public mutating func view(_ path: String, shown: String? = nil, error: String? = nil) -> String {
        let file = Self.absolute(path)
        let arguments: JSON = ["command": "view", "path": .string(file)]
        let action = self.action(
            "read", function: "str_replace_editor", arguments: arguments,
            args: ["path": .string(file), "start": 0, "end": -1, "impl_source": "oh_aci", "view_range": nil])
        let content = error.map { "ERROR:\n" + $0 } ?? Self.catN(shown ?? "", of: file)
        observation(
            "read", cause: action.id, content: content, extras: ["path": .string(file), "impl_source": "oh_aci"],
            message: "I read the file \(file).")
        return action.call
    }

    @discardableResult
    public mutating func run(_ command: String, output: String = "", exitCode: Int = 0) -> String {
        let action = self.action(
            "run", function: "execute_bash", arguments: ["command": .string(command)],
            args: [
                "command": .string(command), "is_input": false, "blocking": false, "is_static": false,
                "cwd": nil, "hidden": false, "confirmation_state": "confirmed",
            ])
        observation(
            "run", cause: action.id, content: output,
            extras: [
                "command": .string(command),
                "metadata": [
                    "exit_code": .number(exitCode), "pid": -1, "username": "openhands", "hostname": "runtime",
                    "working_dir": .string(Self.root), "py_interpreter_path": "/openhands/poetry/bin/python", "prefix": "",
                    "suffix": .string("\n[The command completed with exit code \(exitCode).]"),
                ],
                "hidden": false,
            ], message: "Command `\(command)` executed with exit code \(exitCode).")
        return action.call
    }

    public mutating func finish(_ text: String = "Done.") {
        action("finish", function: "finish", arguments: ["message": .string(text)], args: ["outputs": [:], "final_thought": .string(text)])
    }

    // MARK: Output

    public var json: JSON { .array(events) }

    /// Writes the events as OpenHands does (`json.dump(..., indent=2)`), or on one line.
    public func save(in directory: String, name: String = "trajectory.json", pretty: Bool = true) throws -> String {
        let path = directory + "/" + name
        try Data((pretty ? JSONWriter.pretty(json) : json.compact).utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
