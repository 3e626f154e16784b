import Trace
import XCTest

/// How a shell call ended, decided by its agent's rules where the canonical attributes are
/// made (`ShellCalls.canonical`, `ShellEnding`), for each agent's shapes. The texts are the
/// agents' own: from the session logs under `fixtures/` and the corpus of public sessions
/// (`/work/shared/corpus`, named by case and line), and, where no recorded session has the
/// shape, as the agent's source writes it (named beside the row).
final class ShellEndingTests: XCTestCase {
    /// One shell call of `agent`'s log and the ending it must get.
    struct Row {
        var source: String
        var tool: String
        var status: Span.Status
        var input: JSON
        var output: JSON?
        var details: JSON?
        var attributes: [(String, JSON)] = []
        var ending: ShellEnding
    }

    /// Each row made canonical as `agent`'s importer makes it, then read back.
    func check(_ agent: Agent, _ rows: [Row], file: StaticString = #filePath, line: UInt = #line) {
        for row in rows {
            let span = Span(
                id: Span.ID("1"), kind: .tool, name: row.tool, status: row.status,
                attributes: Attributes([(GenAI.toolName, .string(row.tool))] + row.attributes), input: row.input, output: row.output,
                details: row.details)
            let canonical = ShellCalls.canonical(span, agent: agent)
            XCTAssertEqual(ShellEnding(attributes: canonical.attributes), row.ending, row.source, file: file, line: line)
            // Read again (a native trace written since): the ending is kept, not decided again.
            XCTAssertEqual(ShellCalls.canonical(canonical, agent: agent).attributes, canonical.attributes, row.source, file: file, line: line)
        }
    }

