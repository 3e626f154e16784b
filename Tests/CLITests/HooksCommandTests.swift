import Foundation
import TestSupport
import XCTest

/// `agentreplay hooks` as a user and an agent meet it: installed into a settings file that
/// holds other things, run by a shell with the JSON Claude Code sends (its hooks reference:
/// `session_id`, `transcript_path`, `cwd`, `hook_event_name`, `tool_name`, `tool_input`,
/// `tool_response`, `tool_use_id`), then a log of that session replayed verified.
final class HooksCommandTests: XCTestCase {
    let session = "3f2a9c1e-5b7d-4e8f-a1b2-c3d4e5f60718"

    /// Runs `command` the way an agent runs a hook: `sh -c`, the JSON on standard input.
    struct HookRun {
        var status: Int32
        var stdout: [UInt8]
        var stderr: String
        var description: String { "exit \(status)\n--- stdout\n\(String(decoding: stdout, as: UTF8.self))--- stderr\n\(stderr)" }
    }

    func runHook(_ command: String, json: String, in directory: String, environment: [String: String]) throws -> HookRun {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", command]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = CLI.environment(environment)
        let input = Pipe(), out = Pipe(), err = Pipe()
        process.standardInput = input
        process.standardOutput = out
        process.standardError = err
        try process.run()
        input.fileHandleForWriting.write(Data(json.utf8))
        try input.fileHandleForWriting.close()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return HookRun(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: String(decoding: stderr, as: UTF8.self))
    }

