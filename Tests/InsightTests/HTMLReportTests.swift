@testable import HTMLReport
import Insight
import Replay
import TestSupport
import Trace
import XCTest

/// The HTML page as text: escaping, the time axis, marks, and the same bytes for the same
/// session. (scripts/test-report checks it in a real browser.)
final class HTMLReportTests: XCTestCase {
    func testEscapingLeavesNoMarkupFromTheTrace() {
        XCTAssertEqual(HTML.escape(#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;")
        XCTAssertEqual(HTML.escape("tab\tand\u{1}bell"), "tab\tand\u{FFFD}bell", "control characters cannot reach the page")
    }

    func testNumbersAreShortAndStable() {
        XCTAssertEqual(HTML.number(12.5), "12.5")
        XCTAssertEqual(HTML.number(3), "3")
        XCTAssertEqual(HTML.number(0.004, decimals: 3), "0.004")
        XCTAssertEqual(HTML.number(1.0 / 3.0, decimals: 3), "0.333")
        XCTAssertEqual(HTML.number(-0.5), "-0.5")
    }

    func testTheTimeAxisShortensLongIdleStretches() {
        let origin = Timestamp(seconds: 1_000_000)
        // Busy 0–10 s, idle for an hour, busy again for 10 s.
        let axis = TimeAxis(origin: origin, intervals: [(0, 10_000), (3_610_000, 3_620_000)], maxGap: 120_000)
        XCTAssertEqual(axis.length, 10_000 + 60_000 + 10_000)
        XCTAssertEqual(axis.gaps.map(\.milliseconds), [3_600_000])
        XCTAssertEqual(axis.gaps[0].at, 10_000.0 / 80_000.0)
        XCTAssertEqual(axis.position(origin), 0)
        XCTAssertEqual(axis.position(Timestamp(seconds: 1_000_005)), 5_000.0 / 80_000.0)
        XCTAssertEqual(axis.position(Timestamp(seconds: 1_003_615)), 75_000.0 / 80_000.0)
        XCTAssertEqual(axis.position(Timestamp(seconds: 1_003_620)), 1)
        // A stretch shorter than the limit is kept as it is.
        let short = TimeAxis(origin: origin, intervals: [(0, 1_000), (61_000, 62_000)], maxGap: 120_000)
        XCTAssertTrue(short.gaps.isEmpty)
        XCTAssertEqual(short.length, 62_000)
    }

    func testTheSameSessionGivesTheSameBytesAndMarksAreShown() throws {
        func page() throws -> String {
            let f = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"]) { log in
                log.user("go")
                log.read("a.txt", "one\ntwo\n")
                log.edit("a.txt", "two", "2")
                log.edit("a.txt", "zzz", "x", error: "String to replace not found in file.")
            }
            let edit = f.session.modelTurns[1].actions[0].spanID
            var session = f.session
            session.highlights = [Highlight(kind: .culprit, spanID: edit, detail: "breaks the tests")]
            return HTMLReport.render(session, context: .init(traceName: "session.jsonl", findings: ["Bisect: found."]))
        }
        let a = try page(), b = try page()
        XCTAssertEqual(a, b)
        XCTAssertTrue(a.contains("<p>Bisect: found.</p>"))
        XCTAssertTrue(a.contains("class=\"row k-edit f-highlight h-culprit\""), "the culprit's row is marked")
        XCTAssertTrue(a.contains("<span class=\"badge b-culprit\">culprit</span>"))
        XCTAssertTrue(a.contains("class=\"row k-edit f-failed\""), "the failed edit is marked")
        XCTAssertTrue(a.contains("<p class=\"error\">String to replace not found in file.</p>"))
        XCTAssertEqual(a.components(separatedBy: "<rect ").count - 1, 3, "one bar per model turn")
    }

    func testDriftIsMarkedWithWhatTheAgentSawAndWhatReplayHas() throws {
        let f = try SessionFixture(self, files: ["a.txt": "one\ntwo\n"]) { log in
            log.read("a.txt", "one\ntwo\n")  // as replay has it: the next is no start state
            log.read("a.txt", "one\nTWO\n")
        }
        let page = HTMLReport.render(f.session, context: .init(traceName: "session.jsonl"))
        XCTAssertTrue(page.contains("class=\"row k-read f-drift\""), "the read's row is marked")
        XCTAssertTrue(page.contains("<span class=\"badge b-drift\">drift</span>"))
        XCTAssertTrue(page.contains("<b>drift</b> (observation) in a.txt at line 2: the agent saw <code>TWO</code>, replay has <code>two</code>"))
        XCTAssertTrue(page.contains("<div class=\"ct\">drift</div><div class=\"cv\">1</div>"), "the drift card")
    }
}
