import Foundation
import XCTest

@testable import Export
import Git
import Importers
import Replay
import TestSupport
import Trace

/// `OTLPExport`: the GenAI conventions written, ids derived from the trace, AnyValues, a
/// run's verdicts, and export → import giving the trace back.
final class OTLPExportTests: XCTestCase {
    let scope = OTLPExport.Scope(version: "9.9.9")

    /// The spans of the one resource and scope of an export.
    func spans(_ document: JSON) -> [JSON] {
        document["resourceSpans"]?.arrayValue?.first?["scopeSpans"]?.arrayValue?.first?["spans"]?.arrayValue ?? []
    }

    /// An OTLP attribute list as name → AnyValue.
    func attributes(_ span: JSON?) -> [String: JSON] {
        var out: [String: JSON] = [:]
        for kv in span?["attributes"]?.arrayValue ?? [] {
            if let key = kv["key"]?.stringValue { out[key] = kv["value"] }
        }
        return out
    }

    /// Writes the export of `trace` to a file and imports it with the OTLP importer.
    func roundTrip(_ trace: Trace, run: Run? = nil) throws -> Trace {
        let path = try makeTemporaryDirectory(self, "export") + "/trace.otlp.json"
        try Data((JSONWriter.string(OTLPExport.document(trace, run: run, scope: scope)) + "\n").utf8).write(to: URL(fileURLWithPath: path))
        XCTAssertEqual(try Importer.detect(path: path), .otlp)
        return try Importer.load(path: path)
    }

