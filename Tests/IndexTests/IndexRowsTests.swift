import Foundation
import GRDB
@testable import Index
import Importers
import Insight
import TestSupport
import Trace
import XCTest

/// The rows a pass writes for real logs, pinned (`Expected/rows.txt`: a change to the reading
/// or writing path must not change a row); the full-text index holding exactly the rows of
/// `search_rows` after whole and resumed readings; and a Codex rollout whose stream must be
/// read again whole.
///
/// After an intended change of rows, record them again with `AGENTREPLAY_RECORD_ROWS=1 swift
/// test --filter IndexRowsTests`, and review `git diff Tests/IndexTests/Expected`.
final class IndexRowsTests: XCTestCase {
    static let expected = packageRoot + "/Tests/IndexTests/Expected/rows.txt"
    static let recording = ProcessInfo.processInfo.environment["AGENTREPLAY_RECORD_ROWS"].map { !$0.isEmpty && $0 != "0" } ?? false

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("IndexRowsTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Every row of `sessions`, the session tables and `files` (less its modification time),
    /// in a fixed order, with `dir` written `DIR`; and what the full-text index finds.
    func rows(_ store: Store, dir: String) throws -> String {
        var out = ""
        let files =
            "SELECT path, format, size, end_hash, read_offset, read_line, read_hash, resume_offset, resume_line, present, session, reads, error FROM files"
        for (name, sql) in [("sessions", "SELECT * FROM sessions")] + Schema.sessionTables.map { ($0, "SELECT * FROM \($0)") } + [("files", files)] {
            let result = try Query.run(sql, on: store)
            let order = (1...result.columns.count).map(String.init).joined(separator: ", ")
            let sorted = try Query.run(sql + " ORDER BY " + order, on: store)
            out += "== \(name) \(sorted.rows.count)\n"
            for row in sorted.rows { out += row.map(\.text).joined(separator: "|") + "\n" }
        }
        for word in ["file", "git", "test", "license"] {
            let found = try Query.run("SELECT rowid FROM search WHERE search MATCH :w ORDER BY rowid", on: store, arguments: ["w": word])
            out += "== search MATCH \(word): " + found.rows.map { $0[0].text }.joined(separator: ",") + "\n"
        }
        return out.replacingOccurrences(of: dir, with: "DIR")
    }

    /// Every row of `search_rows` is in the full-text index, and nothing else is.
    func assertSearchIndexed(_ store: Store, file: StaticString = #filePath, line: UInt = #line) throws {
        let missing = try Query.run("SELECT id FROM search_rows EXCEPT SELECT id FROM search_docsize", on: store)
        let extra = try Query.run("SELECT id FROM search_docsize EXCEPT SELECT id FROM search_rows", on: store)
        XCTAssertEqual(missing.rows.count + extra.rows.count, 0, "search rows not indexed, or indexed and gone", file: file, line: line)
        let count = try Query.run("SELECT COUNT(*) FROM search_rows", on: store)
        XCTAssertNotEqual(count.rows.first?.first?.text, "0", file: file, line: line)
    }

    func testTheRowsOfRealLogsArePinned() throws {
        let dir = try folder()
        let logs = [IndexTests.claude, IndexTests.claudeNew, IndexTests.codex]
        let inputs = try logs.enumerated().map { i, path in
            let copy = dir + "/log\(i).jsonl"
            try FileManager.default.copyItem(atPath: path, toPath: copy)
            return Indexer.Input(path: copy)
        }
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass(inputs, into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [3, 0])
        try assertSearchIndexed(store)
        let actual = try rows(store, dir: dir)
        if Self.recording {
            try FileManager.default.createDirectory(atPath: (Self.expected as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try actual.write(toFile: Self.expected, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: Self.expected, encoding: .utf8)
        if actual != expected {
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let at = (0..<min(a.count, e.count)).first { a[$0] != e[$0] } ?? min(a.count, e.count)
            XCTFail(
                "rows differ from Expected/rows.txt at line \(at + 1):\n  expected: \(at < e.count ? e[at] : "<end>")\n  actual:   \(at < a.count ? a[at] : "<end>")"
            )
        }
    }

    /// A Claude Code log grown a piece at a time (each pass after the first resumes, deleting
    /// the tail's rows and adding them again): the full-text index follows `search_rows`.
    func testTheSearchIndexFollowsResumedReadings() throws {
        let dir = try folder()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: IndexTests.claude)))
        let grown = dir + "/grown.jsonl"
        let store = try Store(path: dir + "/grown.sqlite")
        var resumed = 0
        for cut in [bytes.count / 3, bytes.count / 2 + 11, bytes.count] {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: grown))
            let report = try Indexer.pass([Indexer.Input(path: grown, sessionID: "s")], into: store, prices: .builtIn)
            XCTAssertEqual(report.failed, 0, report.errors.joined())
            resumed += report.resumed
            try assertSearchIndexed(store)
        }
        XCTAssertEqual(resumed, 2)
    }

    /// A rollout whose `patch_apply_end` comes long after its call's output: the streamed
    /// reading asks to be read again whole, and the rows are those of the whole reading.
    func testACodexRolloutWithALateEventIsReadAgainWhole() throws {
        var log = CodexLog()
        log.meta()
        log.turn("go")
        let id = log.applyPatchRecordedLate(gap: 1100)
        let dir = try folder()
        let path = try log.save(in: dir)
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass([Indexer.Input(path: path)], into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [1, 0], report.errors.joined())
        let trace = try Importer.load(path: path, format: .codex)
        let patched = try XCTUnwrap(trace.spans.first { $0.toolCallID == id })
        XCTAssertEqual(patched.details?["stderr"], "refused", "the late event is the span's")
        let status = try Query.run("SELECT status FROM tool_calls WHERE call_id = :id", on: store, arguments: ["id": id])
        XCTAssertEqual(status.rows, [[.text(patched.status.rawValue)]])
        let calls = try Query.run("SELECT COUNT(*) FROM tool_calls", on: store)
        XCTAssertEqual(calls.rows, [[.integer(Int64(trace.spans.filter { $0.kind == .tool }.count))]])
        XCTAssertEqual(report.spans, trace.spans.count)
        try assertSearchIndexed(store)
    }
}
