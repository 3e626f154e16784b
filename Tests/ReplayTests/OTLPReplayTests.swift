import Foundation
import XCTest

import Git
import Importers
import Replay
import Trace

/// OTLP/JSON exports replayed: a Claude Code session exported with the GenAI conventions
/// replays like the Claude Code log itself (pretty or one request per line, and again from
/// the native format); an agent replay has no semantics for is replayed from its recorded
/// effects; the lossy export agent-strace makes flags what it cut instead of writing it.
final class OTLPReplayTests: XCTestCase {
    static let directory = packageRoot + "/fixtures/otlp"
    static let root = Importer.Options(recordedRoot: "/home/dev/calc")

    func exampleRepo() throws -> TestRepo {
        let directory = try makeTemporaryDirectory(self, "calc") + "/repo"
        let result = try Subprocess.run("/usr/bin/env", ["bash", packageRoot + "/fixtures/example/make-repo.sh", directory], in: packageRoot)
        XCTAssertEqual(result.status, 0, result.stderrText)
        return TestRepo(existing: directory)
    }

    func describe(_ r: Replayed) -> String {
        r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }
            .joined(separator: "\n")
    }

    func testAClaudeCodeExportReplaysWithClaudeCodesTools() throws {
        let repo = try exampleRepo()
        let original = try replay(Importer.load(path: packageRoot + "/fixtures/example/session.jsonl"), onto: repo)
        for name in ["claude-code-genai.json", "claude-code-genai.jsonl"] {
            let trace = try Importer.load(path: Self.directory + "/" + name, options: Self.root)
            XCTAssertEqual(trace.header.agentName, "claude-code")
            XCTAssertEqual(trace.header.sourceFormat, "otlp")
            let r = try replay(trace, onto: repo)
            // Like the log itself: `python -m unittest` leaves it unverified, nothing contradicts it.
            XCTAssertEqual(r.run.outcome, original.run.outcome, describe(r))
            XCTAssertEqual(r.run.outcome, .unverified, describe(r))
            XCTAssertEqual(r.run.finalTree, original.run.finalTree, name)
            XCTAssertEqual(r.tools.map(\.verdict), original.tools.map(\.verdict), name)
            XCTAssertEqual(r.tools.map(\.callID), original.tools.map(\.callID), name)
        }
        let trace = try Importer.load(path: Self.directory + "/claude-code-genai.json", options: Self.root)
        let direct = try replay(trace, onto: repo)
        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.run.commits, direct.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), direct.run.steps.map(\.verdict))
    }

    func testAnAgentWithoutSemanticsIsReplayedFromItsEffects() throws {
        let repo = try TestRepo(self, files: ["old.md": "old\n"])
        let trace = try Importer.load(path: Self.directory + "/other-agent.json")
        XCTAssertEqual(trace.header.agentName, "my-agent")
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied])
        XCTAssertEqual(try r.file("notes.md"), "saved\n")
        XCTAssertNil(try r.file("old.md"))
    }

    func testWhatALossyExportCutIsNotWritten() throws {
        let repo = try exampleRepo()
        let trace = try Importer.load(path: Self.directory + "/agent-strace-otlp-genai.json", options: Self.root)
        XCTAssertEqual(trace.header.agentName, "claude-code", "gen_ai.agent.name on its session span")
        let r = try replay(trace, onto: repo)
        let spans = Dictionary(uniqueKeysWithValues: r.trace.spans.map { ($0.id, $0) })
        for step in r.tools {
            let span = try XCTUnwrap(spans[step.spanID])
            let cut = span.attributes["agentreplay.input_truncated"] != nil || span.attributes["agentreplay.input_unreadable"] != nil
            if cut, ["Edit", "MultiEdit", "Write"].contains(step.toolName ?? "") {
                XCTAssertEqual(step.verdict, .mismatch, "\(step.toolName ?? "") \(span.input ?? .null)")
                XCTAssertNil(step.commit)
            }
        }
        XCTAssertEqual(r.trace.spans.first { $0.toolName == "Write" }?.attributes["agentreplay.input_truncated"], ["content"])
        let multi = try XCTUnwrap(r.trace.spans.first { $0.toolName == "MultiEdit" })
        XCTAssertEqual(
            multi.attributes["agentreplay.input_truncated"] ?? multi.attributes["agentreplay.input_unreadable"], ["edits"],
            "a list written as Python, and cut")
        XCTAssertTrue(r.tools.contains { $0.toolName == "Edit" && $0.verdict == .applied }, "a short edit is whole, and applied")
    }
}
