import Foundation
import TestSupport
import XCTest

/// `agentreplay index --replay`: the bundled example session (fixtures/example) replayed onto
/// the repository its script builds gives the file effects `agentreplay run --json` reports,
/// each with the lines git counts between the run's commits, marked `replay`, with the run's
/// outcome; its repository left as it was. A log whose repository is not at hand keeps the
/// log's rows, marked `log`, and says why. Both stores give the same rows.
final class IndexReplayTests: XCTestCase {
    static let slot = PostgresServerSlot()

    override class func tearDown() {
        slot.stop()
        super.tearDown()
    }

    static let effects = """
        SELECT e.span_id, e.path, e.lines_added, e.lines_removed, e.source, e.verdict, e.replay_commit, e.turn, e.log_line
        FROM file_effects e ORDER BY e.log_line, e.path
        """
    static let session = "SELECT effects, replay_outcome, CASE WHEN replay_note IS NULL THEN 1 ELSE 0 END AS no_note FROM sessions"

    /// A repository made by the example's script at `dir/name`.
    func repository(_ dir: String, _ name: String) throws -> String {
        let repo = dir + "/" + name
        let made = try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment)
        XCTAssertEqual(made.status, 0, made.stderrText)
        return repo
    }

    /// The example's log with its recorded working directory (and the paths below it) moved to `root`.
    func log(at path: String, root: String) throws {
        let text = try String(contentsOfFile: packageRoot + "/fixtures/example/session.jsonl", encoding: .utf8)
        try text.replacingOccurrences(of: "/home/dev/calc", with: root).write(
            toFile: path, atomically: true, encoding: .utf8)
    }

    func git(_ repo: String, _ arguments: String...) throws -> String {
        let r = try Subprocess.run("/usr/bin/git", ["-C", repo] + arguments, in: repo, environment: GitCLI.environment)
        XCTAssertEqual(r.status, 0, r.stderrText)
        return r.stdoutText
    }

    /// The CSV lines `effects` should give, from `run --json` (its steps' changes, commits
    /// and verdicts) and `git diff --numstat` of each commit against its parent, in a
    /// repository of its own that `run` writes its refs to; and the run's outcome.
    func expected(_ dir: String, log: String) throws -> (rows: [String], outcome: String) {
        let repo = try repository(dir, "ran")
        let r = try CLI.run(["run", "--json", log, "--repo", repo], in: dir)
        XCTAssertTrue([0, 3].contains(r.status), r.description)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.stdoutText.utf8)) as? [String: Any])
        var rows: [(line: Int, path: String, text: String)] = []
        let lines = try IndexCommandTests.query(dir + "/lines.sqlite", "SELECT span_id, turn, log_line FROM tool_calls", in: dir)
        var call: [String: (turn: String, line: String)] = [:]
        for row in lines.split(separator: "\r\n").dropFirst() {
            let cells = row.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            call[cells[0]] = (cells[1], cells[2])
        }
        for step in document["steps"] as? [[String: Any]] ?? [] {
            guard let changes = step["changes"] as? [[String: Any]], !changes.isEmpty, let commit = step["commit"] as? String,
                let span = step["span_id"] as? String, let verdict = step["verdict"] as? String
            else { continue }
            var counts: [String: (String, String)] = [:]
            for line in try git(repo, "diff", "--numstat", "--no-renames", commit + "^", commit).split(separator: "\n") {
                let cells = line.split(separator: "\t").map(String.init)
                counts[cells[2]] = (cells[0] == "-" ? "" : cells[0], cells[1] == "-" ? "" : cells[1])
            }
            for change in changes {
                let path = try XCTUnwrap(change["path"] as? String)
                let (added, removed) = try XCTUnwrap(counts[path], "\(path) in \(commit)")
                let at = try XCTUnwrap(call[span], span)
                rows.append(
                    (Int(at.line) ?? 0, path, [span, path, added, removed, "replay", verdict, commit, at.turn, at.line].joined(separator: ",")))
            }
        }
        XCTAssertFalse(rows.isEmpty, "the example changes files")
        let sorted = rows.sorted { ($0.line, $0.path) < ($1.line, $1.path) }.map(\.text)
        return (sorted, try XCTUnwrap(document["outcome"] as? String))
    }

    func testReplayedEffectsAreTheRunsAndTheRepositoryIsUntouched() throws {
        let dir = try makeTemporaryDirectory(self, "index-replay")
        let repo = try repository(dir, "calc")
        let log = dir + "/session.jsonl"
        try self.log(at: log, root: repo)
        let refsBefore = try git(repo, "for-each-ref")
        let statusBefore = try git(repo, "status", "--porcelain=v2", "--branch", "--untracked-files=all")
        // The log's rows first, to find each call's line and turn.
        let plain = try CLI.run(["index", "--store", dir + "/lines.sqlite", log], in: dir)
        XCTAssertEqual(plain.status, 0, plain.description)
        XCTAssertEqual(try IndexCommandTests.query(dir + "/lines.sqlite", Self.session, in: dir), "effects,replay_outcome,no_note\r\nlog,,1\r\n")

        // The recorded working directory is a repository here: replayed onto it.
        let store = dir + "/index.sqlite"
        let r = try CLI.run(["index", "--replay", "--store", store, log], in: dir)
        XCTAssertEqual(r.status, 0, r.description)
        XCTAssertTrue(r.stdoutText.contains("; 1 replayed, 0 effects from the log"), r.stdoutText)
        let (rows, outcome) = try expected(dir, log: log)
        let got = try IndexCommandTests.query(store, Self.effects, in: dir)
        XCTAssertEqual(
            got, (["span_id,path,lines_added,lines_removed,source,verdict,replay_commit,turn,log_line"] + rows).joined(separator: "\r\n") + "\r\n")
        XCTAssertEqual(try IndexCommandTests.query(store, Self.session, in: dir), "effects,replay_outcome,no_note\r\nreplay,\(outcome),1\r\n")
        XCTAssertEqual(try git(repo, "for-each-ref"), refsBefore, "no ref written by index")
        XCTAssertEqual(try git(repo, "status", "--porcelain=v2", "--branch", "--untracked-files=all"), statusBefore)

        // An unchanged log already indexed without replay is replayed once, with --repo.
        let later = try CLI.run(["index", "--repo", repo, "--store", dir + "/lines.sqlite", log], in: dir)
        XCTAssertTrue(
            later.stdoutText.contains("0 read, 0 resumed, 1 unchanged, 0 unreadable, 0 gone (kept); 0.0 MB, 0 spans; 1 replayed"), later.stdoutText)
        XCTAssertEqual(try IndexCommandTests.query(dir + "/lines.sqlite", Self.effects, in: dir), got)

        // Both stores give the same rows.
        let server = try Self.slot.server()
        let url = try server.database("replay")
        let pg = try CLI.run(["index", "--replay", "--store", url, log], in: dir)
        XCTAssertEqual(pg.status, 0, pg.description)
        XCTAssertEqual(try IndexCommandTests.query(url, Self.effects, in: dir), got)
        XCTAssertEqual(try IndexCommandTests.query(url, Self.session, in: dir), "effects,replay_outcome,no_note\r\nreplay,\(outcome),1\r\n")
    }

    func testALogWithoutItsRepositoryKeepsTheLogsRows() throws {
        let dir = try makeTemporaryDirectory(self, "index-no-repo")
        // The example records /home/dev/calc, which is not on this machine.
        let log = packageRoot + "/fixtures/example/session.jsonl"
        let store = dir + "/index.sqlite"
        let r = try CLI.run(["index", "--replay", "--store", store, log], in: dir)
        XCTAssertEqual(r.status, 0, r.description)
        XCTAssertTrue(r.stdoutText.contains("; 0 replayed, 1 effects from the log"), r.stdoutText)
        let sources = try IndexCommandTests.query(
            store, "SELECT DISTINCT source, CASE WHEN verdict IS NULL THEN 1 ELSE 0 END AS no_verdict FROM file_effects", in: dir)
        XCTAssertEqual(sources, "source,no_verdict\r\nlog,1\r\n")
        XCTAssertEqual(
            try IndexCommandTests.query(store, "SELECT effects, replay_outcome, replay_note FROM sessions", in: dir),
            "effects,replay_outcome,replay_note\r\nlog,,no repository at hand: /home/dev/calc is not on this machine\r\n")
        // The same rows as a store read without replay.
        let plain = try CLI.run(["index", "--store", dir + "/plain.sqlite", log], in: dir)
        XCTAssertEqual(plain.status, 0, plain.description)
        let columns = "SELECT span_id, path, lines_added, lines_removed, source, turn, log_line FROM file_effects ORDER BY log_line, path"
        XCTAssertEqual(try IndexCommandTests.query(store, columns, in: dir), try IndexCommandTests.query(dir + "/plain.sqlite", columns, in: dir))
    }
}
