import Foundation
import XCTest

@testable import Importers
import Trace

/// How a Gemini CLI session file becomes spans, in both of its shapes (one JSON document, and
/// JSONL records that rewrite and rewind messages); the repo root found by the project's
/// hash; usage per model response; bad input named by line and field.
final class GeminiImporterTests: XCTestCase {
    func sample() -> GeminiSession {
        var s = GeminiSession()
        s.user("Fix the sum.")
        s.replace("calc/ops.py", "a - b", "a + b", before: "return a - b\n", after: "return a + b\n")
        s.writeFile("notes.md", "done\n")
        s.gemini("All done.")
        return s
    }

    func load(_ s: GeminiSession, jsonl: Bool = false, extra: [JSON] = [], options: Importer.Options = Importer.Options()) throws -> Trace {
        let directory = try makeTemporaryDirectory(self)
        return try Importer.load(path: s.save(in: directory, jsonl: jsonl, extra: extra), options: options)
    }

    func loadError(_ text: String, name: String = "bad.jsonl", file: StaticString = #filePath, line: UInt = #line) throws -> TraceError {
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/" + name
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        do {
            let trace = try Importer.load(path: path, displayName: name)
            XCTFail("imported \(trace.spans.count) spans without an error", file: file, line: line)
            throw NoError()
        } catch let error as TraceError {
            return error
        }
    }

    func testBothShapesAreDetectedAndGiveTheSameSpans() throws {
        let directory = try makeTemporaryDirectory(self)
        XCTAssertEqual(try SourceFormat.detect(path: sample().save(in: directory)), .gemini)
        XCTAssertEqual(try SourceFormat.detect(path: sample().save(in: directory, jsonl: true)), .gemini)
        let json = try load(sample())
        let jsonl = try load(sample(), jsonl: true)
        XCTAssertEqual(json.kinds, ["user", "llm", "tool:replace", "llm", "tool:write_file", "llm"])
        XCTAssertEqual(jsonl.kinds, json.kinds)
        XCTAssertEqual(jsonl.spans.map(\.input), json.spans.map(\.input))
        XCTAssertEqual(jsonl.spans.map(\.usage), json.spans.map(\.usage))
    }

