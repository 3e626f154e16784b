import Foundation
import XCTest

@testable import Importers
import Trace

/// OTLP/JSON spans to trace spans: the GenAI conventions read, AnyValues converted, spans
/// ordered with parents first, and bad input named by line and field.
final class OTLPImporterTests: XCTestCase {
    func write(_ text: String, name: String = "spans.json") throws -> String {
        let path = try makeTemporaryDirectory(self) + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    func request(_ spans: [String], resource: String = #"{"key":"service.name","value":{"stringValue":"my-agent"}}"#) -> String {
        #"{"resourceSpans":[{"resource":{"attributes":[\#(resource)]},"scopeSpans":[{"scope":{"name":"s"},"spans":[\#(spans.joined(separator: ","))]}]}]}"#
    }

    func span(
        _ id: String, parent: String? = nil, name: String = "s", start: String = "1760000000000000000", attributes: String = "", status: String = "{}"
    ) -> String {
        let parentMember = parent.map { #""parentSpanId":"\#($0)","# } ?? ""
        return
            #"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"\#(id)",\#(parentMember)"name":"\#(name)","startTimeUnixNano":"\#(start)","endTimeUnixNano":"1760000001000000000","attributes":[\#(attributes)],"status":\#(status)}"#
    }

    func attribute(_ key: String, _ value: String) -> String { #"{"key":"\#(key)","value":\#(value)}"# }

    func testTheRealExportsAreDetected() throws {
        for name in ["claude-code-genai.json", "claude-code-genai.jsonl", "agent-strace-otlp-genai.json", "other-agent.json"] {
            XCTAssertEqual(try SourceFormat.detect(path: packageRoot + "/fixtures/otlp/" + name), .otlp, name)
        }
        let trace = try Importer.load(path: packageRoot + "/fixtures/otlp/claude-code-genai.json")
        XCTAssertEqual(trace.header.traceID, "51ea40b0708844828231 74d06cde3e3a".replacingOccurrences(of: " ", with: ""))
        XCTAssertEqual(trace.spans.first?.kind, .agent)
        let turn = try XCTUnwrap(trace.spans.first { $0.kind == .llm })
        XCTAssertEqual(turn.model, "claude-opus-4-6")
        XCTAssertEqual(turn.usage, Usage(inputTokens: 3, outputTokens: 96, cacheReadTokens: 11240, cacheCreationTokens: 9812))
        let failed = try XCTUnwrap(trace.spans.first { $0.kind == .tool && $0.status == .error })
        XCTAssertEqual(failed.toolName, "Edit")
        XCTAssertEqual(failed.toolCallID, "toolu_018O1elBoeyHSE8N3aJbNJhP")
        // Each span names the line it starts on in the pretty-printed document.
        let lines = try String(contentsOfFile: packageRoot + "/fixtures/otlp/claude-code-genai.json", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(failed.attributes[GenAI.sourceLine]?.intValue)
        XCTAssertEqual(lines[Int(line) - 1].trimmingCharacters(in: .whitespaces), "{")
        XCTAssertTrue(lines[Int(line) + 1].contains(#""spanId": "\#(failed.attributes[GenAI.sourceID]?.stringValue ?? "?")""#))
    }

    func testSpansAndValues() throws {
        let tool = span(
            "00000000000000b2", parent: "00000000000000a1", name: "execute_tool Write", start: "1760000000500000000",
            attributes: [
                attribute("gen_ai.operation.name", #"{"stringValue":"execute_tool"}"#),
                attribute("gen_ai.tool.name", #"{"stringValue":"Write"}"#),
                attribute("gen_ai.tool.call.id", #"{"stringValue":"call_1"}"#),
                attribute(
                    "gen_ai.tool.call.arguments",
                    #"{"kvlistValue":{"values":[{"key":"file_path","value":{"stringValue":"a.txt"}},{"key":"n","value":{"intValue":"3"}},{"key":"tags","value":{"arrayValue":{"values":[{"boolValue":true},{"doubleValue":1.5}]}}}]}}"#
                ),
                attribute("gen_ai.tool.call.result", #"{"stringValue":"done"}"#),
            ].joined(separator: ","), status: #"{"code":"STATUS_CODE_ERROR","message":"boom"}"#)
        let chat = span(
            "00000000000000a1", name: "chat m",
            attributes: [
                attribute("gen_ai.operation.name", #"{"stringValue":"chat"}"#),
                attribute("gen_ai.request.model", #"{"stringValue":"m-1"}"#),
                attribute("gen_ai.usage.input_tokens", #"{"intValue":"120"}"#),
                attribute("gen_ai.usage.output_tokens", #"{"intValue":7}"#),
                attribute("gen_ai.agent.name", #"{"stringValue":"Claude_Code"}"#),
            ].joined(separator: ","))
        // The child comes first in the file and starts later: the parent is placed first.
        let trace = try Importer.load(path: write(request([tool, chat])))
        XCTAssertEqual(trace.header.agentName, "claude-code")
        XCTAssertEqual(trace.header.traceID, "0af7651916cd43dd8448eb211c80319c")
        XCTAssertEqual(trace.kinds, ["llm", "tool:Write"])
        XCTAssertEqual(trace.spans[0].usage, Usage(inputTokens: 120, outputTokens: 7))
        XCTAssertEqual(trace.spans[1].id, Span.ID("00000000000000b2"))
        XCTAssertEqual(trace.spans[1].parentID, Span.ID("00000000000000a1"))
        XCTAssertEqual(trace.spans[1].input, ["file_path": "a.txt", "n": 3, "tags": [true, .number("1.5")]])
        XCTAssertEqual(trace.spans[1].output, "done")
        XCTAssertEqual(trace.spans[1].status, .error)
        XCTAssertEqual(trace.spans[1].startTime?.text, "2025-10-09T08:53:20.500Z")
        XCTAssertEqual(TraceWriter.bytes(trace), TraceWriter.bytes(try Importer.load(path: write(request([tool, chat])))))
    }

    func testOneRequestPerLineAndAMissingParent() throws {
        let first = request([
            span("00000000000000c3", parent: "00000000000000ff", attributes: attribute("gen_ai.tool.name", #"{"stringValue":"Bash"}"#))
        ])
        let second = request([span("00000000000000c3", name: "again")])
        let trace = try Importer.load(path: write(first + "\n" + second + "\n", name: "spans.jsonl"))
        XCTAssertEqual(trace.kinds, ["tool:Bash", "event"])
        XCTAssertNil(trace.spans[0].parentID, "a parent the export lacks is dropped")
        XCTAssertNotEqual(trace.spans[1].id, trace.spans[0].id, "a span id used twice gets its own")
        XCTAssertEqual(trace.spans[1].attributes[GenAI.sourceLine], 2)
        XCTAssertEqual(trace.header.agentName, "my-agent")
    }

    /// Found by fuzzing (`scripts/fuzz otlp`): a call id used twice became `call#<span id>`,
    /// which an earlier span could hold already, so the trace `import` wrote had a duplicate
    /// tool call id and could not be read back.
    func testACallIDMadeUniqueIsNotOneTheLogAlreadyHolds() throws {
        func tool(_ id: String, call: String, start: String) -> String {
            span(
                id, start: start,
                attributes: [
                    attribute("gen_ai.tool.name", #"{"stringValue":"Bash"}"#),
                    attribute("gen_ai.tool.call.id", #"{"stringValue":"\#(call)"}"#),
                ].joined(separator: ","))
        }
        let trace = try Importer.load(
            path: write(
                request([
                    tool("00000000000000a1", call: "c#00000000000000a3", start: "1760000000000000001"),
                    tool("00000000000000a2", call: "c", start: "1760000000000000002"),
                    tool("00000000000000a3", call: "c", start: "1760000000000000003"),
                ])))
        XCTAssertEqual(trace.spans.map(\.toolCallID), ["c#00000000000000a3", "c", "c#00000000000000a3#2"])
        let path = try write(String(decoding: TraceWriter.bytes(trace), as: UTF8.self), name: "trace.ndjson")
        XCTAssertEqual(TraceWriter.bytes(try TraceReader.read(path: path)), TraceWriter.bytes(trace))
    }

    func testALongChainOfChildrenBeforeTheirParents() throws {
        // Span n is the child of span n+1, and the file lists them child first.
        let count = 20_000
        var spans: [String] = []
        for n in 0..<count {
            let parent: String? = n + 1 < count ? String(format: "%016x", n + 2) : nil
            let start = String(Int64(1_760_000_000_000_000_000) + Int64(n))
            spans.append(span(String(format: "%016x", n + 1), parent: parent, start: start))
        }
        let trace = try Importer.load(path: write(request(spans)))
        XCTAssertEqual(trace.spans.count, count)
        XCTAssertEqual(trace.spans.first?.id, Span.ID(String(format: "%016x", count)))
        XCTAssertNil(trace.spans.first?.parentID)
        XCTAssertEqual(trace.spans.last?.parentID, Span.ID(String(format: "%016x", 2)))
    }

    func testBadInputNamesTheLineAndField() throws {
        var e = try loadError(request([#"{"traceId":"t","name":"x"}"#]))
        XCTAssertEqual(e.field, "resourceSpans[0].scopeSpans[0].spans[0].spanId")
        XCTAssertEqual(e.message, "missing")
        e = try loadError(request([span("01", start: "soon")]))
        XCTAssertEqual(e.field, "resourceSpans[0].scopeSpans[0].spans[0].startTimeUnixNano")
        e = try loadError(#"{"resourceSpans": 4}"#)
        XCTAssertEqual(e.field, "resourceSpans")
        e = try loadError(
            "{\n  \"resourceSpans\": [\n    {\"scopeSpans\": [{\"spans\": [\n      {\"spanId\": \"a\"},\n      {\"spanId\": 7}\n    ]}]}\n  ]\n}\n")
        XCTAssertEqual(e.line, 5)
        XCTAssertEqual(e.field, "resourceSpans[0].scopeSpans[0].spans[1].spanId")
        XCTAssertEqual(e.message, "expected a string, found a number")
    }

    func loadError(_ text: String, file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        do {
            let trace = try Importer.load(path: write(text), format: .otlp)
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }
}
