import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `agentreplay index` and `agentreplay query` run as processes: the default input (the
/// agents' stores under a home of the test's own), the output formats, and passes killed
/// with SIGKILL at many moments that the next pass completes without counting a session twice.
final class IndexCommandTests: XCTestCase {
    static let claude = packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl"

    /// Rows of every session table, sums, and calls stored twice (none): what two stores made
    /// from the same logs agree on.
    static let counts = """
        SELECT (SELECT COUNT(*) FROM sessions) AS sessions, (SELECT COUNT(*) FROM turns) AS turns, (SELECT COUNT(*) FROM tool_calls) AS calls,
          (SELECT COUNT(*) FROM file_effects) AS effects, (SELECT COUNT(*) FROM commands) AS commands,
          (SELECT COUNT(*) FROM permissions) AS permissions, (SELECT COUNT(*) FROM search) AS texts,
          (SELECT ROUND(CAST(SUM(cost_usd) AS NUMERIC), 6) FROM sessions) AS cost, (SELECT SUM(tool_calls) FROM sessions) AS summed,
          (SELECT COUNT(*) FROM (SELECT session, span_id FROM tool_calls GROUP BY session, span_id HAVING COUNT(*) > 1) AS twice) AS twice
        """

    static func query(_ store: String, _ sql: String, in dir: String) throws -> String {
        let r = try CLI.run(["query", "--store", store, "--csv", sql], in: dir)
        XCTAssertEqual(r.status, 0, r.description)
        return r.stdoutText
    }

    func testDefaultInputIsTheAgentsStoresAndQueryPrintsTableJSONAndCSV() throws {
        let home = try makeTemporaryDirectory(self, "index-home")
        let env = ["HOME": home, "XDG_DATA_HOME": home + "/data", "XDG_CACHE_HOME": home + "/cache", "CODEX_HOME": home + "/codex"]
        var log = SessionLog()
        log.user("Tidy up")
        log.bash("printf '\u{1B}[31mred\u{1B}[0m'; exit 3")
        try FileManager.default.createDirectory(atPath: home + "/.claude/projects/-home-dev-project", withIntermediateDirectories: true)
        try log.save(home + "/.claude/projects/-home-dev-project/\(log.sessionID).jsonl")

        let first = try CLI.run(["index"], in: home, environment: env)
        XCTAssertEqual(first.status, 0, first.description)
        XCTAssertTrue(first.stdoutText.hasPrefix(home + "/data/agentreplay/index.sqlite: 1 read, 0 resumed, 0 unchanged"), first.stdoutText)
        let second = try CLI.run(["index"], in: home, environment: env)
        XCTAssertTrue(second.stdoutText.contains(": 0 read, 0 resumed, 1 unchanged, 0 unreadable"), second.stdoutText)

        // A table for people: the escape sequence in the command is shown, not sent.
        let table = try CLI.run(
            ["query", "SELECT s.session_id, c.command FROM commands c JOIN sessions s ON s.id = c.session"], in: home, environment: env)
        XCTAssertEqual(table.status, 0, table.description)
        XCTAssertFalse(table.stdoutText.contains("\u{1B}"))
        XCTAssertTrue(
            table.stdoutText.contains("\\u{1B}[31mred") || table.stdoutText.contains("\\x1b[31mred") || table.stdoutText.contains("\\e[31mred"),
            table.stdoutText)
        XCTAssertTrue(table.stdoutText.hasSuffix("(1 row)\n"), table.stdoutText)
        // JSON and CSV are exact.
        let json = try CLI.run(
            ["query", "--json", "SELECT s.session_id, c.command FROM commands c JOIN sessions s ON s.id = c.session"], in: home, environment: env)
        let document = try JSONSerialization.jsonObject(with: Data(json.stdoutText.utf8)) as? [String: Any]
        let rows = document?["rows"] as? [[String: Any]]
        XCTAssertEqual(rows?.first?["command"] as? String, "printf '\u{1B}[31mred\u{1B}[0m'; exit 3")
        XCTAssertEqual(rows?.first?["session_id"] as? String, log.sessionID)
        let csv = try CLI.run(["query", "--csv", "--named", "sessions-touching", "--param", "path=nothing.py"], in: home, environment: env)
        XCTAssertEqual(csv.stdoutText, "start_time,repository,agent,session_id,edits,lines_added,lines_removed,edits_uncounted,file\r\n")

        // Bad input: SQL that fails, a missing parameter, an unknown name, no store.
        for args in [
            ["query", "SELECT nope FROM sessions"], ["query", "--named", "files-since"], ["query", "--named", "nope"],
            ["query", "--store", home + "/none.sqlite", "SELECT 1"],
        ] {
            let r = try CLI.run(args, in: home, environment: env)
            XCTAssertEqual(r.status, 2, r.description)
            XCTAssertTrue(r.stderrText.contains("agentreplay: error:"), r.description)
        }
    }

    /// Passes killed with SIGKILL at moments spread over a whole pass, some logs growing in
    /// between: after one more pass, every count is that of a store made in one go.
    func testAPassKilledAtAnyMomentIsCompletedByTheNext() throws {
        let dir = try makeTemporaryDirectory(self, "index-kill")
        try Self.killedPasses(store: { dir + "/index\($0).sqlite" }, in: dir)
    }

    static let killMoments = 6

    /// Passes into a store (a file or a PostgreSQL URL, `store(round)`) killed with SIGKILL at
    /// moments spread over a whole pass, then one more: every count is that of a SQLite store
    /// made in one go. The moments come from a timed pass, and under load a later pass can end
    /// before its moment; a pass that ended proves nothing, so a round in which most passes were
    /// not killed while running is played again (at most three rounds, each on a new store and
    /// new logs). Every round's store must be right, whatever its kills.
    static func killedPasses(store: (Int) throws -> String, in dir: String) throws {
        var killed = 0
        for round in 0..<3 {
            let folder = dir + "/round\(round)"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            killed = try killedRound(store: try store(round), in: folder)
            if killed > killMoments / 2 { break }
        }
        XCTAssertGreaterThan(killed, killMoments / 2, "most passes of a round were killed while running")
    }

    /// One round of `killedPasses`: the number of passes killed while running.
    private static func killedRound(store: String, in dir: String) throws -> Int {
        let logs = dir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Self.claude))
        let count = 12
        // Half the logs start cut short and grow back between the kills.
        let cut = bytes.count / 2
        for i in 0..<count {
            try (i % 2 == 0 ? bytes : bytes.prefix(cut)).write(to: URL(fileURLWithPath: logs + "/s\(i).jsonl"))
        }
        let started = Date()
        let timing = try CLI.run(["index", "--store", dir + "/timing.sqlite", logs], in: dir)
        XCTAssertEqual(timing.status, 0, timing.description)
        let duration = Date().timeIntervalSince(started)

        let moments = killMoments
        var killed = 0
        for n in 0..<moments {
            if n == moments / 2 {
                for i in stride(from: 1, to: count, by: 2) {
                    try bytes.write(to: URL(fileURLWithPath: logs + "/s\(i).jsonl"))
                }
            }
            let child = try Child(
                CLI.executable, ["index", "--store", store, logs], in: dir, environment: CLI.environment(), outputs: dir + "/pass\(n)")
            usleep(useconds_t(duration * Double(n + 1) / Double(moments + 1) * 1_000_000))
            if child.running { killed += 1 }
            child.signal(SIGKILL)
            _ = child.wait()
        }
        let last = try CLI.run(["index", "--store", store, logs], in: dir)
        XCTAssertEqual(last.status, 0, last.description)

        let fresh = dir + "/fresh.sqlite"
        XCTAssertEqual(try CLI.run(["index", "--store", fresh, logs], in: dir).status, 0)
        let expected = try query(fresh, counts, in: dir)
        XCTAssertTrue(expected.hasPrefix("sessions,") && expected.contains("\r\n\(count),"), expected)
        XCTAssertEqual(try query(store, counts, in: dir), expected)
        XCTAssertEqual(
            try query(store, "SELECT COUNT(*) AS n FROM files WHERE size = \(bytes.count) AND error IS NULL", in: dir), "n\r\n\(count)\r\n")
        return killed
    }
}
