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

    /// `hasPrefixBytesFirst` answers as `hasPrefix` for ASCII prefixes (none of `K`, `;`, `` ` ``),
    /// whatever follows them: ASCII, a combining mark, a newline after a carriage return, a
    /// multi-byte character, nothing; on strings and on lines sliced from one.
    func testHasPrefixBytesFirstIsHasPrefix() {
        let prefixes = ["", "*", "*** ", "*** Update File: ", "+", "-", "a\r", "\r", "x\n", "*** Move to: "]
        let tails = ["", "a", "\u{301}", "\u{301}x", "\n", "\r\n", "é", "👍🏽", " ", "\u{200D}", "\u{0308}b", "*"]
        for prefix in prefixes {
            for tail in tails {
                for text in [prefix + tail, String(prefix.dropLast()) + tail, "z" + prefix + tail, prefix + tail + prefix] {
                    XCTAssertEqual(text.hasPrefixBytesFirst(prefix), text.hasPrefix(prefix), "\(text.debugDescription), \(prefix.debugDescription)")
                    let lines = ("x\n" + text + "\ny").splitLines()
                    for line in lines {
                        XCTAssertEqual(
                            line.hasPrefixBytesFirst(prefix), line.hasPrefix(prefix), "\(line.debugDescription), \(prefix.debugDescription)")
                    }
                }
            }
        }
    }
}
