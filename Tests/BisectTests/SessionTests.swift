import Foundation
import Git
import Trace
import XCTest
@testable import Bisect

/// Bisect with real processes: fake tests (shell scripts) in private worktrees, against
/// fixture repositories built with the git CLI.
final class SessionTests: XCTestCase {
    /// Sixteen edits of `app.txt`, the one at `culprit` writing BUG (and every later one
    /// keeping it).
    func sixteen(_ fixture: BisectFixture, culprit: Int) -> Trace {
        fixture.trace(
            (1...16).map { n in
                .write("app.txt", "version \(n)\n" + (n >= culprit ? "BUG\n" : ""))
            })
    }

    func testCulpritAtTheFirstAMiddleAndTheLastSpan() throws {
        for culprit in [1, 9, 16] {
            let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n", "README": "hello\n"])
            let (history, repository) = try fixture.history(sixteen(fixture, culprit: culprit))
            let before = try fixture.snapshot()
            let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
            XCTAssertEqual(result.outcome, .found(culprit))
            XCTAssertLessThanOrEqual(result.testRuns, 6, "ceil(log2 16) + 2")
            XCTAssertEqual(fixture.steps().count, result.testRuns)
            XCTAssertEqual(fixture.steps().prefix(2), ["16", "0"], "the end first, then the base")
            XCTAssertEqual(history.candidates[culprit - 1].callID, "call_\(culprit)")
            XCTAssertEqual(try fixture.snapshot(), before, "the user's repository is untouched")
        }
    }

