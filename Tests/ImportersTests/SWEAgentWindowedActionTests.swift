import XCTest

@testable import Importers
import Trace

/// SWE-agent 0.x action lines read as the windowed commands bash would run.
final class SWEAgentWindowedActionTests: XCTestCase {
    func testActionsByTable() {
        let cases: [(action: String, expected: String?)] = [
            ("open \"a b.py\" 20\n", #"open {"arguments":["a b.py","20"]}"#),
            ("  goto 5", #"goto {"arguments":["5"]}"#),
            ("scroll_down\n\n", #"scroll_down {"arguments":[]}"#),
            ("edit 4:4\n    x = 1\n\tend_of_edit\nend_of_edit\n", #"edit {"arguments":["4:4"],"text":"    x = 1\n\tend_of_edit\n"}"#),
            ("edit 1:2 << 'end_of_edit'\nend_of_edit", #"edit {"arguments":["1:2"],"text":""}"#),
            (
                "edit 1:1\nx\nend_of_edit  ",
                #"edit {"action":"edit 1:1\nx\nend_of_edit  ","problem":"`end_of_edit` with trailing blanks does not end bash's heredoc"}"#
            ),
            ("edit 1:1\nx\n", #"edit {"action":"edit 1:1\nx\n","problem":"no line `end_of_edit`: bash reads the replacement from its own input"}"#),
            ("edit 1:1\nx\nend_of_edit\nls", nil),
            ("open a.py && goto 3", nil),
            ("open $F", nil),
            ("opener a.py", nil),
            ("ls -la", nil),
        ]
        for c in cases {
            let parsed = SWEAgentWindowedAction.parse(c.action).map { $0.name + " " + $0.input.compact }
            XCTAssertEqual(parsed, c.expected, c.action.debugDescription)
        }
    }
}
