import Trace
import XCTest

/// `prefix(characters:)` and `hasMoreCharacters(than:)` give what `prefix` and `count` give,
/// on the strings where reading bytes could differ from reading characters: combining marks,
/// CR LF, emoji, at and around the cut.
final class CharacterPrefixTests: XCTestCase {
    func testTheyAreThePrefixAndCountOfCharacters() {
        let pieces = ["a", "\r", "\n", "\r\n", "\u{301}", "é", "👍🏽", " ", "x\u{0308}", "\u{200D}"]
        var texts = [""]
        for a in pieces { for b in pieces { for c in pieces { texts.append(String(repeating: "z", count: 4) + a + b + c) } } }
        texts += ["abcd", "abcde", "abcdef", "abcd\u{301}", "abc\r\n", "abcd\r", "abc\u{301}d", String(repeating: "ab", count: 300)]
        for text in texts {
            for count in 0...8 {
                XCTAssertEqual(String(text.prefix(characters: count)), String(text.prefix(count)), "\(text.debugDescription), \(count)")
                XCTAssertEqual(text.hasMoreCharacters(than: count), text.count > count, "\(text.debugDescription), \(count)")
            }
            XCTAssertEqual(text.hasMoreCharacters(than: 200), text.count > 200)
            XCTAssertEqual(String(text.prefix(characters: 199)), String(text.prefix(199)))
        }
    }
}