    func testHeaderAndRootByProjectHash() throws {
        let trace = try load(sample())
        XCTAssertEqual(trace.header.agentName, "gemini-cli")
        XCTAssertEqual(trace.header.traceID, "8d3f1c2e5b6a4c7d9e8f0a1b2c3d4e5f")
        XCTAssertEqual(trace.header.repoRoot, "/home/dev/calc")
        XCTAssertEqual(GeminiProjectRoot.sha256Hex("/home/dev/calc"), GeminiSession.rootHash)
        XCTAssertEqual(GeminiProjectRoot.sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        var other = sample()
        other.projectHash = String(repeating: "0", count: 64)
        XCTAssertNil(try load(other).header.repoRoot, "no path hashes to it")
        XCTAssertEqual(try load(other, options: Importer.Options(recordedRoot: "/srv/x")).header.repoRoot, "/srv/x")
    }

    func testToolCallsAndUsage() throws {
        let trace = try load(sample())
        let turn = trace.spans[1]
        XCTAssertEqual(turn.model, "gemini-2.5-pro")
        XCTAssertEqual(turn.usage, Usage(inputTokens: 400, outputTokens: 20 + 24, cacheReadTokens: 8000))
        XCTAssertEqual(turn.reasoningTokens, 24)
        let replace = trace.spans[2]
        XCTAssertEqual(replace.parentID, turn.id)
        XCTAssertEqual(turn.output?["tool_calls"], .array([.string(replace.toolCallID ?? "")]))
        XCTAssertEqual(replace.status, .ok)
        XCTAssertEqual(replace.output, "Successfully modified file: /home/dev/calc/calc/ops.py (1 replacements).")
        XCTAssertEqual(replace.details?["originalContent"], "return a - b\n")
        XCTAssertEqual(replace.attributes[GenAI.sourceID], turn.attributes[GenAI.sourceID])
        XCTAssertEqual(replace.attributes["agentreplay.gemini.status"], "success")

        // Lines of the pretty-printed document.
        let text = try String(contentsOfFile: sample().save(in: makeTemporaryDirectory(self)), encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let line = try XCTUnwrap(replace.attributes[GenAI.sourceLine]?.intValue)
        XCTAssertEqual(lines[Int(line) - 1].trimmingCharacters(in: .whitespaces), "{", "the line its message starts on")
        XCTAssertTrue(lines[Int(line)].contains(#""id": "\#(turn.attributes[GenAI.sourceID]?.stringValue ?? "")""#), String(lines[Int(line)]))
    }

    func testFailedAndCancelledCalls() throws {
        var s = GeminiSession()
        s.replace("a.py", "x", "y", error: "Failed to edit, 0 occurrences found for old_string in /home/dev/calc/a.py. No edits made.")
        s.replace("a.py", "x", "y", error: "[Operation Cancelled] Reason: User did not allow tool call", status: "cancelled")
        let tools = try load(s).spans.filter { $0.kind == .tool }
        XCTAssertEqual(tools.map(\.status), [.error, .error])
        XCTAssertEqual(tools[0].output, "Failed to edit, 0 occurrences found for old_string in /home/dev/calc/a.py. No edits made.")
        XCTAssertEqual(tools[1].attributes["agentreplay.gemini.status"], "cancelled")
    }

    func testJSONLRewindsAndReplacedLists() throws {
        let s = sample()
        let ids = s.messages.compactMap { $0["id"]?.stringValue }
        // Rewind to the write_file turn: it and what came after are dropped.
        let rewound = try load(s, jsonl: true, extra: [["$rewindTo": .string(ids[2])]])
        XCTAssertEqual(rewound.kinds, ["user", "llm", "tool:replace"])
        // A `$set` holding the whole list replaces what came before it.
        let replaced = try load(s, jsonl: true, extra: [["$set": ["messages": [s.messages[0]]]]])
        XCTAssertEqual(replaced.kinds, ["user"])
        // A cut-off last line is left out, as gemini-cli leaves it.
        let directory = try makeTemporaryDirectory(self)
        let path = try s.save(in: directory, jsonl: true)
        try (try String(contentsOfFile: path, encoding: .utf8) + #"{"id":"cut","type":"gem"#).write(toFile: path, atomically: true, encoding: .utf8)
        XCTAssertEqual(try Importer.load(path: path).kinds, try load(s).kinds)
    }

    /// A call id used again — in another message, or twice in one — gets a name of its own,
    /// `<id>#<message id>` and then `#2`, …, so the trace reads back (the `gemini` fuzz target
    /// found `c1` twice in one message after an earlier `c1`).
    func testCallIDsUsedAgainAreMadeUnique() throws {
        let meta = #"{"sessionId":"s","projectHash":"h","startTime":"2025-10-18T14:57:28.974Z","lastUpdated":"2025-10-18T14:57:28.974Z"}"#
        let call = #"{"id":"c1","name":"read_file","args":{}}"#
        let text =
            meta + "\n"
            + #"{"id":"m1","timestamp":"2025-10-18T14:57:29.000Z","type":"gemini","content":"","toolCalls":["# + call + "]}\n"
            + #"{"id":"m2","timestamp":"2025-10-18T14:57:30.000Z","type":"gemini","content":"","toolCalls":["# + call + "," + call + "," + call
            + "]}\n"
        let directory = try makeTemporaryDirectory(self)
        let path = directory + "/session.jsonl"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        let trace = try Importer.load(path: path, format: .gemini)
        XCTAssertEqual(trace.spans.compactMap(\.toolCallID), ["c1", "c1#m2", "c1#m2#2", "c1#m2#3"])
        let again = directory + "/again.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: again))
        XCTAssertEqual(TraceWriter.bytes(try TraceReader.read(path: again)), TraceWriter.bytes(trace))
    }

    // MARK: Bad input

    func testBadInputNamesTheLineAndField() throws {
        let meta = #"{"sessionId":"s","projectHash":"h","startTime":"2025-10-18T14:57:28.974Z","lastUpdated":"2025-10-18T14:57:28.974Z"}"#
        var e = try loadError(
            meta + "\n" + #"{"id":"m1","timestamp":"2025-10-18T14:57:29.000Z","type":"gemini","content":"","toolCalls":[{"id":"c1","args":{}}]}"#
                + "\n")
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "toolCalls[0].name")
        XCTAssertEqual(e.message, "missing")
        e = try loadError(meta + "\n" + #"{"id":"m1","timestamp":"noon","type":"user","content":"x"}"# + "\n")
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.field, "timestamp")
        e = try loadError(meta + "\n" + "{not json\n" + #"{"id":"m1","type":"user","content":"x"}"# + "\n")
        XCTAssertEqual(e.line, 2)
        e = try loadError(
            "{\n  \"sessionId\": \"s\",\n  \"projectHash\": \"h\",\n  \"messages\": [\n    {\"id\": \"m\", \"type\": \"gemini\", \"toolCalls\": [{\"id\": \"c\", \"name\": \"replace\", \"args\": \"x\"}]}\n  ]\n}\n",
            name: "bad.json")
        XCTAssertEqual(e.line, 5)
        XCTAssertEqual(e.field, "messages[0].toolCalls[0].args")
        XCTAssertEqual(e.message, "expected an object, found a string")
    }
}
