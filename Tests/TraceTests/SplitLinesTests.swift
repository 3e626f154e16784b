import Foundation
import Trace
import XCTest

/// `splitLines` gives what `split(separator: "\n", omittingEmptySubsequences:)` gives, on the
/// strings where a byte scan could differ from a character split.
final class SplitLinesTests: XCTestCase {
    func testTheLinesAreTheCharacterSplitsLines() {
        let cases = [
            "", "\n", "\n\n", "a", "a\n", "\na", "a\nb\n\nc", "a\r\nb", "a\r\n", "\r\n\r\n", "a\r\r\nb\n", "a\rb\nc",
            "*** Add File: x\n+\u{301}é\n\u{301}\n", "e\u{301}\nf", "\n\u{301}x\n", "👩‍👩‍👧\n👍🏽\r\n\n", "a\u{0D}\u{0A}\u{301}\nz",
            String(repeating: "line\n", count: 300) + "end",
        ]
        for text in cases {
            for omitting in [true, false] {
                XCTAssertEqual(
                    text.splitLines(omittingEmptySubsequences: omitting).map(String.init),
                    text.split(separator: "\n", omittingEmptySubsequences: omitting).map(String.init), "\(text.debugDescription), \(omitting)")
            }
        }
        // The lines that start with a byte are those of the split that do.
        for text in cases + ["*** Add File: a\n+x\n*** End Patch", "\n*\r\n*\n\r*\n*", "**\n\n*é\n"] {
            for byte in [UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "a"), 0x0D, 0xCC] {
                XCTAssertEqual(
                    text.splitLines(startingWith: byte).map(String.init),
                    text.split(separator: "\n").filter { $0.utf8.first == byte }.map(String.init), "\(text.debugDescription), \(byte)")
            }
        }
        // The lines are the string's own slices.
        let text = "one\ntwo\r\nthree"
        XCTAssertEqual(text.splitLines().map { text.distance(from: text.startIndex, to: $0.startIndex) }, [0, 4])
    }

    /// `prefixByBytes` answers as `hasPrefix` whenever it answers, and `droppingPrefix` cuts
    /// as `hasPrefix` and `dropFirst` do, for any prefix: `K`, `;` and `` ` `` met by the
    /// characters canonically equivalent to them, prepend and combining characters, a newline
    /// after a carriage return, multi-byte characters, nothing. `hasPrefixBytesFirst` answers
    /// as `hasPrefix` for the prefixes it is for: ASCII without `K`, `;` and `` ` ``. On strings
    /// and on lines sliced from one.
    func testHasPrefixBytesFirstIsHasPrefix() {
        let prefixes = [
            "", "*", "*** ", "*** Update File: ", "+", "-", "a\r", "\r", "x\n", "*** Move to: ", "/home/Kate/", ";", "`", "é", "\u{0600}",
            "a\u{301}", "/root/",
        ]
        let tails = ["", "a", "\u{301}", "\u{301}x", "\n", "\r\n", "é", "👍🏽", " ", "\u{200D}", "\u{0308}b", "*", "\u{212A}", "\u{37E}"]
        for prefix in prefixes {
            let plain = prefix.utf8.allSatisfy { $0 < 0x80 && $0 != UInt8(ascii: "K") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "`") }
            // K, ; and ` written as the characters canonically equivalent to them.
            let equivalent = prefix.replacingOccurrences(of: "K", with: "\u{212A}").replacingOccurrences(of: ";", with: "\u{37E}")
                .replacingOccurrences(of: "`", with: "\u{1FEF}")
            for tail in tails {
                for text in [prefix + tail, String(prefix.dropLast()) + tail, "z" + prefix + tail, prefix + tail + prefix, equivalent + tail] {
                    let lines = ("x\n" + text + "\ny").splitLines()
                    for s in [Substring(text)] + lines {
                        let message = "\(s.debugDescription), \(prefix.debugDescription)"
                        if let known = s.prefixByBytes(prefix) { XCTAssertEqual(known, s.hasPrefix(prefix), message) }
                        if plain { XCTAssertEqual(s.hasPrefixBytesFirst(prefix), s.hasPrefix(prefix), message) }
                    }
                    XCTAssertEqual(
                        text.droppingPrefix(prefix).map(String.init), text.hasPrefix(prefix) ? String(text.dropFirst(prefix.count)) : nil,
                        "\(text.debugDescription), \(prefix.debugDescription)")
                }
            }
        }
        XCTAssertEqual("/home/\u{212A}ate/x".droppingPrefix("/home/Kate/"), "x")
        XCTAssertNil("ab".prefixByBytes("\u{0600}"))
    }
}
