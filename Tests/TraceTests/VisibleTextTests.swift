import XCTest

@testable import Trace

/// The one escape of a log's text for people (`VisibleText`), and arithmetic that holds at
/// Int64's bounds (`saturatingAdd`, …).
final class VisibleTextTests: XCTestCase {
    func testControlsBecomeVisible() {
        XCTAssertEqual(VisibleText.escape("a\u{1B}]0;t\u{07}b"), #"a\x1b]0;t\x07b"#)
        XCTAssertEqual(VisibleText.escape("\r\u{0}\u{7F}"), #"\r\x00\x7f"#)
        XCTAssertEqual(VisibleText.escape("\u{9B}31m"), #"\u{9B}31m"#, "C1 controls")
        XCTAssertEqual(VisibleText.escape("a\u{202E}b\u{2066}c\u{200F}"), #"a\u{202E}b\u{2066}c\u{200F}"#, "bidi controls")
        XCTAssertEqual(VisibleText.escape("x\ty\n"), #"x\ty\n"#)
        XCTAssertEqual(VisibleText.escape("x\ty\n", keepLines: true), "x\ty\n")
    }

    func testPlainTextIsKeptAsItIs() {
        for text in ["", "café", "e\u{301}", "日本語", "emoji 👩‍👩‍👧", #"C:\path\x1b"#] {
            XCTAssertEqual(VisibleText.escape(text), text)
        }
    }

    func testSaturatingArithmeticHoldsAtTheBounds() {
        XCTAssertEqual(Int64.max.saturatingAdd(1), .max)
        XCTAssertEqual(Int64.min.saturatingAdd(-1), .min)
        XCTAssertEqual(Int64.min.saturatingSubtract(1), .min)
        XCTAssertEqual(Int64(0).saturatingSubtract(.min), .max)
        XCTAssertEqual(Int64.max.saturatingMultiply(2), .max)
        XCTAssertEqual(Int64.max.saturatingMultiply(-2), .min)
        XCTAssertEqual(Int64(6).saturatingMultiply(7), 42)
        let huge = Usage(inputTokens: .max, outputTokens: .max, cacheReadTokens: 1, cacheCreationTokens: 1)
        XCTAssertEqual((huge + huge).inputTokens, .max)
        XCTAssertEqual(huge.total, .max)
    }
}
