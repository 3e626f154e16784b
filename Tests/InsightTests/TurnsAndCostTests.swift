import Git
import Importers
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// Sessions built from Claude Code logs replayed for real: turns, actions, line counts, and
/// the cost arithmetic per turn, file, hunk and outcome.
final class TurnsAndCostTests: XCTestCase {
    /// Each model turn of `ClaudeLog` uses 10 input, 20 output and 100 cache-read tokens:
    /// at claude-sonnet-4-5's $3 / $15 / $0.30 per million, 360,000,000 picodollars.
    let turnCost = Money(picodollars: 10 * 3_000_000 + 20 * 15_000_000 + 100 * 300_000)

    func story(_ log: inout ClaudeLog) {
        log.user("make two into three")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "two", "2\nthree")
        log.bash("ls", output: "a.txt")
        log.edit("a.txt", "one", "ONE")
        log.edit("a.txt", "ONE", "one")
        log.edit("a.txt", "zzz", "x", error: "String to replace not found in file.\nString: zzz")
    }

    func testTurnsGroupTheCallsTheModelAskedFor() throws {
        let f = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"], build: story)
        let s = f.session
        XCTAssertEqual(s.modelTurns.count, 6)
        XCTAssertEqual(s.turns.count, 7, "the prompt stands on its own")
        XCTAssertNil(s.turns[0].spanID)
        XCTAssertEqual(s.turns[0].actions.map(\.kind), [.prompt])
        XCTAssertEqual(s.turns[0].actions[0].text, "make two into three")
        XCTAssertEqual(s.modelTurns.map(\.number), [1, 2, 3, 4, 5, 6])
        XCTAssertEqual(s.modelTurns.map { $0.actions.map(\.kind) }, [[.read], [.edit], [.command], [.edit], [.edit], [.edit]])
        XCTAssertEqual(s.modelTurns.map(\.model), Array(repeating: "claude-sonnet-4-5", count: 6))

        let read = s.modelTurns[0].actions[0]
        XCTAssertEqual(read.paths, ["a.txt"])
        XCTAssertEqual(read.linesRead, 3, "Claude Code's record: numLines")
        let edit = s.modelTurns[1].actions[0]
        XCTAssertEqual(edit.changes.map(\.path), ["a.txt"])
        XCTAssertEqual(edit.changes[0].diff.added, 2)
        XCTAssertEqual(edit.changes[0].diff.removed, 1)
        XCTAssertEqual(edit.changes[0].diff.lines, [.hunk("@@ -1,2 +1,3 @@"), .context("one"), .removed("two"), .added("2"), .added("three")])
        let command = s.modelTurns[2].actions[0]
        XCTAssertEqual(command.shell, ShellCall(command: "ls", ending: .succeeded))
        let failed = s.modelTurns[5].actions[0]
        XCTAssertTrue(failed.failed)
        XCTAssertEqual(failed.verdict, .failedAsRecorded)
        XCTAssertEqual(failed.text, "String to replace not found in file.")
    }

    func testOutcomesSayWhatEachTurnLeftInTheFinalDiff() throws {
        let s = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"], build: story).session
        XCTAssertEqual(s.modelTurns.map(\.outcome), [.none, .kept, .none, .reverted, .reverted, .failed])
    }

    func testCostPerTurnFileHunkAndOutcome() throws {
        let s = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"], build: story).session
        XCTAssertEqual(s.modelTurns.map(\.cost), Array(repeating: turnCost, count: 6))
        let spend = s.spend
        XCTAssertTrue(spend.complete)
        XCTAssertEqual(spend.cost.picodollars, 6 * turnCost.picodollars)
        XCTAssertEqual(spend.usage, Usage(inputTokens: 60, outputTokens: 120, cacheReadTokens: 600, cacheCreationTokens: 0))
        XCTAssertEqual(spend.models.map(\.model), ["claude-sonnet-4-5"])
        XCTAssertEqual(spend.models[0].cost?.picodollars, 6 * turnCost.picodollars)
        XCTAssertEqual(spend.kept.turns, 1)
        XCTAssertEqual(spend.reverted.turns, 2)
        XCTAssertEqual(spend.failed.turns, 1)
        XCTAssertEqual(spend.other.turns, 2)
        XCTAssertEqual(spend.noTrace.turns, 3)
        XCTAssertEqual(spend.noTrace.cost.picodollars, 3 * turnCost.picodollars, "reverted edits and the failed retry")
        XCTAssertEqual(spend.failedCalls, 1)

        XCTAssertEqual(s.files.map(\.path), ["a.txt"])
        let file = s.files[0]
        XCTAssertEqual(file.reads, 1)
        XCTAssertEqual(file.writes, 3)
        XCTAssertEqual(file.failedEdits, 1)
        XCTAssertEqual(file.added, 4)
        XCTAssertEqual(file.removed, 3)
        XCTAssertEqual(file.finalAdded, 2)
        XCTAssertEqual(file.finalRemoved, 1)
        XCTAssertEqual(file.turns, [s.modelTurns[1].spanID!, s.modelTurns[3].spanID!, s.modelTurns[4].spanID!])
        XCTAssertEqual(file.cost?.picodollars, 3 * turnCost.picodollars)

        XCTAssertEqual(s.hunks.count, 1)
        let hunk = s.hunks[0]
        XCTAssertEqual([hunk.oldStart, hunk.oldLines, hunk.newStart, hunk.newLines], [2, 1, 2, 2])
        XCTAssertEqual(hunk.turns, [s.modelTurns[1].spanID!], "a hunk costs the turn that wrote it")
        XCTAssertEqual(hunk.cost, turnCost)
        XCTAssertEqual(hunk.usage, Usage(inputTokens: 10, outputTokens: 20, cacheReadTokens: 100, cacheCreationTokens: 0))
    }

    func testAModelWithoutAPriceHasAnUnknownCostNeverAGuess() throws {
        let s = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"]) { log in
            log.model = "claude-opus-4-99"
            log.edit("a.txt", "two", "2")
        }.session
        XCTAssertNil(s.modelTurns[0].cost)
        XCTAssertFalse(s.spend.complete)
        XCTAssertEqual(s.spend.cost, .zero)
        XCTAssertNil(s.spend.models[0].price)
        XCTAssertNil(s.spend.models[0].cost)
        XCTAssertNil(s.hunks[0].cost)
        XCTAssertNil(s.files[0].cost)
        XCTAssertEqual(s.spend.kept.unknownTurns, 1)
    }

    func testAPriceTableGivenByTheUserPricesIt() throws {
        let table = PriceTable(
            source: "mine",
            entries: [
                PriceTable.Entry(
                    model: "claude-opus-4-6", price: Price(input: 5_000_000, output: 25_000_000, cacheRead: 500_000, cacheWrite: 6_250_000))
            ])
        let s = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"], prices: table) { log in
            log.model = "claude-opus-4-6"
            log.edit("a.txt", "two", "2")
        }.session
        XCTAssertEqual(s.modelTurns[0].cost, Money(picodollars: 10 * 5_000_000 + 20 * 25_000_000 + 100 * 500_000))
        XCTAssertTrue(s.spend.complete)
    }

    /// Each dialect's shape, made canonical as the importers make it (`ShellCalls`), then read.
    func testShellCallsReadTheExitStatusEachDialectRecords() {
        let agents: [String: Agent] = [
            "shell": .codex, "exec_command": .codex, "run": .openHands, "run_shell_command": .gemini, "Bash": .claudeCode, "bash": .sweAgent,
        ]
        func span(_ tool: String, _ input: JSON, output: JSON? = nil, details: JSON? = nil, status: Span.Status = .ok) -> Span {
            ShellCalls.canonical(
                Span(
                    id: Span.ID("1"), kind: .tool, name: tool, status: status,
                    attributes: Attributes([(GenAI.toolName, .string(tool))]), input: input, output: output, details: details),
                agent: agents[tool] ?? .sweAgent)
        }
        XCTAssertEqual(
            ShellCall(span("shell", ["command": ["bash", "-lc", "make test"]], output: "Process exited with code 2\nOutput: …", status: .error)),
            ShellCall(command: "make test", ending: .exited(2)))
        XCTAssertEqual(ShellCall(span("exec_command", ["cmd": "ls"], details: ["exit_code": 0])), ShellCall(command: "ls", ending: .exited(0)))
        XCTAssertEqual(
            ShellCall(span("run", ["command": "pytest"], details: ["metadata": ["exit_code": 1]], status: .error)),
            ShellCall(command: "pytest", ending: .exited(1)))
        XCTAssertEqual(
            ShellCall(span("run_shell_command", ["command": "npm test"], output: "Command: npm test\nExit Code: 3\nSignal: (none)")),
            ShellCall(command: "npm test", ending: .exited(3)))
        XCTAssertEqual(ShellCall(span("Bash", ["command": "false"], output: "Error", status: .error)), ShellCall(command: "false", ending: .failed))
        XCTAssertEqual(ShellCall(span("bash", ["command": "ls"], status: .unset)), ShellCall(command: "ls", ending: .unknown))
        XCTAssertNil(ShellCall(span("Read", ["file_path": "/x"])))
        // What the importer wrote, and that the raw shape alone is no longer read.
        let codex = span("shell", ["command": ["bash", "-lc", "make test"], "workdir": "/w"], output: "Exit code: 2\n", status: .error)
        XCTAssertEqual(codex.attributes[GenAI.processCommandLine], .string("make test"))
        XCTAssertEqual(codex.attributes[GenAI.processExitCode], .number(2))
        XCTAssertEqual(codex.attributes[GenAI.processWorkingDirectory], .string("/w"))
        var raw = codex
        raw.attributes[GenAI.processCommandLine] = nil
        XCTAssertNil(ShellCall(raw))
    }

    func testGeminiThoughtsAreBilledAsOutput() throws {
        var log = GeminiSession()
        log.user("hello")
        log.gemini("Hello.")
        let folder = try makeTemporaryDirectory(self, "InsightTests")
        let s = try SessionFixture(self, files: ["README.md": "calc\n"], log: try log.save(in: folder)).session
        let turn = try XCTUnwrap(s.modelTurns.first)
        // 8,400 input of which 8,000 cached, 20 output and 24 thoughts, at gemini-2.5-pro's
        // $1.25 / $10 / $0.125 per million.
        // The thoughts are counted in the output, as the importer writes it.
        XCTAssertEqual(turn.usage, Usage(inputTokens: 400, outputTokens: 20 + 24, cacheReadTokens: 8000, cacheCreationTokens: 0))
        XCTAssertEqual(turn.reasoning, 24)
        XCTAssertEqual(turn.cost, Money(picodollars: 400 * 1_250_000 + (20 + 24) * 10_000_000 + 8000 * 125_000))
    }
}
