import Foundation
import Git
import Trace
import XCTest
@testable import Bisect

/// `agentreplay bisect` as a user runs it: after `agentreplay run`, on a trace file, with a
/// log replayed, and interrupted mid-probe.
final class BisectCommandTests: XCTestCase {
    /// Twelve edits of app.txt; BUG arrives with edit 9. The trace is written to trace.ndjson.
    func setUp(_ fixture: BisectFixture) throws -> String {
        let trace = fixture.trace((1...12).map { n in .write("app.txt", "version \(n)\n" + (n >= 9 ? "BUG\n" : "")) })
        let path = fixture.root + "/trace.ndjson"
        try Data(TraceWriter.bytes(trace)).write(to: URL(fileURLWithPath: path))
        return path
    }

    func testRunThenBisectAsTheReadmeShows() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let cli = AgentReplayCLI(fixture: fixture)
        let trace = try setUp(fixture)
        XCTAssertEqual(try cli("run", trace, "--repo", ".").status, 0)
        let before = try fixture.snapshot()
        let test = try fixture.bugTest()
        let text = try cli("bisect", "--test", test)
        XCTAssertEqual(text.status, 0, text.stderr)
        XCTAssertEqual(text.stderr, "", "no progress line when stderr is not a terminal")
        XCTAssertTrue(text.stdout.contains("The first failing state is after step 9 of 12"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  tool call: Write call_9\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("  asked for by model turn 0000000000000009:\n    Turn 9: I will change the file.\n"), text.stdout)
        XCTAssertTrue(text.stdout.contains("tokens up to it: 900 in, 90 out"), text.stdout)
        XCTAssertTrue(
            text.stdout.contains(
                """
                diff --git a/app.txt b/app.txt
                --- a/app.txt
                +++ b/app.txt
                @@ -1 +1,2 @@
                -version 8
                +version 9
                +BUG

                """), text.stdout)
        let json = try cli("bisect", "--test", test, "--json")
        XCTAssertEqual(json.status, 0)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any]
        let culprit = document?["culprit"] as? [String: Any]
        XCTAssertEqual(culprit?["tool_call_id"] as? String, "call_9")
        XCTAssertEqual(document?["result"] as? String, "found")
        XCTAssertEqual(try fixture.snapshot(), before, "the user's repository is untouched")
    }

    func testATraceIsBisectedInMemoryAndTheExitStatusSaysNotFound() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let cli = AgentReplayCLI(fixture: fixture)
        let trace = try setUp(fixture)
        let refs = try fixture.git("for-each-ref")
        let found = try cli("bisect", trace, "--test", try fixture.bugTest())
        XCTAssertEqual(found.status, 0, found.stderr)
        XCTAssertEqual(try fixture.git("for-each-ref"), refs, "no ref written")
        let passing = try cli("bisect", trace, "--test", "true")
        XCTAssertEqual(passing.status, 1)
        XCTAssertTrue(passing.stdout.contains("The end of the run passes the test"), passing.stdout)
        let broken = try cli("bisect", trace, "--test", "./no-such-test")
        XCTAssertEqual(broken.status, 2)
        XCTAssertTrue(broken.stdout.contains("The test command cannot run"), broken.stdout)
        let none = try cli("bisect", "--test", "true")
        XCTAssertEqual(none.status, 2)
        XCTAssertTrue(none.stderr.contains("no run in this repository"), none.stderr)
    }

    func testTheLogReplaysToTheSameReport() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let cli = AgentReplayCLI(fixture: fixture)
        let trace = try setUp(fixture)
        let test = try fixture.bugTest()
        let log = fixture.root + "/bisect.log", again = fixture.root + "/again.log"
        let first = try cli("bisect", trace, "--test", test, "--log", log, "--retries", "1")
        XCTAssertEqual(first.status, 0, first.stderr)
        let replayed = try cli("bisect", "replay", log)
        XCTAssertEqual(replayed.status, 0, replayed.stderr)
        XCTAssertEqual(replayed.stdout, first.stdout)
        XCTAssertEqual(try cli("bisect", "replay", log, "--json").stdout, try cli("bisect", trace, "--test", test, "--retries", "1", "--json").stdout)
        // Deterministic apart from durations.
        _ = try cli("bisect", trace, "--test", test, "--log", again, "--retries", "1")
        func stripped(_ path: String) -> String {
            (fixture.read(path) ?? "").replacingOccurrences(of: #","duration_ms":\[[0-9,]*\]"#, with: "", options: .regularExpression)
        }
        XCTAssertEqual(stripped(log), stripped(again))
        XCTAssertTrue(fixture.read(log)?.contains("\"duration_ms\":[") == true)
        // A log cut short is an interrupted bisect.
        let lines = (fixture.read(log) ?? "").split(separator: "\n")
        try fixture.write(fixture.root + "/short.log", lines.prefix(3).joined(separator: "\n") + "\n")
        let short = try cli("bisect", "replay", fixture.root + "/short.log")
        XCTAssertEqual(short.status, 2)
        XCTAssertTrue(short.stderr.contains("before the search does"), short.stderr)
    }

    /// A test that hangs on its first run, after saying so, with a sleeping child.
    func hangingOnce(_ fixture: BisectFixture) throws -> String {
        try fixture.script(
            "hang-once",
            """
            if [ ! -e "\(fixture.scratch)/started" ]; then
              sleep 300 &
              echo $! > "\(fixture.scratch)/child"
              touch "\(fixture.scratch)/started"
              wait
            fi
            grep -qs BUG app.txt && exit 1
            exit 0

            """)
    }

    func testSIGTERMMidProbeLeavesTheRepositoryUntouched() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let cli = AgentReplayCLI(fixture: fixture)
        let trace = try setUp(fixture)
        XCTAssertEqual(try cli("run", trace, "--repo", ".").status, 0)
        try fixture.write(fixture.repoPath + "/app.txt", "the user's own edit\n")  // a dirty working tree
        let before = try fixture.snapshot()
        let (process, finish) = try cli.start(["bisect", "--test", try hangingOnce(fixture)])
        XCTAssertTrue(AgentReplayCLI.wait(for: fixture.scratch + "/started"))
        process.terminate()  // SIGTERM
        let output = finish()
        XCTAssertEqual(output.status, 128 + SIGTERM)
        XCTAssertTrue(output.stderr.contains("interrupted (signal 15)"), output.stderr)
        let child = Int32(fixture.read(fixture.scratch + "/child")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")!
        XCTAssertTrue(waitUntilGone(child), "the test's sleeping child is killed")
        let folder = try cli.folder()
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/lock"), "the lock is removed")
        XCTAssertEqual(try fixture.snapshot(), before, "working tree, index, HEAD and branches as they were")
        XCTAssertEqual(fixture.read(folder + "/0.state")?.hasSuffix("dirty\n"), true)

        // The next run writes the interrupted worktree's files again, and finds the culprit.
        try fixture.write(folder + "/0/app.txt", "scribbled on by the interrupted test\n")
        let next = try cli("bisect", "--test", try fixture.bugTest())
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stdout.contains("tool call: Write call_9"), next.stdout)
        XCTAssertEqual(fixture.read(folder + "/0.state")?.hasSuffix("clean\n"), true)
        XCTAssertEqual(try fixture.snapshot(), before)
    }

    func testKill9LeavesWhatTheNextRunCleansUp() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let cli = AgentReplayCLI(fixture: fixture)
        let trace = try setUp(fixture)
        XCTAssertEqual(try cli("run", trace, "--repo", ".").status, 0)
        let before = try fixture.snapshot()
        let (process, finish) = try cli.start(["bisect", "--test", try hangingOnce(fixture)])
        XCTAssertTrue(AgentReplayCLI.wait(for: fixture.scratch + "/started"))
        kill(process.processIdentifier, SIGKILL)
        XCTAssertEqual(finish().status, SIGKILL)
        let child = Int32(fixture.read(fixture.scratch + "/child")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")!
        XCTAssertTrue(SessionTests.running(child), "kill -9 leaves the test running")
        let folder = try cli.folder()
        XCTAssertTrue(FileManager.default.fileExists(atPath: folder + "/lock"))

        let next = try cli("bisect", "--test", try fixture.bugTest())
        XCTAssertEqual(next.status, 0, next.stderr)
        XCTAssertTrue(next.stderr.contains("agentreplay: note: cleaning up after a bisect that did not finish"), next.stderr)
        XCTAssertTrue(next.stderr.contains("killed"), next.stderr)
        XCTAssertTrue(waitUntilGone(child), "the leftover test process is killed")
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/lock"))
        XCTAssertEqual(try fixture.snapshot(), before)
    }

    func waitUntilGone(_ pid: Int32) -> Bool { SessionTests.gone(pid) }
}
