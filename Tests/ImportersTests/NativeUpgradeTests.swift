import Foundation
import Importers
import TestSupport
import Trace
import XCTest

/// A native trace written by an earlier agentreplay (no `process.*` attributes, reasoning
/// tokens under `agentreplay.usage.reasoning_output_tokens`) reads as today's.
final class NativeUpgradeTests: XCTestCase {
    func write(agent: String) throws -> String {
        let folder = try makeTemporaryDirectory(self, "NativeUpgrade")
        let path = folder + "/old.ndjson"
        let lines = [
            #"{"agentreplay":"trace","version":1,"trace_id":"0af7651916cd43dd8448eb211c80319c","agent":{"name":"\#(agent)"},"repo_root":"/r"}"#,
            #"{"span_id":"0000000000000001","kind":"llm","name":"chat m","status":"ok","attributes":{"agentreplay.usage.reasoning_output_tokens":24,"gen_ai.usage.output_tokens":20}}"#,
            #"{"span_id":"0000000000000002","parent_span_id":"0000000000000001","kind":"tool","name":"shell","status":"error","attributes":{"gen_ai.tool.call.id":"c1","gen_ai.tool.name":"shell"},"input":{"command":["bash","-lc","make test"],"workdir":"/r/sub"},"output":"Exit code: 2\nOutput:\n"}"#,
        ]
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testGeminiThoughtsJoinTheOutputAndShellCallsGetProcessAttributes() throws {
        for open in [false, true] {
            let path = try write(agent: "gemini-cli")
            var spans: [Span] = []
            if open {
                let source = try TraceSource.open(path: path)
                while let span = try source.next() { spans.append(span) }
            } else {
                spans = try Importer.load(path: path).spans
            }
            XCTAssertEqual(spans[0].usage.outputTokens, 44)
            XCTAssertEqual(spans[0].reasoningTokens, 24)
            XCTAssertNil(spans[0].attributes["agentreplay.usage.reasoning_output_tokens"])
            XCTAssertEqual(spans[1].attributes[GenAI.processCommandLine], .string("make test"))
            XCTAssertEqual(spans[1].attributes[GenAI.processExitCode]?.intValue, 2)
            XCTAssertEqual(spans[1].attributes[GenAI.processWorkingDirectory], .string("/r/sub"))
        }
    }

    func testCodexReasoningWasCountedInTheOutputAlready() throws {
        let spans = try Importer.load(path: try write(agent: "codex")).spans
        XCTAssertEqual(spans[0].usage.outputTokens, 20)
        XCTAssertEqual(spans[0].reasoningTokens, 24)
    }
}
