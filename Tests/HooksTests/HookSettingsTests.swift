import Hooks
import TestSupport
import Trace
import XCTest

/// Installing into settings files that already hold other things, and taking out only what
/// was installed.
final class HookSettingsTests: XCTestCase {
    let executable = "/opt/agent replay/bin/agentreplay"

    /// A user's settings as they might be: other members, another hook on the same event.
    let existing = """
        {
          "model": "opus",
          "permissions": {"allow": ["Bash(ls:*)"], "deny": []},
          "hooks": {
            "PostToolUse": [
              {"matcher": "Edit|Write", "hooks": [{"type": "command", "command": "prettier --write", "timeout": 30}]}
            ],
            "Stop": [{"hooks": [{"type": "command", "command": "say done"}]}]
          },
          "cleanupPeriodDays": 1.50
        }

        """

    func settings(_ text: String) throws -> JSON { try JSONParser.parse(text) }

    func testInstallKeepsEverythingElseAndAddsEachHookOnce() throws {
        let before = try settings(existing)
        let after = try HookSettings.install(
            .claudeCode, command: { HookAgent.claudeCode.command(executable: executable, records: $0) }, into: before)
        XCTAssertEqual(after["model"], .string("opus"))
        XCTAssertEqual(after["permissions"], before["permissions"])
        XCTAssertEqual(after["cleanupPeriodDays"], .number("1.50"), "a number keeps its digits")
        XCTAssertEqual(after["hooks"]?["Stop"], before["hooks"]?["Stop"])
        let post = try XCTUnwrap(after["hooks"]?["PostToolUse"]?.arrayValue)
        XCTAssertEqual(post.count, 2, "the user's group stays, ours is added after it")
        XCTAssertEqual(post[0], before["hooks"]?["PostToolUse"]?.arrayValue?[0])
        XCTAssertEqual(post[1]["matcher"], .string("Bash"))
        XCTAssertEqual(
            post[1]["hooks"]?.arrayValue?.first?["command"],
            .string("'/opt/agent replay/bin/agentreplay' hooks record --agent claude-code --event post-tool"))
        let start = try XCTUnwrap(after["hooks"]?["SessionStart"]?.arrayValue)
        XCTAssertEqual(start.count, 1)
        XCTAssertNil(start[0]["matcher"], "every start: startup, resume, clear, compact")
        XCTAssertEqual(HookSettings.installed(.claudeCode, in: after).map(\.event), ["PostToolUse", "SessionStart"])
        XCTAssertEqual(HookSettings.installed(.codex, in: after).count, 0, "another agent's hooks are not ours")

        let again = try HookSettings.install(.claudeCode, command: { HookAgent.claudeCode.command(executable: executable, records: $0) }, into: after)
        XCTAssertEqual(SettingsFile.bytes(of: again), SettingsFile.bytes(of: after), "installing twice adds nothing")

        let moved = try HookSettings.install(
            .claudeCode, command: { HookAgent.claudeCode.command(executable: "/usr/bin/agentreplay", records: $0) }, into: after)
        XCTAssertEqual(
            HookSettings.installed(.claudeCode, in: moved).map(\.command),
            [
                "/usr/bin/agentreplay hooks record --agent claude-code --event post-tool",
                "/usr/bin/agentreplay hooks record --agent claude-code --event session-start",
            ], "a moved executable replaces our command, adds no second hook")

        let removed = try HookSettings.uninstall(.claudeCode, from: after)
        XCTAssertEqual(removed, before, "uninstall takes out exactly what install added")
        XCTAssertEqual(try HookSettings.uninstall(.claudeCode, from: before), before)
    }

    func testInstallIntoEmptySettingsAndUninstallLeavesNoHooksMember() throws {
        let after = try HookSettings.install(
            .geminiCLI, command: { HookAgent.geminiCLI.command(executable: "agentreplay", records: $0) }, into: .object([("theme", .string("dark"))]))
        XCTAssertEqual(
            JSONWriter.string(after),
            #"{"theme":"dark","hooks":{"SessionStart":[{"hooks":[{"name":"agentreplay-session-start","type":"command","command":"agentreplay hooks record --agent gemini-cli --event session-start"}]}]}}"#
        )
        XCTAssertEqual(try HookSettings.uninstall(.geminiCLI, from: after), .object([("theme", .string("dark"))]))
    }