    func session() throws -> (log: ClaudeLog, path: String) {
        var log = ClaudeLog()
        log.user("make it three")
        log.assistant(text: "Reading first.")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "two", "three")
        log.write("b.txt", "bee\n")
        log.failing(
            "Edit", ["file_path": .string(ClaudeLog.absolute("a.txt")), "old_string": "nope", "new_string": "x"],
            error: "String to replace not found in file.\nString: nope")
        log.bash("ls -la", output: "a.txt\nb.txt\n")
        return (log, try log.save(in: try makeTemporaryDirectory(self, "log")))
    }

    func testASessionComesBackFromItsExport() throws {
        let trace = try Importer.load(path: try session().path)
        let back = try roundTrip(trace)
        XCTAssertEqual(back.spans.count, trace.spans.count)
        for (a, b) in zip(trace.spans, back.spans) {
            XCTAssertEqual(a, b, "span \(a.id) (\(a.kind) \(a.name))")
        }
        var header = back.header
        XCTAssertEqual(header.sourceFormat, "otlp")
        header.sourceFormat = trace.header.sourceFormat
        header.sourceFile = trace.header.sourceFile
        XCTAssertEqual(header, trace.header)
    }

    /// Every real log of every format: export → import gives each span back as it was.
    /// A real log of each format.
    static let fixtureLogs = [
        "fixtures/example/session.jsonl",
        "fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl",
        "fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl",
        "fixtures/swe-agent/swe-agent-1.0.1__psf-requests-2317.traj",
        "fixtures/gemini/session-2025-10-18T14-57-5f2c9a1e.json",
        "fixtures/openhands/openhands__calc-current.json",
        "fixtures/otlp/claude-code-genai.json",
        "fixtures/agent-strace/import/51ea40b0-7088-4482-8231-74d06cde3e3a/events.ndjson",
    ]

    func testTheFixtureLogsOfEveryFormatComeBack() throws {
        for log in Self.fixtureLogs {
            let trace = try Importer.load(path: packageRoot + "/" + log)
            let back = try roundTrip(trace)
            XCTAssertEqual(back.spans.count, trace.spans.count, log)
            XCTAssertEqual(back.header.traceID, trace.header.traceID, log)
            XCTAssertEqual(back.header.agentName, trace.header.agentName, log)
            XCTAssertEqual(back.header.repoRoot, trace.header.repoRoot, log)
            // Times come back to the nanosecond; their written form (the recorder's own text,
            // e.g. milliseconds of a float that had more) need not.
            for (a, b) in zip(trace.spans, back.spans) where Self.instants(a) != Self.instants(b) {
                XCTFail("\(log): span \(a.id) (\(a.kind) \(a.name)) differs after export and import:\n\(a)\n\(b)")
                break
            }
        }
    }

    /// `span` with its times as instants only (seconds and nanoseconds, not their text).
    static func instants(_ span: Span) -> Span {
        var s = span
        s.startTime = span.startTime.map { Timestamp(seconds: $0.seconds, nanoseconds: $0.nanoseconds) }
        s.endTime = span.endTime.map { Timestamp(seconds: $0.seconds, nanoseconds: $0.nanoseconds) }
        return s
    }

    func testIdsComeFromTheTraceAndAreTheSameEveryTime() throws {
        let header = Trace.Header(traceID: "session-1", agentName: "some-agent")
        let spans = [
            Span(id: Span.ID("a"), kind: .llm, name: "chat"),
            Span(id: Span.ID("b"), parentID: Span.ID("a"), kind: .tool, name: "Bash"),
            Span(id: Span.ID("00000000000000ff"), parentID: Span.ID("b"), kind: .event, name: "kept"),
            Span(id: Span.ID("0000000000000000"), kind: .event, name: "zero is not an id"),
        ]
        let trace = Trace(header: header, spans: spans)
        let first = JSONWriter.string(OTLPExport.document(trace, scope: scope))
        XCTAssertEqual(first, JSONWriter.string(OTLPExport.document(trace, scope: scope)), "byte-identical")
        let out = self.spans(OTLPExport.document(trace, scope: scope))
        let traceID = try XCTUnwrap(out.first?["traceId"]?.stringValue)
        XCTAssertEqual(traceID, OTLPID.hex(OTLPID.fnv1a("session-1")) + OTLPID.hex(OTLPID.fnv1a("session-1", seed: 0x8422_2325_cbf2_9ce4)))
        XCTAssertTrue(OTLPID.isHex(traceID, count: 32))
        let ids = out.compactMap { $0["spanId"]?.stringValue }
        XCTAssertEqual(ids.count, 4)
        XCTAssertEqual(Set(ids).count, 4, "unique")
        XCTAssertTrue(ids.allSatisfy { OTLPID.isHex($0, count: 16) }, "\(ids)")
        XCTAssertEqual(ids[0], OTLPID.hex(OTLPID.fnv1a(traceID + "/a")))
        XCTAssertEqual(ids[2], "00000000000000ff", "a 16-hex-digit id is kept")
        XCTAssertNotEqual(ids[3], "0000000000000000")
        XCTAssertNil(out[0]["parentSpanId"])
        XCTAssertEqual(out[1]["parentSpanId"]?.stringValue, ids[0])
        XCTAssertEqual(out[2]["parentSpanId"]?.stringValue, ids[1])
        XCTAssertEqual(attributes(out[0])["agentreplay.span.id"], ["stringValue": "a"], "the original id is kept beside")
        XCTAssertNil(attributes(out[2])["agentreplay.span.id"])

        // The importer gives the original ids back, parents included.
        let back = try roundTrip(trace)
        XCTAssertEqual(back.spans.map(\.id), spans.map(\.id))
        XCTAssertEqual(back.spans.map(\.parentID), spans.map(\.parentID))
        XCTAssertEqual(back.header.traceID, traceID, "a trace id that is not 32 hex digits cannot come back")
    }

    func testModelAndToolCallsFollowTheGenAIConventions() throws {
        var attrs = Attributes()
        attrs[GenAI.requestModel] = "claude-sonnet-4-5"
        attrs[GenAI.inputTokens] = .number(12)
        attrs[GenAI.outputTokens] = .number(34)
        attrs[GenAI.operationName] = "chat"
        let turn = Span(
            id: Span.ID("1111111111111111"), kind: .llm, name: "chat claude-sonnet-4-5",
            startTime: Timestamp(seconds: 1_748_772_000, nanoseconds: 5_000_000), endTime: Timestamp(seconds: 1_748_772_001),
            status: .ok, attributes: attrs, output: ["text": "hi", "tool_calls": ["call_1"]])
        var toolAttrs = Attributes()
        toolAttrs[GenAI.toolName] = "Edit"
        toolAttrs[GenAI.toolCallID] = "call_1"
        let tool = Span(
            id: Span.ID("2222222222222222"), parentID: turn.id, kind: .tool, name: "Edit", status: .error,
            attributes: toolAttrs, input: ["file_path": "/x/a.txt", "old_string": "a", "replace_all": false, "n": .number("1.50")],
            output: "String to replace not found\nmore")
        let agent = Span(id: Span.ID("3333333333333333"), kind: .agent, name: "general-purpose")
        let trace = Trace(
            header: Trace.Header(traceID: String(repeating: "ab", count: 16), agentName: "claude-code", agentVersion: "2.1.100"),
            spans: [turn, tool, agent])
        let document = OTLPExport.document(trace, scope: scope)
        let out = spans(document)

        XCTAssertEqual(out[0]["name"], "chat claude-sonnet-4-5")
        XCTAssertEqual(out[0]["kind"], .number(3), "CLIENT")
        XCTAssertEqual(out[0]["startTimeUnixNano"], "1748772000005000000")
        XCTAssertEqual(out[0]["endTimeUnixNano"], "1748772001000000000")
        XCTAssertEqual(out[0]["status"], ["code": .number(1)])
        let a0 = attributes(out[0])
        XCTAssertEqual(a0["gen_ai.operation.name"], ["stringValue": "chat"])
        XCTAssertEqual(a0["gen_ai.provider.name"], ["stringValue": "anthropic"])
        XCTAssertEqual(a0["gen_ai.system"], ["stringValue": "anthropic"])
        XCTAssertEqual(a0["gen_ai.request.model"], ["stringValue": "claude-sonnet-4-5"])
        XCTAssertEqual(a0["gen_ai.usage.input_tokens"], ["intValue": "12"])
        XCTAssertEqual(a0["gen_ai.usage.output_tokens"], ["intValue": "34"])
        XCTAssertEqual(
            a0["agentreplay.added"], ["arrayValue": ["values": [["stringValue": "gen_ai.provider.name"], ["stringValue": "gen_ai.system"]]]],
            "what the span lacked is named, so an import can take it out again")

        XCTAssertEqual(out[1]["name"], "execute_tool Edit")
        XCTAssertEqual(out[1]["kind"], .number(1), "INTERNAL")
        XCTAssertEqual(out[1]["parentSpanId"], "1111111111111111")
        XCTAssertNil(out[1]["startTimeUnixNano"], "no time recorded, none written")
        XCTAssertEqual(out[1]["status"], ["code": .number(2), "message": "String to replace not found"])
        let a1 = attributes(out[1])
        XCTAssertEqual(a1["gen_ai.operation.name"], ["stringValue": "execute_tool"])
        XCTAssertEqual(a1["gen_ai.tool.name"], ["stringValue": "Edit"])
        XCTAssertEqual(a1["gen_ai.tool.call.id"], ["stringValue": "call_1"])
        XCTAssertEqual(a1["gen_ai.tool.type"], ["stringValue": "function"])
        XCTAssertEqual(a1["error.type"], ["stringValue": "_OTHER"])
        XCTAssertEqual(a1["gen_ai.tool.call.arguments"], ["stringValue": #"{"file_path":"/x/a.txt","old_string":"a","replace_all":false,"n":1.50}"#])
        XCTAssertEqual(a1["gen_ai.tool.call.result"], ["stringValue": "String to replace not found\nmore"])
        XCTAssertNil(a1["gen_ai.provider.name"], "the provider is named on model and agent spans")

        XCTAssertEqual(out[2]["name"], "invoke_agent general-purpose")
        XCTAssertEqual(attributes(out[2])["gen_ai.operation.name"], ["stringValue": "invoke_agent"])
        XCTAssertEqual(attributes(out[2])["gen_ai.agent.name"], ["stringValue": "general-purpose"])

        let resource = attributes(document["resourceSpans"]?.arrayValue?.first?["resource"])
        XCTAssertEqual(resource["service.name"], ["stringValue": "claude-code"])
        XCTAssertEqual(resource["service.version"], ["stringValue": "2.1.100"])
        XCTAssertEqual(
            document["resourceSpans"]?.arrayValue?.first?["scopeSpans"]?.arrayValue?.first?["scope"],
            ["name": "agentreplay", "version": "9.9.9"])

        // And back: the span names, statuses, model output and numbers as written.
        let back = try roundTrip(trace)
        XCTAssertEqual(back.spans, trace.spans)
        XCTAssertEqual(back.header.agentName, "claude-code", "the session's agent, not the sub-agent's name")
    }

    func testJSONValuesBecomeAnyValues() {
        XCTAssertEqual(AnyValue.from(.null), .object([]))
        XCTAssertEqual(AnyValue.from(true), ["boolValue": true])
        XCTAssertEqual(AnyValue.from(.number("-9223372036854775808")), ["intValue": "-9223372036854775808"])
        XCTAssertEqual(AnyValue.from(.number("2.5e3")), ["doubleValue": .number("2.5e3")])
        XCTAssertEqual(AnyValue.from(.number("18446744073709551616")), ["doubleValue": .number("18446744073709551616")], "beyond Int64: a double")
        XCTAssertEqual(AnyValue.from("x"), ["stringValue": "x"])
        XCTAssertEqual(AnyValue.from([1, "a"]), ["arrayValue": ["values": [["intValue": "1"], ["stringValue": "a"]]]])
        XCTAssertEqual(
            AnyValue.from(["z": 1, "a": .null]),
            ["kvlistValue": ["values": [["key": "z", "value": ["intValue": "1"]], ["key": "a", "value": .object([])]]]],
            "members in their order")
    }

    func testARunAddsVerdictsAndDriftEvents() throws {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n"])
        var log = ClaudeLog()
        log.edit("a.txt", "two", "three")
        log.read("a.txt", "one\nTWO\n")
        log.edit("a.txt", "four", "4")
        let trace = try Importer.load(path: try log.save(in: try makeTemporaryDirectory(self, "log")))
        let repository = try Repository.open(repo.path, objectsInMemory: true)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        let document = OTLPExport.document(trace, run: run, scope: scope)
        let out = spans(document)
        let tools = out.filter { attributes($0)["agentreplay.span.kind"] == ["stringValue": "tool"] }
        XCTAssertEqual(
            tools.map { attributes($0)["agentreplay.replay.verdict"]?["stringValue"]?.stringValue },
            ["applied", "served", "mismatch"])
        let applied = attributes(tools[0])
        XCTAssertEqual(applied["agentreplay.replay.paths"], ["arrayValue": ["values": [["stringValue": "a.txt"]]]])
        XCTAssertEqual(applied["agentreplay.replay.commit"]?["stringValue"]?.stringValue, run.steps.first { $0.verdict == .applied }?.commit?.hex)

        let read = tools[1]
        XCTAssertEqual(attributes(read)["agentreplay.replay.drift"], ["intValue": "1"])
        let events = try XCTUnwrap(read["events"]?.arrayValue)
        XCTAssertEqual(events.count, 1)
        XCTAssertEqual(events[0]["name"], "agentreplay.drift")
        XCTAssertNotNil(events[0]["timeUnixNano"]?.stringValue)
        let drift = attributes(events[0])
        XCTAssertEqual(drift["agentreplay.drift.path"], ["stringValue": "a.txt"])
        XCTAssertEqual(drift["agentreplay.drift.line"], ["intValue": "2"])
        XCTAssertEqual(drift["agentreplay.drift.recorded"], ["stringValue": "TWO"])
        XCTAssertEqual(drift["agentreplay.drift.replayed"], ["stringValue": "three"])

        let resource = attributes(document["resourceSpans"]?.arrayValue?.first?["resource"])
        XCTAssertEqual(resource["agentreplay.run.clean"], ["boolValue": false])
        XCTAssertEqual(resource["agentreplay.run.final_tree"], ["stringValue": .string(run.finalTree.hex)])
        XCTAssertEqual(resource["agentreplay.run.outcome"], ["stringValue": "contradicted"])
        XCTAssertEqual(resource["agentreplay.run.drift"], ["intValue": "1"])
        XCTAssertEqual(resource["agentreplay.run.mismatch"], ["intValue": "1"])
        XCTAssertEqual(resource["agentreplay.run.not_replayable"], ["intValue": "0"], "a mismatch is counted apart")

        // Verdicts describe a run, not the trace: the import leaves them out, and the trace
        // it gives replays the same way.
        let back = try roundTrip(trace, run: run)
        XCTAssertEqual(back.spans, trace.spans)
        let again = try Replayer(repository: repository).replay(header: back.header, spans: back.spans, base: base)
        XCTAssertEqual(again.finalTree, run.finalTree)
        XCTAssertEqual(again.steps.map(\.verdict), run.steps.map(\.verdict))
        XCTAssertEqual(again.steps.map(\.commit), run.steps.map(\.commit), "the same commits: same spans, same times")
        XCTAssertEqual(again.drift, run.drift)
    }

    func testTheExampleSessionReplaysTheSameAfterTheRoundTrip() throws {
        let repo = try makeTemporaryDirectory(self, "calc") + "/calc"
        let made = try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment)
        XCTAssertEqual(made.status, 0, made.stderrText)
        let trace = try Importer.load(path: packageRoot + "/fixtures/example/session.jsonl")
        let repository = try Repository.open(repo, objectsInMemory: true)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        let back = try roundTrip(trace, run: run)
        let again = try Replayer(repository: repository).replay(header: back.header, spans: back.spans, base: base)
        XCTAssertEqual(again.finalTree, run.finalTree)
        XCTAssertEqual(again.commits, run.commits)
        XCTAssertEqual(again.outcome, run.outcome)
        XCTAssertEqual(again.outcome, .unverified, "`python -m unittest` is not followed; nothing contradicts the run")
    }

    /// An export is a file like any other: one forged to look like agentreplay's still gives
    /// a trace the native reader accepts (unique call ids, names of the right type).
    func testAForgedExportIsStillCheckedOnImport() throws {
        func tool(_ id: String, call: String, toolName: String) -> String {
            #"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"\#(id)","name":"x","kind":1,"startTimeUnixNano":"1760000000000000000","#
                + #""attributes":[{"key":"agentreplay.span.kind","value":{"stringValue":"tool"}},"#
                + #"{"key":"gen_ai.tool.call.id","value":{"stringValue":"\#(call)"}},{"key":"gen_ai.tool.name","value":\#(toolName)},"#
                + #"{"key":"gen_ai.usage.input_tokens","value":{"stringValue":"many"}},"#
                + #"{"key":"agentreplay.span.id","value":{"stringValue":""}}]}"#
        }
        let text =
            #"{"resourceSpans":[{"resource":{"attributes":[{"key":"agentreplay.trace.id","value":{"stringValue":"0af7651916cd43dd8448eb211c80319c"}}]},"scopeSpans":[{"spans":["#
            + tool("1111111111111111", call: "c1", toolName: #"{"intValue":"7"}"#) + ","
            + tool("2222222222222222", call: "c1", toolName: #"{"stringValue":"Bash"}"#) + "]}]}]}\n"
        let folder = try makeTemporaryDirectory(self, "forged")
        let path = folder + "/forged.otlp.json"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let trace = try Importer.load(path: path)
        XCTAssertEqual(trace.spans.map(\.id.rawValue), ["1111111111111111", "2222222222222222"], "an empty original id is no id")
        XCTAssertEqual(trace.spans.map(\.toolCallID), ["c1", "c1#2222222222222222"])
        XCTAssertEqual(trace.spans.map(\.toolName), ["x", "Bash"])
        XCTAssertEqual(trace.spans[0].attributes["agentreplay.otlp.invalid.gen_ai.tool.name"], .number(7), "set aside: not a string")
        XCTAssertEqual(trace.spans[0].attributes["agentreplay.otlp.invalid.gen_ai.usage.input_tokens"], "many")
        // And the native reader takes what it gives.
        let native = folder + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: native))
        XCTAssertEqual(try TraceReader.read(path: native).spans.count, 2)
    }
}
