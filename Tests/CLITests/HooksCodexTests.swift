import Foundation
import TestSupport
import XCTest

/// Codex's hooks, end to end: `hooks install --agent codex` writes `hooks.json`, the hooks run
/// as Codex runs them (`sh -c`, the JSON on standard input), and a rollout of that session
/// replays verified.
///
/// The hooks' JSON has the shape Codex's source gives it (openai/codex, codex-rs/hooks:
/// `SessionStartCommandInput` in `src/schema.rs`; `schema/generated/post-tool-use.command.input
/// .schema.json`; `src/events/post_tool_use.rs`): `session_id` (the rollout's
/// `session_meta.id`), `turn_id`, `transcript_path`, `cwd`, `hook_event_name`, `model`,
/// `permission_mode`, and after a shell call `tool_name: "Bash"`, `tool_input: {"command": …}`,
/// `tool_response` (the command's output, a string) and `tool_use_id`: the `exec_command`'s
/// `call_id` (codex-rs/core `ExecCommandToolOutput::post_tool_use_id`), sent only once the
/// process has exited, by the `write_stdin` poll that sees it end when the command outlived
/// its `exec_command` call.
///
/// The rollout is the real Codex 0.140.0-alpha.19 rollout of fixtures/codex/ (README there),
/// its lines adapted: the session's id, folder and base commit are the test repository's, the
/// commands are the scripts the test runs, the patch adds one file; the call ids, outputs'
/// layout and every other field are as Codex wrote them.
extension HooksCommandTests {
    static let codexFixture = packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl"
    static let codexSession = "019edb22-0a24-74a1-922d-1f66ae0d7b88"
    /// Call ids of the fixture: a finished `exec_command`, one still running when its output
    /// was logged (session 31856), its `write_stdin` poll, and the `apply_patch`.
    static let formatCall = "call_X0RLVRaMrbIww9QT98sQDrPh"
    static let reportCall = "call_geCfsAOM2kO0mbjYqj7bPAzd"
    static let pollCall = "call_pbYHHCU8plxoobmtYtW10Aml"
    static let patchCall = "call_uGZOUdtZNM8TcCqXIIZcS6eD"

    /// The fixture's lines, 1-based, as JSON objects.
    func codexFixtureLines() throws -> [Int: [String: Any]] {
        let text = try String(contentsOfFile: Self.codexFixture, encoding: .utf8)
        var lines: [Int: [String: Any]] = [:]
        for (k, line) in text.split(separator: "\n").enumerated() {
            lines[k + 1] = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
        }
        return lines
    }

