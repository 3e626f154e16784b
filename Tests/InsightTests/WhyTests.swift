import Foundation
import Git
import Importers
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// `Why` on sessions replayed for real: the bundled example onto the repository its script
/// builds, a real Claude Code 1.0.57 log (sub-agents inline) onto the base rebuilt from its
/// records, and a formatter's change recovered from what the log showed later.
final class WhyTests: XCTestCase {
    struct Replayed {
        let trace: Trace
        let run: Run
        let repository: Repository

        func why(_ target: Why.Target) throws(Why.Failure) -> Why {
            var final: ObjectID? = nil
            if case let .line(path, _) = target { final = try? repository.entry(in: run.finalTree, path: path)?.id }
            return try Why(target, trace: trace, run: run, final: final, read: repository.blob)
        }
    }

    func replay(_ log: String, onto directory: String) throws -> Replayed {
        let trace = try Importer.load(path: log)
        let repository = try Repository.open(directory, objectsInMemory: true)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        return Replayed(trace: trace, run: run, repository: repository)
    }

    func example() throws -> Replayed {
        let repo = try makeTemporaryDirectory(self, "why") + "/calc"
        let made = try Subprocess.run("/usr/bin/env", ["bash", packageRoot + "/fixtures/example/make-repo.sh", repo], in: packageRoot)
        XCTAssertEqual(made.status, 0, made.stderrText)
        return try replay(packageRoot + "/fixtures/example/session.jsonl", onto: repo)
    }

    // MARK: The example

    func testALineLeadsToItsEditTheTurnThePromptAndTheReadsBefore() throws {
        let r = try example()
        let why = try r.why(.line(path: "calc/ops.py", number: 25))
        XCTAssertEqual(why.line?.text, "        raise ZeroDivisionError(\"calc.divide: cannot divide by zero\")")
        XCTAssertEqual(why.line?.count, 26)
        let call = try XCTUnwrap(why.call)
        XCTAssertEqual(call.place.index, 7)
        XCTAssertEqual(call.tool, "Edit")
        XCTAssertEqual(call.paths, ["calc/ops.py"])
        XCTAssertEqual(call.place.line, 12, "the tool_use line of session.jsonl")
        XCTAssertEqual(call.place.resultLine, 13)
        XCTAssertNil(call.recoveredFrom)
        let turn = try XCTUnwrap(why.turn)
        XCTAssertEqual(turn.number, 3)
        XCTAssertEqual(turn.place.index, 6)
        XCTAssertEqual(turn.text, "I'll add `divide` after `multiply`, with an explicit check for zero.")
        XCTAssertNil(turn.reasoning, "the example records no thinking")
        XCTAssertEqual(turn.calls, [call.callID].compactMap { $0 })
        let prompt = try XCTUnwrap(why.prompt)
        XCTAssertEqual(prompt.place.index, 0)
        XCTAssertTrue(prompt.text.hasPrefix("Add a divide function to calc."), prompt.text)
        XCTAssertNil(why.agent)
        // The three Reads before turn 3, with what they showed; nothing of the turn itself.
        XCTAssertEqual(why.seen.map(\.place.index), [2, 4, 5])
        XCTAssertEqual(why.seen.map(\.kind), [.read, .read, .read])
        XCTAssertEqual(why.seen.map(\.paths), [["calc/ops.py"], ["calc/__init__.py"], ["README.md"]])
        XCTAssertTrue(why.seen[0].output.contains("def multiply(a, b):"), why.seen[0].output)
        XCTAssertEqual(why.baseCommit?.hex, "4d3d3471eab70986575dcbedb306f313b9aed5d3")
    }