    func testClaudeCode() {
        let declined =
            "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:\ntoo slow."
        let blocked =
            "cd to '/Users/michael/Projects/oss' was blocked. For security, Claude Code may only change directories to child directories of the allowed working directories for this session (including '/Users/michael/Projects/oss/graph-monitor')."
        let denied =
            "Permission to use Bash with command cd /tmp/test-opencode-hooks && ls -la .entire/metadata/test-session-123/tasks/test-call-abc/ has been denied."
        check(
            .claudeCode,
            [
                Row(
                    source: "fixtures/example/session.jsonl line 20", tool: "Bash", status: .ok,
                    input: ["command": "python -m unittest discover -s tests", "description": "Run the test suite"],
                    output: "......\n----------------------------------------------------------------------\nRan 6 tests in 0.001s\n\nOK",
                    details: ["stdout": "OK", "stderr": "", "interrupted": false, "isImage": false], ending: .succeeded),
                Row(
                    source: "EntityProcess__agentv__ckpt-7ad2528cc37f-0 line 35", tool: "Bash", status: .error,
                    input: ["command": "git push -u origin chore/enable-entire"],
                    output: "Exit code 1\n[entire] Pushing entire/checkpoints/v1 to origin.... done\nLint....Failed",
                    details: "Error: Exit code 1\n[entire] Pushing entire/checkpoints/v1 to origin.... done", ending: .failed("Exit code 1")),
                Row(
                    source: "fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl line 326", tool: "Bash", status: .error,
                    input: ["command": "npm start 2>&1 | head -20"], output: "Command timed out after 2m 0.0s",
                    details: "Error: Command timed out after 2m 0.0s", ending: .failed("Command timed out after 2m 0.0s")),
                Row(
                    source: "fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl line 381", tool: "Bash", status: .error,
                    input: ["command": "cd .. && mv data-capture/tsconfig.json src/"], output: .string(blocked),
                    details: .string("Error: " + blocked),
                    ending: .neverRan(String(blocked.prefix(200)) + "…")),
                Row(
                    source: "entireio__cli__ckpt-2373a92c6c40-0 line 227", tool: "Bash", status: .error,
                    input: ["command": "mise run test:integration 2>&1"], output: .string(declined), details: .string("Error: " + declined),
                    ending: .neverRan(
                        "The user doesn't want to proceed with this tool use. The tool use was rejected (eg. if it was a file edit, the new_string was NOT written to the file). To tell you how to proceed, the user said:"
                    )),
                Row(
                    source: "entireio__cli__ckpt-d87ee3bab4de-0 line 148", tool: "Bash", status: .error,
                    input: ["command": "cd /tmp/test-opencode-hooks && ls -la .entire/metadata/test-session-123/tasks/test-call-abc/"],
                    output: .string(denied), details: .string("Error: " + denied), ending: .neverRan(denied)),
                Row(
                    source: "entireio__cli__ckpt-1458abcc699d-0 line 245", tool: "Bash", status: .error, input: ["command": "mise run fmt"],
                    output:
                        "The user doesn't want to take this action right now. STOP what you are doing and wait for the user to tell you how to proceed.",
                    ending: .neverRan(
                        "The user doesn't want to take this action right now. STOP what you are doing and wait for the user to tell you how to proceed."
                    )),
                Row(
                    source: "entireio__cli__ckpt-1a8a83a35a9b-0 line 11", tool: "Bash", status: .error,
                    input: ["command": "git worktree list 2>&1"], output: "<tool_use_error>Sibling tool call errored</tool_use_error>",
                    details: "Sibling tool call errored", ending: .neverRan("Sibling tool call errored")),
                Row(
                    source: "blackgirlbytes__planetfall-seed-signalkit__ckpt-f672bf98caa8-0 line 233", tool: "Bash", status: .ok,
                    input: ["command": "npm run dev -- --host 127.0.0.1 --port 5199", "run_in_background": true],
                    output: "Command running in background with ID: b7hrna12e. Output is being written to: /private/tmp/b7hrna12e.output.",
                    details: ["stdout": "", "stderr": "", "interrupted": false, "backgroundTaskId": "b7hrna12e"],
                    ending: .unknown("run in the background")),
                Row(
                    source: "toolUseResult.interrupted, as Claude Code records a call the user stopped", tool: "Bash", status: .ok,
                    input: ["command": "npm test"], output: "", details: ["stdout": "", "stderr": "", "interrupted": true],
                    ending: .unknown("interrupted")),
                Row(
                    source: "entireio__cli__ckpt-4c70d9b5734c-0 line 230 (no result in the log)", tool: "Bash", status: .unset,
                    input: ["command": "git add cmd && git commit -m fix"], ending: .unknown("the log has no result for this call")),
            ])
    }

    func testCodex() {
        check(
            .codex,
            [
                Row(
                    source: "EntityProcess__agentv__ckpt-0034f597b72d-1 line 11", tool: "exec_command", status: .ok,
                    input: [
                        "cmd":
                            "cd /home/entity/projects/EntityProcess/agentv && curl -sSL https://api.github.com/repos/EntityProcess/agentv/issues/386"
                    ],
                    output: "Chunk ID: 2238c8\nWall time: 0.1597 seconds\nProcess exited with code 0\nOriginal token count: 1009\nOutput:\n{\n",
                    ending: .succeeded),
                Row(
                    source: "EntityProcess__agentv__ckpt-0034f597b72d-1 line 385", tool: "exec_command", status: .error,
                    input: ["cmd": "cd /home/entity/projects/EntityProcess/agentv && rg -n evaluate packages/sdk/src/evaluate.ts"],
                    output:
                        "Chunk ID: f60d8e\nWall time: 0.0000 seconds\nProcess exited with code 2\nOriginal token count: 19\nOutput:\nrg: packages/sdk/src/evaluate.ts: No such file or directory (os error 2)\n",
                    ending: .failed("rg: packages/sdk/src/evaluate.ts: No such file or directory (os error 2)")),
                Row(
                    source: "EntityProcess__agentv__ckpt-1f4427577930-0 line 533", tool: "exec_command", status: .ok,
                    input: ["cmd": "bd dep add av-44n.3 av-44n.2", "workdir": "/home/entity/projects/EntityProcess/agentv", "yield_time_ms": 30000],
                    output: "Chunk ID: 730715\nWall time: 30.0032 seconds\nProcess running with session ID 66547\nOriginal token count: 0\nOutput:\n",
                    ending: .unknown("still running when its output was recorded")),
                Row(
                    source: "codex: the shell tool's output (format_exec_output_str)", tool: "shell", status: .error,
                    input: ["command": ["bash", "-lc", "make test"]],
                    output: "Exit code: 2\nWall time: 0.2 seconds\nOutput:\nmake: *** No rule to make target 'test'.  Stop.\n",
                    ending: .failed("make: *** No rule to make target 'test'.  Stop.")),
                Row(
                    source: "EntityProcess__agentv__ckpt-3c162d1d8ad4-1 line 901 (no result in the log)", tool: "exec_command", status: .unset,
                    input: ["cmd": "bun test"], ending: .unknown("the log has no result for this call")),
            ])
    }

