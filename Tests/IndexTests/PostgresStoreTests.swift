import Foundation
@testable import Index
import Postgres
import TestSupport
import XCTest

/// The index in PostgreSQL, on a server of the tests' own (`PostgresServer`): the same real
/// logs give the same rows and the same answers to every named question as a SQLite store; a
/// grown log resumes; a newer store is refused; `query` cannot write; a connection that
/// fails names its host and database and never the password.
final class PostgresStoreTests: XCTestCase {
    static let slot = PostgresServerSlot()

    override class func tearDown() {
        slot.stop()
        super.tearDown()
    }

    func server() throws -> PostgresServer { try Self.slot.server() }

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("PostgresStoreTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    /// Real logs of several formats, copied where both stores read them from one path.
    func logs(in dir: String) throws -> [Indexer.Input] {
        let sources = [
            IndexTests.claude, IndexTests.claudeNew, IndexTests.codex, packageRoot + "/fixtures/example/session.jsonl",
            packageRoot + "/fixtures/example/session-b.jsonl", packageRoot + "/fixtures/gemini/session-2025-10-18T14-57-5f2c9a1e.json",
            // Token counts at Int64's bounds: both stores saturate their sums alike.
            packageRoot + "/fixtures/hostile/cases/native/trap-token-sum.ndjson",
            // A NUL in a prompt: both stores keep it as U+FFFD.
            packageRoot + "/fixtures/hostile/cases/claude-code/escaped-nul.ndjson",
        ]
        return try sources.enumerated().map { i, source in
            let path = dir + "/log\(i)." + (source as NSString).pathExtension
            try FileManager.default.copyItem(atPath: source, toPath: path)
            return Indexer.Input(path: path)
        }
    }

    /// Every table's rows, sorted, as text.
    func dump(_ store: Store) throws -> String {
        var out = ""
        for table in ["sessions", "files", "errors", "store"] + Schema.sessionTables {
            let result = try Query.run("SELECT * FROM \(table)", on: store)
            let lines = result.rows.map { $0.map(\.text).joined(separator: "|") }.sorted()
            out += "== \(table) \(result.columns.joined(separator: ",")) \(lines.count)\n" + lines.joined(separator: "\n") + "\n"
        }
        return out
    }

    func testTheSameLogsGiveTheSameRowsAndAnswersAsSQLite() throws {
        let server = try server()
        let dir = try folder()
        let inputs = try logs(in: dir)
        let sqlite = try Store(path: dir + "/index.sqlite")
        let postgres = try Store(path: try server.database("same"))
        XCTAssertTrue(postgres.isPostgres)
        let a = try Indexer.pass(inputs, into: sqlite, prices: .builtIn)
        let b = try Indexer.pass(inputs, into: postgres, prices: .builtIn)
        XCTAssertEqual(a, b)
        XCTAssertEqual([b.read, b.failed], [inputs.count, 0], b.errors.joined())
        XCTAssertEqual(try dump(postgres), try dump(sqlite))
        // Every named question, on data that gives each of them rows.
        for q in NamedQuery.all {
            for value in ["2025-01-01", "2026-03-14T10:02:27", "CLAUDE.md", "calc/ops.py", "/tmp/calc/README.md", "zzz"] {
                let args = Dictionary(uniqueKeysWithValues: q.parameters.map { ($0.name, value) })
                let there = try Query.run(q.sql, on: postgres, arguments: args)
                let here = try Query.run(q.sql, on: sqlite, arguments: args)
                XCTAssertEqual(there, here, "\(q.name) \(args)")
                if q.parameters.isEmpty { break }
            }
            let args = Dictionary(uniqueKeysWithValues: q.parameters.map { ($0.name, $0.name == "since" ? "2025-01-01" : "calc/ops.py") })
            XCTAssertFalse(try Query.run(q.sql, on: postgres, arguments: args).rows.isEmpty, q.name)
        }
        // The same tables, with the same columns in the same order.
        for table in ["sessions", "files", "errors", "store"] + Schema.sessionTables {
            let columns = try Query.run(
                "SELECT column_name FROM information_schema.columns WHERE table_name = :t ORDER BY ordinal_position", on: postgres,
                arguments: ["t": table])
            let expected = try Query.run("SELECT name FROM pragma_table_info('\(table)')", on: sqlite)
            XCTAssertEqual(columns.rows, expected.rows, table)
        }
        // A second pass skips every log.
        let again = try Indexer.pass(inputs, into: postgres, prices: .builtIn)
        XCTAssertEqual([again.read, again.resumed, again.unchanged], [0, 0, inputs.count])
        // PostgreSQL's own text search over `search`: words, lower-cased; a path is one word.
        let hits = try Query.run(
            "SELECT kind, text FROM search WHERE document @@ websearch_to_tsquery('simple', :q) ORDER BY session, log_line", on: postgres,
            arguments: ["q": "Divide"])
        XCTAssertEqual(Set(hits.rows.map(\.[0].text)), ["answer", "prompt"])
        XCTAssertTrue(hits.rows.allSatisfy { $0[1].text.lowercased().contains("divide") })
        let file = "/home/dev/calc/tests/test_divide.py"
        let path = try Query.run(
            "SELECT COUNT(*) FROM search WHERE document @@ plainto_tsquery('simple', :q)", on: postgres, arguments: ["q": file])
        let exact = try Query.run("SELECT COUNT(*) FROM search_rows WHERE text = :q", on: postgres, arguments: ["q": file])
        XCTAssertEqual(path.rows, exact.rows)
        XCTAssertGreaterThan(exact.rows[0][0].int64 ?? 0, 0)
    }

    /// A Claude Code log grown a piece at a time: each pass after the first resumes, and the
    /// rows at the end are those of reading it whole.
    func testAGrownLogIsReadFromWhereThePassStopped() throws {
        let server = try server()
        let dir = try folder()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: IndexTests.claude)))
        let grown = dir + "/grown.jsonl"
        let store = try Store(path: try server.database("grown"))
        var resumed = 0
        for (i, cut) in [bytes.count / 3 + 17, (bytes.count * 4) / 5 + 3, bytes.count].enumerated() {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: grown))
            let report = try Indexer.pass([Indexer.Input(path: grown, sessionID: "s")], into: store, prices: .builtIn)
            XCTAssertEqual(report.failed, 0, report.errors.joined())
            if i > 0 { resumed += report.resumed }
        }
        XCTAssertEqual(resumed, 2)
        let whole = try Store(path: dir + "/whole.sqlite")
        _ = try Indexer.pass([Indexer.Input(path: grown, sessionID: "s")], into: whole, prices: .builtIn)
        // (`search_rows.id` aside: PostgreSQL does not number again the rows deleted and read again.)
        for table in ["sessions"] + Schema.sessionTables {
            let sql = table == "search_rows" ? "SELECT text, kind, session, span_id, log_line FROM search_rows" : "SELECT * FROM \(table)"
            let rows = { (store: Store) in try Query.run(sql, on: store).rows.map { $0.map(\.text).joined(separator: "|") }.sorted() }
            XCTAssertEqual(try rows(store), try rows(whole), table)
        }
    }

    func testANewerStoreIsRefusedAndQueryCannotWrite() throws {
        let server = try server()
        let url = try server.database("newer")
        let name = String(url.dropFirst("postgresql:///".count).prefix { $0 != "?" })
        // `query` on a database with no store: refused, and nothing made.
        XCTAssertThrowsError(try Store(path: url, create: false)) { error in
            XCTAssertTrue("\(error)".contains("no index store in this database"), "\(error)")
        }
        XCTAssertEqual(try server.psql(name, "SELECT to_regclass('grdb_migrations') IS NULL"), "t\n")
        let store = try Store(path: url)
        _ = try Indexer.pass([Indexer.Input(path: IndexTests.codex)], into: store, prices: .builtIn)
        XCTAssertThrowsError(try Query.run("DELETE FROM sessions", on: store)) { error in
            XCTAssertTrue("\(error)".contains("read-only transaction"), "\(error)")
        }
        XCTAssertEqual(try Query.run("SELECT COUNT(*) FROM sessions", on: try Store(path: url, create: false)).rows, [[.integer(1)]])
        XCTAssertThrowsError(try Query.run("SELECT :missing", on: store)) { error in
            XCTAssertTrue("\(error)".contains("the query's parameters"), "\(error)")
        }
        try server.psql(name, "INSERT INTO grdb_migrations (identifier) VALUES ('v7')")
        for create in [true, false] {
            XCTAssertThrowsError(try Store(path: url, create: create)) { error in
                let failure = error as? Store.Failure
                XCTAssertTrue(failure?.description.contains("version 7, written by a newer agentreplay") == true, "\(error)")
                XCTAssertTrue(failure?.hint?.contains("store version 7") == true)
            }
        }
        XCTAssertEqual(try server.psql(name, "SELECT value FROM store WHERE key = 'schema_version'"), "\(Schema.version)\n")
    }

    /// Nothing listens there: the message names the socket folder and the database, shows
    /// libpq's reason, and hides the password, in the URL and in a parameter.
    func testAConnectionThatFailsNamesHostAndDatabaseButNotThePassword() throws {
        for url in [
            "postgres://alice:s3cr%65t@/teamdb?host=/nonexistent/socket/dir", "postgresql:///teamdb?host=/nonexistent/socket/dir&password=s3cret",
        ] {
            XCTAssertThrowsError(try Store(path: url)) { error in
                let failure = error as? Store.Failure
                let text = (failure?.description ?? "") + (failure?.hint ?? "")
                XCTAssertTrue(text.contains("cannot connect to PostgreSQL (host /nonexistent/socket/dir, database teamdb)"), text)
                XCTAssertTrue(text.contains("No such file or directory"), text)
                XCTAssertTrue(text.contains("***"), text)
                XCTAssertFalse(text.contains("s3cr"), text)
                XCTAssertFalse(text.contains("\n"), text)
            }
        }
    }

    func testPlaceholdersAndRedaction() throws {
        let p = Placeholders("SELECT ?, :a, ':b', \"c:d\", x::text, :a, ? -- :e\n/* :f */ $q$ :g $q$ :h", positional: true)
        XCTAssertEqual(p.sql, "SELECT $1, $2, ':b', \"c:d\", x::text, $2, $3 -- :e\n/* :f */ $q$ :g $q$ $4")
        XCTAssertEqual(p.parameters, [.position(0), .name("a"), .position(1), .name("h")])
        XCTAssertEqual(Placeholders("SELECT '{}'::jsonb ? 'k', :n", positional: false).sql, "SELECT '{}'::jsonb ? 'k', $1")
        XCTAssertEqual(
            PostgresURL.redacted("postgres://u:p@h:5432/db?sslmode=require&password=x"), "postgres://u:***@h:5432/db?sslmode=require&password=***")
        XCTAssertEqual(PostgresURL.redacted("postgresql://u@h/db"), "postgresql://u@h/db")
        XCTAssertEqual(PostgresURL.redacted("postgresql://u:p:q@[::1]:5/db"), "postgresql://u:***@[::1]:5/db")
        XCTAssertEqual(try PostgresURL.password(in: "postgres://u:s3cr%65t@h/db"), "s3cret")
        XCTAssertNil(try PostgresURL.password(in: "postgres://u@h/db"))
        XCTAssertTrue(PostgresURL.isURL("PostgreSQL://h/db"))
        XCTAssertFalse(PostgresURL.isURL("/tmp/postgres://x"))
    }

    /// libpq is opened at run time (`PostgresLibrary`): the installed one will do, and what is
    /// said when it cannot be opened, or is not libpq, names the file and what to install.
    func testLibraryLoading() throws {
        try PostgresLibrary.load()
        XCTAssertNil(PostgresLibrary.problem(loading: "libpq.so.5"))
        let missing = try XCTUnwrap(PostgresLibrary.problem(loading: "libpq-absent.so.5"))
        XCTAssertTrue(missing.hasPrefix("libpq-absent.so.5 could not be loaded ("), missing)
        XCTAssertTrue(missing.hasSuffix("a store in PostgreSQL needs libpq at run time (Debian and Ubuntu: the libpq5 package)"), missing)
        let other = try XCTUnwrap(PostgresLibrary.problem(loading: "libz.so.1"))
        XCTAssertEqual(other, "libz.so.1 has no PQconnectdb: not the libpq this was built for")
    }
}