    func testAFailureAndACommandSeenBeforeALaterTurn() throws {
        let r = try example()
        // README.md's divide line: written by the Edit that came after a failed one.
        let readme = try String(decoding: r.repository.blob(XCTUnwrap(r.repository.entry(in: r.run.finalTree, path: "README.md")).id), as: UTF8.self)
        let number = try XCTUnwrap(readme.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("divide") }) + 1
        let why = try r.why(.line(path: "README.md", number: number))
        let kinds = why.seen.map(\.kind)
        XCTAssertTrue(kinds.contains(.failure), "the Edit that failed: \(kinds)")
        XCTAssertTrue(kinds.contains(.command), "the test run: \(kinds)")
        let failure = try XCTUnwrap(why.seen.first { $0.kind == .failure })
        XCTAssertTrue(failure.output.contains("String to replace not found"), failure.output)
        let command = try XCTUnwrap(why.seen.first { $0.kind == .command })
        XCTAssertNotNil(command.shell)
        XCTAssertFalse(why.seen.contains { $0.place.index >= (why.turn?.place.index ?? 0) }, "only what came before the turn")
        XCTAssertFalse(why.seen.contains { $0.kind == .read && $0.failed })
    }

    func testSpansByPlaceIdAndCallID() throws {
        let r = try example()
        let byPlace = try r.why(.index(7))
        XCTAssertEqual(byPlace.call?.place.index, 7)
        XCTAssertNil(byPlace.line)
        let id = byPlace.call!.place.spanID.rawValue
        XCTAssertEqual(try r.why(.id(String(id.prefix(12)))).call?.place.index, 7)
        XCTAssertEqual(try r.why(.id(byPlace.call!.callID!)).call?.place.index, 7)
        // A model turn asked about is its own turn; a prompt is its own prompt.
        let turn = try r.why(.index(6))
        XCTAssertNil(turn.call)
        XCTAssertEqual(turn.turn?.number, 3)
        XCTAssertEqual(turn.prompt?.place.index, 0)
        let prompt = try r.why(.index(0))
        XCTAssertEqual(prompt.prompt?.place.index, 0)
        XCTAssertTrue(prompt.seen.isEmpty)
    }

    func testClearFailures() throws {
        let r = try example()
        XCTAssertThrowsError(try r.why(.line(path: "calc/ops.py", number: 15))) { error in
            guard case let .fromBase(path, line, text, base, seenAt) = error as? Why.Failure else { return XCTFail("\(error)") }
            XCTAssertEqual([path, String(line), text], ["calc/ops.py", "15", "    \"\"\"Return the product of a and b.\"\"\""])
            XCTAssertEqual(base?.hex, "4d3d3471eab70986575dcbedb306f313b9aed5d3")
            XCTAssertNil(seenAt)
            XCTAssertEqual(
                String(describing: error),
                "calc/ops.py:15 was written by no span of the session: it comes from the base, commit 4d3d3471eab70986575dcbedb306f313b9aed5d3")
        }
        XCTAssertThrowsError(try r.why(.line(path: "calc/ops.py", number: 27))) { error in
            XCTAssertEqual(String(describing: error), "calc/ops.py:27: the file has 26 lines after the run")
        }
        XCTAssertThrowsError(try r.why(.line(path: "calc/ops.py", number: 0))) { error in
            XCTAssertEqual(String(describing: error), "calc/ops.py:0: lines are numbered from 1")
        }
        XCTAssertThrowsError(try r.why(.line(path: "nope.py", number: 1))) { error in
            XCTAssertEqual(String(describing: error), "nope.py does not exist after the run: it is not in the base and no span created it")
        }
        XCTAssertThrowsError(try r.why(.index(r.run.steps.count))) { error in
            XCTAssertEqual(String(describing: error), "#23: no such span in the session (it has 23 spans, #0 to #22)")
        }
        XCTAssertThrowsError(try r.why(.id("zz")))
    }

    func testTargetsAreParsed() {
        XCTAssertEqual(Why.Target.parse("src/a.c:12"), .line(path: "src/a.c", number: 12))
        XCTAssertEqual(Why.Target.parse("C:/x:3"), .line(path: "C:/x", number: 3))
        XCTAssertEqual(Why.Target.parse("#7"), .index(7))
        XCTAssertEqual(Why.Target.parse("#x"), .id("#x"))
        XCTAssertEqual(Why.Target.parse("071818bd751e"), .id("071818bd751e"))
        XCTAssertEqual(Why.Target.parse("a.c:"), .id("a.c:"))
        XCTAssertNil(Why.Target.parse(""))
    }

    // MARK: A real log with sub-agents

    func testASubAgentsEditHasTheSubAgentsPromptAndReads() throws {
        let log = packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl"
        let base = try makeTemporaryDirectory(self, "why-real") + "/base"
        let rebuilt = try Subprocess.run(
            "/usr/bin/env", ["python3", packageRoot + "/fixtures/scripts/rebuild-claude-base.py", log, base], in: packageRoot)
        XCTAssertEqual(rebuilt.status, 0, rebuilt.stderrText)
        let r = try replay(log, onto: base)
        // src/rollup.ts was written by a sub-agent in data-capture/ and moved by a Bash `mv`;
        // its line 2's `.ts` import is a second sub-agent's Edit.
        let why = try r.why(.line(path: "src/rollup.ts", number: 2))
        XCTAssertEqual(why.line?.text, "import type Database from './database.ts';")
        XCTAssertEqual(why.call?.place.index, 188)
        XCTAssertEqual(why.call?.tool, "Edit")
        XCTAssertEqual(why.call?.paths, ["data-capture/rollup.ts"], "the path when it was written")
        XCTAssertEqual(why.agent?.index, 167)
        XCTAssertEqual(why.turn?.place.index, 187)
        XCTAssertEqual(why.turn?.model, "claude-opus-4-20250514")
        // The prompt is the sub-agent's task, not the session's last user message.
        XCTAssertEqual(why.prompt?.place.index, 168)
        XCTAssertTrue(why.prompt?.text.hasPrefix("The TypeScript files in data-capture are using .js extensions") == true, why.prompt?.text ?? "")
        XCTAssertEqual(why.seen.map(\.place.index), [170, 172, 174, 176, 178, 180])
        XCTAssertTrue(why.seen.allSatisfy { $0.kind == .read })
        XCTAssertTrue(why.seen[3].output.contains("import type Database from './database.js';"), "what it read before changing it")
    }

    // MARK: A change recovered from a shell call

    func testARecoveredChangeNamesTheShellCallAndWhereItWasInferredFrom() throws {
        let plain = "package main\nfunc main(){}\n"
        let formatted = "package main\n\nfunc main() {}\n"
        let repo = try TestRepo(self, files: ["main.go": plain])
        var log = ClaudeLog()
        log.user("format the code")
        log.read("main.go", plain)
        log.bash("gofmt -w main.go")
        let read = log.read("main.go", formatted)
        let r = try replay(try log.save(in: try makeTemporaryDirectory(self, "why-recovered")), onto: repo.path)
        let observedAt = try XCTUnwrap(r.run.steps.first { $0.callID == read }?.index)
        let why = try r.why(.line(path: "main.go", number: 3))
        XCTAssertEqual(why.line?.text, "func main() {}")
        let call = try XCTUnwrap(why.call)
        XCTAssertEqual(call.tool, "Bash")
        XCTAssertEqual(call.shell?.command, "gofmt -w main.go")
        XCTAssertEqual(call.recoveredFrom, observedAt)
        XCTAssertEqual(why.prompt?.text, "format the code")
        XCTAssertEqual(why.seen.map(\.kind), [.read])
    }
}
