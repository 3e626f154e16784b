import XCTest

@testable import ToolSemantics

/// The pure parts of SWE-agent 0.x's windowed commands, by tables.
final class SWEAgentLineEditTests: XCTestCase {
    func testEditReplacesLinesAsBashSlicesThem() {
        let cases: [(file: String, start: Int, end: Int, text: String, result: String)] = [
            ("a\nb\nc\n", 2, 2, "B\n", "a\nB\nc\n"),
            ("a\nb\nc", 3, 3, "C\n", "a\nb\nC\n"),  // the last line gains its newline
            ("a\nb\nc\n", 1, 3, "", "\n"),  // nothing left: printf still prints one newline
            ("a\nb\nc\n", 3, 1, "x\n", "a\nb\nx\nb\nc\n"),  // end before start: line 2 kept twice
            ("a\n", 5, 9, "x\n", "a\nx\n"),  // past the end: appended
            ("", 1, 1, "x\n\ty \n", "x\n\ty \n"),
            ("a\r\nb\r\n", 1, 1, "z\n", "z\nb\r\n"),  // `\r` is part of a line
        ]
        for c in cases {
            XCTAssertEqual(
                String(decoding: SWEAgentLineEdit.apply(Array(c.file.utf8), start: c.start, end: c.end, text: Array(c.text.utf8)), as: UTF8.self),
                c.result, "\(c)")
        }
    }

    func testEditRanges() {
        func range(_ a: [String]) -> String {
            switch SWEAgentLineEdit.range(a) {
            case .success(let r): return "\(r.start)-\(r.end)"
            case .failure(.usage(let m)): return "usage " + (m.split(separator: "\n").last.map(String.init) ?? "")
            case .failure(.notModelled): return "not modelled"
            }
        }
        XCTAssertEqual(range(["4:9"]), "4-9")
        XCTAssertEqual(range(["4:9:12", "x"]), "4-9")
        XCTAssertEqual(range(["4"]), "usage Usage: edit <start_line>:<end_line>")
        XCTAssertEqual(range([]), "usage Usage: edit <start_line>:<end_line>")
        XCTAssertEqual(range(["a:2"]), "usage Error: start_line must be a number")
        XCTAssertEqual(range(["1:b"]), "usage Error: end_line must be a number")
        XCTAssertEqual(range(["0:3"]), "not modelled")
        XCTAssertEqual(range(["08:9"]), "not modelled")
        XCTAssertEqual(range(["1:*"]), "not modelled")
    }

    func testWindowArithmeticIsJqs() {
        // (line, total, size) → view
        XCTAssertEqual(SWEAgentWindow.view(line: 50, total: 10, size: 100), .init(total: 10, first: 1, last: 10, above: 0, below: 0))
        XCTAssertEqual(SWEAgentWindow.view(line: 322, total: 372, size: 100), .init(total: 372, first: 273, last: 372, above: 272, below: 0))
        XCTAssertEqual(SWEAgentWindow.view(line: 291, total: 373, size: 21), .init(total: 373, first: 281, last: 301, above: 280, below: 72))
        XCTAssertEqual(SWEAgentWindow.constrain(327, total: 372, size: 100), 322)
        XCTAssertEqual(SWEAgentWindow.constrain(3, total: 372, size: 100), 50)
        XCTAssertEqual(SWEAgentWindow.openLine(nil, total: 5, size: 100), 50)
        XCTAssertEqual(SWEAgentWindow.openLine(900, total: 372, size: 100), 372)
        XCTAssertEqual(SWEAgentWindow.openLine(0, total: 372, size: 100), 1)
        XCTAssertEqual(SWEAgentWindow.openLine(293, total: 372, size: 100), 327)
        XCTAssertEqual(SWEAgentWindow.lineCount(Array("a\nb".utf8)), 2)
        XCTAssertEqual(SWEAgentWindow.lineCount(Array("a\nb\n".utf8)), 2)
        XCTAssertEqual(SWEAgentWindow.lineCount([]), 0)
    }

    func testWindowViewsAreReadFromObservations() {
        let text =
            "Your proposed edit…\n[File: /r/x.py (3 lines total)]\n(1 more lines above)\n2:b\n3:c: d\nafter\n[File: /r/a (b) (1 lines total)]\n1:\n"
        let views = SWEAgentWindowView.all(in: text)
        XCTAssertEqual(views.map(\.path), ["/r/x.py", "/r/a (b)"])
        XCTAssertEqual(views[0].above, 1)
        XCTAssertEqual(views[0].lines.map(\.number), [2, 3])
        XCTAssertEqual(views[0].lines.map { String(decoding: $0.text, as: UTF8.self) }, ["b", "c: d"])
        XCTAssertEqual(views[1].lines.map(\.number), [1])
    }
}
