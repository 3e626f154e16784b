import XCTest
@testable import Trace

/// `JSONParser.member(_:ofObjectIn:)` gives what `(try? JSONParser.parse(text))?[name]` gives,
/// for valid and invalid documents alike: the members it skips are checked as a parse checks
/// them.
final class JSONMemberTests: XCTestCase {
    private func assertSameAsParse(_ text: String, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
        let parsed = (try? JSONParser.parse(text))?[name]
        let member = JSONParser.member(name, ofObjectIn: text)
        XCTAssertEqual(parsed.map { JSONWriter.string($0) }, member.map { JSONWriter.string($0) }, text, file: file, line: line)
    }

    func testCodexOutputs() {
        assertSameAsParse(
            #"{"output": "a\nb\tc \"q\" \\ \/ \u00e9 \ud83d\ude00 日本", "metadata": {"exit_code": 1, "duration_seconds": 0.1}}"#, "metadata")
        assertSameAsParse(#"{"metadata": {"exit_code": 0}, "metadata": {"exit_code": 2}}"#, "metadata")
        assertSameAsParse(#"  {"output":"x"}  "#, "metadata")
        assertSameAsParse(#"{}"#, "metadata")
        assertSameAsParse(#"[{"metadata": 1}]"#, "metadata")
        assertSameAsParse(#""metadata""#, "metadata")
    }

    func testSkippedValuesOfEveryKind() {
        let values = [
            "true", "false", "null", "0", "-0", "-1.5e+3", "1E-9", "123456789012345678901234567890", "[]", "{}",
            #"[1,[2,[3,{"a":[]}]],"x"]"#, #"{"a":{"b":{"c":null}}}"#, #""e\u0301 \u00e9 a\r\nb 😀 👩‍💻 \u212a K""#,
            "\"e\u{301} \u{E9} 👩‍💻\"",
        ]
        for v in values {
            assertSameAsParse("{\"skip\": \(v), \"want\": \(v)}", "want")
            assertSameAsParse("{\"want\": 1, \"skip\": \(v)}", "want")
        }
    }

    func testInvalidDocumentsGiveNil() {
        let bad = [
            #"{"skip": tru, "want": 1}"#, #"{"skip": 01, "want": 1}"#, #"{"skip": 1., "want": 1}"#, #"{"skip": -, "want": 1}"#,
            #"{"skip": "a\x", "want": 1}"#, #"{"skip": "\ud83d", "want": 1}"#, #"{"skip": "\ude00", "want": 1}"#,
            #"{"skip": "\ud83d\u0041", "want": 1}"#, #"{"skip": "\u12G4", "want": 1}"#, "{\"skip\": \"a\u{01}\", \"want\": 1}",
            #"{"skip": [1 2], "want": 1}"#, #"{"skip": [1,], "want": 1}"#, #"{"skip": {"a" 1}, "want": 1}"#,
            #"{"skip": {"a":1,}, "want": 1}"#, #"{"want": 1, "skip": "unterminated}"#, #"{"want": 1} x"#, #"{"want": 1"#,
            #"{"want": 1,}"#, #"{"skip": "\"#,
        ]
        for text in bad {
            XCTAssertNil(try? JSONParser.parse(text), text)
            XCTAssertNil(JSONParser.member("want", ofObjectIn: text), text)
        }
    }

    func testInvalidUTF8InASkippedString() {
        // Only reachable through bytes; `member` takes a String, so the cursor is driven
        // directly, as `member` drives it.
        let cases: [[UInt8]] = [
            [0xC3, 0x28], [0xC0, 0x80], [0xED, 0xA0, 0x80], [0xE2, 0x82], [0xF5, 0x80, 0x80, 0x80], [0xC3, 0xA9],
            [0xF0, 0x9F, 0x98, 0x80],
        ]
        for raw in cases {
            let bytes = Array(#"{"skip": "a"#.utf8) + raw + Array(#"b", "want": 1}"#.utf8)
            let parsed = (try? JSONParser.parse(bytes))?["want"]
            let member = bytes.withUnsafeBufferPointer { buffer -> JSON? in
                var cursor = JSONCursor(bytes: buffer, maximumDepth: JSONParser.defaultMaximumDepth)
                return try? cursor.member("want")
            }
            XCTAssertEqual(parsed, member, "\(raw)")
        }
    }

    func testNestingBoundAsParse() {
        let depth = JSONParser.defaultMaximumDepth
        for n in [depth - 2, depth - 1, depth, depth + 1] {
            let nested = String(repeating: "[", count: n) + String(repeating: "]", count: n)
            assertSameAsParse("{\"skip\": \(nested), \"want\": 1}", "want")
        }
    }
}
