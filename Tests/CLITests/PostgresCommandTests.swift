import Foundation
import TestSupport
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `agentreplay index` and `query` with `--store postgres://…`, on a server of the tests' own
/// (`PostgresServer`): two passes at once into one database, passes killed with SIGKILL, the
/// named questions printing the same CSV as from a SQLite store, and a connection that fails.
final class PostgresCommandTests: XCTestCase {
    static let slot = PostgresServerSlot()

    override class func tearDown() {
        slot.stop()
        super.tearDown()
    }

    func server() throws -> PostgresServer { try Self.slot.server() }

    func logs(_ dir: String, count: Int, cut: Bool) throws -> (folder: String, bytes: Data) {
        let logs = dir + "/logs"
        try FileManager.default.createDirectory(atPath: logs, withIntermediateDirectories: true)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: IndexCommandTests.claude))
        for i in 0..<count {
            try (cut && i % 2 == 1 ? bytes.prefix(bytes.count / 2) : bytes).write(to: URL(fileURLWithPath: logs + "/s\(i).jsonl"))
        }
        return (logs, bytes)
    }

    /// The numbers of an `index` report line: read, resumed, unchanged.
    func numbers(_ report: String) -> [Int] {
        ["read", "resumed", "unchanged"].map { word in
            guard let range = report.range(of: #"(\d+) \#(word)"#, options: .regularExpression) else { return -1 }
            return Int(report[range].split(separator: " ")[0]) ?? -1
        }
    }

    /// Two `index` processes started together on the same logs: each log is read by one of
    /// them (the other waits for it and finds it unchanged), the grown ones resumed by one.
    func testTwoPassesAtOnceIntoOneDatabaseCountNoSessionTwice() throws {
        let server = try server()
        let dir = try makeTemporaryDirectory(self, "pg-two")
        let count = 12
        let (logs, bytes) = try logs(dir, count: count, cut: true)
        let url = try server.database("two")
        func both() throws -> [[Int]] {
            let children = try (0..<2).map { n in
                try Child(CLI.executable, ["index", "--store", url, logs], in: dir, environment: CLI.environment(), outputs: dir + "/two\(n)")
            }
            return try children.map { child in
                let result = child.wait()
                XCTAssertEqual(result.end, .exited(0), result.stderr)
                XCTAssertFalse(result.stdout.contains("s3cr"), result.stdout)
                return numbers(result.stdout)
            }
        }
        let first = try both()
        XCTAssertEqual(first[0][0] + first[1][0], count, "\(first)")
        XCTAssertEqual(first[0][0] + first[0][2], count, "\(first)")
        for i in stride(from: 1, to: count, by: 2) { try bytes.write(to: URL(fileURLWithPath: logs + "/s\(i).jsonl")) }
        let second = try both()
        XCTAssertEqual(second[0][1] + second[1][1], count / 2, "\(second)")
        XCTAssertEqual(second[0][0] + second[1][0], 0, "\(second)")

        let fresh = dir + "/fresh.sqlite"
        XCTAssertEqual(try CLI.run(["index", "--store", fresh, logs], in: dir).status, 0)
        XCTAssertEqual(
            try IndexCommandTests.query(url, IndexCommandTests.counts, in: dir), try IndexCommandTests.query(fresh, IndexCommandTests.counts, in: dir)
        )
    }

    func testAPassKilledAtAnyMomentIsCompletedByTheNext() throws {
        let server = try server()
        let dir = try makeTemporaryDirectory(self, "pg-kill")
        try IndexCommandTests.killedPasses(store: { try server.database("kill\($0)") }, in: dir)
    }

    /// Every named question prints the same CSV from either store; the table for people too.
    func testNamedQuestionsPrintTheSameFromBothStores() throws {
        let server = try server()
        let dir = try makeTemporaryDirectory(self, "pg-named")
        let fixtures = [
            IndexCommandTests.claude, packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl",
            packageRoot + "/fixtures/example/session.jsonl",
        ]
        for (i, source) in fixtures.enumerated() { try FileManager.default.copyItem(atPath: source, toPath: dir + "/l\(i).jsonl") }
        let url = try server.database("named")
        let sqlite = dir + "/index.sqlite"
        for store in [url, sqlite] {
            let r = try CLI.run(["index", "--store", store] + fixtures.indices.map { dir + "/l\($0).jsonl" }, in: dir)
            XCTAssertEqual(r.status, 0, r.description)
        }
        let list = try CLI.run(["query", "--list"], in: dir).stdoutText
        let names = list.split(separator: "\n").filter { !$0.hasPrefix(" ") && $0.contains(": ") }.map { String($0.prefix { $0 != ":" }) }
        XCTAssertGreaterThanOrEqual(names.count, 8, list)
        for name in names {
            for format in ["--csv", "--json", "--color=never"] {
                let args = ["query", format, "--named", name, "--param", "since=2025-01-01", "--param", "path=calc/ops.py"]
                let there = try CLI.run(args + ["--store", url], in: dir)
                let here = try CLI.run(args + ["--store", sqlite], in: dir)
                XCTAssertEqual(there.status, 0, there.description)
                XCTAssertEqual(there.stdoutText, here.stdoutText, "\(name) \(format)")
            }
        }
        // `query` cannot write.
        let write = try CLI.run(["query", "--store", url, "DELETE FROM sessions"], in: dir)
        XCTAssertEqual(write.status, 2, write.description)
        XCTAssertTrue(write.stderrText.contains("read-only transaction"), write.description)
    }

    /// Nothing listens at that socket: exit 2, the host and database named, libpq's reason
    /// on one line, the password nowhere.
    func testAConnectionThatFailsExits2WithoutThePassword() throws {
        let dir = try makeTemporaryDirectory(self, "pg-fail")
        for args in [["index", dir], ["query", "SELECT 1"]] {
            let r = try CLI.run(args + ["--store", "postgres://alice:s3cret@/teamdb?host=/nonexistent/pg"], in: dir)
            XCTAssertEqual(r.status, 2, r.description)
            XCTAssertTrue(
                r.stderrText.contains(
                    "agentreplay: error: postgres://alice:***@/teamdb?host=/nonexistent/pg: cannot connect to PostgreSQL (host /nonexistent/pg, database teamdb):"
                ), r.description)
            XCTAssertFalse(r.stderrText.contains("s3cret") || r.stdoutText.contains("s3cret"), r.description)
        }
    }
}
