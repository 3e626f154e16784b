import Foundation
import TestSupport
import Trace
import XCTest

/// A native trace written by an earlier agentreplay (no `process.*` attributes, reasoning
/// tokens under `agentreplay.usage.reasoning_output_tokens`) reads as today's, whether it is
/// read from a file (streamed or whole) or from the bytes a repository stores.
final class NativeUpgradeTests: XCTestCase {
    func lines(agent: String) -> String {
        [
            #"{"agentreplay":"trace","version":1,"trace_id":"0af7651916cd43dd8448eb211c80319c","agent":{"name":"\#(agent)"},"repo_root":"/r"}"#,
            #"{"span_id":"0000000000000001","kind":"llm","name":"chat m","status":"ok","attributes":{"agentreplay.usage.reasoning_output_tokens":24,"gen_ai.usage.output_tokens":20}}"#,
            #"{"span_id":"0000000000000002","parent_span_id":"0000000000000001","kind":"tool","name":"shell","status":"error","attributes":{"gen_ai.tool.call.id":"c1","gen_ai.tool.name":"shell"},"input":{"command":["bash","-lc","make test"],"workdir":"/r/sub"},"output":"Exit code: 2\nOutput:\n"}"#,
        ].joined(separator: "\n") + "\n"
    }

    /// The spans of the trace, read each way a trace is read.
    func everyReading(agent: String) throws -> [[Span]] {
        let folder = try makeTemporaryDirectory(self, "NativeUpgrade")
        let path = folder + "/old.ndjson"
        try Data(lines(agent: agent).utf8).write(to: URL(fileURLWithPath: path))
        let reader = try TraceReader(path: path)
        var streamed: [Span] = []
        while let span = try reader.next() { streamed.append(span) }
        return [
            streamed, try TraceReader.read(path: path).spans,
            try TraceReader.read(bytes: Array(lines(agent: agent).utf8), name: "refs/agentreplay/traces/t:trace.ndjson").spans,
        ]
    }

    func testGeminiThoughtsJoinTheOutputAndShellCallsGetProcessAttributes() throws {
        for spans in try everyReading(agent: "gemini-cli") {
            XCTAssertEqual(spans[0].usage.outputTokens, 44)
            XCTAssertEqual(spans[0].reasoningTokens, 24)
            XCTAssertNil(spans[0].attributes["agentreplay.usage.reasoning_output_tokens"])
            XCTAssertEqual(spans[1].attributes[GenAI.processCommandLine], .string("make test"))
            XCTAssertEqual(spans[1].attributes[GenAI.processExitCode]?.intValue, 2)
            XCTAssertEqual(spans[1].attributes[GenAI.processWorkingDirectory], .string("/r/sub"))
        }
    }

    func testCodexReasoningWasCountedInTheOutputAlready() throws {
        for spans in try everyReading(agent: "codex") {
            XCTAssertEqual(spans[0].usage.outputTokens, 20)
            XCTAssertEqual(spans[0].reasoningTokens, 24)
        }
    }

    /// How a shell call ended is decided by its agent's rules as the trace is read (as an
    /// importer decides it), also for a span that already has a command line but no ending:
    /// its command line and exit code are then left as written.
    func testShellCallsGetTheirEndingByTheAgentsRules() throws {
        for spans in try everyReading(agent: "codex") {
            XCTAssertEqual(ShellEnding(attributes: spans[1].attributes), .failed("Exit code: 2"))
            XCTAssertEqual(spans[1].attributes[GenAI.processEnding], .string("failed"))
            XCTAssertEqual(spans[1].attributes[GenAI.processExitCode]?.intValue, 2)
        }
        let written =
            [
                #"{"agentreplay":"trace","version":1,"trace_id":"0af7651916cd43dd8448eb211c80319c","agent":{"name":"gemini-cli"},"repo_root":"/r"}"#,
                #"{"span_id":"0000000000000002","kind":"tool","name":"run_shell_command","status":"ok","attributes":{"gen_ai.tool.name":"run_shell_command","process.command_line":"make","process.exit.code":1},"input":{"command":"make"},"output":"Command: make\nExit Code: 0\nSignal: (none)"}"#,
                #"{"span_id":"0000000000000003","kind":"tool","name":"run_shell_command","status":"ok","attributes":{"gen_ai.tool.name":"run_shell_command","process.command_line":"sleep 9"},"input":{"command":"sleep 9"},"output":"Command: sleep 9\nExit Code: (none)\nSignal: 9"}"#,
            ].joined(separator: "\n") + "\n"
        let spans = try TraceReader.read(bytes: Array(written.utf8), name: "t").spans
        XCTAssertEqual(ShellEnding(attributes: spans[0].attributes), .succeeded)
        XCTAssertEqual(spans[0].attributes[GenAI.processExitCode]?.intValue, 1)
        XCTAssertEqual(ShellEnding(attributes: spans[1].attributes), .failed("signal 9"))
        XCTAssertNil(spans[1].attributes[GenAI.processExitCode])
    }

    func testAStoredTraceWithoutAHeaderIsRefusedByName() {
        XCTAssertThrowsError(try TraceReader.read(bytes: Array("\n  \n".utf8), name: "stored")) { error in
            XCTAssertEqual((error as? TraceError)?.file, "stored")
        }
    }
}