    func testSettingsOfTheWrongShapeAreRefused() throws {
        XCTAssertThrowsError(try HookSettings.install(.claudeCode, command: { _ in "x" }, into: .array([]))) {
            XCTAssertEqual(($0 as? HookSettings.ShapeError)?.field, "the settings")
        }
        XCTAssertThrowsError(try HookSettings.install(.claudeCode, command: { _ in "x" }, into: try settings(#"{"hooks": []}"#))) {
            XCTAssertEqual(($0 as? HookSettings.ShapeError)?.field, "hooks")
        }
        XCTAssertThrowsError(try HookSettings.install(.claudeCode, command: { _ in "x" }, into: try settings(#"{"hooks": {"PostToolUse": {}}}"#))) {
            XCTAssertEqual(($0 as? HookSettings.ShapeError)?.field, "hooks.PostToolUse")
        }
    }

    func testFilesAreMergedWrittenAtomicallyAndBadOnesLeftAlone() throws {
        let home = try makeTemporaryDirectory(self, "hooks")
        let places = HookInstaller.Places(project: home + "/project", environment: ["HOME": home, "CLAUDE_CONFIG_DIR": home + "/claude"])
        let path = home + "/claude/settings.json"
        try FileManager.default.createDirectory(atPath: home + "/claude", withIntermediateDirectories: true)
        try Data(existing.utf8).write(to: URL(fileURLWithPath: path))
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)

        let first = try HookInstaller.install(.claudeCode, scope: .user, executable: executable, at: places)
        XCTAssertEqual(first.path, path, "CLAUDE_CONFIG_DIR is honoured")
        XCTAssertTrue(first.wrote)
        let written = try Data(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int), 0o600, "the file keeps its permissions")
        let second = try HookInstaller.install(.claudeCode, scope: .user, executable: executable, at: places)
        XCTAssertFalse(second.wrote)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), written, "deterministic and idempotent")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: home + "/claude"), ["settings.json"], "no temporary file left")

        let status = HookInstaller.status(of: [.claudeCode], at: places)
        XCTAssertEqual(status.map(\.scope), [.user, .project, .local])
        XCTAssertEqual(status[0].events, ["PostToolUse", "SessionStart"])
        XCTAssertEqual(status[1].path, home + "/project/.claude/settings.json")
        XCTAssertFalse(status[1].exists)

        let project = try HookInstaller.install(.claudeCode, scope: .local, executable: executable, at: places)
        XCTAssertEqual(project.path, home + "/project/.claude/settings.local.json", "the folder is made")
        XCTAssertThrowsError(try HookInstaller.install(.codex, scope: .local, executable: executable, at: places))

        let removed = try HookInstaller.uninstall(.claudeCode, scope: .user, at: places)
        XCTAssertTrue(removed.wrote)
        XCTAssertEqual(try JSONParser.parse([UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))), try settings(existing))
        let none = try HookInstaller.uninstall(.codex, scope: .user, at: places)
        XCTAssertFalse(none.wrote)
        XCTAssertFalse(FileManager.default.fileExists(atPath: home + "/.codex/hooks.json"), "uninstalling from no file makes none")

        // A file that is not JSON: refused with its line, and not touched.
        let bad = "{\n  \"model\": \"opus\",\n  \"hooks\": {,\n}\n"
        try Data(bad.utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try HookInstaller.install(.claudeCode, scope: .user, executable: executable, at: places)) { error in
            let failure = error as? SettingsFile.Failure
            XCTAssertEqual(failure?.path, path)
            XCTAssertEqual(failure?.line, 3)
            XCTAssertTrue(failure?.description.hasPrefix(path + ":3: not JSON") == true, failure?.description ?? "")
        }
        XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: path)), as: UTF8.self), bad)
        XCTAssertNotNil(HookInstaller.status(of: [.claudeCode], at: places)[0].problem)
    }

    func testSettingsPathsOfEachAgent() {
        let env = ["HOME": "/home/u", "CODEX_HOME": "/srv/codex"]
        XCTAssertEqual(
            HookAgent.claudeCode.settingsPath(scope: .user, project: "/p", environment: ["HOME": "/home/u"]), "/home/u/.claude/settings.json")
        XCTAssertEqual(HookAgent.claudeCode.settingsPath(scope: .project, project: "/p", environment: env), "/p/.claude/settings.json")
        XCTAssertEqual(HookAgent.codex.settingsPath(scope: .user, project: "/p", environment: env), "/srv/codex/hooks.json")
        XCTAssertEqual(HookAgent.codex.settingsPath(scope: .project, project: "/p", environment: env), "/p/.codex/hooks.json")
        XCTAssertEqual(HookAgent.geminiCLI.settingsPath(scope: .user, project: "/p", environment: env), "/home/u/.gemini/settings.json")
        XCTAssertNil(HookAgent.geminiCLI.settingsPath(scope: .local, project: "/p", environment: env))
    }
}
