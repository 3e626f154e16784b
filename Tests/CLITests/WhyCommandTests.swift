import Foundation
import XCTest

/// `agentreplay why` as a process, on the bundled example and the repository its script
/// builds: the answer on stdout (exit 0), a base line (exit 1), bad input (exit 2), `--json`
/// versioned and byte-stable, long texts clipped unless `--full`, a log's control characters
/// never reaching the terminal.
final class WhyCommandTests: XCTestCase {
    var repo = ""

    override func setUpWithError() throws {
        repo = try makeTemporaryDirectory(self, "why") + "/calc"
        let made = try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment)
        XCTAssertEqual(made.status, 0, made.stderrText)
    }

    let session = "fixtures/example/session.jsonl"

    func testALineIsExplained() throws {
        let r = try CLI.run(["why", session, "calc/ops.py:25", "--repo", repo], in: packageRoot)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        let out = r.stdoutText
        XCTAssertTrue(
            out.hasPrefix(
                "calc/ops.py:25  “        raise ZeroDivisionError(\"calc.divide: cannot divide by zero\")”\n"
                    + "written by #7 Edit (toolu_01lg019djkW43qNQoP5lLWOC) calc/ops.py\n"
                    + "  span 071818bd751e6733, log line 12 (result on line 13), commit "), out)
        XCTAssertTrue(
            out.contains(
                "\nmodel turn 3 (#6) claude-opus-4-6  span c75397bebd398a4a, log line 11\n  text:\n"
                    + "    I'll add `divide` after `multiply`, with an explicit check for zero.\n  reasoning: not recorded in the log\n"), out)
        XCTAssertTrue(out.contains("\nprompt in force (#0)  span 78704a484e2a84f5, log line 3\n"), out)
        XCTAssertTrue(
            out.contains(
                "\nseen before turn 3 (since the prompt): 3 calls\n  #2 read     Read calc/ops.py  span 997ae73d7b153d85, log line 5 (result on line 6)\n"
            ), out)
        XCTAssertTrue(out.contains("      │ … 13 more lines (--full shows them)\n"), out)
        XCTAssertTrue(out.hasSuffix("\n(texts clipped: --full prints them whole; --json has them whole)\n"), out)
        // --full: nothing clipped, every line of the Read shown.
        let full = try CLI.run(["why", session, "calc/ops.py:25", "--repo", repo, "--full"], in: packageRoot)
        XCTAssertEqual(full.status, 0)
        XCTAssertFalse(full.stdoutText.contains("more line"), full.stdoutText)
        XCTAssertTrue(full.stdoutText.contains("      │ 16\t    return a * b\n"), full.stdoutText)
    }

    func testJSONIsVersionedWholeAndByteStable() throws {
        let first = try CLI.run(["why", session, "calc/ops.py:25", "--repo", repo, "--json"], in: packageRoot)
        let second = try CLI.run(["why", session, "calc/ops.py:25", "--repo", repo, "--json"], in: packageRoot)
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertEqual(first.stdout, second.stdout, "byte-identical")
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout)) as? [String: Any])
        XCTAssertEqual(doc["schema"] as? String, "agentreplay.why")
        XCTAssertEqual(doc["version"] as? Int, 1)
        let written = try XCTUnwrap(doc["written_by"] as? [String: Any])
        XCTAssertEqual(written["index"] as? Int, 7)
        XCTAssertEqual(written["tool"] as? String, "Edit")
        XCTAssertEqual(written["log_line"] as? Int, 12)
        let seen = try XCTUnwrap(doc["seen"] as? [[String: Any]])
        XCTAssertEqual(seen.map { $0["index"] as? Int }, [2, 4, 5])
        let output = try XCTUnwrap(seen[0]["output"] as? String)
        XCTAssertTrue(output.contains("16\t    return a * b"), "whole: \(output)")
        XCTAssertEqual((doc["prompt"] as? [String: Any])?["index"] as? Int, 0)
    }

    func testABaseLineIsAnsweredWithStatusOneAndItsCommit() throws {
        let r = try CLI.run(["why", session, "calc/ops.py:15", "--repo", repo], in: packageRoot)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertEqual(
            r.stdoutText,
            """
            calc/ops.py:15 was written by no span of the session: it comes from the base, commit 4d3d3471eab70986575dcbedb306f313b9aed5d3
              “    \"\"\"Return the product of a and b.\"\"\"”

            """)
        let json = try CLI.run(["why", session, "calc/ops.py:15", "--repo", repo, "--json"], in: packageRoot)
        XCTAssertEqual(json.status, 1)
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        XCTAssertTrue(doc["written_by"] is NSNull)
        XCTAssertEqual((doc["from_base"] as? [String: Any])?["commit"] as? String, "4d3d3471eab70986575dcbedb306f313b9aed5d3")
    }

    func testBadInputIsRefusedWithStatusTwo() throws {
        let cases: [([String], String)] = [
            (["calc/ops.py:99"], "agentreplay: error: calc/ops.py:99: the file has 26 lines after the run\n"),
            (["nope.py:1"], "agentreplay: error: nope.py does not exist after the run: it is not in the base and no span created it\n"),
            (["calc:1"], "agentreplay: error: calc is a directory after the run, not a file\n"),
            (["#99"], "agentreplay: error: #99: no such span in the session (it has 23 spans, #0 to #22)\n"),
        ]
        for (target, message) in cases {
            let r = try CLI.run(["why", session] + target + ["--repo", repo], in: packageRoot)
            XCTAssertEqual(r.status, 2, "\(target): \(r)")
            XCTAssertTrue(r.stderrText.hasPrefix(message), "\(target): \(r.stderrText)")
            XCTAssertTrue(r.stderrText.contains("\nhint: "), r.stderrText)
            XCTAssertEqual(r.stdoutText, "")
        }
        let none = try CLI.run(["why", "--repo", repo], in: packageRoot)
        XCTAssertEqual(none.status, 2)
    }

    func testALogsControlCharactersDoNotReachTheTerminal() throws {
        var log = SessionLog()
        log.user("make it \u{1B}]0;pwned\u{07}three\u{1B}[2J")
        log.read("a.txt", "one\n\u{1B}[31mtwo\n")
        log.edit("a.txt", "two", "three")
        let folder = try makeTemporaryDirectory(self, "why-hostile")
        try log.save(folder + "/session.jsonl")
        let repo = try TestRepo(self, files: ["a.txt": "one\n\u{1B}[31mtwo\n"])
        let r = try CLI.run(["why", "session.jsonl", "a.txt:2", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertFalse(r.stdout.contains(0x1B), r.stdoutText)
        XCTAssertFalse(r.stdout.contains(0x07), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("make it \\x1b]0;pwned\\x07three"), r.stdoutText)
    }
}
