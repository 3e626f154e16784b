import Foundation
import XCTest

@testable import Importers
import Trace

/// The real Claude Code logs of `fixtures/claude/`: imported, written in the native format,
/// read back and written again, byte for byte.
final class RealLogTests: XCTestCase {
    static let logs = [
        "claude-code-1.0.57__kiliman-claude-transcript.jsonl",
        "claude-code-2.1.100__computermode-test-repo.jsonl",
    ]

    func testImportWriteReadWriteIsByteIdentical() throws {
        for name in Self.logs {
            let trace = try Importer.load(path: packageRoot + "/fixtures/claude/" + name)
            XCTAssertEqual(trace.header.sourceFile, name)
            let bytes = TraceWriter.bytes(trace)
            let path = try makeTemporaryDirectory(self) + "/trace.ndjson"
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            let read = try TraceReader.read(path: path)
            XCTAssertEqual(read, trace, name)
            XCTAssertEqual(TraceWriter.bytes(read), bytes, name)
            // Importing the native file is reading it: the same trace again.
            XCTAssertEqual(try Importer.load(path: path), trace, name)
        }
    }

    func testEveryToolCallIsPairedAndEverySpanNamesItsSourceLine() throws {
        for name in Self.logs {
            let trace = try Importer.load(path: packageRoot + "/fixtures/claude/" + name)
            let tools = trace.spans.filter { $0.kind == .tool }
            XCTAssertFalse(tools.isEmpty)
            for span in tools {
                XCTAssertNotEqual(span.status, .unset, "\(name): call \(span.toolCallID ?? "") has no result")
                XCTAssertNotNil(span.attributes["agentreplay.source.result_line"])
                let parent = try XCTUnwrap(trace.span(span.parentID), "\(name): \(span.name) has no turn")
                XCTAssertEqual(parent.kind, .llm)
                XCTAssertTrue(parent.output?["tool_calls"]?.arrayValue?.contains(.string(span.toolCallID ?? "")) == true)
            }
            for span in trace.spans {
                XCTAssertNotNil(span.attributes[GenAI.sourceLine], "\(name): \(span.kind) \(span.name)")
            }
        }
    }

    func testClaudeCode1ToolCounts() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/claude/" + Self.logs[0])
        var counts: [String: Int] = [:]
        for span in trace.spans where span.kind == .tool { counts[span.name, default: 0] += 1 }
        // As the fixture's README counts them.
        XCTAssertEqual(counts["Edit"], 22)
        XCTAssertEqual(counts["Write"], 12)
        XCTAssertEqual(counts["MultiEdit"], 4)
        XCTAssertEqual(counts["Read"], 42)
        XCTAssertEqual(counts["Bash"], 63)
        XCTAssertEqual(counts["Task"], 4)
        // Failed calls: as many as the log's `is_error` results, counted with Foundation.
        var errors = 0
        let text = try String(contentsOfFile: packageRoot + "/fixtures/claude/" + Self.logs[0], encoding: .utf8)
        for line in text.split(separator: "\n") {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            let content = (object?["message"] as? [String: Any])?["content"] as? [[String: Any]] ?? []
            errors += content.filter { $0["type"] as? String == "tool_result" && $0["is_error"] as? Bool == true }.count
        }
        XCTAssertEqual(trace.spans.filter { $0.kind == .tool && $0.status == .error }.count, errors)
        XCTAssertGreaterThan(errors, 20)
    }
}

/// The model's thinking, kept as an llm span's `reasoning` when the log recorded it as text.
final class ReasoningImportTests: XCTestCase {
    func testClaudeCodeThinkingBlocksAreTheTurnsReasoning() throws {
        // A real 2.1.34 excerpt: its first assistant message opens with a thinking block.
        let path = packageRoot + "/fixtures/audit/claude-code-2.1.34__entireio-cli-denied-edit.jsonl"
        let raw = try String(contentsOfFile: path, encoding: .utf8)
        var thinking: [String] = []
        for line in raw.split(separator: "\n") {
            let value = try JSONParser.parse(Array(line.utf8))
            for block in value["message"]?["content"]?.arrayValue ?? [] where block["type"]?.stringValue == "thinking" {
                if let text = block["thinking"]?.stringValue, !text.isEmpty { thinking.append(text) }
            }
        }
        XCTAssertFalse(thinking.isEmpty, "the fixture has thinking text")
        let trace = try Importer.load(path: path)
        let reasoning = trace.spans.filter { $0.kind == .llm }.compactMap { $0.output?["reasoning"]?.stringValue }
        XCTAssertEqual(reasoning.joined(), thinking.joined(), "every thinking text, once, in order")
        // A turn without thinking has no member at all (older traces stay byte-identical).
        let kiliman = try Importer.load(path: packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl")
        XCTAssertTrue(kiliman.spans.allSatisfy { $0.output?["reasoning"] == nil })
    }

    func testGeminiThoughtsAreTheResponsesReasoning() throws {
        let trace = try Importer.load(path: packageRoot + "/fixtures/gemini/session-2025-10-18T14-57-5f2c9a1e.json")
        let reasoning = trace.spans.filter { $0.kind == .llm }.compactMap { $0.output?["reasoning"]?.stringValue }
        XCTAssertTrue(reasoning.contains("Step 1\nWorking on the next change."), "\(reasoning)")
    }
}