    /// A rollout of the session the test plays, from the fixture's lines: the formatter
    /// (`formatCall`), then, when `long` is set, `sh report.sh` outliving its call, the patch
    /// adding NOTES.md, and the `write_stdin` poll that sees the report end.
    func codexRollout(repo: TestRepo, head: String, long: Bool, home: String) throws -> String {
        let fixture = try codexFixtureLines()
        var lines: [[String: Any]] = []
        var second = 0
        func add(_ n: Int, _ change: (inout [String: Any]) -> Void) {
            var line = fixture[n]!
            var payload = line["payload"] as! [String: Any]
            change(&payload)
            line["payload"] = payload
            line["timestamp"] = String(format: "2026-06-18T14:30:%02d.000Z", second)
            second += 1
            lines.append(line)
        }
        func arguments(_ object: [String: Any]) -> String {
            String(decoding: try! JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        add(1) { p in
            p["id"] = Self.codexSession
            p["cwd"] = repo.path
            p["git"] = ["commit_hash": head]
        }
        add(5) { p in
            p["cwd"] = repo.path
            p["workspace_roots"] = [repo.path]
        }
        add(7) { p in p["message"] = "format calc.py, then write the report" }
        add(41) { p in p["arguments"] = arguments(["cmd": "sh format.sh calc.py", "workdir": repo.path, "yield_time_ms": 1000]) }
        add(44) { p in p["output"] = "Chunk ID: 82fb58\nWall time: 0.0000 seconds\nProcess exited with code 0\nOriginal token count: 0\nOutput:\n" }
        if long {
            add(122) { p in p["arguments"] = arguments(["cmd": "sh report.sh", "workdir": repo.path, "yield_time_ms": 30000]) }
            add(123) { _ in }  // "Process running with session ID 31856", as written
            add(59) { p in p["input"] = "*** Begin Patch\n*** Add File: \(repo.path)/NOTES.md\n+calc.py is formatted\n*** End Patch\n" }
            add(61) { p in
                p["output"] = "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess. Updated the following files:\nA \(repo.path)/NOTES.md\n"
            }
            add(128) { _ in }  // write_stdin to session 31856, as written
            add(129) { p in
                p["output"] = "Chunk ID: 848ee0\nWall time: 2.0031 seconds\nProcess exited with code 0\nOriginal token count: 0\nOutput:\n"
            }
        }
        let text = try lines.map { String(decoding: try JSONSerialization.data(withJSONObject: $0, options: [.sortedKeys]), as: UTF8.self) }
        let path = home + "/rollout-\(Self.codexSession).jsonl"
        try Data((text.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// A repository for the session, Codex's hooks installed under `home`, and the session's
    /// start recorded; returns the repository, its HEAD, the environment and the post-tool
    /// hook's commands.
    func codexSessionStart(home: String) throws -> (TestRepo, String, [String: String], [String], String) {
        let log = home + "/hooks.log"
        let environment = ["HOME": home, "CODEX_HOME": home + "/codex", "AGENTREPLAY_HOOKS_LOG": log]
        let install = try CLI.run(["hooks", "install", "--agent", "codex"], in: home, environment: environment)
        XCTAssertEqual(install.status, 0, install.description)
        let hooksFile = home + "/codex/hooks.json"
        XCTAssertEqual(install.stdoutText, "\(hooksFile): installed for codex (SessionStart, PostToolUse)\n")
        let repo = try TestRepo(
            self,
            files: [
                "calc.py": "def add(a,b):\n    return a+b\n", ".gitignore": "*.log\n",
                "format.sh": "#!/bin/sh\nsed -i -e 's/(a,b)/(a, b)/' -e 's/a+b/a + b/' \"$@\"\n",
                "report.sh": "#!/bin/sh\necho 'add: ok' > report.txt\necho noise > run.log\n",
            ])
        let head = try repo.head
        let start: [String: Any] = [
            "session_id": Self.codexSession, "transcript_path": home + "/codex/sessions/rollout-\(Self.codexSession).jsonl",
            "cwd": repo.path, "hook_event_name": "SessionStart", "model": "gpt-5.5", "permission_mode": "bypassPermissions",
            "source": "startup",
        ]
        for command in try commands("SessionStart", in: hooksFile) {
            let result = try runHook(command, json: try json(start), in: repo.path, environment: environment)
            XCTAssertEqual(result.status, 0, result.description)
            XCTAssertEqual(result.stdout, [])
        }
        return (repo, head, environment, try commands("PostToolUse", in: hooksFile), log)
    }

    /// Runs the PostToolUse hooks as Codex does after the shell call `id` ran `command`.
    func codexPostTool(_ hooks: [String], id: String, command: String, repo: TestRepo, home: String, environment: [String: String]) throws {
        let input: [String: Any] = [
            "session_id": Self.codexSession, "turn_id": "019edb22-8976-7692-9f61-897cc598b805",
            "transcript_path": home + "/codex/sessions/rollout-\(Self.codexSession).jsonl", "cwd": repo.path,
            "hook_event_name": "PostToolUse", "model": "gpt-5.5", "permission_mode": "bypassPermissions",
            "tool_name": "Bash", "tool_input": ["command": command], "tool_response": "", "tool_use_id": id,
        ]
        XCTAssertFalse(hooks.isEmpty)
        for hook in hooks {
            let result = try runHook(hook, json: try json(input), in: repo.path, environment: environment)
            XCTAssertEqual(result.status, 0, result.description)
            XCTAssertEqual(result.stdout, [])
        }
    }

    func testACodexSessionWithHooksReplaysVerifiedWithEachScriptsChange() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let (repo, head, environment, postTool, log) = try codexSessionStart(home: home)
        let index = try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index"))

        // What Codex did: the formatter; the report, whose process outlives its call; the
        // patch (Codex writes NOTES.md); the poll that sees the report end.
        XCTAssertEqual(try Subprocess.run("/bin/sh", ["format.sh", "calc.py"], in: repo.path).status, 0)
        try codexPostTool(postTool, id: Self.formatCall, command: "sh format.sh calc.py", repo: repo, home: home, environment: environment)
        try repo.write(["NOTES.md": "calc.py is formatted\n"])
        XCTAssertEqual(try Subprocess.run("/bin/sh", ["report.sh"], in: repo.path).status, 0)
        try codexPostTool(postTool, id: Self.reportCall, command: "sh report.sh", repo: repo, home: home, environment: environment)
        XCTAssertFalse(FileManager.default.fileExists(atPath: log), (try? String(contentsOfFile: log, encoding: .utf8)) ?? "")
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")), index, "the index is untouched")
        XCTAssertEqual(try repo.head, head)
        XCTAssertEqual(
            try repo.git("for-each-ref", "--format=%(refname)", "refs/agentreplay/sessions/"),
            ["calls/\(Self.formatCall)", "calls/\(Self.reportCall)", "start"].map { "refs/agentreplay/sessions/\(Self.codexSession)/\($0)\n" }
                .joined())

        let rollout = try codexRollout(repo: repo, head: head, long: true, home: home)
        let run = try CLI.run(["run", rollout, "--repo", repo.path, "--json"], in: home, environment: environment)
        XCTAssertEqual(run.status, 0, run.description)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        XCTAssertEqual(document["outcome"] as? String, "verified")
        XCTAssertEqual((document["base"] as? [String: Any])?["chosen_by"] as? String, "hooks")
        let steps = try XCTUnwrap(document["steps"] as? [[String: Any]])
        func step(_ id: String) throws -> [String: Any] { try XCTUnwrap(steps.first { $0["tool_call_id"] as? String == id }, id) }
        func changed(_ step: [String: Any]) -> [String] { (step["changes"] as? [[String: Any]])?.compactMap { $0["path"] as? String } ?? [] }

        let format = try step(Self.formatCall)
        XCTAssertEqual(format["verdict"] as? String, "applied", "\(format)")
        XCTAssertNil(format["unverified"])
        XCTAssertEqual(changed(format), ["calc.py"])
        let formatCommit = try XCTUnwrap(format["commit"] as? String)
        XCTAssertEqual(try repo.git("show", "\(formatCommit):calc.py"), "def add(a, b):\n    return a + b\n")

        // The report's tree was recorded when the poll saw it end: it is the poll's effect.
        let report = try step(Self.reportCall)
        XCTAssertNil(report["unverified"], "\(report)")
        XCTAssertEqual(changed(report), [])
        XCTAssertTrue((report["note"] as? String ?? "").contains("its effect is in the working tree recorded when #"), "\(report)")
        let patch = try step(Self.patchCall)
        XCTAssertEqual(changed(patch), ["NOTES.md"])
        let poll = try step(Self.pollCall)
        XCTAssertEqual(poll["verdict"] as? String, "applied", "\(poll)")
        XCTAssertEqual(changed(poll), ["report.txt"], "the ignored run.log stays out")
        let pollCommit = try XCTUnwrap(poll["commit"] as? String)
        XCTAssertEqual(try repo.git("show", "\(pollCommit):report.txt"), "add: ok\n")
        XCTAssertEqual(try repo.git("rev-parse", "\(pollCommit)~1"), try XCTUnwrap(patch["commit"] as? String) + "\n")
    }

    func testACodexTreeRecordedUnderAnotherCallIDIsNotServed() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let (repo, head, environment, postTool, _) = try codexSessionStart(home: home)
        XCTAssertEqual(try Subprocess.run("/bin/sh", ["format.sh", "calc.py"], in: repo.path).status, 0)
        let other = "call_NotInThisRollout0000000"
        try codexPostTool(postTool, id: other, command: "sh format.sh calc.py", repo: repo, home: home, environment: environment)

        let rollout = try codexRollout(repo: repo, head: head, long: false, home: home)
        let run = try CLI.run(["run", rollout, "--repo", repo.path, "--json"], in: home, environment: environment)
        XCTAssertEqual(run.status, 3, run.description)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        XCTAssertEqual(document["outcome"] as? String, "unverified")
        let caveats = document["caveats"] as? [String] ?? []
        XCTAssertTrue(caveats.contains { $0.contains("1 shell call the log does not have (\(other))") }, "\(caveats)")
        let steps = try XCTUnwrap(document["steps"] as? [[String: Any]])
        let format = try XCTUnwrap(steps.first { $0["tool_call_id"] as? String == Self.formatCall })
        XCTAssertEqual(format["unverified"] as? Bool, true, "\(format)")
        XCTAssertNil(format["commit"])
        XCTAssertEqual(
            try repo.git("show", "refs/agentreplay/last:calc.py"), "def add(a,b):\n    return a+b\n",
            "the other call's tree is not passed off as this call's effect")
    }

    func testACodexTreeThatLacksTheEditsSinceItsCallIsNotUsed() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let (repo, head, environment, postTool, _) = try codexSessionStart(home: home)
        XCTAssertEqual(try Subprocess.run("/bin/sh", ["format.sh", "calc.py"], in: repo.path).status, 0)
        try codexPostTool(postTool, id: Self.formatCall, command: "sh format.sh calc.py", repo: repo, home: home, environment: environment)
        // The report's tree recorded before the patch wrote NOTES.md: not the state the poll saw.
        XCTAssertEqual(try Subprocess.run("/bin/sh", ["report.sh"], in: repo.path).status, 0)
        try codexPostTool(postTool, id: Self.reportCall, command: "sh report.sh", repo: repo, home: home, environment: environment)
        try repo.write(["NOTES.md": "calc.py is formatted\n"])

        let rollout = try codexRollout(repo: repo, head: head, long: true, home: home)
        let run = try CLI.run(["run", rollout, "--repo", repo.path, "--json"], in: home, environment: environment)
        XCTAssertEqual(run.status, 3, run.description)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(run.stdout)) as? [String: Any])
        XCTAssertEqual(document["outcome"] as? String, "unverified")
        let steps = try XCTUnwrap(document["steps"] as? [[String: Any]])
        let report = try XCTUnwrap(steps.first { $0["tool_call_id"] as? String == Self.reportCall })
        XCTAssertEqual(report["unverified"] as? Bool, true, "\(report)")
        XCTAssertTrue((report["note"] as? String ?? "").contains("does not hold NOTES.md as replayed since: not used"), "\(report)")
        let poll = try XCTUnwrap(steps.first { $0["tool_call_id"] as? String == Self.pollCall })
        XCTAssertNil(poll["commit"], "\(poll)")
        XCTAssertNotEqual(try Subprocess.run("/usr/bin/git", ["cat-file", "-e", "refs/agentreplay/last:report.txt"], in: repo.path).status, 0)
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:NOTES.md"), "calc.py is formatted\n")
    }

