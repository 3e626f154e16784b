import Foundation
import Git
import Importers
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// Cost by sub-agent and by tool, on a real Claude Code 1.0.57 log with four sub-agents
/// (sidechains inline) replayed onto the base rebuilt from its records.
final class CostBreakdownTests: XCTestCase {
    func testThreadsAddUpAndToolsCountEachTurnOncePerTool() throws {
        let log = packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl"
        let base = try makeTemporaryDirectory(self, "breakdown") + "/base"
        let rebuilt = try Subprocess.run(
            "/usr/bin/env", ["python3", packageRoot + "/fixtures/scripts/rebuild-claude-base.py", log, base], in: packageRoot)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderrText)
        let s = try SessionFixture(self, files: [:], log: log, repository: base).session
        let b = s.breakdown
        XCTAssertEqual(b.subagents.map(\.step), [6, 104, 167, 206])
        XCTAssertTrue(b.subagents.allSatisfy { $0.taskCallID?.hasPrefix("toolu_") == true }, "each tied to its Task call")
        // Each model turn is in one thread: the threads add up to the session, exactly.
        let threads = [b.mainThread] + b.subagents.map(\.spend)
        XCTAssertEqual(threads.reduce(0) { $0 + $1.turns }, s.modelTurns.count)
        XCTAssertEqual(threads.reduce(Money.zero) { $0 + $1.cost }, s.spend.cost)
        XCTAssertEqual(threads.reduce(Usage()) { $0 + $1.usage }, s.spend.usage)
        XCTAssertEqual(b.mainThread.turns, 131)
        // Tools: the calls of each name, and every turn that asked for it once.
        let bash = try XCTUnwrap(b.tools.first { $0.name == "Bash" })
        XCTAssertEqual(bash.calls, 63)
        let glob = try XCTUnwrap(b.tools.first { $0.name == "Glob" })
        XCTAssertEqual([glob.calls, glob.spend.turns], [7, 1], "seven Glob calls asked for in one turn")
        let calls = s.turns.flatMap(\.actions).filter { $0.kind != .prompt && $0.kind != .event }.count
        XCTAssertEqual(b.tools.reduce(0) { $0 + $1.calls }, calls)
        let answers = try XCTUnwrap(b.tools.first { $0.name == CostBreakdown.noTool })
        XCTAssertEqual(answers.calls, 0)
        XCTAssertEqual(answers.spend.turns, s.modelTurns.filter { t in !t.actions.contains { $0.kind != .prompt && $0.kind != .event } }.count)
        XCTAssertEqual(b.tools.map(\.name), b.tools.map(\.name).sorted())
    }

    func testAnUnpricedModelLeavesItsThreadAndToolsOfUnknownCost() throws {
        let s = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"]) { log in
            log.model = "gpt-5.3-codex-spark"
            log.edit("a.txt", "two", "2")
        }.session
        XCTAssertEqual(s.breakdown.mainThread.unknownTurns, 1)
        XCTAssertEqual(s.breakdown.mainThread.cost, .zero)
        XCTAssertEqual(s.breakdown.tools.first { $0.name == "Edit" }?.spend.unknownTurns, 1)
    }
}