    func testAtMostCeilLog2PlusTwoRunsWithRealProcesses() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "version 0\n"])
        let trace = fixture.trace((1...40).map { n in .write("f\(n).txt", n == 27 ? "BUG\n" : "ok \(n)\n") })
        let (history, repository) = try fixture.history(trace)
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .found(27))
        XCTAssertLessThanOrEqual(result.testRuns, 8, "ceil(log2 40) + 2")
    }

    func testBaseAlreadyFailing() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "BUG from the start\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("b.txt", "1\n"), .write("c.txt", "2\n")]))
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .baseFails)
        XCTAssertEqual(fixture.steps(), ["2", "0"])
    }

    func testEndPassing() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "fine\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("b.txt", "BUG\n"), .write("b.txt", "fixed\n")]))
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .endPasses)
        XCTAssertEqual(fixture.steps(), ["2"])
    }

    func testSkipsAroundTheCulpritGiveTheRange() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        // States 5 to 7 do not build (SKIP); BUG arrives with span 6.
        let trace = fixture.trace(
            (1...10).map { n in
                var text = "v\(n)\n"
                if (5...7).contains(n) { text += "SKIP\n" }
                if n >= 6 { text += "BUG\n" }
                return .write("app.txt", text)
            })
        let (history, repository) = try fixture.history(trace)
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .ambiguous(5...8))
    }

    func testSameTreeIsTestedOnce() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        // Spans 3 to 6 flip a.txt back and forth: states 3 and 5, and 4 and 6, share trees.
        let trace = fixture.trace([
            .write("a.txt", "1\n"), .write("b.txt", "2\n"), .write("a.txt", "x\n"), .write("a.txt", "1\n"),
            .write("a.txt", "x\n"), .write("a.txt", "1\n"), .write("c.txt", "BUG\n"), .write("d.txt", "4\n"),
        ])
        let (history, repository) = try fixture.history(trace)
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .found(7))
        let trees = result.probes.map(\.tree)
        XCTAssertEqual(Set(trees).count, trees.count, "no tree is tested twice")
    }

    func testARevertedBreakageIsReportedNotBlamed() throws {
        // BUG from span 2 to 5, span 6 puts app.txt back as span 1 left it, span 8 adds BUG
        // elsewhere: state 6 passes after state 4 failed.
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let trace = fixture.trace([
            .write("app.txt", "v1\n"), .write("app.txt", "v2 BUG\n"), .write("app.txt", "v3 BUG\n"), .write("app.txt", "v4 BUG\n"),
            .write("app.txt", "v5 BUG\n"), .write("app.txt", "v1\n"), .write("notes.txt", "todo\n"), .write("notes.txt", "todo BUG\n"),
        ])
        let (history, repository) = try fixture.history(trace)
        let result = try fixture.session(history, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .nonMonotonic(bad: 4, good: 6))
        let minimal = try fixture.session(history, repository, command: try fixture.bugTest()) { $0.minimal = true }.run()
        // Any one span that writes BUG breaks the test alone: ddmin names one of them.
        guard case .minimal(let set) = minimal.outcome else { return XCTFail("\(minimal.outcome)") }
        XCTAssertEqual(set.count, 1)
        XCTAssertTrue([2, 3, 4, 5, 8].contains(set[0]))
    }

    func testFlakyTestWithRetriesIsReportedNotTrusted() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let trace = fixture.trace((1...8).map { n in .write("app.txt", "v\(n)\n" + (n >= 6 ? "BUG\n" : "") + (n == 4 ? "FLAKY\n" : "")) })
        let (history, repository) = try fixture.history(trace)
        // FLAKY fails every other run (a counter outside the worktree).
        let command = try fixture.script(
            "flaky-test",
            """
            if grep -qs FLAKY app.txt; then
              n=$(cat "\(fixture.scratch)/count" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "\(fixture.scratch)/count"
              [ $((n % 2)) -eq 0 ] && exit 1
              exit 0
            fi
            grep -qs BUG app.txt && exit 1
            exit 0

            """)
        let result = try fixture.session(history, repository, command: command) { $0.retries = 2 }.run()
        XCTAssertEqual(result.flaky.map(\.step), [4])
        XCTAssertEqual(result.flaky.first?.runs.map(\.status), [0, 1, 0])
        XCTAssertEqual(result.outcome, .found(6))
        XCTAssertTrue(result.probes.allSatisfy { $0.runs.count == 3 })
    }

    func testTimeoutKillsTheWholeProcessGroup() throws {
        for verdict in [BisectVerdict.skip, .bad] {
            let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
            let trace = fixture.trace((1...8).map { n in .write("app.txt", "v\(n)\n" + (n == 5 ? "HANG\n" : "") + (n >= 6 ? "BUG\n" : "")) })
            let (history, repository) = try fixture.history(trace)
            let command = try fixture.script(
                "hanging-test",
                """
                if grep -qs HANG app.txt; then
                  sleep 300 &
                  echo $! > "\(fixture.scratch)/child"
                  sleep 300
                fi
                grep -qs BUG app.txt && exit 1
                exit 0

                """)
            let started = Date()
            let result = try fixture.session(history, repository, command: command) {
                $0.timeout = 0.5
                $0.timeoutVerdict = verdict
            }.run()
            XCTAssertLessThan(Date().timeIntervalSince(started), 20)
            XCTAssertEqual(result.outcome, verdict == .skip ? .ambiguous(5...6) : .found(5))
            let timedOut = result.probes.filter { $0.runs.contains(where: \.timedOut) }
            XCTAssertEqual(timedOut.map(\.step), [5])
            let child = Int32(fixture.read(fixture.scratch + "/child")?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            XCTAssertNotNil(child)
            if let child { XCTAssertTrue(Self.gone(child), "the sleeping child of a timed-out test is killed") }
        }
    }

    func testBackgroundChildrenOfAFinishedTestAreKilled() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("app.txt", "BUG\n")]))
        let command = try fixture.script(
            "leaky-test",
            """
            sleep 300 &
            echo $! >> "\(fixture.scratch)/children"
            grep -qs BUG app.txt && exit 1
            exit 0

            """)
        let result = try fixture.session(history, repository, command: command).run()
        XCTAssertEqual(result.outcome, .found(1))
        let children = (fixture.read(fixture.scratch + "/children") ?? "").split(separator: "\n").compactMap { Int32($0) }
        XCTAssertEqual(children.count, 2)
        for child in children { XCTAssertTrue(Self.gone(child), "the test's background child is killed") }
    }

    func testCommandNotFound() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("app.txt", "BUG\n"), .write("b", "1\n")]))
        let result = try fixture.session(history, repository, command: "no-such-command-agentreplay").run()
        XCTAssertEqual(result.outcome, .commandBroken(status: 127))
        XCTAssertEqual(result.testRuns, 2)
    }

    func testExitAbove127Aborts() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("app.txt", "BUG\n"), .write("b", "1\n")]))
        let result = try fixture.session(history, repository, command: "exit 130").run()
        XCTAssertEqual(result.outcome, .aborted(status: 130))
    }

    func testACombinationOnlyMinimalExplains() throws {
        // The test fails when a.txt says FOO and b.txt says BAR: span 2 and span 5 together.
        let fixture = try BisectFixture(self, files: ["a.txt": "a\n", "b.txt": "b\n"])
        let trace = fixture.trace([
            .write("c.txt", "1\n"), .write("a.txt", "FOO\n"), .write("d.txt", "2\n"), .write("e.txt", "3\n"),
            .write("b.txt", "BAR\n"), .write("f.txt", "4\n"),
        ])
        let (history, repository) = try fixture.history(trace)
        let command = try fixture.script(
            "pair-test",
            """
            echo "${AGENTREPLAY_STEPS-unset}" >> "\(fixture.scratch)/combinations"
            if grep -qs FOO a.txt && grep -qs BAR b.txt; then exit 1; fi
            exit 0

            """)
        let bisect = try fixture.session(history, repository, command: command).run()
        XCTAssertEqual(bisect.outcome, .found(5), "bisection names only the second half")
        let minimal = try fixture.session(history, repository, command: command) { $0.minimal = true }.run()
        XCTAssertEqual(minimal.outcome, .minimal([2, 5]))
        let seen = (fixture.read(fixture.scratch + "/combinations") ?? "").split(separator: "\n")
        XCTAssertTrue(seen.contains("2,5") || seen.contains("1,2,3,4,5,6"))
        // The same search, replayed from its records.
        var log = LogReplay.Log(header: header(history, mode: "minimal"), probes: minimal.probes, result: nil)
        XCTAssertEqual(try LogReplay.replay(log), .minimal([2, 5]))
        log.probes.removeLast()
        XCTAssertNil(try LogReplay.replay(log), "a log cut short ends before the search")
    }

    func testEnvironmentNamesTheState() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("app.txt", "v1\n"), .write("app.txt", "BUG\n")]))
        let command = try fixture.script(
            "env-test",
            """
            echo "$AGENTREPLAY_STEP ${AGENTREPLAY_SPAN_ID:--} ${AGENTREPLAY_TOOL_CALL_ID:--} ${AGENTREPLAY_COMMIT:--} $(pwd)" >> "\(fixture.scratch)/env"
            grep -qs BUG app.txt && exit 1
            exit 0

            """)
        let result = try fixture.session(history, repository, command: command) {
            $0.environment["AGENTREPLAY_SPAN_ID"] = "inherited"
        }.run()
        XCTAssertEqual(result.outcome, .found(2))
        let lines = (fixture.read(fixture.scratch + "/env") ?? "").split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        XCTAssertEqual(lines.map { $0[0] }, ["2", "0", "1"])
        XCTAssertEqual(lines[0][1], "0000000000001002")
        XCTAssertEqual(lines[0][2], "call_2")
        XCTAssertEqual(lines[0][3], history.candidates[1].commit?.hex)
        XCTAssertEqual(lines[1][1], "-", "the base has no span")
        XCTAssertEqual(lines[1][3], try fixture.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertTrue(lines[0][4].hasPrefix(fixture.cache + "/"), "the test runs in the private worktree")
        XCTAssertFalse(lines[0][4].hasPrefix(fixture.repoPath))
    }

    func testBuildProductsSurviveBetweenProbes() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(sixteen(fixture, culprit: 11))
        // A "build" that is slow the first time only: it leaves .build/cache behind.
        let command = try fixture.script(
            "cached-build",
            """
            if [ -e .build/cache ]; then echo warm >> "\(fixture.scratch)/builds"; else echo cold >> "\(fixture.scratch)/builds"; fi
            mkdir -p .build && touch .build/cache
            grep -qs BUG app.txt && exit 1
            exit 0

            """)
        let first = try fixture.session(history, repository, command: command).run()
        XCTAssertEqual(first.outcome, .found(11))
        let second = try fixture.session(history, repository, command: command).run()
        XCTAssertEqual(second.outcome, .found(11))
        let builds = (fixture.read(fixture.scratch + "/builds") ?? "").split(separator: "\n")
        XCTAssertEqual(builds.filter { $0 == "cold" }.count, 1, "one cold build, for the first probe of the first bisect")
    }

    func testStoredRunMatchesTheReplayedOne() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let trace = sixteen(fixture, culprit: 7)
        let (replayed, _) = try fixture.history(trace)
        let (stored, repository) = try fixture.history(trace, refs: true)
        XCTAssertEqual(stored.trees, replayed.trees)
        XCTAssertEqual(stored.candidates.map(\.spanID), replayed.candidates.map(\.spanID))
        XCTAssertEqual(stored.candidates.map(\.callID), replayed.candidates.map(\.callID))
        XCTAssertEqual(stored.candidates.map(\.turnID), replayed.candidates.map(\.turnID))
        XCTAssertEqual(stored.candidates.map(\.commit), replayed.candidates.map(\.commit))
        XCTAssertEqual(stored.candidates[6].tokens.inputTokens, 700)
        XCTAssertEqual(stored.responses[Span.ID(String(format: "%016x", 7))], "Turn 7: I will change the file.")
        XCTAssertEqual(stored.baseCommit, replayed.baseCommit)
        // Kept in the cache once read, and read back the same.
        let first = try StoredRun.history(in: repository, cache: fixture.cache)
        let again = try StoredRun.history(in: repository, cache: fixture.cache)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: fixture.cache + "/history").count, 1)
        for history in [first, again] {
            XCTAssertEqual(history.trees, stored.trees)
            XCTAssertEqual(history.head, stored.head)
            XCTAssertEqual(history.header, stored.header)
            XCTAssertEqual(history.responses, stored.responses)
            XCTAssertEqual(history.candidates.map(\.spanID), stored.candidates.map(\.spanID))
            XCTAssertEqual(history.candidates.map(\.name), stored.candidates.map(\.name))
            XCTAssertEqual(history.candidates.map(\.toolName), stored.candidates.map(\.toolName))
            XCTAssertEqual(history.candidates.map(\.callID), stored.candidates.map(\.callID))
            XCTAssertEqual(history.candidates.map(\.turnID), stored.candidates.map(\.turnID))
            XCTAssertEqual(history.candidates.map(\.commit), stored.candidates.map(\.commit))
            XCTAssertEqual(history.candidates.map(\.parentTree), stored.candidates.map(\.parentTree))
            XCTAssertEqual(history.candidates.map(\.spanIndex), stored.candidates.map(\.spanIndex))
            XCTAssertEqual(history.candidates.map(\.tokens), stored.candidates.map(\.tokens))
        }
        let result = try fixture.session(stored, repository, command: try fixture.bugTest()).run()
        XCTAssertEqual(result.outcome, .found(7))
    }

    func testSeveralJobs() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(sixteen(fixture, culprit: 10))
        let result = try fixture.session(history, repository, command: try fixture.bugTest()) { $0.jobs = 3 }.run()
        XCTAssertEqual(result.outcome, .found(10))
        XCTAssertTrue(FileManager.default.fileExists(atPath: result.folder + "/2"), "three worktrees")
    }

    func testALiveLockKeepsASecondBisectOut() throws {
        let fixture = try BisectFixture(self, files: ["app.txt": "v0\n"])
        let (history, repository) = try fixture.history(fixture.trace([.write("app.txt", "BUG\n")]))
        let folder = try WorktreeFolder.location(repositoryPath: fixture.repoPath, root: fixture.cache, environment: [:])
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // Our own pid is alive.
        try fixture.write(folder + "/lock", "pid \(getpid())\n" + (WorktreeFolder.startTime(getpid()).map { "start \($0)\n" } ?? ""))
        XCTAssertThrowsError(try fixture.session(history, repository, command: try fixture.bugTest()).run()) { error in
            guard case BisectError.busy = error else { return XCTFail("\(error)") }
        }
        // A dead one is cleaned up.
        try fixture.write(folder + "/lock", "pid 999999\nstart 1\ngroup 999998\n")
        var notes: [String] = []
        let session = fixture.session(history, repository, command: try fixture.bugTest())
        session.onNote = { notes.append($0) }
        XCTAssertEqual(try session.run().outcome, .found(1))
        XCTAssertEqual(notes.first?.hasPrefix("cleaning up after a bisect that did not finish"), true)
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/lock"))
    }

    func header(_ history: History, mode: String = "bisect") -> BisectLog.Header {
        BisectLog.Header(
            mode: mode, trace: nil, repo: ".", base: nil, head: nil, from: nil, recordedRoot: nil,
            test: "t", jobs: 1, retries: 0, timeout: nil, timeoutVerdict: "skip", history: history)
    }

    /// Waits up to ten seconds for `pid` to be gone (SIGKILL is delivered asynchronously).
    static func gone(_ pid: Int32) -> Bool {
        let until = Date().addingTimeInterval(10)
        while Date() < until {
            if !running(pid) { return true }
            usleep(10_000)
        }
        return false
    }

    /// Whether `pid` is a live process (a zombie waiting for its parent counts as gone).
    static func running(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return false }
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return true }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }
}
