import Foundation
import XCTest

import Trace

/// The native format: the writer is canonical (same trace, same bytes), the reader gives back
/// the trace that was written, and write → read → write changes no byte.
final class NativeFormatTests: XCTestCase {
    /// A trace that uses every field the format has.
    static let rich: Trace = {
        let header = Trace.Header(
            traceID: "5d0c1f6e8a0b4c7e9d1a2b3c4d5e6f70", agentName: "claude-code", agentVersion: "2.1.100",
            repoRoot: "/home/dev/project", baseCommit: String(repeating: "a", count: 40), baseTree: String(repeating: "b", count: 40),
            sourceFormat: "claude-code", sourceFile: "session.jsonl")
        let turn = Span(
            id: Span.ID("00000000000000a1"), kind: .llm, name: "chat claude",
            startTime: Timestamp(rfc3339: "2025-06-01T10:00:00.123+02:00"), endTime: Timestamp(rfc3339: "2025-06-01T08:00:01Z"),
            status: .ok,
            attributes: Attributes([
                (GenAI.requestModel, "claude-sonnet-4-5"), (GenAI.outputTokens, 20), (GenAI.inputTokens, 10),
                (GenAI.operationName, "chat"), ("z.custom", ["nested": [1, .number("2.5"), .number("-0.0"), .number("1e300"), true, nil]]),
            ]),
            output: ["text": "Ünïcödé ✓ 😀 \u{0}\u{1F}\"\\/\t", "tool_calls": ["toolu_1"]])
        let tool = Span(
            id: Span.ID("00000000000000b2"), parentID: turn.id, kind: .tool, name: "Write",
            startTime: Timestamp(seconds: 1_748_772_001), endTime: Timestamp(seconds: 1_748_772_002, nanoseconds: 5_000_000),
            status: .error,
            attributes: Attributes([(GenAI.toolName, "Write"), (GenAI.toolCallID, "toolu_1"), (GenAI.sourceLine, 3)]),
            input: ["file_path": "/home/dev/project/a.txt", "content": "line\r\nline\n"],
            output: "<tool_use_error>nope</tool_use_error>",
            details: "Error: nope",
            effects: [
                Effect(path: "a.txt", operation: .write, content: "x", executable: true),
                Effect(path: "b.bin", operation: .write, blob: String(repeating: "c", count: 40)),
                Effect(path: "c.txt", operation: .delete),
            ],
            recordedTree: String(repeating: "d", count: 40))
        let event = Span(id: Span.ID("00000000000000c3"), kind: .event, name: "compaction", status: .unset)
        let user = Span(id: Span.ID("00000000000000d4"), kind: .user, name: "user", input: "hi")
        let agent = Span(id: Span.ID("00000000000000e5"), parentID: turn.id, kind: .agent, name: "subagent")
        return Trace(header: header, spans: [turn, tool, event, user, agent])
    }()

    func testWriteReadWriteIsByteIdentical() throws {
        let bytes = TraceWriter.bytes(Self.rich)
        let path = try temporaryFile(bytes)
        let read = try TraceReader.read(path: path)
        XCTAssertEqual(read, Self.rich)
        XCTAssertEqual(TraceWriter.bytes(read), bytes)
        XCTAssertEqual(bytes.last, 0x0A)
        XCTAssertEqual(bytes.filter { $0 == 0x0A }.count, 1 + Self.rich.spans.count, "one line per record, no raw newline inside")
    }

    func testCanonicalBytes() throws {
        let trace = Trace(
            header: Trace.Header(traceID: "0123456789abcdef0123456789abcdef", agentName: "a"),
            spans: [
                Span(
                    id: Span.ID("0000000000000001"), kind: .tool, name: "Edit",
                    attributes: Attributes([(GenAI.toolName, "Edit"), (GenAI.toolCallID, "c")]),
                    input: ["b": 1, "a": 2])
            ])
        XCTAssertEqual(
            String(decoding: TraceWriter.bytes(trace), as: UTF8.self),
            """
            {"agentreplay":"trace","version":1,"trace_id":"0123456789abcdef0123456789abcdef","agent":{"name":"a"},"source":{"format":"native"}}
            {"span_id":"0000000000000001","kind":"tool","name":"Edit","status":"unset","attributes":{"gen_ai.tool.call.id":"c","gen_ai.tool.name":"Edit"},"input":{"b":1,"a":2}}

            """)
    }