    /// docs/hooks.md's Codex example, as the page gives it: the committed rollout is what its
    /// script makes, and the run is verified with `VERSION` in the call's commit.
    func testTheDocumentedCodexExampleRunsVerified() throws {
        let home = try makeTemporaryDirectory(self, "home")
        let made = home + "/codex-rollout.jsonl"
        XCTAssertEqual(try Subprocess.run(packageRoot + "/fixtures/example/make-codex-rollout.py", [made], in: packageRoot).status, 0)
        let rollout = packageRoot + "/fixtures/example/codex-rollout.jsonl"
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: made)), try Data(contentsOf: URL(fileURLWithPath: rollout)))
        let repo = home + "/calc-codex"
        XCTAssertEqual(
            try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment).status, 0)
        let environment = ["HOME": home, "AGENTREPLAY_HOOKS_LOG": home + "/hooks.log"]
        let record = "'\(CLI.executable)' hooks record --agent codex --event "
        let start = try runHook(
            record + "session-start",
            json:
                #"{"session_id":"019edb22-0a24-74a1-922d-1f66ae0d7b88","transcript_path":null,"cwd":"REPO","hook_event_name":"SessionStart","model":"gpt-5.5","permission_mode":"default","source":"startup"}"#
                .replacingOccurrences(of: "REPO", with: repo), in: repo, environment: environment)
        XCTAssertEqual(start.status, 0, start.description)
        XCTAssertEqual(try Subprocess.run("/usr/bin/env", ["python3", "-c", "open('VERSION', 'w').write('0.2.0\\n')"], in: repo).status, 0)
        let post = try runHook(
            record + "post-tool",
            json:
                #"{"session_id":"019edb22-0a24-74a1-922d-1f66ae0d7b88","turn_id":"019edb22-8976-7692-9f61-897cc598b805","transcript_path":null,"cwd":"REPO","hook_event_name":"PostToolUse","model":"gpt-5.5","permission_mode":"default","tool_name":"Bash","tool_input":{"command":"python3 -c \"open('VERSION', 'w').write('0.2.0\\n')\""},"tool_response":"","tool_use_id":"call_X0RLVRaMrbIww9QT98sQDrPh"}"#
                .replacingOccurrences(of: "REPO", with: repo), in: repo, environment: environment)
        XCTAssertEqual(post.status, 0, post.description)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/hooks.log"))
        let run = try CLI.run(["run", rollout, "--repo", repo], in: home, environment: environment)
        XCTAssertEqual(run.status, 0, run.description)
        XCTAssertTrue(run.stdoutText.contains("its effect is the working tree recorded after it (1 file)"), run.stdoutText)
        XCTAssertTrue(run.stdoutText.hasSuffix("verified: every call's effect on the files is accounted for\n"), run.stdoutText)
        XCTAssertEqual(try Subprocess.run("/usr/bin/git", ["show", "refs/agentreplay/last:VERSION"], in: repo).stdoutText, "0.2.0\n")
    }
}