    func testGeminiCLI() {
        /// The text gemini-cli's `run_shell_command` gives the model (`packages/core/src/tools/shell.ts`).
        func text(exitCode: String, signal: String = "(none)", error: String = "(none)") -> JSON {
            .string(
                "Command: make\nDirectory: (root)\nOutput: (empty)\nError: \(error)\nExit Code: \(exitCode)\nSignal: \(signal)\n"
                    + "Background PIDs: (none)\nProcess Group PGID: 4242")
        }
        let success: [(String, JSON)] = [("agentreplay.gemini.status", "success")]
        check(
            .gemini,
            [
                Row(
                    source: "entireio__cli__ckpt-9c53780d06b7-0 line 66", tool: "run_shell_command", status: .ok,
                    input: ["command": "ls -l docs/blue.md"],
                    output:
                        "Command: ls -l docs/blue.md\nDirectory: (root)\nOutput: -rw-r--r--@ 1 peytonmontei  staff  309 Jan 15 12:51 docs/blue.md\nError: (none)\nExit Code: 0\nSignal: 0\nBackground PIDs: (none)\nProcess Group PGID: 26593",
                    attributes: success, ending: .succeeded),
                Row(
                    source: "computermode__test-repo__ckpt-14d75ebe3a6d-0 line 17 (no Exit Code line)", tool: "run_shell_command", status: .ok,
                    input: ["command": "echo \"test\""], output: "Output: test\nProcess Group PGID: 58096", details: "test", attributes: success,
                    ending: .unknown("no exit code recorded")),
                Row(
                    source: "shell.ts: a non-zero exit", tool: "run_shell_command", status: .ok, input: ["command": "make"],
                    output: text(exitCode: "2"), attributes: success, ending: .failed("exit code 2")),
                Row(
                    source: "shell.ts: killed by a signal", tool: "run_shell_command", status: .ok, input: ["command": "make"],
                    output: text(exitCode: "(none)", signal: "SIGTERM"), attributes: success, ending: .failed("signal SIGTERM")),
                Row(
                    source: "shell.ts: the shell could not start it", tool: "run_shell_command", status: .error, input: ["command": "make"],
                    output: text(exitCode: "(none)", error: "spawn /bin/bash ENOENT"), attributes: [("agentreplay.gemini.status", "error")],
                    ending: .failed("spawn /bin/bash ENOENT")),
                Row(
                    source: "gemini-cli: a call the user did not allow", tool: "run_shell_command", status: .error, input: ["command": "rm a.txt"],
                    output: "[Operation Cancelled] Reason: User did not allow tool call", attributes: [("agentreplay.gemini.status", "cancelled")],
                    ending: .neverRan("cancelled: the call did not run")),
                Row(
                    source: "shell.ts: cancelled while it ran", tool: "run_shell_command", status: .ok, input: ["command": "npm test"],
                    output: "Command was cancelled by user before it could complete. There was no output before it was cancelled.",
                    attributes: [("agentreplay.gemini.status", "cancelled")], ending: .unknown("cancelled while it ran")),
                Row(
                    source: "gemini-cli: cancelled with output", tool: "run_shell_command", status: .error, input: ["command": "npm test"],
                    output: "partial output", attributes: [("agentreplay.gemini.status", "cancelled")],
                    ending: .unknown("cancelled, perhaps while it ran")),
            ])
    }

