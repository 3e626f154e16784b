import XCTest
@testable import Trace

/// `Attributes` keeps its names in the byte order of their UTF-8 forms and finds them by
/// comparing bytes, eight at a time: checked against the order of the byte arrays themselves.
final class AttributesOrderTests: XCTestCase {
    /// Names that share prefixes of every length around the eight-byte words, end inside one,
    /// differ only past it, are empty, and reach beyond ASCII (a combining mark and the
    /// precomposed letter it is equivalent to, CR LF, an emoji and a ZWJ sequence, the Kelvin
    /// sign and K, small strings and long ones).
    static let names: [String] = [
        "", "a", "b", "gen_ai", "gen_ai.", "gen_ai.t", "gen_ai.to", "gen_ai.tool.name", "gen_ai.tool.call.id",
        "gen_ai.tool.call.i", "gen_ai.tool.nam", "gen_ai.tool.namf", "gen_ai.usage.input_tokens",
        "gen_ai.usage.input_tokenz", "agentreplay.source.line", "agentreplay.source.result_line", "process.exit.code",
        "e\u{301}", "\u{E9}", "a\r\nb", "a\nb", "😀", "👩‍💻", "👩", "\u{212A}", "K", "k", "日本語", "日本",
        "\u{7F}", "\u{80}", "abcdefgh", "abcdefgh\u{301}", "abcdefghi", "abcdefg", "ABCDEFGH",
        String(repeating: "x", count: 40), String(repeating: "x", count: 39) + "y",
    ]

    private static func bytesPrecede(_ a: String, _ b: String) -> Bool {
        Array(a.utf8).lexicographicallyPrecedes(Array(b.utf8))
    }

    func testPrecedesIsByteOrder() {
        for a in Self.names {
            for b in Self.names {
                XCTAssertEqual(Attributes.precedes(a, b), Self.bytesPrecede(a, b), "\(Array(a.utf8)) < \(Array(b.utf8))")
            }
        }
    }

    func testMembersSortedAndFoundWhateverTheOrderOfInsertion() {
        var generator = SystemRandomNumberGenerator()
        let orders = [Self.names, Self.names.reversed(), Self.names.shuffled(using: &generator), Self.names.shuffled(using: &generator)]
        let sorted = Self.names.sorted(by: Self.bytesPrecede)
        for order in orders {
            var attributes = Attributes()
            for (i, name) in order.enumerated() { attributes[name] = .number(i) }
            XCTAssertEqual(attributes.members.map { Array($0.0.utf8) }, sorted.map { Array($0.utf8) })
            for (i, name) in order.enumerated() {
                XCTAssertEqual(attributes[name], .number(i), name)
            }
            // Names not there: between, before and after the ones that are.
            for missing in ["gen_ai.tool", "gen_ai.tool.name.", "0", "\u{FFFF}", "abcdefgh\u{300}", "e"] {
                XCTAssertNil(attributes[missing], missing)
            }
            // Replaced and removed in place.
            attributes["gen_ai.tool.name"] = .string("Read")
            XCTAssertEqual(attributes["gen_ai.tool.name"], .string("Read"))
            attributes["\u{E9}"] = nil
            XCTAssertNil(attributes["\u{E9}"])
            XCTAssertNotNil(attributes["e\u{301}"])
            XCTAssertEqual(attributes.members.count, Self.names.count - 1)
        }
    }

    func testPairsKeepTheLastValueOfANameGivenTwice() {
        let attributes = Attributes([("b", .number(1)), ("a", .number(2)), ("b", .number(3)), ("\u{E9}", .number(4)), ("e\u{301}", .number(5))])
        // Compared as bytes: "e\u{301}" == "\u{E9}" as Strings.
        XCTAssertEqual(attributes.members.map { Array($0.0.utf8) }, [[0x61], [0x62], [0x65, 0xCC, 0x81], [0xC3, 0xA9]])
        XCTAssertEqual(attributes["b"], .number(3))
        XCTAssertEqual(attributes["\u{E9}"], .number(4))
        XCTAssertEqual(attributes["e\u{301}"], .number(5))
    }
}
