import Foundation
import GRDB
@testable import Index
import Importers
import TestSupport
import Trace
import XCTest

/// A Codex rollout that grew is read from its last quiet point (`CodexStream`), and the store
/// is then the one a single reading of the whole rollout makes: every row of every session
/// table (`search_rows`' ids included) and the full-text index's every entry. A line after the
/// resume point that changes a call before it makes the pass read the rollout whole; what the
/// importer carries past the point (the turn's model and policy, the last token total) is kept.
final class CodexResumeTests: XCTestCase {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("CodexResumeTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Every row of `sessions` and the session tables, sorted, with `log` written `LOG`; then
    /// every entry of the full-text index (term, row, column, offset: `fts5vocab`).
    func dump(_ path: String, log: String) throws -> String {
        let queue = try DatabaseQueue(path: path)
        return try queue.write { db in
            var out = ""
            for table in ["sessions"] + Schema.sessionTables {
                let rows = try Row.fetchAll(db, sql: "SELECT * FROM \(table)")
                let lines = rows.map { row in row.databaseValues.map { $0.description }.joined(separator: "|") }.sorted()
                out += "== \(table) \(lines.count)\n" + lines.joined(separator: "\n") + "\n"
            }
            try db.execute(sql: "CREATE VIRTUAL TABLE temp.entries USING fts5vocab(main, search, instance)")
            let entries = try Row.fetchAll(db, sql: "SELECT term, doc, col, offset FROM temp.entries ORDER BY term, doc, col, offset")
            XCTAssertFalse(entries.isEmpty)
            out +=
                "== search \(entries.count)\n"
                + entries.map { "\($0[0] as String) \($0[1] as Int64) \($0[2] as String) \($0[3] as Int64)" }.joined(separator: "\n")
            return out.replacingOccurrences(of: log, with: "LOG")
        }
    }

    /// The store of one pass over `bytes` as `name` in `dir`.
    func whole(_ bytes: [UInt8], in dir: String, name: String = "whole.jsonl") throws -> String {
        let log = dir + "/" + name
        try Data(bytes).write(to: URL(fileURLWithPath: log))
        let store = dir + "/" + name + ".sqlite"
        let report = try Indexer.pass([Indexer.Input(path: log, sessionID: "s")], into: try Store(path: store), prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [1, 0], report.errors.joined())
        return try dump(store, log: log)
    }

    /// Passes over `bytes` cut at each of `cuts` in turn, then whole: the reports and the store's dump.
    func grown(_ bytes: [UInt8], cuts: [Int], in dir: String, name: String = "grown.jsonl") throws -> ([Indexer.Report], String) {
        let log = dir + "/" + name
        let path = dir + "/" + name + ".sqlite"
        let store = try Store(path: path)
        var reports: [Indexer.Report] = []
        for cut in cuts + [bytes.count] {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: log))
            let report = try Indexer.pass([Indexer.Input(path: log, sessionID: "s")], into: store, prices: .builtIn)
            XCTAssertEqual(report.failed, 0, report.errors.joined())
            reports.append(report)
        }
        return (reports, try dump(path, log: log))
    }

    /// The real rollout (fixtures/codex) cut after each of its lines, and in the middle of some,
    /// indexed in two passes: the second resumes, reads less than the whole, and the store is
    /// the one-pass store.
    func testARealRolloutCutAtEveryLineGivesTheStoreOfOnePass() throws {
        let dir = try folder()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: IndexTests.codex)))
        let expected = try whole(bytes, in: dir)
        let ends = bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }.filter { $0 < bytes.count }
        XCTAssertGreaterThan(ends.count, 100)
        // Mid-line cuts too: the last line read is cut short.
        let cuts = ends + [ends[10] + 7, ends[50] + 200, ends[100] + 1, bytes.count - 3]
        var resumed = 0
        for (i, cut) in cuts.enumerated() {
            let (reports, store) = try grown(bytes, cuts: [cut], in: dir, name: "cut\(i).jsonl")
            XCTAssertEqual(store, expected, "cut at byte \(cut)")
            if reports[1].resumed == 1 {
                resumed += 1
                XCTAssertLessThan(reports[1].bytes, Int64(bytes.count), "cut at byte \(cut)")
            }
            XCTAssertEqual(reports[1].read + reports[1].resumed, 1)
        }
        // Every cut resumes: the fixture has no event after its call's output.
        XCTAssertEqual(resumed, cuts.count)
    }

    /// The rollout grown a piece at a time: each pass after the first resumes, and the resume
    /// point moves on with the log.
    func testARolloutGrownInSeveralPassesResumesEachTime() throws {
        let dir = try folder()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: IndexTests.codex)))
        let expected = try whole(bytes, in: dir)
        let ends = bytes.indices.filter { bytes[$0] == 0x0A }.map { $0 + 1 }
        let (reports, store) = try grown(bytes, cuts: [ends[20], ends[47], ends[60] + 5, ends[90], ends[120]], in: dir)
        XCTAssertEqual(store, expected)
        XCTAssertEqual(reports.map(\.resumed), [0, 1, 1, 1, 1, 1])
        let offset = try Query.run("SELECT resume_offset, resume_line FROM files", on: try Store(path: dir + "/grown.jsonl.sqlite"))
        XCTAssertGreaterThan(offset.rows.first?.first?.int64 ?? 0, Int64(ends[120] / 2), "the next pass starts past the middle")
    }

    /// A `patch_apply_end` for a call before the resume point, recorded after it: the resumed
    /// reading gives up, the rollout is read whole, and the call's rows are the late event's.
    func testALateEventAcrossTheCutIsReadWhole() throws {
        var log = CodexLog()
        log.meta()
        log.turn("add a file")
        log.reasoning()
        let id = log.customCall("apply_patch", "*** Begin Patch\n*** Add File: late.txt\n+x\n*** End Patch\n")
        log.customOutput(id, "Exit code: 0\nWall time: 0 seconds\nOutput:\nSuccess.\n")
        log.tokenCount()
        log.reasoning()
        log.exec("ls")
        let cut = log.text.utf8.count
        log.patchApplyEnd(id, success: false, changes: [CodexLog.absolute("late.txt"): CodexLog.add("x\n")], stderr: "refused")
        log.reasoning()
        log.exec("cat late.txt", output: "x\n")
        let bytes = Array(log.text.utf8)
        let dir = try folder()
        let expected = try whole(bytes, in: dir)
        let (reports, store) = try grown(bytes, cuts: [cut], in: dir)
        XCTAssertEqual([reports[1].read, reports[1].resumed], [1, 0], "read whole, not resumed")
        XCTAssertEqual(store, expected)
        let status = try Query.run(
            "SELECT status FROM tool_calls WHERE call_id = :id", on: try Store(path: dir + "/grown.jsonl.sqlite"), arguments: ["id": id])
        XCTAssertEqual(status.rows, [[.text("error")]], "the late refusal is the call's")
    }

    /// What the lines before the resume point set for those after it: the `turn_context`'s
    /// model and approval policy, and the last `token_count` total (a repeat of it after the
    /// point is skipped, as a whole reading skips it, and the next total is the turn's usage).
    func testTheTurnContextAndTheLastTokenTotalAreCarriedAcrossTheCut() throws {
        var log = CodexLog()
        log.model = "gpt-5.5-carried"
        log.meta()
        log.turn("list")
        log.reasoning()
        log.exec("ls")
        let repeated = log.lines.last!
        let cut = log.text.utf8.count
        log.reasoning()
        log.raw(repeated)
        let id = log.functionCall("exec_command", ["cmd": "pwd", "workdir": .string(CodexLog.root)])
        log.functionOutput(id, "Process exited with code 0\nOutput:\n/home/dev/project\n")
        log.tokenCount(input: 3000, cached: 100, output: 70)
        let bytes = Array(log.text.utf8)
        let dir = try folder()
        let expected = try whole(bytes, in: dir)
        let (reports, store) = try grown(bytes, cuts: [cut], in: dir)
        XCTAssertEqual([reports[1].read, reports[1].resumed], [0, 1])
        XCTAssertEqual(store, expected)
        let turns = try Query.run(
            "SELECT model, input_tokens, output_tokens FROM turns ORDER BY number", on: try Store(path: dir + "/grown.jsonl.sqlite"))
        XCTAssertEqual(
            turns.rows, [[.text("gpt-5.5-carried"), .integer(600), .integer(50)], [.text("gpt-5.5-carried"), .integer(2900), .integer(70)]])
        let modes = try Query.run("SELECT DISTINCT mode FROM permissions", on: try Store(path: dir + "/grown.jsonl.sqlite"))
        XCTAssertEqual(modes.rows, [[.text("never")]])
    }
}