    func testOpenCode() {
        let rejected = "The user rejected permission to use this specific tool call."
        check(
            .openCode,
            [
                Row(
                    source: "MandavkarPranjal__www__ckpt-01KY27KHZEEHNZVDH0A0X35VXR-4 line 998", tool: "bash", status: .ok,
                    input: ["command": "npx tsc --noEmit", "timeout": 30000, "workdir": "/home/himmel/personal/www"], output: "(no output)",
                    details: ["output": "(no output)", "exit": 0, "truncated": false], ending: .succeeded),
                Row(
                    source: "opencode bash.ts: metadata.exit, a non-zero exit", tool: "bash", status: .ok, input: ["command": "npx tsc --noEmit"],
                    output: "src/a.ts(1,1): error TS2304", details: ["output": "src/a.ts(1,1): error TS2304", "exit": 2, "truncated": false],
                    ending: .failed("exit code 2")),
                Row(
                    source: "opencode bash.ts: metadata.exit null (killed: a timeout, an abort)", tool: "bash", status: .ok,
                    input: ["command": "npm run dev"], output: "ready", details: ["output": "ready", "exit": nil, "truncated": false],
                    ending: .unknown("no exit code recorded (a timeout, or aborted)")),
                Row(
                    source: "opencode permission RejectedError", tool: "bash", status: .error, input: ["command": "rm -rf dist"],
                    output: .string(rejected), ending: .neverRan(rejected)),
                Row(
                    source: "opencode: a tool error", tool: "bash", status: .error, input: ["command": "make"],
                    output: "Error: spawn make ENOENT", ending: .failed("spawn make ENOENT")),
            ])
    }

    func testOpenHands() {
        /// A `run` observation's extras as OpenHands writes them (`CmdOutputMetadata`).
        func extras(_ exitCode: Int64, suffix: String) -> JSON {
            [
                "command": "make",
                "metadata": [
                    "exit_code": .number(exitCode), "pid": -1, "username": "openhands", "hostname": "runtime", "working_dir": "/workspace",
                    "prefix": "", "suffix": .string(suffix),
                ],
            ]
        }
        let run: [(String, JSON)] = [("agentreplay.openhands.action", "run"), ("agentreplay.openhands.observation", "run")]
        let notExecuted =
            "\n[Your command \"npm test\" is NOT executed. The previous command is still running - You CANNOT send new commands until the previous command is completed.]"
        check(
            .openHands,
            [
                Row(
                    source: "fixtures/openhands/openhands__calc-current.json line 1334", tool: "execute_bash", status: .ok,
                    input: ["command": "mkdir -p tests", "is_input": false, "cwd": nil], output: "",
                    details: extras(0, suffix: "\n[The command completed with exit code 0.]"), attributes: run, ending: .succeeded),
                Row(
                    source: "OpenHands: a non-zero exit", tool: "execute_bash", status: .ok, input: ["command": "make"], output: "make: *** Error 2",
                    details: extras(2, suffix: "\n[The command completed with exit code 2.]"), attributes: run, ending: .failed("exit code 2")),
                Row(
                    source: "OpenHands bash.py: a timeout (exit code -1)", tool: "execute_bash", status: .ok, input: ["command": "make"],
                    output: "building…",
                    details: extras(
                        -1,
                        suffix:
                            "\n[The command timed out after 120 seconds. You may wait longer to see additional output by sending empty command '']"),
                    attributes: run, ending: .unknown("timed out")),
                Row(
                    source: "OpenHands bash.py: no new output (exit code -1)", tool: "execute_bash", status: .ok, input: ["command": "make"],
                    output: "building…", details: extras(-1, suffix: "\n[The command has no new output after 30 seconds.]"), attributes: run,
                    ending: .unknown("no exit code recorded (a timeout, or still running)")),
                Row(
                    source: "OpenHands bash.py: the previous command still running", tool: "execute_bash", status: .ok,
                    input: ["command": "npm test"],
                    output: "[Below is the output of the previous command.]\n⠏", details: extras(-1, suffix: notExecuted), attributes: run,
                    ending: .neverRan("not executed: the previous command was still running")),
                Row(
                    source: "OpenHands: the user rejected the action", tool: "execute_bash", status: .error, input: ["command": "rm -rf /workspace"],
                    output: "Action has been rejected by the user! Waiting for further user input.",
                    attributes: [("agentreplay.openhands.action", "run"), ("agentreplay.openhands.observation", "user_rejected")],
                    ending: .neverRan("rejected by the user: Action has been rejected by the user! Waiting for further user input.")),
                Row(
                    source: "OpenHands bash.py: several commands at once", tool: "execute_bash", status: .error, input: ["command": "ls\npwd"],
                    output:
                        "ERROR: Cannot execute multiple commands at once.\nPlease run each command separately OR chain them into a single command via && or ;\nProvided commands:\n(1) ls\n(2) pwd",
                    attributes: [("agentreplay.openhands.action", "run"), ("agentreplay.openhands.observation", "error")],
                    ending: .neverRan("Cannot execute multiple commands at once.")),
                Row(
                    source: "OpenHands: an error observation", tool: "execute_bash", status: .error, input: ["command": "make"],
                    output: "ERROR: The runtime is not responding",
                    attributes: [("agentreplay.openhands.action", "run"), ("agentreplay.openhands.observation", "error")],
                    ending: .failed("The runtime is not responding")),
                Row(
                    source: "OpenHands: an action without its observation", tool: "execute_bash", status: .ok, input: ["command": "make"],
                    attributes: [("agentreplay.openhands.action", "run")], ending: .unknown("the log has no result for this call")),
            ])
    }

