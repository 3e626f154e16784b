import XCTest
@testable import Trace

/// The span line decoder's contract: where it answers, it gives what the reference road
/// (`JSONParser` then `NativeFormat.decodeSpan`) gives; and it does answer for the lines the
/// writer makes, or it would buy nothing.
final class SpanLineDecoderTests: XCTestCase {
    /// The reference: the span, or the error message.
    static func reference(_ line: [UInt8]) -> Result<Span, TraceError> {
        Result { () throws(TraceError) in
            try NativeFormat.decodeSpan(TraceReader.parse(line[...], file: "t", line: 1), file: "t", line: 1)
        }
    }

    static func quick(_ line: [UInt8]) -> Span? {
        line.withUnsafeBufferPointer(SpanLineDecoder.decode)
    }

    /// One decoder for all the lines a test checks, so what it recalls from one line (names,
    /// times) is used on the next.
    var decoder = SpanLineDecoder()

    /// Checks the contract on one line; returns whether the decoder answered.
    @discardableResult
    func check(_ line: [UInt8], file: StaticString = #filePath, lineNumber: UInt = #line) -> Bool {
        let fresh = Self.quick(line)
        let shared = line.withUnsafeBufferPointer { decoder.decode($0) }
        XCTAssertEqual(fresh, shared, "a decoder that read other lines first answers the same", file: file, line: lineNumber)
        guard let quick = shared else { return false }
        switch Self.reference(line) {
        case .success(let span):
            XCTAssertEqual(quick, span, String(decoding: line, as: UTF8.self), file: file, line: lineNumber)
        case .failure(let error):
            XCTFail("decoded a line the reference refuses (\(error)): \(String(decoding: line, as: UTF8.self))", file: file, line: lineNumber)
        }
        return true
    }

    static var canonicalLines: [[UInt8]] {
        NativeFormatTests.rich.spans.map { span in
            var out: [UInt8] = []
            TraceWriter.append(span, to: &out)
            return Array(out.dropLast())
        }
    }

    func testDecodesEveryLineTheWriterWrites() {
        for line in Self.canonicalLines {
            XCTAssertTrue(check(line), "the common road should take \(String(decoding: line, as: UTF8.self))")
        }
    }