    /// The command of each hook of `event` in the settings file, as the agent reads them.
    func commands(_ event: String, in settingsPath: String) throws -> [String] {
        let settings = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: settingsPath))) as? [String: Any]
        let groups = (settings?["hooks"] as? [String: Any])?[event] as? [[String: Any]] ?? []
        return groups.flatMap { ($0["hooks"] as? [[String: Any]] ?? []).compactMap { $0["command"] as? String } }
    }

    func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }

    func testARecordedSessionReplaysVerifiedWithTheScriptsChangeInItsShellSpan() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let log = home + "/hooks.log"
        let environment = ["HOME": home, "CLAUDE_CONFIG_DIR": home + "/claude", "AGENTREPLAY_HOOKS_LOG": log]
        let settingsPath = home + "/claude/settings.json"
        try FileManager.default.createDirectory(atPath: home + "/claude", withIntermediateDirectories: true)
        let original = """
            {
              "model": "opus",
              "permissions": {
                "allow": [
                  "Bash(sh format.sh:*)"
                ]
              },
              "hooks": {
                "PreToolUse": [
                  {
                    "matcher": "Edit",
                    "hooks": [
                      {
                        "type": "command",
                        "command": "true"
                      }
                    ]
                  }
                ]
              }
            }

            """
        try Data(original.utf8).write(to: URL(fileURLWithPath: settingsPath))

        // Install, twice: the second changes nothing.
        let install = try CLI.run(["hooks", "install", "--agent", "claude-code"], in: home, environment: environment)
        XCTAssertEqual(install.status, 0, install.description)
        XCTAssertEqual(install.stdoutText, "\(settingsPath): installed for claude-code (SessionStart, PostToolUse)\n")
        let installed = try Data(contentsOf: URL(fileURLWithPath: settingsPath))
        let again = try CLI.run(["hooks", "install", "--agent", "claude-code"], in: home, environment: environment)
        XCTAssertEqual(again.stdoutText, "\(settingsPath): already installed for claude-code (SessionStart, PostToolUse)\n")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: settingsPath)), installed)
        XCTAssertEqual(try commands("PreToolUse", in: settingsPath), ["true"], "the user's own hook stays")
        let status = try CLI.run(["hooks", "status", "--agent", "claude-code"], in: home, environment: environment)
        XCTAssertTrue(status.stdoutText.contains("claude-code  user     \(settingsPath)"), status.description)
        XCTAssertTrue(status.stdoutText.contains("installed: SessionStart, PostToolUse"), status.description)
        XCTAssertTrue(status.stdoutText.hasSuffix("errors of the hooks go to \(log)\n"), status.description)

        // The session: it starts on a dirty tree (a changed file, an untracked one, an ignored one).
        let repo = try TestRepo(
            self,
            files: [
                "calc.py": "def add(a,b):\n    return a+b\n", "README.md": "calc\n", ".gitignore": "*.log\n",
                "format.sh": "#!/bin/sh\nsed -i -e 's/(a,b)/(a, b)/' -e 's/a+b/a + b/' -e 's/a-b/a - b/' \"$@\"\n",
            ])
        try repo.write(["README.md": "calc: add and sub\n", "notes.txt": "remember the tests\n", "debug.log": "noise\n"])
        let index = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index"))
        let head = try repo.head
        let common: [String: Any] = [
            "session_id": session, "transcript_path": home + "/claude/projects/x/\(session).jsonl", "cwd": repo.path, "permission_mode": "default",
        ]
        for command in try commands("SessionStart", in: settingsPath) {
            let result = try runHook(
                command, json: try json(common.merging(["hook_event_name": "SessionStart", "source": "startup"] as [String: Any]) { $1 }),
                in: repo.path, environment: environment)
            XCTAssertEqual(result.status, 0, result.description)
            XCTAssertEqual(result.stdout, [], "nothing the agent would read as a decision")
        }
        // The agent edits calc.py (its Edit tool writes the file), then runs the formatter.
        let edited = "def add(a,b):\n    return a+b\n\ndef sub(a,b):\n    return a-b\n"
        try repo.write(["calc.py": edited])
        let bashID = "toolu_01FormatCalc"
        let formatted = "def add(a, b):\n    return a + b\n\ndef sub(a, b):\n    return a - b\n"
        let script = try Subprocess.run("/bin/sh", ["format.sh", "calc.py"], in: repo.path)
        XCTAssertEqual(script.status, 0)
        XCTAssertEqual(try String(contentsOfFile: repo.path + "/calc.py", encoding: .utf8), formatted)
        for command in try commands("PostToolUse", in: settingsPath) {
            let result = try runHook(
                command,
                json: try json(
                    common.merging(
                        [
                            "hook_event_name": "PostToolUse", "tool_name": "Bash", "tool_use_id": bashID,
                            "tool_input": ["command": "sh format.sh calc.py", "description": "Format calc.py"],
                            "tool_response": ["stdout": "", "stderr": "", "interrupted": false, "isImage": false],
                        ] as [String: Any]
                    ) { $1 }), in: repo.path, environment: environment)
            XCTAssertEqual(result.status, 0, result.description)
            XCTAssertEqual(result.stdout, [])
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: log), (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")), index, "the index is untouched")
        XCTAssertEqual(try repo.head, head)
        XCTAssertEqual(
            try repo.git("for-each-ref", "--format=%(refname)", "refs/agentreplay/sessions/"),
            "refs/agentreplay/sessions/\(session)/calls/\(bashID)\nrefs/agentreplay/sessions/\(session)/start\n")

        // The log of that session, as Claude Code wrote it.
        var session = SessionLog()
        session.sessionID = self.session
        session.cwd = repo.path
        session.user("add sub, then format")
        session.read(repo.path + "/README.md", "calc: add and sub\n")
        session.edit(repo.path + "/calc.py", "    return a+b\n", "    return a+b\n\ndef sub(a,b):\n    return a-b\n")
        session.tool(
            "Bash", ["command": "sh format.sh calc.py", "description": "Format calc.py"], result: "",
            record: ["stdout": "", "stderr": "", "interrupted": false, "isImage": false], id: bashID)
        session.read(repo.path + "/calc.py", formatted)
        let logPath = try session.save(home + "/session.jsonl")

        let run = try CLI.run(["run", logPath, "--repo", repo.path, "--json"], in: home, environment: environment)
        XCTAssertEqual(run.status, 0, run.description)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        XCTAssertEqual(document["outcome"] as? String, "verified")
        let base = try XCTUnwrap(document["base"] as? [String: Any])
        XCTAssertEqual(base["chosen_by"] as? String, "hooks")
        XCTAssertEqual(base["commit"] as? String, head)
        let steps = try XCTUnwrap(document["steps"] as? [[String: Any]])
        let bash = try XCTUnwrap(steps.first { $0["tool_call_id"] as? String == bashID })
        XCTAssertEqual(bash["verdict"] as? String, "applied", "\(bash)")
        XCTAssertNil(bash["unverified"])
        XCTAssertEqual((bash["changes"] as? [[String: Any]])?.compactMap { $0["path"] as? String }, ["calc.py"])
        let commit = try XCTUnwrap(bash["commit"] as? String)
        XCTAssertEqual(try repo.git("show", "\(commit):calc.py"), formatted, "the shell span holds the script's change")
        XCTAssertEqual(try repo.git("show", "\(commit)~1:calc.py"), edited, "the Edit's commit holds the edit alone")
        XCTAssertEqual(try repo.git("show", "\(commit)~2:notes.txt"), "remember the tests\n", "the run starts from the recorded dirty tree")
        XCTAssertEqual(try repo.git("ls-tree", "--name-only", "\(commit)~2"), ".gitignore\nREADME.md\ncalc.py\nformat.sh\nnotes.txt\n")

        let text = try CLI.run(["run", logPath, "--repo", repo.path, "--no-refs"], in: home, environment: environment)
        XCTAssertEqual(text.status, 0, text.description)
        XCTAssertTrue(
            text.stdoutText.contains("base: the start agentreplay's hooks recorded: \(head.prefix(12)) and the working tree"), text.stdoutText)
        XCTAssertTrue(text.stdoutText.contains("its effect is the working tree recorded after it (1 file)"), text.stdoutText)

        // Uninstall: the file is the user's again.
        let uninstall = try CLI.run(["hooks", "uninstall", "--agent", "claude-code"], in: home, environment: environment)
        XCTAssertEqual(uninstall.status, 0, uninstall.description)
        XCTAssertEqual(try String(contentsOfFile: settingsPath, encoding: .utf8), original)
    }

    func testTheHookNeverFailsTheAgentAndLogsWhatWentWrong() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let log = home + "/state/hooks.log"
        let environment = ["HOME": home, "AGENTREPLAY_HOOKS_LOG": log]
        let command = "'\(CLI.executable)' hooks record --agent claude-code --event post-tool"
        let bad = try runHook(command, json: "{\"session_id\": ", in: home, environment: environment)
        XCTAssertEqual(bad.status, 0)
        XCTAssertEqual(bad.stdout, [])
        let wrong = try runHook("'\(CLI.executable)' hooks record --agent nobody --event post-tool", json: "{}", in: home, environment: environment)
        XCTAssertEqual(wrong.status, 0)
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n")
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("agentreplay hooks record: claude-code post-tool: standard input: the input is not JSON"), String(lines[0]))
        XCTAssertEqual(lines[1], "agentreplay hooks record: claude-code post-tool: --agent nobody: not an agent")

        // A settings file that is not JSON: refused with file and line, untouched.
        try FileManager.default.createDirectory(atPath: home + "/.claude", withIntermediateDirectories: true)
        let settings = "{\n  \"model\": \"opus\"\n  \"hooks\": {}\n}\n"
        try Data(settings.utf8).write(to: URL(fileURLWithPath: home + "/.claude/settings.json"))
        let refused = try CLI.run(["hooks", "install"], in: home, environment: environment)
        XCTAssertEqual(refused.status, 2)
        XCTAssertTrue(refused.stderrText.hasPrefix("agentreplay: error: \(home)/.claude/settings.json:3: not JSON"), refused.stderrText)
        XCTAssertEqual(try String(contentsOfFile: home + "/.claude/settings.json", encoding: .utf8), settings)
    }
}