    func testSWEAgentKeepsNoExitStatus() {
        check(
            .sweAgent,
            [
                Row(
                    source: "fixtures/swe-agent/swe-agent-0.x__test-repo-1c2844.traj", tool: "bash", status: .ok,
                    input: ["command": "python tests/missing_colon.py\n"], output: "8.2\n", ending: .unrecorded),
                Row(
                    source: "an action without its observation", tool: "bash", status: .unset, input: ["command": "ls"],
                    ending: .unknown("the log has no result for this call")),
            ])
    }

    /// A trace of an agent with no rules (a trace from another OpenTelemetry source) gets no
    /// ending: replay then says it does not know how the call ended. Nor does a call that
    /// names no command.
    func testNoRulesNoEnding() {
        let span = Span(
            id: Span.ID("1"), kind: .tool, name: "bash", status: .ok, attributes: Attributes([(GenAI.toolName, "bash")]),
            input: ["command": "ls"], output: "a\n")
        XCTAssertNil(ShellEnding(attributes: ShellCalls.canonical(span, agent: Agent("some-agent")).attributes))
        XCTAssertEqual(ShellCalls.canonical(span, agent: Agent("some-agent")).attributes[GenAI.processCommandLine], "ls")
        var none = span
        none.input = ["description": "nothing to run"]
        XCTAssertNil(ShellCalls.canonical(none, agent: .sweAgent).attributes[GenAI.processEnding])
    }

    /// The attributes name the ending and its reason; one that is not a known ending is none.
    func testTheAttributesReadBack() {
        XCTAssertEqual(
            ShellEnding(attributes: Attributes([(GenAI.processEnding, "failed"), (GenAI.processEndingReason, "exit code 2")])),
            .failed("exit code 2"))
        XCTAssertEqual(ShellEnding(attributes: Attributes([(GenAI.processEnding, "never_ran")])), .neverRan(nil))
        XCTAssertNil(ShellEnding(attributes: Attributes([(GenAI.processEnding, "exploded")])))
        XCTAssertNil(ShellEnding(attributes: Attributes([(GenAI.processEnding, 3)])))
    }
}
