import XCTest
@testable import Trace

final class JSONParserTests: XCTestCase {
    func testParsesAndKeepsMemberOrder() throws {
        let v = try JSONParser.parse(#"{"b":1,"a":[true,false,null,"x\u00e9\n"],"c":{"d":-1.5e3}}"#)
        XCTAssertEqual(v.objectValue?.map(\.0), ["b", "a", "c"])
        XCTAssertEqual(v["a"]?.arrayValue?[3], .string("xé\n"))
        XCTAssertEqual(v["c"]?["d"], .number("-1.5e3"))
        XCTAssertEqual(JSONWriter.string(v), #"{"b":1,"a":[true,false,null,"xé\n"],"c":{"d":-1.5e3}}"#)
    }

    func testSurrogatePairs() throws {
        XCTAssertEqual(try JSONParser.parse(#""\ud83d\ude00""#), .string("😀"))
        XCTAssertThrowsError(try JSONParser.parse(#""\ud83d""#))
        XCTAssertThrowsError(try JSONParser.parse(#""\ude00""#))
    }

    func testRejectsBadInputWithOffsets() {
        let cases: [(String, String)] = [
            ("{\"a\":1,}", "expected a member name"),
            ("[1 2]", "expected ',' or ']'"),
            ("01", "unexpected data after"),
            ("\"abc", "unterminated string"),
            ("tru", "end of input"),
            ("{\"a\" 1}", "expected ':'"),
            ("\"\u{01}\"", "control character"),
            ("1.", "invalid number"),
            ("", "unexpected end of input"),
        ]
        for (text, fragment) in cases {
            XCTAssertThrowsError(try JSONParser.parse(text), text) { error in
                XCTAssertTrue("\(error)".contains(fragment), "\(text): \(error)")
            }
        }
    }

    func testRejectsInvalidUTF8() {
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC3, 0x28, 0x22])) { error in
            XCTAssertEqual((error as? JSONParser.Error)?.offset, 1)
        }
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xED, 0xA0, 0x80, 0x22]))  // encoded surrogate
        XCTAssertThrowsError(try JSONParser.parse([0x22, 0xC0, 0x80, 0x22]))  // overlong
    }

    func testDeepNestingIsRefusedNotCrashed() {
        let deep = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        XCTAssertThrowsError(try JSONParser.parse(deep)) { error in
            XCTAssertTrue("\(error)".contains("nesting deeper than"))
        }
        let ok = String(repeating: "[", count: 500) + String(repeating: "]", count: 500)
        XCTAssertNoThrow(try JSONParser.parse(ok))
    }

    func testPrettyOutputIsStable() throws {
        let v = try JSONParser.parse(#"{"a":[1,{"b":[]}],"c":{}}"#)
        XCTAssertEqual(JSONWriter.pretty(v), "{\n  \"a\": [\n    1,\n    {\n      \"b\": []\n    }\n  ],\n  \"c\": {}\n}")
    }
}
