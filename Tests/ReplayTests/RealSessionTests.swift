import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// Real Claude Code logs (`fixtures/claude/`), replayed onto the start state rebuilt from
/// their own records by `fixtures/scripts/rebuild-claude-base.py`. Every applied edit must
/// produce exactly what the agent's record says the file became: the recorded
/// `structuredPatch` applied to the recorded before-image (`Write`: the content written).
final class RealSessionTests: XCTestCase {
    static let v2 = "claude-code-2.1.100__computermode-test-repo.jsonl"
    static let v1 = "claude-code-1.0.57__kiliman-claude-transcript.jsonl"
    static let editTools: Set<String> = ["Edit", "MultiEdit", "Write"]

    func fixture(_ name: String) -> String { packageRoot + "/fixtures/claude/" + name }

    /// Runs the rebuild script as a real process; returns the repository and its base commit.
    func rebuildBase(_ log: String) throws -> TestRepo {
        let directory = try makeTemporaryDirectory(self, "real-base") + "/base"
        let script = packageRoot + "/fixtures/scripts/rebuild-claude-base.py"
        let result = try Subprocess.run("/usr/bin/env", ["python3", script, log, directory], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderrText)
        let repo = TestRepo(existing: directory)
        XCTAssertEqual(result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines), try repo.head)
        return repo
    }

    func replayFixture(_ name: String) throws -> Replayed {
        let path = fixture(name)
        let repo = try rebuildBase(path)
        return try replay(Importer.load(path: path), onto: repo)
    }

    /// Checks every applied edit against the log's own record of it; returns how many.
    @discardableResult
    func assertEditsMatchTheirRecords(_ r: Replayed, file: StaticString = #filePath, line: UInt = #line) throws -> Int {
        let spans = Dictionary(uniqueKeysWithValues: r.trace.spans.map { ($0.id, $0) })
        var checked = 0
        for step in r.tools where step.verdict == .applied {
            let span = try XCTUnwrap(spans[step.spanID])
            let name = step.toolName ?? ""
            guard Self.editTools.contains(name) else { continue }
            let change = try XCTUnwrap(
                step.changes.first, "\(name) at source line \(span.attributes[GenAI.sourceLine]?.intValue ?? 0) changed nothing", file: file,
                line: line)
            XCTAssertEqual(step.changes.count, 1, file: file, line: line)
            let after = try String(decoding: XCTUnwrap(change.after.map(r.repository.blob)), as: UTF8.self)
            let details = try XCTUnwrap(span.details, file: file, line: line)
            let expected: String
            if name == "Write" {
                expected = try XCTUnwrap(span.input?["content"]?.stringValue)
            } else {
                let original = try XCTUnwrap((details["originalFile"] ?? details["originalFileContents"])?.stringValue)
                // The before-image is what replay held just before the edit…
                let before = try change.before.map { String(decoding: try r.repository.blob($0), as: UTF8.self) }
                XCTAssertEqual(before, original, "before-image of \(change.path)", file: file, line: line)
                // …and the recorded patch on it gives what replay wrote.
                expected = try StructuredPatch.apply(XCTUnwrap(details["structuredPatch"]?.arrayValue), to: original)
            }
            XCTAssertEqual(
                after, expected, "\(name) \(change.path) (source line \(span.attributes[GenAI.sourceLine]?.intValue ?? 0))", file: file, line: line)
            checked += 1
        }
        return checked
    }

    // MARK: Claude Code 2.1.100

    func testClaudeCode2SessionReplaysClean() throws {
        let r = try replayFixture(Self.v2)
        XCTAssertEqual(r.trace.header.agentVersion, "2.1.100")
        XCTAssertEqual(r.trace.header.repoRoot, "/Users/ninawork/entire/test-repos/test-repo")
        XCTAssertTrue(r.run.clean, r.run.steps.map { "\($0.index) \($0.name) \($0.verdict) \($0.drift)" }.joined(separator: "\n"))
        XCTAssertEqual(r.tools.map { "\($0.toolName ?? "") \($0.verdict)" }, ["Read served", "Edit applied", "Edit applied", "Edit applied"])
        XCTAssertEqual(r.run.commits.count, 3)
        XCTAssertEqual(r.run.drift, [])
        XCTAssertEqual(try assertEditsMatchTheirRecords(r), 3)
        XCTAssertEqual(Set(r.tools.flatMap(\.paths)), ["test-compact-transcript/steps.md"])
    }

    func testClaudeCode2TokensAreCountedOncePerMessage() throws {
        let r = try replayFixture(Self.v2)
        XCTAssertEqual(r.run.summary.usage, try usagePerMessage(fixture(Self.v2)))
        XCTAssertEqual(r.run.summary.usage, Usage(inputTokens: 16, outputTokens: 647, cacheReadTokens: 131_208, cacheCreationTokens: 40_403))
    }

    // MARK: Claude Code 1.0.57

    func testClaudeCode1SessionLandsEveryEdit() throws {
        let r = try replayFixture(Self.v1)
        let edits = r.tools.filter { Self.editTools.contains($0.toolName ?? "") }
        XCTAssertEqual(edits.count, 38)
        XCTAssertEqual(edits.filter { $0.verdict == .applied }.count, 36)
        let failed = edits.filter { $0.verdict == .failedAsRecorded }
        XCTAssertEqual(
            failed.map(\.note), ["String to replace not found in file.", "File has not been read yet. Read it first before writing to it."])
        XCTAssertEqual(failed.map(\.paths), [["data-capture/index.ts"], ["src/database.ts"]])
        XCTAssertEqual(r.run.summary.notReplayable, 0)
        // 36 edits, and 14 Bash calls whose `rm` and `mv` replay follows (`ShellReplay`).
        XCTAssertEqual(r.run.summary.editsApplied, 50)
        XCTAssertEqual(r.run.commits.count, 50)
        XCTAssertEqual(r.tools.filter { $0.toolName == "Bash" && $0.verdict == .applied }.count, 14)
        XCTAssertEqual(try assertEditsMatchTheirRecords(r), 36)
    }

    /// The session's only drift used to be the Read of `web/serve-charts.ts`, which a Bash
    /// `mv serve-charts.ts web/` put there; with the `mv` replayed, the Read matches.
    func testClaudeCode1ReplaysCleanOnceItsMvIsReplayed() throws {
        let r = try replayFixture(Self.v1)
        // Nothing contradicts it; `npm install` and the other flagged calls leave it unverified.
        XCTAssertEqual(
            r.run.outcome, .unverified,
            r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map { "\($0.index) \($0.name) \($0.verdict) \($0.drift)" }.joined(
                separator: "\n"))
        XCTAssertEqual(r.run.drift, [])

        let mv = try XCTUnwrap(r.trace.spans.first { $0.input?["command"]?.stringValue == "mv serve-charts.ts web/" })
        let moved = try XCTUnwrap(r.run.steps.first { $0.spanID == mv.id })
        XCTAssertEqual(moved.verdict, .applied)
        XCTAssertFalse(moved.unseenEffects)
        XCTAssertEqual(moved.changes.map(\.path), ["serve-charts.ts", "web/serve-charts.ts"])
        XCTAssertEqual(moved.changes[0].before, moved.changes[1].after, "the same blob, moved")
        XCTAssertNil(moved.changes[0].after)

        let read = try XCTUnwrap(r.run.steps.first { $0.toolName == "Read" && $0.paths == ["web/serve-charts.ts"] })
        XCTAssertGreaterThan(read.index, moved.index)
        XCTAssertEqual(read.drift, [])

        // `web/` is a directory only because `mkdir -p src data web/charts` made `web/charts`
        // two calls before (git holds no empty directory).
        let mkdir = try XCTUnwrap(
            r.trace.spans.first { $0.input?["command"]?.stringValue?.hasPrefix("cd .. && mkdir -p src data web/charts") == true })
        XCTAssertLessThan(try XCTUnwrap(r.run.steps.first { $0.spanID == mkdir.id }).index, moved.index)

        // Files the log never showed (metrics.db, charts/*) are moved by calls flagged, not failed.
        let flagged = r.tools.filter(\.unseenEffects)
        let spans = Dictionary(uniqueKeysWithValues: r.trace.spans.map { ($0.id, $0) })
        let commands = flagged.compactMap { spans[$0.spanID]?.input?["command"]?.stringValue }
        XCTAssertTrue(commands.contains("mv metrics.db data/"))
        XCTAssertTrue(commands.contains("npm install"))
        XCTAssertFalse(commands.contains("git status"))
        XCTAssertEqual(flagged.count, 25)
    }

    func testClaudeCode1SubagentCallsHangUnderAgentSpans() throws {
        let trace = try Importer.load(path: fixture(Self.v1))
        let spans = Dictionary(uniqueKeysWithValues: trace.spans.map { ($0.id, $0) })
        func agent(of span: Span) -> Span? {
            var at = span.parentID.flatMap { spans[$0] }
            while let s = at, s.kind != .agent { at = s.parentID.flatMap { spans[$0] } }
            return at
        }
        let multiEdits = trace.spans.filter { $0.toolName == "MultiEdit" }
        XCTAssertEqual(multiEdits.count, 4)
        // The first three ran in a sub-agent (`isSidechain: true`), the last in the main session.
        XCTAssertEqual(multiEdits.map { agent(of: $0) != nil }, [true, true, true, false])
        XCTAssertEqual(trace.spans.filter { $0.kind == .agent }.count, 4, "one agent span per Task call")
    }

    func testClaudeCode1TokensAreCountedOncePerMessage() throws {
        let trace = try Importer.load(path: fixture(Self.v1))
        let total = trace.spans.filter { $0.kind == .llm }.map(\.usage).reduce(Usage(), +)
        XCTAssertEqual(total, try usagePerMessage(fixture(Self.v1)))
        XCTAssertEqual(total.outputTokens, 45_843)
    }

    /// Usage summed over distinct `message.id`s (the largest count of each when a message is
    /// logged over several lines), computed with Foundation's parser, not the project's.
    func usagePerMessage(_ path: String) throws -> Usage {
        var perMessage: [String: [String: Int64]] = [:]
        let text = try String(contentsOfFile: path, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            guard object["type"] as? String == "assistant", let message = object["message"] as? [String: Any],
                let id = message["id"] as? String, let usage = message["usage"] as? [String: Any]
            else { continue }
            for key in ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] {
                let value = (usage[key] as? NSNumber)?.int64Value ?? 0
                perMessage[id, default: [:]][key] = max(perMessage[id]?[key] ?? 0, value)
            }
        }
        var total = Usage()
        for counts in perMessage.values {
            total =
                total
                + Usage(
                    inputTokens: counts["input_tokens"] ?? 0, outputTokens: counts["output_tokens"] ?? 0,
                    cacheReadTokens: counts["cache_read_input_tokens"] ?? 0,
                    cacheCreationTokens: counts["cache_creation_input_tokens"] ?? 0)
        }
        return total
    }
}
