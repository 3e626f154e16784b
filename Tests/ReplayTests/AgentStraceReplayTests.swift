import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// agent-strace traces replayed with Claude Code's tools: both recordings agent-strace made of
/// the session in `fixtures/example/` (live from its hooks, and converted from the log) replay
/// to the same files as the Claude Code log itself, and again from the native format.
final class AgentStraceReplayTests: XCTestCase {
    static let hooks = packageRoot + "/fixtures/agent-strace/hooks/51ea40b0-7088-44/events.ndjson"
    static let converted = packageRoot + "/fixtures/agent-strace/import/51ea40b0-7088-4482-8231-74d06cde3e3a/events.ndjson"

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

    func testBothRecordingsReplayLikeTheClaudeCodeLog() throws {
        let repo = try exampleRepo()
        let original = try replay(Importer.load(path: packageRoot + "/fixtures/example/session.jsonl"), onto: repo)
        // The session runs `python -m unittest`, which replay does not follow: unverified.
        XCTAssertEqual(original.run.outcome, .unverified, describe(original))

        let hooks = try replay(Importer.load(path: Self.hooks), onto: repo)
        let converted = try replay(Importer.load(path: Self.converted, options: Importer.Options(recordedRoot: "/home/dev/calc")), onto: repo)
        for r in [hooks, converted] {
            XCTAssertEqual(r.trace.header.agentName, "agent-strace")
            XCTAssertEqual(r.run.outcome, .unverified, describe(r))
            XCTAssertEqual(r.run.summary.unverified, original.run.summary.unverified)
            XCTAssertEqual(r.run.finalTree, original.run.finalTree)
            XCTAssertEqual(r.tools.map(\.verdict), original.tools.map(\.verdict))
            XCTAssertEqual(r.tools.map(\.toolName), original.tools.map(\.toolName))
            XCTAssertEqual(r.run.commits.count, original.run.commits.count)
        }
        // The converted log keeps Read's numbered lines: they are checked as Claude Code's are.
        XCTAssertTrue(converted.tools.filter { $0.toolName == "Read" }.allSatisfy { $0.paths.count == 1 && $0.drift.isEmpty })
        let failed = try XCTUnwrap(hooks.tools.first { $0.verdict == .failedAsRecorded })
        XCTAssertEqual(failed.toolName, "Edit")

        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(hooks.trace)).write(to: URL(fileURLWithPath: native))
        let again = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(again.run.commits, hooks.run.commits)
        XCTAssertEqual(again.run.steps.map(\.verdict), hooks.run.steps.map(\.verdict))
    }

    func testAReadThatShowsOtherLinesIsDrift() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\n"])
        let directory = try makeTemporaryDirectory(self, "trace")
        let lines = [
            #"{"event_type":"session_start","timestamp":1700000000,"event_id":"s0","session_id":"s","data":{"cwd":"/home/dev/p"}}"#,
            #"{"event_type":"tool_call","timestamp":1700000001,"event_id":"c1","session_id":"s","data":{"tool_name":"Read","arguments":{"file_path":"/home/dev/p/a.py"},"request_id":"t1"}}"#,
            #"{"event_type":"tool_result","timestamp":1700000002,"event_id":"r1","session_id":"s","data":{"tool_use_id":"t1","content_preview":"1\tx = 2\n2\t"}}"#,
            #"{"event_type":"tool_call","timestamp":1700000003,"event_id":"c2","session_id":"s","data":{"tool_name":"Write","arguments":{"file_path":"/home/dev/p/b.py","content":"b\n"},"tool_use_id":"t2"}}"#,
            #"{"event_type":"tool_result","timestamp":1700000004,"event_id":"r2","session_id":"s","parent_id":"c2","data":{"tool_name":"Write","result":"{'type': 'create'}"}}"#,
        ]
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: directory + "/events.ndjson"))
        let r = try replay(Importer.load(path: directory + "/events.ndjson"), onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied])
        XCTAssertEqual(r.tools[0].drift, [Drift(kind: .observation, path: "a.py", line: 1, recorded: "x = 2", replayed: "x = 1")])
        XCTAssertEqual(try r.file("b.py"), "b\n")
    }
}
