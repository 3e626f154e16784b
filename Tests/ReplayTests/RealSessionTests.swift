import Foundation
import XCTest

import Git
import Importers
import Replay
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
            let change = try XCTUnwrap(step.changes.first, "\(name) at source line \(span.attributes[GenAI.sourceLine]?.intValue ?? 0) changed nothing", file: file, line: line)
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
            XCTAssertEqual(after, expected, "\(name) \(change.path) (source line \(span.attributes[GenAI.sourceLine]?.intValue ?? 0))", file: file, line: line)
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
        XCTAssertEqual(failed.map(\.note), ["String to replace not found in file.", "File has not been read yet. Read it first before writing to it."])
        XCTAssertEqual(failed.map(\.paths), [["data-capture/index.ts"], ["src/database.ts"]])
        XCTAssertEqual(r.run.summary.notReplayable, 0)
        XCTAssertEqual(r.run.summary.editsApplied, 36)
        XCTAssertEqual(r.run.commits.count, 36)
        XCTAssertEqual(try assertEditsMatchTheirRecords(r), 36)
    }

    func testClaudeCode1OnlyDriftIsTheReadOfAFileABashCallMoved() throws {
        let r = try replayFixture(Self.v1)
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(r.run.drift.count, 1)
        let step = try XCTUnwrap(r.run.steps.first { !$0.drift.isEmpty })
        XCTAssertEqual(step.toolName, "Read")
        XCTAssertEqual(step.paths, ["web/serve-charts.ts"])
        let drift = try XCTUnwrap(step.drift.first)
        XCTAssertEqual(drift.kind, .existence)
        XCTAssertEqual(drift.path, "web/serve-charts.ts")
        XCTAssertEqual(drift.recorded, "(file read)")
        XCTAssertEqual(drift.replayed, "(no file)")

        // Every suspect is a Bash call before the Read, and the `mv` that put the file
        // there is one of them.
        let spans = Dictionary(uniqueKeysWithValues: r.trace.spans.map { ($0.id, $0) })
        let index = Dictionary(uniqueKeysWithValues: r.run.steps.map { ($0.spanID, $0.index) })
        XCTAssertFalse(drift.suspects.isEmpty)
        for suspect in drift.suspects {
            XCTAssertEqual(spans[suspect]?.toolName, "Bash")
            XCTAssertLessThan(try XCTUnwrap(index[suspect]), step.index)
        }
        let mv = try XCTUnwrap(r.trace.spans.first { $0.input?["command"]?.stringValue == "mv serve-charts.ts web/" })
        XCTAssertTrue(drift.suspects.contains(mv.id))
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
                  let id = message["id"] as? String, let usage = message["usage"] as? [String: Any] else { continue }
            for key in ["input_tokens", "output_tokens", "cache_read_input_tokens", "cache_creation_input_tokens"] {
                let value = (usage[key] as? NSNumber)?.int64Value ?? 0
                perMessage[id, default: [:]][key] = max(perMessage[id]?[key] ?? 0, value)
            }
        }
        var total = Usage()
        for counts in perMessage.values {
            total = total + Usage(inputTokens: counts["input_tokens"] ?? 0, outputTokens: counts["output_tokens"] ?? 0,
                                  cacheReadTokens: counts["cache_read_input_tokens"] ?? 0,
                                  cacheCreationTokens: counts["cache_creation_input_tokens"] ?? 0)
        }
        return total
    }
}
