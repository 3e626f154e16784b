import XCTest

@testable import Replay
@testable import ToolSemantics
import Trace

/// What the Claude Code dialect knows beyond edits: calls that never ran, the agent's own
/// notes outside the repository, the tools that cannot change files, and what its records
/// say in their own way (`create` over an empty file, patches shown with tabs as spaces).
final class ClaudeCodeToolsTests: XCTestCase {
    let base = ["a.txt": "alpha\nbeta\n"]

    /// Parallel calls cancelled because a sibling failed (as Claude Code 2.x logs them), and
    /// calls refused by the tool's input schema, never ran: failed as recorded, even where
    /// replaying them would succeed, and a shell call among them leaves no unseen effects.
    func testCallsThatNeverRanFailAsRecorded() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let edit = log.edit("a.txt", "alpha", "ALPHA", error: "Sibling tool call errored")
        let write = log.write("b.txt", "new\n", error: "Cancelled: parallel tool call Bash(make) errored")
        let bash = log.failing("Bash", ["command": "touch c.txt && make"], error: "Sibling tool call errored")
        let read = log.failing(
            "Read", ["file_path": "/home/dev/project/a.txt", "offset": "2"],
            error:
                "InputValidationError: Read failed due to the following issue:\nThe parameter `offset` type is expected as `number` but provided as `string`"
        )
        let sleep = log.failing("Bash", ["command": "sleep 45 && cat out.txt"], error: "Blocked: sleep 45 followed by: cat out.txt")
        let r = try replay(log, onto: repo)
        for call in [edit, write, bash, read, sleep] {
            let step = try r.step(call)
            XCTAssertEqual(step.verdict, .failedAsRecorded, "\(step.toolName ?? "") \(step.note ?? "")")
            XCTAssertFalse(step.unseenEffects)
        }
        XCTAssertEqual(try r.step(edit).note, "never ran: Sibling tool call errored")
        XCTAssertTrue(r.changedNothing)
        XCTAssertTrue(r.run.clean)
    }

    /// Plans, memory and to-dos in `~/.claude` are the agent's notes: listed, not failures.
    /// Another file outside the repository still is.
    func testTheAgentsOwnNotesAreListedNotFlagged() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let plan = log.write("/Users/dev/.claude/plans/quiet-moon.md", "# Plan\n")
        let memory = log.edit("/home/dev/.claude/projects/-home-dev-project/memory/MEMORY.md", "a", "b")
        let elsewhere = log.write("/opt/scratch/shot.mjs", "x\n")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(plan).verdict, .served)
        XCTAssertEqual(try r.step(plan).note, "the agent's own notes, outside the repository: /Users/dev/.claude/plans/quiet-moon.md")
        XCTAssertEqual(try r.step(memory).verdict, .served)
        XCTAssertEqual(try r.step(elsewhere).verdict, .outsideRepo)
        XCTAssertTrue(r.changedNothing)
        XCTAssertEqual(r.run.summary.notReplayable, 1)
    }

    func testAgentNotesAreToldByTheHomesShape() {
        for path in [
            "/Users/a/.claude/plans/p.md", "/home/a/.claude/todos/t.json", "/root/.claude/plans/p.md",
            "~/.claude/plans/p.md", "C:\\Users\\a\\.claude\\plans\\p.md",
        ] {
            XCTAssertTrue(ClaudeCodeTools.isAgentNotes(path), path)
        }
        for path in ["/tmp/.claude/plans/p.md", "/Users/a/other/.claude/settings.json", "/Users/a/.claude", "/srv/x.md"] {
            XCTAssertFalse(ClaudeCodeTools.isAgentNotes(path), path)
        }
    }

    /// Every tool the real Claude Code sessions use that cannot change a file is listed
    /// (`ToolRoles`); sub-agents and tools that write are not.
    func testTheReadOnlyToolsOfRealSessionsAreListed() {
        let seen = [
            "Glob", "Grep", "LS", "TodoWrite", "TaskCreate", "TaskUpdate", "TaskList", "TaskOutput", "WebFetch",
            "WebSearch", "EnterPlanMode", "ExitPlanMode", "AskUserQuestion", "Skill", "ToolSearch",
        ]
        for tool in seen { XCTAssertTrue(ToolRoles.claudeCodeObserving.contains(tool), tool) }
        for tool in ["Task", "Agent", "Bash", "Edit", "Write", "MultiEdit", "NotebookEdit", "Read"] {
            XCTAssertFalse(ToolRoles.claudeCodeObserving.contains(tool), tool)
        }
    }

    func testReadOnlyToolsAreServed() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        let todo = log.tool("TaskCreate", ["subject": "do it"], result: "Task #1 created")
        let search = log.tool("ToolSearch", ["query": "select:WebFetch"], result: "found")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(todo).verdict, .served)
        XCTAssertEqual(try r.step(search).verdict, .served)
        XCTAssertTrue(r.run.clean)
    }

    /// Claude Code records a Write over an empty file as `create`, with no `originalFile`
    /// (an empty before-image reads as none): not an existence drift.
    func testAWriteOverAnEmptyFileRecordedAsCreateIsNoDrift() throws {
        let repo = try TestRepo(self, files: ["empty.md": ""])
        var log = ClaudeLog()
        let call = log.write("empty.md", "step one\n", created: true)
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertTrue(r.run.clean)
    }

    /// The `structuredPatch` of a file indented with tabs shows them as two spaces (every
    /// Claude Code version in the corpus): the after-image is compared in that form.
    func testAnAfterImageShownWithTabsAsSpacesIsNoDrift() throws {
        let original = "package a\n\nfunc f() int {\n\treturn 1\n}\n"
        let repo = try TestRepo(self, files: ["a.go": original])
        var log = ClaudeLog()
        let patch: [JSON] = [
            [
                "oldStart": 3, "oldLines": 3, "newStart": 3, "newLines": 4,
                "lines": [" func f() int {", "-  return 1", "+  x := 2", "+  return x", " }"],
            ]
        ]
        let call = log.edit("a.go", "\treturn 1", "\tx := 2\n\treturn x", originalFile: original, patch: patch)
        let wrong = log.edit(
            "a.go", "\treturn x", "\treturn x + 1", originalFile: "package a\n\nfunc f() int {\n\tx := 2\n\treturn x\n}\n",
            patch: [["oldStart": 5, "oldLines": 1, "newStart": 5, "newLines": 1, "lines": ["-  return x", "+  return x - 1"]]])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).drift, [])
        XCTAssertEqual(try r.step(wrong).drift.map(\.kind), [.afterImage], "a real difference still shows")
        XCTAssertEqual(try r.file("a.go"), "package a\n\nfunc f() int {\n\tx := 2\n\treturn x + 1\n}\n")
    }

    /// A result whose call the log does not hold (an excerpt that begins after the call):
    /// what it did is unknown.
    func testAResultWithoutItsCallIsNotReplayable() throws {
        let repo = try TestRepo(self, files: base)
        var log = ClaudeLog()
        log.result("toolu_before_the_log", "All the changes have been made.")
        log.edit("a.txt", "alpha", "ALPHA")
        let r = try replay(log, onto: repo)
        let step = try r.step("toolu_before_the_log")
        XCTAssertEqual(step.verdict, .notReplayable)
        XCTAssertEqual(r.run.summary.notReplayable, 1)
        XCTAssertEqual(try r.file("a.txt"), "ALPHA\nbeta\n")
    }
}
