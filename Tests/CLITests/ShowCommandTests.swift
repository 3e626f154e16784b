import Foundation
import XCTest

/// `agentreplay show` as a process: the timeline on stdout, errors on stderr, exit 0 when
/// shown and 2 on bad input; `--json` versioned and byte-stable.
final class ShowCommandTests: XCTestCase {
    /// A prompt, a Read, an Edit, a Bash call and a failed Edit: four model turns of 10 input,
    /// 5 output and 100 cache-read tokens each (claude-sonnet-4-5: $0.000135 a turn).
    func setUp(prices: String? = nil) throws -> (repo: TestRepo, folder: String) {
        var log = SessionLog()
        log.user("make it three")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "two", "three")
        log.bash("ls")
        log.edit("a.txt", "four", "4", error: "String to replace not found in file.")
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n"])
        let folder = try makeTemporaryDirectory(self, "logs")
        try log.save(folder + "/session.jsonl")
        if let prices { try Data(prices.utf8).write(to: URL(fileURLWithPath: folder + "/prices.json")) }
        return (repo, folder)
    }

    func testTimelineByTurnWithFilesHunksAndCost() throws {
        let (repo, folder) = try setUp()
        let r = try CLI.run(["show", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        let base = try repo.head.prefix(12)
        XCTAssertEqual(
            r.stdoutText,
            """
            session.jsonl: claude-code 2.1.100, 4 model turns, 4 tool calls, 2025-06-01 10:00:00 UTC, 8s
            replayed onto \(base) in memory: 1 file changed, 1 edit applied, 0 drift, 0 not replayable, 1 failed call

              prompt   “make it three”

            turn 1  10:00:01  claude-sonnet-4-5  10 in, 5 out, 100 cache read, 0 cache write  $0.0001
              read     Read a.txt (3 lines)

            turn 2  10:00:03  claude-sonnet-4-5  10 in, 5 out, 100 cache read, 0 cache write  $0.0001
              edit     Edit a.txt +1 −1

            turn 3  10:00:05  claude-sonnet-4-5  10 in, 5 out, 100 cache read, 0 cache write  $0.0001
              command  `ls` → ok

            turn 4  10:00:07  claude-sonnet-4-5  10 in, 5 out, 100 cache read, 0 cache write  $0.0001  (failed: left no trace)
              edit     Edit a.txt  [failed-as-recorded]  — String to replace not found in file.

            files
              a.txt  read 1× (3 lines), written 1× +1 −1, 1 failed edit, final diff +1 −1, turns 2, $0.0001

            hunks of the final diff
              a.txt @@ -2,1 +2,1 @@  turn 2  10 in, 5 out, 100 cache read, 0 cache write  $0.0001

            cost, at built-in prices (as of litellm 1.110.2)
              claude-sonnet-4-5: 4 turns, 40 in, 20 out, 400 cache read, 0 cache write, $0.0005
              total: 40 in, 20 out, 400 cache read, 0 cache write, $0.0005
              left no trace in the final diff: 1 turn (0 reverted, 1 failed), 10 in, 5 out, 100 cache read, 0 cache write, $0.0001

            by tool (a turn counts for each tool it asked for: these do not add up to the total)
              Bash  1 call, 1 turn, 10 in, 5 out, 100 cache read, 0 cache write, $0.0001
              Edit  2 calls, 2 turns, 20 in, 10 out, 200 cache read, 0 cache write, $0.0003
              Read  1 call, 1 turn, 10 in, 5 out, 100 cache read, 0 cache write, $0.0001

            """)
    }

    func testJSONIsVersionedExactAndByteStable() throws {
        let (repo, folder) = try setUp()
        let first = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--json"], in: folder)
        let second = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--json"], in: folder)
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertEqual(first.stderrText, "")
        XCTAssertEqual(first.stdout, second.stdout, "byte-identical")
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout)) as? [String: Any])
        XCTAssertEqual(doc["schema"] as? String, "agentreplay.show")
        XCTAssertEqual(doc["version"] as? Int, 1)
        let summary = try XCTUnwrap(doc["summary"] as? [String: Any])
        XCTAssertEqual(summary["model_turns"] as? Int, 4)
        XCTAssertEqual(summary["failed_calls"] as? Int, 1)
        XCTAssertEqual(summary["cost_complete"] as? Bool, true)
        XCTAssertTrue(first.stdoutText.contains(#""cost_usd": 0.000540"#), "4 × $0.000135, exact: \(first.stdoutText.prefix(2000))")
        let turns = try XCTUnwrap(doc["turns"] as? [[String: Any]])
        XCTAssertEqual(turns.map { $0["outcome"] as? String }, ["none", "none", "kept", "none", "failed"])
        let spendDoc = try XCTUnwrap(doc["spend"] as? [String: Any])
        let tools = try XCTUnwrap(spendDoc["tools"] as? [[String: Any]])
        XCTAssertEqual(tools.map { $0["tool"] as? String }, ["Bash", "Edit", "Read"])
        XCTAssertEqual(tools.map { $0["calls"] as? Int }, [1, 2, 1])
        XCTAssertEqual((tools[1]["spend"] as? [String: Any])?["turns"] as? Int, 2)
        XCTAssertEqual((spendDoc["main_thread"] as? [String: Any])?["turns"] as? Int, 4)
        XCTAssertEqual((spendDoc["subagents"] as? [Any])?.count, 0)
        let command = try XCTUnwrap((turns[3]["actions"] as? [[String: Any]])?.first?["command"] as? [String: Any])
        XCTAssertEqual(command["text"] as? String, "ls")
        XCTAssertEqual(command["ending"] as? String, "succeeded")
        let hunks = try XCTUnwrap(doc["hunks"] as? [[String: Any]])
        XCTAssertEqual(hunks.count, 1)
        XCTAssertEqual(hunks[0]["turn_span_ids"] as? [String], [turns[2]["span_id"] as! String])
        let spend = try XCTUnwrap(doc["spend"] as? [String: Any])
        XCTAssertEqual((spend["no_trace"] as? [String: Any])?["turns"] as? Int, 1)
        let model = try XCTUnwrap((spend["models"] as? [[String: Any]])?.first)
        XCTAssertEqual(model["model"] as? String, "claude-sonnet-4-5")
        XCTAssertNotNil(model["price_per_million"] as? [String: Any])
    }

    func testAPriceTableWithoutTheModelLeavesTheCostUnknown() throws {
        let (repo, folder) = try setUp(
            prices: """
                {"schema": "agentreplay.prices", "version": 1,
                 "models": [{"model": "other-model", "input": 1, "output": 1, "cache_read": 0, "cache_write": 0}]}
                """)
        let r = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--prices", "prices.json"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(
            r.stdoutText.contains("turn 1  10:00:01  claude-sonnet-4-5  10 in, 5 out, 100 cache read, 0 cache write  cost unknown\n"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("cost, at prices.json\n"), r.stdoutText)
        XCTAssertTrue(
            r.stdoutText.contains("cost unknown: the price table has no price for claude-sonnet-4-5 (--prices FILE adds one)"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("  total: 40 in, 20 out, 400 cache read, 0 cache write, cost unknown\n"), r.stdoutText)
        let json = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--prices", "prices.json", "--json"], in: folder)
        XCTAssertTrue(json.stdoutText.contains(#""cost_complete": false"#), json.stdoutText)
        XCTAssertTrue(json.stdoutText.contains(#""price_per_million": null"#), json.stdoutText)
    }

    func testABadPriceTableExitsTwoNamingFileLineAndField() throws {
        let (repo, folder) = try setUp(
            prices: """
                {"schema": "agentreplay.prices", "version": 1,
                 "models": [
                   {"model": "m", "input": -3, "output": 1, "cache_read": 0, "cache_write": 0}]}
                """)
        let r = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--prices", "prices.json"], in: folder)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(
            r.stderrText.hasPrefix("agentreplay: error: prices.json:3: models[0] (m).input: -3 is not dollars per million tokens"), r.stderrText)
        let missing = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--prices", "nope.json"], in: folder)
        XCTAssertEqual(missing.status, 2, "\(missing)")
        XCTAssertTrue(missing.stderrText.hasPrefix("agentreplay: error: nope.json: cannot read the price table (--prices)"), missing.stderrText)
    }

    func testQuietPrintsNothingButJSONIsStillWritten() throws {
        let (repo, folder) = try setUp()
        let quiet = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--quiet"], in: folder)
        XCTAssertEqual(quiet.status, 0, "\(quiet)")
        XCTAssertEqual(quiet.stdoutText + quiet.stderrText, "")
        let json = try CLI.run(["show", "session.jsonl", "--repo", repo.path, "--quiet", "--json"], in: folder)
        XCTAssertTrue(json.stdoutText.hasPrefix("{"), json.stdoutText)
    }

    func testAnUnreadableTraceExitsTwo() throws {
        let (repo, folder) = try setUp()
        try Data("{not json\n".utf8).write(to: URL(fileURLWithPath: folder + "/bad.jsonl"))
        let r = try CLI.run(["show", "bad.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderrText.contains("bad.jsonl"), r.stderrText)
    }
}
