import Foundation
import XCTest

import Trace

/// Every way a native trace can be bad gets a `TraceError` that names the file, the 1-based
/// line and the field at fault; nothing crashes, however large or deep the input.
final class TraceReaderErrorTests: XCTestCase {
    func assertError(
        _ lines: [String], line expectedLine: Int, field: String?, _ fragment: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let e = try readError(lines, file: file, line: line)
        XCTAssertEqual(e.file, "trace.ndjson", file: file, line: line)
        XCTAssertEqual(e.line, expectedLine, "\(e)", file: file, line: line)
        XCTAssertEqual(e.field, field, "\(e)", file: file, line: line)
        XCTAssertTrue(e.message.contains(fragment), "\(e)", file: file, line: line)
        var prefix = "trace.ndjson"
        if expectedLine > 0 { prefix += ":\(expectedLine)" }
        if let field { prefix += ": field '\(field)'" }
        XCTAssertTrue(e.description.hasPrefix(prefix + ": "), e.description, file: file, line: line)
    }

    func testEmptyFile() throws {
        try assertError([], line: 0, field: nil, "empty file")
        let e = try readError(at: temporaryFile([]))
        XCTAssertEqual(e.line, 0)
        XCTAssertTrue(e.message.contains("empty file"))
        XCTAssertTrue(try readError(at: temporaryFile(Array("\n \n\r\n".utf8))).message.contains("empty file"))
    }

    func testBinaryFile() throws {
        let e = try readError(at: temporaryFile([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0xFF]))
        XCTAssertEqual(e.line, 1)
        XCTAssertTrue(e.message.hasPrefix("invalid JSON"), "\(e)")
    }