    func testAttributesAreSortedByBytesWhateverTheInsertionOrder() {
        var a = Attributes()
        a["b"] = 1
        a["B"] = 2
        a["a.b"] = 3
        a["a"] = 4
        a["é"] = 5
        XCTAssertEqual(a.members.map(\.0), ["B", "a", "a.b", "b", "é"])
        a["a"] = nil
        XCTAssertEqual(a.members.map(\.0), ["B", "a.b", "b", "é"])
        XCTAssertEqual(Attributes([("y", 1), ("x", 2)]), Attributes([("x", 2), ("y", 1)]))
    }

    func testNumbersAndStringsKeepTheirSourceText() throws {
        let path = try temporaryFile(lines: [
            Native.header,
            #"{"span_id":"s","kind":"event","name":"e","output":{"n":[1.0,1e3,-0,0.1E-2,123456789012345678901234567890],"s":"\u00e9\ud83d\ude00\/"}}"#,
        ])
        let trace = try TraceReader.read(path: path)
        XCTAssertEqual(
            trace.spans[0].output?["n"],
            [.number("1.0"), .number("1e3"), .number("-0"), .number("0.1E-2"), .number("123456789012345678901234567890")])
        XCTAssertEqual(trace.spans[0].output?["s"], "é😀/")
        // Written back: numbers as they were, strings as UTF-8 with only the escapes JSON needs.
        let line = String(decoding: TraceWriter.bytes(trace), as: UTF8.self).split(separator: "\n")[1]
        XCTAssertTrue(line.contains(#""n":[1.0,1e3,-0,0.1E-2,123456789012345678901234567890],"s":"é😀/""#), String(line))
    }

    /// Found by fuzzing (`scripts/fuzz detect`): an imported `output` of `null` was written as
    /// `"output":null` but read back as no output, so write → read → write changed the bytes.
    func testNullInputOutputAndDetailsAreKeptAsRead() throws {
        let span = #"{"span_id":"a1","kind":"event","name":"e","input":null,"output":null,"details":null}"#
        let trace = try TraceReader.read(path: temporaryFile(lines: [Native.header, span]))
        XCTAssertEqual(trace.spans[0].input, .null)
        XCTAssertEqual(trace.spans[0].output, .null)
        XCTAssertEqual(trace.spans[0].details, .null)
        let written = TraceWriter.bytes(trace)
        XCTAssertTrue(String(decoding: written, as: UTF8.self).contains(#""input":null,"output":null,"details":null"#))
        XCTAssertEqual(TraceWriter.bytes(try TraceReader.read(path: temporaryFile(written))), written)
        // An absent member stays absent.
        let bare = try TraceReader.read(path: temporaryFile(lines: [Native.header, #"{"span_id":"a1","kind":"event","name":"e"}"#]))
        XCTAssertNil(bare.spans[0].output)
    }

    func testBlankLinesAndCRLFLineEndsAreRead() throws {
        let text = Native.header + "\r\n\r\n" + Native.llm("a") + "\r\n   \n" + Native.llm("b", parent: "a") + "\r\n"
        let trace = try TraceReader.read(path: temporaryFile(Array(text.utf8)))
        XCTAssertEqual(trace.spans.map(\.id.rawValue), ["a", "b"])
    }

    func testMissingOptionalFieldsTakeTheirDefaults() throws {
        let trace = try TraceReader.read(path: temporaryFile(lines: [Native.header, Native.llm("a")]))
        XCTAssertEqual(trace.header.sourceFormat, "native")
        XCTAssertNil(trace.header.repoRoot)
        XCTAssertEqual(trace.spans[0].status, .unset)
        XCTAssertEqual(trace.spans[0].attributes, Attributes())
        XCTAssertEqual(trace.spans[0].effects, [])
    }

    func testStreamingReaderGivesOneSpanAtATime() throws {
        let path = try temporaryFile(lines: [Native.header, Native.llm("a"), Native.tool("t", call: "c", parent: "a")])
        let reader = try TraceReader(path: path)
        XCTAssertEqual(reader.header.agentName, "test")
        XCTAssertEqual(try reader.next()?.id.rawValue, "a")
        XCTAssertEqual(try reader.next()?.toolCallID, "c")
        XCTAssertNil(try reader.next())
        XCTAssertNil(try reader.next())
    }

    /// A 40 MB line (a big tool output) must be read, not refused or crashed on.
    func testFortyMegabyteLineIsRead() throws {
        let size = 40 << 20
        var bytes = Array((Native.header + "\n" + #"{"span_id":"s","kind":"event","name":"big","output":""#).utf8)
        bytes.reserveCapacity(size + 200)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: size)
        bytes += Array(("\"}\n" + Native.llm("after") + "\n").utf8)
        let read = try TraceReader.read(path: temporaryFile(bytes))
        XCTAssertEqual(read.spans.count, 2)
        XCTAssertEqual(read.spans[0].output?.stringValue?.utf8.count, size)
        XCTAssertEqual(read.spans[1].id.rawValue, "after")
    }

    func testLineLongerThanTheReadersLimitIsAClearError() throws {
        let path = try temporaryFile(Array((String(repeating: "x", count: 3 << 20) + "\nshort\n").utf8))
        let lines = try LineReader(path: path, maximumLineLength: 2 << 20)
        XCTAssertThrowsError(try lines.next()) { error in
            XCTAssertEqual((error as? TraceError)?.line, 1)
            XCTAssertTrue("\(error)".contains("line longer than 2097152 bytes"), "\(error)")
        }
    }

    func testLineReaderKeepsLinesAcrossBufferBoundaries() throws {
        // Lines around the reader's 1 MiB buffer size, and a last line without a newline.
        let sizes = [1 << 20 - 1, 1 << 20, 1 << 20 + 1, 0, 5]
        var text: [UInt8] = []
        for (i, n) in sizes.enumerated() {
            text += Array(repeating: UInt8(ascii: "a") + UInt8(i), count: n)
            if i < sizes.count - 1 { text.append(0x0A) }
        }
        let lines = try LineReader(path: temporaryFile(text))
        var got: [(Int, Int)] = []
        while let line = try lines.next() { got.append((line.count, lines.lineNumber)) }
        XCTAssertEqual(got.map(\.0), sizes)
        XCTAssertEqual(got.map(\.1), [1, 2, 3, 4, 5])
        XCTAssertTrue(lines.lastLineUnterminated)
    }
}

final class TimestampTests: XCTestCase {
    func testParsesRFC3339WithOffsetsAndFractions() throws {
        let utc = try XCTUnwrap(Timestamp(rfc3339: "2025-06-01T10:00:00Z"))
        XCTAssertEqual(utc.seconds, 1_748_772_000)
        XCTAssertEqual(try XCTUnwrap(Timestamp(rfc3339: "2025-06-01T12:00:00+02:00")).seconds, utc.seconds)
        XCTAssertEqual(try XCTUnwrap(Timestamp(rfc3339: "2025-06-01T09:30:00-00:30")).seconds, utc.seconds)
        let fraction = try XCTUnwrap(Timestamp(rfc3339: "2025-06-01T10:00:00.123456789Z"))
        XCTAssertEqual(fraction.nanoseconds, 123_456_789)
        XCTAssertLessThan(utc, fraction)
        XCTAssertEqual(fraction.text, "2025-06-01T10:00:00.123456789Z", "the text is kept as written")
        XCTAssertEqual(try XCTUnwrap(Timestamp(rfc3339: "1969-12-31T23:59:59Z")).seconds, -1)
    }

    func testRejectsWhatIsNotRFC3339() {
        for text in [
            "", "2025-06-01", "2025-06-01T10:00:00", "2025-13-01T10:00:00Z", "2025-06-01T24:00:00Z",
            "2025-06-01T10:00:00.Z", "2025-06-01T10:00:00+0200", "2025-06-01T10:00:00Zjunk", "yesterday",
        ] {
            XCTAssertNil(Timestamp(rfc3339: text), text)
        }
    }

    func testWritesUTCWithMilliseconds() {
        XCTAssertEqual(Timestamp(seconds: 1_748_772_000).text, "2025-06-01T10:00:00.000Z")
        XCTAssertEqual(Timestamp(seconds: 0, nanoseconds: 999_999_999).text, "1970-01-01T00:00:00.999Z")
        XCTAssertEqual(Timestamp(seconds: -1).text, "1969-12-31T23:59:59.000Z")
        XCTAssertEqual(Timestamp(seconds: 951_782_400).text, "2000-02-29T00:00:00.000Z")
    }
}
