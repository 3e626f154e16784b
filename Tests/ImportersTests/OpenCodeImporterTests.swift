import Foundation
import XCTest

@testable import Importers
import TestSupport
import Trace

/// How an `opencode export` document becomes spans: detection (apart from SWE-agent, whose
/// trajectories may also open with `info`), the repo root, usage and cost per step, tool parts
/// with redacted ids, and each turn's summary after its last step. Read from a real export
/// (`fixtures/opencode/`).
final class OpenCodeImporterTests: XCTestCase {
    static let fixture = packageRoot + "/fixtures/opencode/opencode-1.2.16__reglint-agents-md.json"

    func testARealExportIsDetectedAndRead() throws {
        XCTAssertEqual(try SourceFormat.detect(path: Self.fixture), .openCode)
        let trace = try Importer.load(path: Self.fixture)
        XCTAssertEqual(trace.header.agentName, "opencode")
        XCTAssertEqual(trace.header.agentVersion, "1.2.16")
        XCTAssertEqual(trace.header.repoRoot, "/workspaces/regex-checker")
        XCTAssertEqual(trace.header.sourceFormat, "opencode")
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:read", "llm", "tool:glob", "llm", "tool:apply_patch", "llm", "tool:turn-summary"])
        let llm = trace.spans[1]
        XCTAssertEqual(llm.model, "gpt-5.2-codex")
        XCTAssertEqual(llm.usage.inputTokens, 13174)
        XCTAssertEqual(llm.usage.outputTokens, 92)
        let patch = trace.spans[6]
        XCTAssertEqual(patch.status, .ok)
        XCTAssertEqual(patch.attributes[GenAI.workingDirectory]?.stringValue, "/workspaces/regex-checker")
        XCTAssertNotNil(patch.input?["patchText"]?.stringValue)
        XCTAssertEqual(patch.output?.stringValue?.hasPrefix("Success. Updated the following files:"), true)
        XCTAssertEqual(Set(trace.spans.compactMap(\.toolCallID)).count, trace.spans.filter { $0.kind == .tool }.count, "call ids unique")
        XCTAssertEqual(trace.spans.last?.input?["diffs"]?.arrayValue?.first?["file"]?.stringValue, "AGENTS.md")
    }

    func testDetectionTellsOpenCodeFromSWEAgentByInfosFirstMember() throws {
        let directory = try makeTemporaryDirectory(self)
        let openCode = directory + "/export.json"
        try Data("{\n  \"info\": {\n    \"id\": \"ses_1\",\n    \"directory\": \"/r\"\n  },\n  \"messages\": []\n}\n".utf8)
            .write(to: URL(fileURLWithPath: openCode))
        XCTAssertEqual(try SourceFormat.detect(path: openCode), .openCode)
        let swe = directory + "/run.traj"
        try Data("{\n  \"info\": {\n    \"exit_status\": \"submitted\"\n  },\n  \"trajectory\": []\n}\n".utf8)
            .write(to: URL(fileURLWithPath: swe))
        XCTAssertEqual(try SourceFormat.detect(path: swe), .sweAgent)
        let compact = directory + "/compact.json"
        try Data("{\"info\":{\"id\":\"ses_1\"},\"messages\":[]}\n".utf8).write(to: URL(fileURLWithPath: compact))
        XCTAssertEqual(try SourceFormat.detect(path: compact), .openCode)
    }

    func testAGeminiSessionWithItsMembersSortedIsDetected() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/session.json"
        try Data(
            "{\n  \"kind\": \"main\",\n  \"lastUpdated\": \"2026-03-18T20:52:04.329Z\",\n  \"messages\": [],\n  \"projectHash\": \"ab\",\n  \"sessionId\": \"s\"\n}\n"
                .utf8
        )
        .write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try SourceFormat.detect(path: path), .gemini)
        XCTAssertEqual(try Importer.load(path: path).header.sourceFormat, "gemini")
    }

    func testRedactedCallIDsAndAStepThatFailed() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/export.json"
        let tool = { (status: String, extra: String) in
            "{\"type\":\"tool\",\"tool\":\"bash\",\"callID\":\"REDACTED\",\"state\":{\"status\":\"\(status)\",\"input\":{\"command\":\"ls\"}\(extra)}}"
        }
        let text = """
            {"info":{"id":"ses_x","directory":"/r","version":"1.18.4"},"messages":[
            {"info":{"id":"m1","role":"user","time":{"created":1000}},"parts":[{"type":"text","text":"go"},{"type":"text","text":"attached","synthetic":true}]},
            {"info":{"id":"m2","role":"assistant","modelID":"m","time":{"created":1500,"completed":2500},"tokens":{"input":5,"output":2,"reasoning":1,"cache":{"read":3,"write":0}},"cost":0.25,"error":{"name":"MessageAbortedError","data":{"message":"Aborted"}}},
             "parts":[\(tool("completed", ",\"output\":\"a\",\"metadata\":{\"exit\":0},\"time\":{\"start\":1600,\"end\":1700}")),\(tool("error", ",\"error\":\"boom\"")),\(tool("running", ""))]}
            ]}
            """
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.kinds, ["user", "llm", "tool:bash", "tool:bash", "tool:bash", "event"])
        XCTAssertEqual(trace.spans[0].input?.stringValue, "go")
        XCTAssertEqual(trace.spans[1].attributes["agentreplay.usage.cost"], .number("0.25"))
        XCTAssertEqual(trace.spans[1].usage.cacheReadTokens, 3)
        XCTAssertEqual(trace.spans[2...4].map(\.status), [.ok, .error, .unset])
        XCTAssertEqual(Set(trace.spans[2...4].compactMap(\.toolCallID)).count, 3)
        XCTAssertEqual(trace.spans[2].startTime, Timestamp(seconds: 1, nanoseconds: 600_000_000))
        XCTAssertEqual(trace.spans[5].output?.stringValue, "MessageAbortedError: Aborted")
        XCTAssertEqual(trace.header.repoRoot, "/r")
    }

    func testBadInputNamesTheField() throws {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/bad.json"
        try Data("{\"info\":{\"id\":\"ses_x\"},\"messages\":[{\"info\":{\"role\":\"assistant\"},\"parts\":[{\"type\":\"tool\",\"state\":{}}]}]}".utf8)
            .write(to: URL(fileURLWithPath: path))
        XCTAssertThrowsError(try Importer.load(path: path, format: .openCode, displayName: "bad.json")) { error in
            XCTAssertEqual((error as? TraceError)?.description.contains("messages[0].parts[0].tool"), true, "\(error)")
        }
    }
}