    func testInvalidUTF8InASpanLine() throws {
        var bytes = Array((Native.header + "\n").utf8)
        bytes += Array(#"{"span_id":"s","kind":"event","name":"caf"#.utf8) + [0xC3, 0x28] + Array("\"}\n".utf8)
        let e = try readError(at: temporaryFile(bytes))
        XCTAssertEqual(e.line, 2)
        XCTAssertEqual(e.message, "invalid JSON: invalid UTF-8 at column 42")
    }

    func testMalformedJSONNamesTheLineAndColumn() throws {
        try assertError(
            [Native.header, Native.llm("a"), #"{"span_id":"b","kind":"llm",}"#], line: 3, field: nil,
            "invalid JSON: expected a member name in quotes at column 29")
        try assertError([Native.header, "not json"], line: 2, field: nil, "invalid JSON: invalid literal at column 1")
        try assertError([Native.header, Native.llm("a") + " x"], line: 2, field: nil, "unexpected data after the JSON value")
    }

    func testTruncatedLastLineSaysSo() throws {
        let text = Native.header + "\n" + Native.llm("a") + "\n" + #"{"span_id":"b","kind":"ll"#
        let e = try readError(at: temporaryFile(Array(text.utf8)))
        XCTAssertEqual(e.line, 3)
        XCTAssertTrue(e.message.hasPrefix("truncated last line"), e.message)
    }

    func testHeaderErrors() throws {
        try assertError([#"{"span_id":"a","kind":"llm","name":"x"}"#], line: 1, field: "agentreplay", "not a native trace header")
        try assertError(
            [#"{"agentreplay":"trace","version":"1","trace_id":"t","agent":{"name":"a"}}"#], line: 1, field: "version",
            "expected a whole number, found a string")
        try assertError(
            [#"{"agentreplay":"trace","version":2,"trace_id":"t","agent":{"name":"a"}}"#], line: 1, field: "version", "unsupported version 2")
        try assertError([#"{"agentreplay":"trace","version":1,"agent":{"name":"a"}}"#], line: 1, field: "trace_id", "missing")
        try assertError([#"{"agentreplay":"trace","version":1,"trace_id":"","agent":{"name":"a"}}"#], line: 1, field: "trace_id", "empty")
        try assertError(
            [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":"a"}"#], line: 1, field: "agent", "expected an object, found a string")
        try assertError(
            [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":{"name":7}}"#], line: 1, field: "agent.name",
            "expected a string, found a number")
        try assertError(
            [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":{"name":"a"},"base_commit":"HEAD"}"#], line: 1, field: "base_commit",
            "not a 40-digit hex object id")
        try assertError(
            [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":{"name":"a"},"base_tree":"ABCDEF0123ABCDEF0123ABCDEF0123ABCDEF0123"}"#],
            line: 1, field: "base_tree", "not a 40-digit hex object id")
        try assertError(
            [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":{"name":"a"},"source":{"format":1}}"#], line: 1, field: "source.format",
            "expected a string")
        try assertError(["[]"], line: 1, field: nil, "expected an object, found an array")
    }

    func testSpanFieldTypes() throws {
        let cases: [(String, String, String)] = [
            (#"{"span_id":1,"kind":"llm","name":"x"}"#, "span_id", "expected a string, found a number"),
            (#"{"span_id":"","kind":"llm","name":"x"}"#, "span_id", "empty"),
            (#"{"kind":"llm","name":"x"}"#, "span_id", "missing"),
            (#"{"span_id":"a","kind":["llm"],"name":"x"}"#, "kind", "expected a string, found an array"),
            (#"{"span_id":"a","kind":"llm"}"#, "name", "missing"),
            (#"{"span_id":"a","kind":"llm","name":"x","status":"failed"}"#, "status", "unknown status \"failed\""),
            (#"{"span_id":"a","kind":"llm","name":"x","start_time":"noon"}"#, "start_time", "not an RFC 3339 time"),
            (#"{"span_id":"a","kind":"llm","name":"x","end_time":17}"#, "end_time", "expected a string"),
            (#"{"span_id":"a","kind":"llm","name":"x","parent_span_id":false}"#, "parent_span_id", "expected a string"),
            (#"{"span_id":"a","kind":"llm","name":"x","attributes":[]}"#, "attributes", "expected an object, found an array"),
            (
                #"{"span_id":"a","kind":"llm","name":"x","attributes":{"gen_ai.request.model":5}}"#, "attributes.gen_ai.request.model",
                "expected a string"
            ),
            (
                #"{"span_id":"a","kind":"llm","name":"x","attributes":{"gen_ai.usage.input_tokens":"10"}}"#, "attributes.gen_ai.usage.input_tokens",
                "expected a whole number"
            ),
            (
                #"{"span_id":"a","kind":"llm","name":"x","attributes":{"gen_ai.usage.output_tokens":1.5}}"#, "attributes.gen_ai.usage.output_tokens",
                "expected a whole number"
            ),
            (
                #"{"span_id":"a","kind":"tool","name":"x","attributes":{"gen_ai.tool.call.id":"c","gen_ai.tool.name":{}}}"#,
                "attributes.gen_ai.tool.name", "expected a string"
            ),
            (
                #"{"span_id":"a","kind":"tool","name":"x","attributes":{"gen_ai.tool.call.id":"c"}}"#, "attributes.gen_ai.tool.name",
                "missing on a tool span"
            ),
            (#"{"span_id":"a","kind":"event","name":"x","effects":{}}"#, "effects", "expected an array"),
            (#"{"span_id":"a","kind":"event","name":"x","effects":[{"path":"a","op":"move"}]}"#, "effects[0].op", "unknown operation \"move\""),
            (#"{"span_id":"a","kind":"event","name":"x","effects":[{"path":"a","op":"delete"},{"op":"delete"}]}"#, "effects[1].path", "missing"),
            (#"{"span_id":"a","kind":"event","name":"x","effects":[{"path":"a","op":"write"}]}"#, "effects[0].content", "needs content or blob"),
            (
                #"{"span_id":"a","kind":"event","name":"x","effects":[{"path":"a","op":"write","blob":"xyz"}]}"#, "effects[0].blob",
                "not a 40-digit hex object id"
            ),
            (
                #"{"span_id":"a","kind":"event","name":"x","effects":[{"path":"a","op":"write","content":"c","executable":"yes"}]}"#,
                "effects[0].executable", "expected true or false"
            ),
            (#"{"span_id":"a","kind":"event","name":"x","effects":[7]}"#, "effects[0]", "expected an object, found a number"),
            (#"{"span_id":"a","kind":"event","name":"x","recorded_tree":"abc"}"#, "recorded_tree", "not a 40-digit hex object id"),
            (#"{"span_id":"a","kind":"llm","name":"x","attributes":{"k":1,"k":2}}"#, "attributes.k", "the same attribute appears twice"),
        ]
        for (line, field, fragment) in cases {
            try assertError([Native.header, line], line: 2, field: field, fragment)
        }
    }

    func testUnknownKind() throws {
        try assertError(
            [Native.header, #"{"span_id":"a","kind":"thought","name":"x"}"#], line: 2, field: "kind",
            #"unknown kind "thought" (expected one of llm, tool, agent, user, event)"#)
    }

    func testDuplicateSpanID() throws {
        try assertError([Native.header, Native.llm("a"), Native.llm("b"), Native.llm("a")], line: 4, field: "span_id", "duplicate span id a")
    }

    func testParentNotSeenBefore() throws {
        try assertError(
            [Native.header, Native.llm("a", parent: "b"), Native.llm("b")], line: 2, field: "parent_span_id",
            "parent b does not appear before this span")
        // A span cannot be its own parent: its parent must come before it.
        try assertError([Native.header, Native.llm("a", parent: "a")], line: 2, field: "parent_span_id", "parent a does not appear before this span")
    }

    func testMissingToolCallID() throws {
        try assertError(
            [Native.header, #"{"span_id":"t","kind":"tool","name":"Edit","attributes":{"gen_ai.tool.name":"Edit"}}"#],
            line: 2, field: "attributes.gen_ai.tool.call.id", "missing on a tool span")
        try assertError(
            [Native.header, #"{"span_id":"t","kind":"tool","name":"Edit","attributes":{"gen_ai.tool.name":"Edit","gen_ai.tool.call.id":""}}"#],
            line: 2, field: "attributes.gen_ai.tool.call.id", "missing on a tool span")
    }

    func testDuplicateToolCallID() throws {
        try assertError(
            [Native.header, Native.tool("t1", call: "c"), Native.llm("x"), Native.tool("t2", call: "c")],
            line: 4, field: "attributes.gen_ai.tool.call.id", "duplicate tool call id c")
    }

    func testNestingOneHundredThousandDeepIsRefusedNotCrashed() throws {
        let deep =
            #"{"span_id":"a","kind":"event","name":"x","output":"# + String(repeating: "[", count: 100_000)
            + String(repeating: "]", count: 100_000) + "}"
        try assertError([Native.header, deep], line: 2, field: nil, "nesting deeper than 512 levels")
        let deepObjects = String(repeating: #"{"a":"#, count: 100_000) + "1" + String(repeating: "}", count: 100_000)
        try assertError([deepObjects], line: 1, field: nil, "nesting deeper than 512 levels")
    }

    func testMissingFileAndDirectory() throws {
        let directory = try makeTemporaryDirectory(self)
        XCTAssertThrowsError(try TraceReader.read(path: directory + "/missing.ndjson")) { error in
            XCTAssertTrue("\(error)".contains("cannot open: No such file or directory"), "\(error)")
        }
        XCTAssertThrowsError(try TraceReader.read(path: directory)) { error in
            XCTAssertTrue("\(error)".contains("is a directory"), "\(error)")
        }
    }

    /// With `recoversBadSpans` (what `run` uses), a bad span line becomes an error event that
    /// names the problem, and the spans after it are still read.
    func testRecoveringReaderTurnsABadSpanIntoAnErrorEvent() throws {
        let path = try temporaryFile(lines: [
            Native.header, Native.llm("a"), #"{"span_id":"b","kind":"thought","name":"x"}"#, "{oops", Native.llm("c", parent: "a"),
        ])
        let reader = try TraceReader(path: path, displayName: "trace.ndjson")
        reader.recoversBadSpans = true
        var spans: [Span] = []
        while let span = try reader.next() { spans.append(span) }
        XCTAssertEqual(spans.map(\.kind), [.llm, .event, .event, .llm])
        XCTAssertEqual(spans[1].status, .error)
        XCTAssertEqual(spans[1].name, "invalid record")
        XCTAssertEqual(spans[1].attributes[GenAI.sourceLine], 3)
        XCTAssertTrue(spans[1].output?.stringValue?.hasPrefix("trace.ndjson:3: field 'kind': unknown kind") == true, "\(spans[1].output ?? nil)")
        XCTAssertEqual(spans[2].attributes[GenAI.sourceLine], 4)
        XCTAssertEqual(spans[3].id.rawValue, "c")
    }

    /// A span the recovering reader replaced by an error event was never accepted: a span
    /// naming it as parent has no parent in the trace, and is refused too, so the trace read
    /// (and the canonical copy `run` stores) never points at a span that is not in it.
    func testRecoveringReaderRefusesChildrenOfARefusedSpan() throws {
        let path = try temporaryFile(lines: [Native.header, Native.llm("a", parent: "nobody"), Native.llm("b", parent: "a")])
        let reader = try TraceReader(path: path)
        reader.recoversBadSpans = true
        var spans: [Span] = []
        while let span = try reader.next() { spans.append(span) }
        let ids = Set(spans.map(\.id))
        for span in spans {
            if let parent = span.parentID { XCTAssertTrue(ids.contains(parent), "\(span.id) names \(parent), which is not in the trace") }
        }
        XCTAssertEqual(spans.map(\.name), ["invalid record", "invalid record"])
    }

    func testRecoveringReaderStillRefusesABadHeader() throws {
        let path = try temporaryFile(lines: ["{oops", Native.llm("a")])
        XCTAssertThrowsError(try TraceReader(path: path)) { error in
            XCTAssertEqual((error as? TraceError)?.line, 1)
        }
    }
}
