import Foundation
import Trace

/// Builds a SWE-agent 1.x trajectory (`.traj`): one pretty-printed JSON document with
/// `trajectory` (one step per model action: `action` as the shell-quoted line SWE-agent ran,
/// `observation` as its terminal showed it, with `\r\n`), `history`, `info` (the submission)
/// and `replay_config` (a string holding JSON, as SWE-agent writes it).
public struct SWEAgentTrajectory {
    public init() {}

    public static let root = "/testbed"

    public var baseCommit: String? = nil
    /// `info.swe_agent_version`; nil: none, as 0.x trajectories have.
    public var version: String? = "1.0.1"
    public var model = "test-model"
    public var repoName = "testbed"
    /// The submission (`git add -A && git diff --cached` at the end); nil: none recorded.
    public var submission: String?
    public var exitStatus = "submitted"
    /// Observations as a terminal shows them (`\n` as `\r\n`).
    public var terminal = true

    public private(set) var steps: [JSON] = []

    public static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }

    /// Python's `shlex.quote`.
    public static func quote(_ s: String) -> String {
        if s.isEmpty { return "''" }
        let safe = s.unicodeScalars.allSatisfy {
            $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "@%+=:,./-_".unicodeScalars.contains($0))
        }
        return safe ? s : "'" + s.replacingOccurrences(of: "'", with: "'\"'\"'") + "'"
    }

    public mutating func step(_ action: String, _ observation: String, thought: String = "Next step.") {
        let shown = terminal ? observation.replacingOccurrences(of: "\n", with: "\r\n") : observation
        steps.append([
            "action": .string(action), "observation": .string(shown), "response": .string(thought + "\n\n<function=...>"),
            "thought": .string(thought), "execution_time": .number("0.1"), "state": "{'working_dir': '/testbed'}", "messages": "[]",
            "extra_info": "{}",
        ])
    }

    /// `str_replace_editor <command> <path> --name 'value' …`, quoted as SWE-agent quotes it.
    public mutating func editor(_ command: String, _ path: String, _ options: [(String, String)] = [], observation: String) {
        var action = "str_replace_editor \(command) \(Self.quote(Self.absolute(path)))"
        for (name, value) in options { action += " --\(name) \(Self.quote(value))" }
        step(action, observation)
    }

    public mutating func create(_ path: String, _ text: String, observation: String? = nil) {
        editor("create", path, [("file_text", text)], observation: observation ?? "File created successfully at: \(Self.absolute(path))")
    }

    public mutating func strReplace(_ path: String, _ old: String, _ new: String, observation: String? = nil) {
        editor(
            "str_replace", path, [("old_str", old), ("new_str", new)],
            observation: observation
                ?? "The file \(Self.absolute(path)) has been edited. Review the changes and make sure they are as expected. Edit the file again if necessary."
        )
    }

    public mutating func insert(_ path: String, line: Int, _ new: String, observation: String? = nil) {
        editor(
            "insert", path, [("insert_line", String(line)), ("new_str", new)],
            observation: observation
                ?? "The file \(Self.absolute(path)) has been edited. Review the changes (correct indentation, no duplicate lines, etc). Edit the file again if necessary."
        )
    }

    /// `view`, showing `lines` (the file's lines from `from`, tabs already expanded) the way
    /// `cat -n` output looks in the editor.
    public mutating func view(_ path: String, lines: [String], from: Int = 1, range: (Int, Int)? = nil) {
        let numbered = lines.enumerated().map {
            String(repeating: " ", count: max(0, 6 - String(from + $0.offset).count)) + String(from + $0.offset) + "\t" + $0.element
        }
        let observation = "Here's the result of running `cat -n` on \(Self.absolute(path)):\n" + numbered.joined(separator: "\n") + "\n"
        editor("view", path, [], observation: observation)
        if let range { steps[steps.count - 1] = Self.withRange(steps[steps.count - 1], range) }
    }

    public static func withRange(_ step: JSON, _ range: (Int, Int)) -> JSON {
        guard case .object(var members) = step, let i = members.firstIndex(where: { $0.0 == "action" }), let action = members[i].1.stringValue else {
            return step
        }
        members[i].1 = .string(action + "  --view_range \(range.0) \(range.1)")
        return .object(members)
    }

    public mutating func bash(_ command: String, observation: String = "") { step(command, observation) }

    /// A SWE-agent 0.x step: `action` as the model wrote it (`edit 3:4\n…\nend_of_edit\n`), and
    /// the `state` 0.x records before it (`{"open_file": …, "working_dir": …}`, as a string).
    public mutating func zeroX(_ action: String, _ observation: String, openFile: String = "n/a", workingDir: String = root) {
        step(action, observation)
        guard case .object(var members) = steps[steps.count - 1], let i = members.firstIndex(where: { $0.0 == "state" }) else { return }
        members[i].1 = .string(JSON.object([("open_file", .string(openFile)), ("working_dir", .string(workingDir))]).compact)
        steps[steps.count - 1] = .object(members)
    }

    public mutating func submit() { step("submit", submission ?? "") }

    public var json: JSON {
        let config: JSON = [
            "env": [
                "deployment": ["image": "swebench/example:latest", "type": "docker"],
                "repo": ["repo_name": .string(repoName), "base_commit": baseCommit.map(JSON.string) ?? "HEAD", "type": "preexisting"],
            ],
            "agent": ["name": "example", "model": ["name": .string(model), "temperature": .number("0.0")]],
            "problem_statement": ["text": "Fix the bug.", "id": "example-1"],
        ]
        var history: [JSON] = [
            ["role": "system", "content": "You are a helpful assistant.", "agent": "main", "message_type": "system_prompt"],
            [
                "role": "user", "content": "<uploaded_files>\n/testbed\n</uploaded_files>\nFix the bug.", "agent": "main",
                "message_type": "observation",
            ],
        ]
        for step in steps {
            history.append([
                "role": "assistant", "content": step["response"] ?? "", "thought": step["thought"] ?? "", "action": step["action"] ?? "",
                "agent": "main", "tool_calls": nil, "message_type": "action",
            ])
            history.append([
                "role": "user", "content": .string("OBSERVATION:\n" + (step["observation"]?.stringValue ?? "")), "agent": "main",
                "message_type": "observation",
            ])
        }
        var info: [(String, JSON)] = [("swe_agent_hash", "0000")]
        if let version { info.append(("swe_agent_version", .string(version))) }
        if let submission { info.append(("submission", .string(submission))) }
        info += [
            ("exit_status", .string(exitStatus)),
            ("model_stats", ["instance_cost": .number("0.25"), "tokens_sent": 8000, "tokens_received": 300, "api_calls": .number(steps.count)]),
        ]
        return .object([
            ("trajectory", .array(steps)), ("history", .array(history)), ("info", .object(info)),
            ("replay_config", .string(config.compact)), ("environment", "example-1"),
        ])
    }

    /// Writes the trajectory pretty-printed (as SWE-agent does), or on one line.
    public func save(in directory: String, name: String = "run.traj", pretty: Bool = true) throws -> String {
        let path = directory + "/" + name
        let text = pretty ? JSONWriter.pretty(json) : json.compact
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
