import Foundation
import XCTest

import Replay
import ToolSemantics
import Trace

/// Claude Code's `NotebookEdit`: replace, insert or delete one cell, then the notebook written
/// back as `JSON.stringify(notebook, null, 1)`. The bytes are checked against Node's own
/// `JSON.stringify` when Node is installed.
final class NotebookEditTests: XCTestCase {
    static let notebook = """
        {
         "cells": [
          {
           "cell_type": "markdown",
           "id": "intro",
           "metadata": {},
           "source": ["# Title\\n", "text"]
          },
          {
           "cell_type": "code",
           "execution_count": 3,
           "id": "calc",
           "metadata": {"scrolled": true},
           "outputs": [{"output_type": "stream", "name": "stdout", "text": ["2\\n"]}],
           "source": "print(1 + 1)"
          }
         ],
         "metadata": {"kernelspec": {"name": "python3"}},
         "nbformat": 4,
         "nbformat_minor": 4
        }
        """

    @discardableResult
    func notebookEdit(_ log: inout ClaudeLog, _ input: [(String, JSON)]) -> String {
        log.tool(
            "NotebookEdit", .object([("notebook_path", .string(ClaudeLog.absolute("nb.ipynb")))] + input),
            result: "Updated cell", record: ["new_source": "", "cell_type": "code", "language": "python", "edit_mode": "replace"])
    }

    func cells(_ text: String?) throws -> [[String: Any]] {
        let data = Data(try XCTUnwrap(text).utf8)
        let object = try XCTUnwrap(JSONSerialization.jsonObject(with: data) as? [String: Any])
        return try XCTUnwrap(object["cells"] as? [[String: Any]])
    }

    /// What Node's `JSON.stringify(JSON.parse(text), null, 1)` gives, or nil without Node.
    func nodeStringify(_ text: String) throws -> String? {
        let folder = try makeTemporaryDirectory(self, "node")
        try Data(text.utf8).write(to: URL(fileURLWithPath: folder + "/in.json"))
        let script = "process.stdout.write(JSON.stringify(JSON.parse(require('fs').readFileSync('in.json', 'utf8')), null, 1))"
        guard let r = try? Subprocess.run("/usr/bin/env", ["node", "-e", script], in: folder), r.status == 0 else { return nil }
        return r.stdoutText
    }

    func testReplaceACodeCellClearsItsOutputs() throws {
        let repo = try TestRepo(self, files: ["nb.ipynb": Self.notebook])
        var log = ClaudeLog()
        let call = notebookEdit(&log, [("cell_id", "calc"), ("new_source", "print(2 + 2)"), ("edit_mode", "replace")])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .applied)
        let text = try r.file("nb.ipynb")
        let cells = try cells(text)
        XCTAssertEqual(cells.count, 2)
        XCTAssertEqual(cells[1]["source"] as? String, "print(2 + 2)")
        XCTAssertTrue(cells[1]["execution_count"] is NSNull)
        XCTAssertEqual((cells[1]["outputs"] as? [Any])?.count, 0)
        XCTAssertEqual(cells[0]["source"] as? [String], ["# Title\n", "text"], "other cells as they were")
        if let node = try nodeStringify(text ?? "") {
            XCTAssertEqual(text, node, "written as JSON.stringify(notebook, null, 1)")
        }
        XCTAssertTrue(text?.hasPrefix("{\n \"cells\": [\n  {\n   \"cell_type\": \"markdown\",") == true, text ?? "")
    }

    func testCellNumberNamesTheNthCell() throws {
        let repo = try TestRepo(self, files: ["nb.ipynb": Self.notebook])
        var log = ClaudeLog()
        notebookEdit(&log, [("cell_id", "cell-0"), ("new_source", "# New title"), ("cell_type", "markdown")])
        let cells = try cells(try replay(log, onto: repo).file("nb.ipynb"))
        XCTAssertEqual(cells[0]["source"] as? String, "# New title")
    }

    func testInsertAfterACellAndDelete() throws {
        let repo = try TestRepo(self, files: ["nb.ipynb": Self.notebook])
        var log = ClaudeLog()
        notebookEdit(&log, [("cell_id", "intro"), ("new_source", "x = 1"), ("cell_type", "code"), ("edit_mode", "insert")])
        notebookEdit(&log, [("cell_id", "calc"), ("new_source", ""), ("edit_mode", "delete")])
        let r = try replay(log, onto: repo)
        XCTAssertTrue(r.run.clean)
        let cells = try cells(try r.file("nb.ipynb"))
        XCTAssertEqual(cells.map { $0["cell_type"] as? String }, ["markdown", "code"])
        XCTAssertEqual(cells[1]["source"] as? String, "x = 1")
        XCTAssertEqual(r.run.commits.count, 2)
    }

    func testUnknownCellIsAMismatchAndWritesNothing() throws {
        let repo = try TestRepo(self, files: ["nb.ipynb": Self.notebook])
        var log = ClaudeLog()
        let call = notebookEdit(&log, [("cell_id", "nope"), ("new_source", "x")])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(try r.step(call).verdict, .mismatch)
        XCTAssertTrue(try r.step(call).note?.contains("not found") == true)
        XCTAssertTrue(r.changedNothing)
    }

    func testNotebookThatIsNotJSONIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["nb.ipynb": "not json"])
        var log = ClaudeLog()
        let call = notebookEdit(&log, [("cell_id", "cell-0"), ("new_source", "x")])
        XCTAssertEqual(try replay(log, onto: repo).step(call).verdict, .mismatch)
    }

    /// JSON.stringify writes numbers as JavaScript prints them (`1.50` → `1.5`, `1e3` →
    /// `1000`); a notebook rewritten by NotebookEdit has them that way.
    func testNumbersAreWrittenAsJSONStringifyWritesThem() throws {
        let withNumbers = Self.notebook.replacingOccurrences(of: #""scrolled": true"#, with: #""scrolled": true, "height": 1.50, "width": 1e3"#)
        let repo = try TestRepo(self, files: ["nb.ipynb": withNumbers])
        var log = ClaudeLog()
        notebookEdit(&log, [("cell_id", "calc"), ("new_source", "x")])
        let text = try XCTUnwrap(try replay(log, onto: repo).file("nb.ipynb"))
        guard let node = try nodeStringify(text) else { throw XCTSkip("node is not installed") }
        XCTAssertEqual(text, node)
    }
}
