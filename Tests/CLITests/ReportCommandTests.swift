import Foundation
import XCTest

/// `agentreplay report` as a process: one self-contained page, the same bytes twice, a note
/// on stderr, exit 2 on bad input. (scripts/test-report renders it in a real browser.)
final class ReportCommandTests: XCTestCase {
    func setUp(_ build: (inout SessionLog) -> Void) throws -> (repo: TestRepo, folder: String) {
        var log = SessionLog()
        build(&log)
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n"])
        let folder = try makeTemporaryDirectory(self, "logs")
        try log.save(folder + "/session.jsonl")
        return (repo, folder)
    }

    func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }

    func testWritesOneSelfContainedPageTheSameTwice() throws {
        let (repo, folder) = try setUp { log in
            log.user("make it three")
            log.read("a.txt", "one\ntwo\n")
            log.edit("a.txt", "two", "three")
        }
        let r = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "-o", "out.html"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertEqual(r.stderrText, "agentreplay: note: wrote out.html\n")
        let page = try read(folder + "/out.html")
        XCTAssertTrue(page.hasPrefix("<!DOCTYPE html>\n<html lang=\"en\">"), String(page.prefix(100)))
        XCTAssertTrue(page.hasSuffix("</html>\n"))
        for external in ["http://", "https://", "<link", " src=", "url("] {
            XCTAssertFalse(page.contains(external), "the page must need nothing from outside: \(external)")
        }
        XCTAssertTrue(page.contains("<span class=\"da\">+three</span>"), "the edit's diff")
        XCTAssertTrue(page.contains("<span class=\"dr\">-two</span>"), "the edit's diff")
        XCTAssertTrue(page.contains("<div class=\"cv\">$0.0003</div>"), "the cost card: 2 turns × $0.000135")

        let again = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "-o", "-"], in: folder)
        XCTAssertEqual(again.status, 0, "\(again)")
        XCTAssertEqual(again.stderrText, "", "nothing to note when the page goes to stdout")
        XCTAssertEqual(again.stdoutText, page, "the same input gives the same bytes")
        let quiet = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "-o", "quiet.html", "-q"], in: folder)
        XCTAssertEqual(quiet.status, 0, "\(quiet)")
        XCTAssertEqual(quiet.stderrText, "")
        XCTAssertEqual(try read(folder + "/quiet.html"), page)
    }

    func testWhatTheTraceSaysIsEscapedNeverRun() throws {
        let hostile = "</script><script>alert(1)</script><img src=x onerror=alert(2)>"
        let (repo, folder) = try setUp { log in
            log.user(hostile)
            log.write("evil.html", hostile + "\n")
        }
        let r = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "-o", "-"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        let page = r.stdoutText
        XCTAssertEqual(page.components(separatedBy: "<script>").count, 2, "only the page's own script")
        XCTAssertFalse(page.contains("<img"))
        XCTAssertTrue(page.contains("&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;"), "shown as text")
    }

    func testDiffMarksWhereTheTwoSessionsPartWays() throws {
        let (repo, folder) = try setUp { log in
            log.read("a.txt", "one\ntwo\n")
            log.edit("a.txt", "two", "three")
        }
        var other = SessionLog()
        other.sessionID = "0f1e2d3c-4b5a-4968-8776-655443322110"
        other.read("a.txt", "one\ntwo\n")
        other.edit("a.txt", "two", "2")
        try other.save(folder + "/other.jsonl")
        let r = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "--diff", "other.jsonl", "-o", "-"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("Compared with other.jsonl: 1 difference; the final files differ."), r.stdoutText)
        XCTAssertEqual(
            r.stdoutText.components(separatedBy: "class=\"row k-edit f-highlight h-divergence h-state-divergence\"").count, 2, "the Edit is marked")
    }

    func testABisectJSONDocumentNamesItsCulpritAndCandidates() throws {
        let (repo, folder) = try setUp { log in log.edit("a.txt", "two", "three") }
        try Data(
            #"{"schema": "agentreplay.bisect", "version": 1, "test": "make check", "result": "found", "culprit": {"span_id": "s-culprit", "number": 2}, "range": [{"span_id": "s-one"}, {"number": 3}]}"#
                .utf8
        ).write(to: URL(fileURLWithPath: folder + "/found.json"))
        let r = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "--bisect", "found.json", "-o", "-"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("<p>Bisect of `make check`: found, the culprit is span s-culprit.</p>"), r.stdoutText)
    }

    func testABisectOfAnotherTraceOrNotABisectExitsTwo() throws {
        let (repo, folder) = try setUp { log in log.edit("a.txt", "two", "three") }
        try Data(#"{"schema": "agentreplay.bisect", "version": 1, "trace_id": "ffffffffffffffffffffffffffffffff", "result": "found"}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/other.json"))
        let other = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "--bisect", "other.json"], in: folder)
        XCTAssertEqual(other.status, 2, "\(other)")
        XCTAssertEqual(other.stdoutText, "")
        XCTAssertTrue(
            other.stderrText.hasPrefix(
                "agentreplay: error: other.json: the bisect is of trace ffffffffffffffffffffffffffffffff, not of session.jsonl"), other.stderrText)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/report.html"), "nothing written")

        try Data("hello\n".utf8).write(to: URL(fileURLWithPath: folder + "/garbage.txt"))
        let garbage = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "--bisect", "garbage.txt"], in: folder)
        XCTAssertEqual(garbage.status, 2, "\(garbage)")
        XCTAssertTrue(
            garbage.stderrText.hasPrefix("agentreplay: error: garbage.txt: not a bisect log or `bisect --json` document"), garbage.stderrText)

        // The document's own schema, with a member of the wrong kind: refused by name, not read in part.
        try Data(#"{"schema": "agentreplay.bisect", "version": 1, "result": "found", "culprit": "span 3"}"#.utf8)
            .write(to: URL(fileURLWithPath: folder + "/mistyped.json"))
        let mistyped = try CLI.run(["report", "session.jsonl", "--repo", repo.path, "--bisect", "mistyped.json"], in: folder)
        XCTAssertEqual(mistyped.status, 2, "\(mistyped)")
        XCTAssertTrue(
            mistyped.stderrText.hasPrefix("agentreplay: error: mistyped.json: not a `bisect --json` document:"), mistyped.stderrText)
        XCTAssertTrue(mistyped.stderrText.contains("culprit"), mistyped.stderrText)
    }
}