    func testUnusualButValidLinesGiveTheReferenceSpan() throws {
        let lines = [
            // White space everywhere, unknown members, members in another order.
            #" { "kind" : "event" , "x" : [1, {"y": null}] , "span_id" : "a" , "name" : "n" } "#,
            // A member twice: the first counts.
            #"{"span_id":"a","kind":"event","name":"n","name":"m"}"#,
            #"{"span_id":"a","kind":"event","name":"n","span_id":"b"}"#,
            // A member's name spelled with an escape, before the plain one.
            #"{"span\u005fid":"b","span_id":"a","kind":"event","name":"n"}"#,
            #"{"span_id":"a","kind":"event","name":"n","na\u006de":"m"}"#,
            // null for absent; null kept for input.
            #"{"span_id":"a","parent_span_id":null,"kind":"event","name":"n","status":null,"attributes":null,"effects":null,"input":null}"#,
            // Attributes out of order, and empty.
            #"{"span_id":"a","kind":"event","name":"n","attributes":{"b":1,"a":2}}"#,
            #"{"span_id":"a","kind":"event","name":"n","attributes":{}}"#,
            // Escapes of every kind, surrogate pairs, non-ASCII text.
            #"{"span_id":"a\/b","kind":"event","name":"\"\\\b\f\n\r\t\u00e9\ud83d\ude00\u0041","output":"é ✓ \u2713"}"#,
            #"{"span_id":"a","kind":"event","name":"x","output":{"text":"line\nline\t\"q\"\\","n":[1,-0.5,2e10]}}"#,
            // Effects.
            #"{"span_id":"a","kind":"event","name":"n","effects":[{"path":"a","op":"delete"},{"path":"b","op":"write","content":"x","executable":false}]}"#,
            #"{"span_id":"a","kind":"event","name":"n","effects":[]}"#,
        ]
        for text in lines {
            let line = Array(text.utf8)
            guard case .success(let span) = Self.reference(line) else { return XCTFail("reference refuses \(text)") }
            check(line)
            // What the reader gives is the reference span, whichever road it took.
            let path = try temporaryFile(lines: [#"{"agentreplay":"trace","version":1,"trace_id":"t","agent":{"name":"a"}}"#, text])
            XCTAssertEqual(try TraceReader.read(path: path).spans, [span], text)
        }
    }

    func testLinesTheReferenceRefusesAreLeftToIt() {
        let lines = [
            #"{"span_id":"a","kind":"event","name":"n""#,
            #"{"span_id":"a","kind":"nope","name":"n"}"#,
            #"{"span_id":"","kind":"event","name":"n"}"#,
            #"{"span_id":"a","kind":"tool","name":"n"}"#,
            #"{"span_id":"a","kind":"event","name":"n","start_time":"yesterday"}"#,
            #"{"span_id":"a","kind":"event","name":"n","recorded_tree":"abc"}"#,
            #"{"span_id":"a","kind":"event","name":"n","attributes":{"a":1,"a":2}}"#,
            #"{"span_id":"a","kind":"event","name":"n","attributes":{"gen_ai.usage.input_tokens":"7"}}"#,
            #"{"span_id":"a","kind":"event","name":"n","effects":[{"path":"a","op":"move"}]}"#,
            #"{"span_id":"a","kind":"event","name":"\ud800"}"#,
            #"{"span_id":"a","kind":"event","name":"\q"}"#,
            #"{"span_id":"a","kind":"event","name":1}"#,
            #"["span_id"]"#,
            #"{"span_id":"a","kind":"event","name":"n"} x"#,
        ]
        for text in lines {
            let line = Array(text.utf8)
            XCTAssertNil(Self.quick(line), text)
            guard case .failure = Self.reference(line) else { return XCTFail("reference accepts \(text)") }
        }
        // Bad UTF-8 in a string, and in a member name the decoder does not know.
        for line in [
            Array(#"{"span_id":"a","kind":"event","name":""#.utf8) + [0xC3, 0x28] + Array(#""}"#.utf8),
            Array(#"{"span_id":"a","kind":"event","name":"n",""#.utf8) + [0xFF] + Array(#"":1}"#.utf8),
        ] {
            XCTAssertNil(Self.quick(line))
        }
    }

    /// Deterministic mutations of the writer's lines (bytes dropped, doubled, replaced by
    /// JSON's special characters): wherever the decoder answers, the reference agrees.
    func testMutatedLinesNeverDisagreeWithTheReference() {
        var seed: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let specials = Array(#"{}[]:,"\ u0n1-.eE"#.utf8) + [0x00, 0x0A, 0x7F, 0xC3, 0xA9, 0xFF]
        var answered = 0
        var tried = 0
        for base in Self.canonicalLines {
            for _ in 0..<1500 {
                var line = base
                for _ in 0..<(1 + next(3)) where !line.isEmpty {
                    let at = next(line.count)
                    switch next(3) {
                    case 0: line.remove(at: at)
                    case 1: line.insert(line[at], at: at)
                    default: line[at] = specials[next(specials.count)]
                    }
                }
                tried += 1
                if check(line) { answered += 1 }
            }
        }
        XCTAssertGreaterThan(answered, tried / 50, "mutations the decoder still reads, checked against the reference")
    }
}

/// The span writer writes what `JSONWriter` writes for `NativeFormat.encode(span)`, and the
/// string fast paths agree with their careful versions.
final class DirectWriterTests: XCTestCase {
    func testSpanLineIsTheEncodedSpan() {
        for span in NativeFormatTests.rich.spans {
            var direct: [UInt8] = []
            TraceWriter.append(span, to: &direct)
            var reference: [UInt8] = []
            JSONWriter.write(NativeFormat.encode(span), into: &reference)
            reference.append(0x0A)
            XCTAssertEqual(direct, reference)
        }
    }

    func testStringsEscapeEveryByteThatNeedsIt() {
        // Every ASCII byte, alone and between runs of plain text of every length up to 17.
        for b in UInt8(0)..<0x80 {
            for pad in 0...17 {
                let plain = String(repeating: "a", count: pad)
                let s = plain + String(UnicodeScalar(b)) + plain + "é" + String(UnicodeScalar(b))
                var out: [UInt8] = []
                JSONWriter.writeString(s, into: &out)
                XCTAssertEqual(String(decoding: out, as: UTF8.self), Self.escaped(s))
                XCTAssertEqual(try JSONParser.parse(out), .string(s))
                var buffer = ByteBuffer(capacity: 1)
                buffer.append(0x20)
                JSONWriter.writeString(s, into: &buffer)
                XCTAssertEqual(Array(buffer.bytes), [0x20] + out)
            }
        }
    }

    func testLongStringsGoTheCountedWay() {
        // Past 64 KiB of worst case, `ByteBuffer` counts the escaped length first.
        for s in [String(repeating: "ab\n\"\u{1}", count: 20_000), String(repeating: "x", count: 70_000) + "\t"] {
            var out: [UInt8] = []
            JSONWriter.writeString(s, into: &out)
            var buffer = ByteBuffer(capacity: 16)
            JSONWriter.writeString(s, into: &buffer)
            XCTAssertEqual(Array(buffer.bytes), out)
            XCTAssertEqual(String(decoding: out, as: UTF8.self), Self.escaped(s))
        }
    }

    /// The writer's escaping, one character at a time.
    static func escaped(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{8}": out += "\\b"
            case "\u{C}": out += "\\f"
            case _ where u.value < 0x20: out += "\\u00" + (u.value < 0x10 ? "0" : "") + String(u.value, radix: 16)
            default: out.unicodeScalars.append(u)
            }
        }
        return out + "\""
    }

    func testQuickStringAgreesWithTheCarefulReading() {
        var seed: UInt64 = 42
        func next(_ n: Int) -> Int {
            seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int((seed >> 33) % UInt64(n))
        }
        let pieces: [[UInt8]] = [
            Array("abc".utf8), Array("é".utf8), Array("😀".utf8), [0xC3], [0xFF], [0x01], [0x0A], Array("\\".utf8),
            Array("\\n".utf8), Array("\\\"".utf8), Array("\\u00e9".utf8), Array("\\ud83d\\ude00".utf8), Array("\\ud83d".utf8),
            Array("\\ude00".utf8), Array("\\u12".utf8), Array("\\x".utf8), Array("\\/".utf8), Array("\"".utf8), Array("01234567".utf8),
        ]
        for _ in 0..<20_000 {
            var bytes: [UInt8] = [0x22]
            for _ in 0..<next(6) { bytes += pieces[next(pieces.count)] }
            if next(4) > 0 { bytes.append(0x22) }
            bytes.withUnsafeBufferPointer { buffer in
                var quick = JSONCursor(bytes: buffer, maximumDepth: 8)
                var careful = JSONCursor(bytes: buffer, maximumDepth: 8)
                let expected = Result { () throws(JSONParser.Error) in try careful.parseStringCarefully() }
                if let s = quick.quickString() {
                    XCTAssertEqual(expected, .success(s), "\(bytes)")
                    XCTAssertEqual(quick.index, careful.index, "\(bytes)")
                }
                var both = JSONCursor(bytes: buffer, maximumDepth: 8)
                let got = Result { () throws(JSONParser.Error) in try both.parseString() }
                XCTAssertEqual(got, expected, "\(bytes)")
            }
        }
    }
}
