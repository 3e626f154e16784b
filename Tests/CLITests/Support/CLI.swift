import Foundation
import XCTest

/// The built `agentreplay` executable, run as a real process: exit status, stdout and stderr
/// kept apart, as a user or a script sees them.
enum CLI {
    /// `AGENTREPLAY_BIN` when set, else `agentreplay` beside the test bundle (the build
    /// folder `swift build` / `swift test` wrote both into), else `.build/debug/agentreplay`.
    static let executable: String = {
        let manager = FileManager.default
        if let path = ProcessInfo.processInfo.environment["AGENTREPLAY_BIN"] { return path }
        var candidates: [String] = []
        if let exe = try? manager.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            candidates.append((exe as NSString).deletingLastPathComponent)
        }
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append((bundle.bundlePath as NSString).deletingLastPathComponent)
        }
        candidates.append(packageRoot + "/.build/debug")
        for directory in candidates {
            // On Linux the test bundle is itself an executable named *.xctest inside the build folder.
            var folder = directory
            if folder.hasSuffix(".xctest") { folder = (folder as NSString).deletingLastPathComponent }
            let path = folder + "/agentreplay"
            if manager.isExecutableFile(atPath: path) { return path }
        }
        return packageRoot + "/.build/debug/agentreplay"
    }()

    /// A clean environment: no git config, C locale, UTC, no colour; `extra` added on top.
    static func environment(_ extra: [String: String] = [:]) -> [String: String] {
        var env = GitCLI.environment
        env["TZ"] = "UTC"
        env["LANG"] = "C"
        env["NO_COLOR"] = "1"
        return env.merging(extra) { $1 }
    }

    /// Runs `agentreplay arguments…` in `directory`.
    static func run(_ arguments: [String], in directory: String, environment extra: [String: String] = [:]) throws -> Subprocess.Result {
        guard FileManager.default.isExecutableFile(atPath: executable) else {
            throw TestGate.missingBinary(at: executable)
        }
        return try Subprocess.run(executable, arguments, in: directory, environment: environment(extra))
    }
}

extension Subprocess.Result: CustomStringConvertible {
    public var description: String { "exit \(status)\n--- stdout\n\(stdoutText)--- stderr\n\(stderrText)" }
}

/// Builds a Claude Code session log with Foundation only (this target does not link the
/// project's JSON): one assistant line per tool call, one user line per result, times one
/// second apart.
struct SessionLog {
    static let root = "/home/dev/project"
    var sessionID = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d"
    var cwd = SessionLog.root
    private(set) var lines: [String] = []
    private var clock = 0
    private var counter = 0

    static func absolute(_ path: String) -> String { path.hasPrefix("/") ? path : root + "/" + path }

    private mutating func line(_ type: String, _ members: [String: Any]) {
        counter += 1
        var object: [String: Any] = [
            "type": type, "sessionId": sessionID, "cwd": cwd, "version": "2.1.100", "isSidechain": false,
            "uuid": String(format: "00000000-0000-4000-8000-%012d", counter),
            "timestamp": String(format: "2025-06-01T10:%02d:%02d.000Z", clock / 60, clock % 60),
        ]
        clock += 1
        object.merge(members) { $1 }
        let data = try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        lines.append(String(decoding: data, as: UTF8.self))
    }

    mutating func raw(_ text: String) { lines.append(text) }

    mutating func user(_ text: String) { line("user", ["message": ["role": "user", "content": text]]) }

    @discardableResult
    mutating func tool(_ name: String, _ input: [String: Any], result: String, isError: Bool = false, record: Any? = nil, id: String? = nil) -> String
    {
        counter += 1
        let callID = id ?? String(format: "toolu_%04d", counter)
        line(
            "assistant",
            [
                "message": [
                    "id": "msg_\(callID)", "role": "assistant", "model": "claude-sonnet-4-5",
                    "content": [["type": "tool_use", "id": callID, "name": name, "input": input]],
                    "usage": ["input_tokens": 10, "output_tokens": 5, "cache_read_input_tokens": 100, "cache_creation_input_tokens": 0],
                ]
            ])
        var block: [String: Any] = ["type": "tool_result", "tool_use_id": callID, "content": result]
        if isError { block["is_error"] = true }
        var members: [String: Any] = ["message": ["role": "user", "content": [block]]]
        if let record { members["toolUseResult"] = record }
        line("user", members)
        return callID
    }

    @discardableResult
    mutating func edit(_ path: String, _ old: String, _ new: String, error: String? = nil) -> String {
        let input: [String: Any] = ["file_path": Self.absolute(path), "old_string": old, "new_string": new]
        if let error {
            return tool("Edit", input, result: "<tool_use_error>\(error)</tool_use_error>", isError: true, record: "Error: \(error)")
        }
        return tool(
            "Edit", input, result: "The file \(Self.absolute(path)) has been updated successfully.",
            record: [
                "filePath": Self.absolute(path), "oldString": old, "newString": new, "structuredPatch": [], "userModified": false,
                "replaceAll": false,
            ])
    }

    @discardableResult
    mutating func write(_ path: String, _ content: String) -> String {
        tool(
            "Write", ["file_path": Self.absolute(path), "content": content], result: "File created successfully at: \(Self.absolute(path))",
            record: ["type": "create", "filePath": Self.absolute(path), "content": content, "structuredPatch": []])
    }

    @discardableResult
    mutating func read(_ path: String, _ content: String) -> String {
        let lines = content.split(separator: "\n", omittingEmptySubsequences: false)
        let text = lines.enumerated().map { "\($0.offset + 1)\t\($0.element)" }.joined(separator: "\n")
        return tool(
            "Read", ["file_path": Self.absolute(path)], result: text,
            record: [
                "type": "text",
                "file": ["filePath": Self.absolute(path), "content": content, "numLines": lines.count, "startLine": 1, "totalLines": lines.count],
            ])
    }

    @discardableResult
    mutating func bash(_ command: String) -> String {
        tool("Bash", ["command": command], result: "", record: ["stdout": "", "stderr": "", "interrupted": false])
    }

    var text: String { lines.map { $0 + "\n" }.joined() }

    @discardableResult
    func save(_ path: String) throws -> String {
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }
}
