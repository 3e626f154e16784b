import Foundation
import GRDB
@testable import Index
import Importers
import Insight
import TestSupport
import Trace
import XCTest

/// The index on real logs (fixtures/claude, fixtures/codex, fixtures/example): what a pass
/// writes, a second pass that skips, a grown log read from where the last pass stopped (the
/// same rows as reading it whole), bad logs recorded, vanished logs kept, newer stores refused.
final class IndexTests: XCTestCase {
    static let claude = packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl"
    static let claudeNew = packageRoot + "/fixtures/claude/claude-code-2.1.100__computermode-test-repo.jsonl"
    static let codex = packageRoot + "/fixtures/codex/codex-0.140.0-alpha.19__planetfall-license.jsonl"

    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("IndexTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }

    func copy(_ source: String, to path: String) throws -> String {
        try FileManager.default.copyItem(atPath: source, toPath: path)
        return path
    }

    func count(_ store: Store, _ sql: String) throws -> Int {
        try Query.run(sql, on: store).rows.first?.first?.int64.map(Int.init) ?? -1
    }

    /// Every row of every session table, sorted, as text: two stores with the same rows give
    /// the same dump.
    func dump(_ store: Store) throws -> String {
        var out = ""
        for table in ["sessions"] + Schema.sessionTables {
            let result = try Query.run("SELECT * FROM \(table)", on: store)
            let lines = result.rows.map { $0.map(\.text).joined(separator: "|") }.sorted()
            out += "== \(table) \(lines.count)\n" + lines.joined(separator: "\n") + "\n"
        }
        return out
    }

    func testRealLogsAndASecondPassThatSkips() throws {
        let dir = try folder()
        let inputs = try [Self.claude, Self.claudeNew, Self.codex].enumerated().map { i, path in
            Indexer.Input(path: try copy(path, to: dir + "/log\(i).jsonl"))
        }
        let store = try Store(path: dir + "/index.sqlite")
        let first = try Indexer.pass(inputs, into: store, prices: .builtIn)
        XCTAssertEqual([first.read, first.resumed, first.unchanged, first.failed], [3, 0, 0, 0])
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM sessions"), 3)
        XCTAssertEqual(try count(store, "SELECT COUNT(DISTINCT agent) FROM sessions"), 2)
        // Every tool call of the logs, as the session listing counts them.
        for input in inputs {
            let trace = try Importer.load(path: input.path)
            let summary = SessionSummaryCounts(trace)
            let id = try count(store, "SELECT id FROM sessions WHERE file = '\(input.path)'")
            XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM tool_calls WHERE session = \(id)"), summary.tools, input.path)
            XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM turns WHERE session = \(id)"), summary.turns, input.path)
            XCTAssertEqual(try count(store, "SELECT COUNT(DISTINCT path) FROM file_effects WHERE session = \(id)"), summary.files, input.path)
        }
        // The 1.0.57 log was recorded with a priced model: its cost is known and not zero.
        let priced = try Query.run(
            "SELECT cost_complete, model, input_tokens > 0 FROM sessions WHERE file = :f", on: store, arguments: ["f": inputs[0].path])
        XCTAssertEqual(priced.rows, [[.integer(1), .text("claude-opus-4-20250514"), .integer(1)]])
        // The branch each log names (Claude Code's gitBranch, Codex's git.branch).
        let branches = try Query.run("SELECT branch FROM sessions ORDER BY file", on: store)
        XCTAssertEqual(branches.rows, [[.text("main")], [.text("test-compact-transcript")], [.text("main")]])
        // Commands and their endings: a Bash call the user refused is a failed command and a denied call.
        XCTAssertGreaterThan(try count(store, "SELECT COUNT(*) FROM commands WHERE ending = 'failed'"), 0)
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM permissions WHERE decision = 'denied_by_user' AND tool = 'Bash' AND log_line = 68"), 1)

        let before = try dump(store)
        let second = try Indexer.pass(inputs, into: store, prices: .builtIn)
        XCTAssertEqual([second.read, second.resumed, second.unchanged, second.failed], [0, 0, 3, 0])
        XCTAssertEqual(try dump(store), before)
    }

    /// A Claude Code log cut at several places (mid-line too) and grown back a piece at a time:
    /// each pass after the first resumes, and the rows at the end are those of reading it whole.
    func testAGrownLogIsReadFromWhereThePassStopped() throws {
        let dir = try folder()
        let bytes = try Array(Data(contentsOf: URL(fileURLWithPath: Self.claude)))
        let whole = try Store(path: dir + "/whole.sqlite")
        let wholePath = try copy(Self.claude, to: dir + "/whole.jsonl")
        _ = try Indexer.pass([Indexer.Input(path: wholePath, sessionID: "s")], into: whole, prices: .builtIn)

        let grown = dir + "/grown.jsonl"
        let store = try Store(path: dir + "/grown.sqlite")
        var cuts = [bytes.count / 5, bytes.count / 3 + 17, bytes.count / 2, (bytes.count * 4) / 5 + 3, bytes.count]
        cuts = cuts.map { min($0, bytes.count) }
        var resumed = 0
        for (i, cut) in cuts.enumerated() {
            try Data(bytes[0..<cut]).write(to: URL(fileURLWithPath: grown))
            let report = try Indexer.pass([Indexer.Input(path: grown, sessionID: "s")], into: store, prices: .builtIn)
            XCTAssertEqual(report.failed, 0, report.errors.joined())
            if i > 0 { resumed += report.resumed }
        }
        XCTAssertEqual(resumed, cuts.count - 1, "every pass after the first resumes")
        let resumedBytes = try count(store, "SELECT resume_offset FROM files")
        XCTAssertGreaterThan(resumedBytes, bytes.count / 2, "the next pass would start past the middle")
        XCTAssertEqual(try dump(store).replacingOccurrences(of: grown, with: "LOG"), try dump(whole).replacingOccurrences(of: wholePath, with: "LOG"))

        // Bytes of the last block read changed: its hash no longer matches, the log is read whole.
        var changed = bytes
        let at = bytes.count - 100
        changed[at] = changed[at] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
        try Data(changed + Array("\n".utf8)).write(to: URL(fileURLWithPath: grown))
        let again = try Indexer.pass([Indexer.Input(path: grown, sessionID: "s")], into: store, prices: .builtIn)
        XCTAssertEqual([again.read, again.resumed], [1, 0])
    }

    func testABadLogIsRecordedAndThePassGoesOnAndAVanishedLogIsKept() throws {
        let dir = try folder()
        let good = try copy(Self.codex, to: dir + "/good.jsonl")
        let bad = dir + "/bad.jsonl"
        var lines = try String(contentsOfFile: Self.claudeNew, encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false).map(
            String.init)
        lines[4] = "{\"type\": \"assistant\", \"oops"
        try lines.joined(separator: "\n").write(toFile: bad, atomically: true, encoding: .utf8)
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass([Indexer.Input(path: bad), Indexer.Input(path: good)], into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [1, 1])
        let errors = try Query.run("SELECT file, line FROM errors", on: store)
        XCTAssertEqual(errors.rows, [[.text(bad), .integer(5)]])
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM sessions"), 1)
        // Unchanged, the bad log is not read again; the good one vanishes and keeps its rows.
        try FileManager.default.removeItem(atPath: good)
        let next = try Indexer.pass([Indexer.Input(path: bad)], into: store, prices: .builtIn)
        XCTAssertEqual([next.read, next.unchanged, next.failed, next.vanished], [0, 1, 0, 1])
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM sessions s JOIN files f ON f.session = s.id WHERE f.present = 0"), 1)
        XCTAssertGreaterThan(try count(store, "SELECT COUNT(*) FROM tool_calls"), 0)
    }

    /// A log whose token counts are at Int64's bounds (the hostile corpus's trap-token-sum)
    /// is read like any other: its sums saturate, in the session's totals, in
    /// `session_models` and in the named questions, where SQLite's `SUM` stopped the whole
    /// pass with "integer overflow".
    func testTokensAtInt64sBoundsSaturateAndThePassGoesOn() throws {
        let dir = try folder()
        let trap = packageRoot + "/fixtures/hostile/cases/native/trap-token-sum.ndjson"
        let paths = try (0..<2).map { try copy(trap, to: dir + "/trap\($0).ndjson") } + [try copy(Self.codex, to: dir + "/good.jsonl")]
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass(paths.map { Indexer.Input(path: $0) }, into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [3, 0])
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM sessions WHERE input_tokens = 9223372036854775807"), 2)
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM session_models WHERE input_tokens = 9223372036854775807"), 2)
        let perModel = try Query.run(NamedQuery.named("cost-per-model")!.sql, on: store)
        XCTAssertTrue(perModel.rows.contains { $0[2] == .integer(Int64.max) }, "\(perModel.rows)")
        // Two such sessions on one day: their sum saturates too.
        let perDay = try Query.run(NamedQuery.named("cost-per-day")!.sql, on: store)
        XCTAssertTrue(perDay.rows.contains { $0[1] == .integer(2) && $0[2] == .integer(Int64.max) }, "\(perDay.rows)")
        // Below the bounds the sums are exact: the real log's totals are its turns' sums.
        let good = try count(store, "SELECT session FROM files WHERE path LIKE '%good.jsonl'")
        let turnsSum = try count(store, "SELECT SUM(input_tokens) FROM turns WHERE session = \(good)")
        XCTAssertGreaterThan(turnsSum, 0)
        XCTAssertEqual(try count(store, "SELECT input_tokens FROM sessions WHERE id = \(good)"), turnsSum)
    }

    func testANulInALogsTextIsKeptAsReplacementNotCutThere() throws {
        let dir = try folder()
        let log = try copy(packageRoot + "/fixtures/hostile/cases/claude-code/escaped-nul.ndjson", to: dir + "/nul.jsonl")
        let store = try Store(path: dir + "/index.sqlite")
        let report = try Indexer.pass([Indexer.Input(path: log)], into: store, prices: .builtIn)
        XCTAssertEqual([report.read, report.failed], [1, 0], report.errors.joined())
        let prompt = try Query.run("SELECT text FROM search_rows WHERE kind = 'prompt' ORDER BY id LIMIT 1", on: store)
        XCTAssertEqual(prompt.rows.first?.first?.text.hasPrefix("before\u{FFFD}after: Add a divide function"), true, "\(prompt.rows)")
        let words = try Query.run("SELECT COUNT(*) FROM search WHERE search MATCH 'divide' AND kind = 'prompt'", on: store)
        XCTAssertEqual(words.rows.first?.first, .integer(1))
    }

    /// A NUL is found wherever it is: first, last, alone, in a small string and a large one,
    /// after multi-byte characters; text without one is kept as it is.
    func testStoredTextFindsEveryNul() {
        let long = String(repeating: "é long text ", count: 40)
        for text in ["\u{0}", "a\u{0}", "\u{0}a", "é\u{0}", long + "\u{0}", "\u{0}" + long, long + "\u{0}" + long] {
            XCTAssertTrue(StoredText.holdsNUL(text), text.debugDescription)
            XCTAssertEqual(StoredText.storable(text), text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
        }
        for text in ["", "a", "é", long, "0", "\u{FFFD}"] {
            XCTAssertFalse(StoredText.holdsNUL(text), text.debugDescription)
            XCTAssertEqual(StoredText.storable(text), text)
        }
    }

    func testAStoreFromANewerVersionIsRefused() throws {
        let dir = try folder()
        _ = try Store(path: dir + "/index.sqlite")
        let queue = try DatabaseQueue(path: dir + "/index.sqlite")
        try queue.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v7')") }
        XCTAssertThrowsError(try Store(path: dir + "/index.sqlite")) { error in
            let failure = error as? Store.Failure
            XCTAssertTrue(failure?.description.contains("version 7") == true, failure?.description ?? "\(error)")
            XCTAssertTrue(failure?.hint?.contains("store version 7") == true)
        }
    }

    func testNamedQueriesRunOnARealStore() throws {
        let dir = try folder()
        let store = try Store(path: dir + "/index.sqlite")
        let paths = try [Self.claude, Self.codex].enumerated().map { try copy($1, to: dir + "/l\($0).jsonl") }
        _ = try Indexer.pass(paths.map { Indexer.Input(path: $0) }, into: store, prices: .builtIn)
        for q in NamedQuery.all {
            let args = Dictionary(uniqueKeysWithValues: q.parameters.map { ($0.name, $0.name == "since" ? "2025-01-01" : "CLAUDE.md") })
            let result = try Query.run(q.sql, on: store, arguments: args)
            XCTAssertFalse(result.rows.isEmpty, q.name)
        }
        let touching = try Query.run(NamedQuery.named("sessions-touching")!.sql, on: store, arguments: ["path": "CLAUDE.md"])
        XCTAssertEqual(touching.rows.count, 1)
        // A query that writes is refused: the store is read-only to `query`.
        XCTAssertThrowsError(try Query.run("DELETE FROM sessions", on: store))
        XCTAssertEqual(try count(store, "SELECT COUNT(*) FROM sessions"), 2)
    }

    func testLoggedEffects() {
        func span(_ tool: String, _ input: JSON) -> Span {
            Span(id: Span.ID("s"), kind: .tool, name: tool, status: .ok, attributes: Attributes([(GenAI.toolName, .string(tool))]), input: input)
        }
        XCTAssertEqual(
            LoggedEffect.of(
                span("Edit", .object([("file_path", .string("/r/a.py")), ("old_string", .string("a\nb\n")), ("new_string", .string("a\nc\nd\n"))])),
                root: "/r"),
            [LoggedEffect(path: "a.py", added: 2, removed: 1)])
        XCTAssertEqual(
            LoggedEffect.of(
                span(
                    "Edit",
                    .object([
                        ("file_path", .string("/r/a.py")), ("old_string", .string("a")), ("new_string", .string("b")), ("replace_all", .bool(true)),
                    ])), root: "/r"),
            [LoggedEffect(path: "a.py", added: nil, removed: nil)])
        XCTAssertEqual(
            LoggedEffect.of(span("Write", .object([("file_path", .string("/x/b.txt")), ("content", .string("1\n2\n3"))])), root: "/r"),
            [LoggedEffect(path: "/x/b.txt", added: 3, removed: nil)])
        let patch =
            "*** Begin Patch\n*** Update File: src/m.py\n@@\n-old\n+new\n+more\n*** Add File: n.py\n+x\n*** Delete File: gone.py\n*** End Patch\n"
        XCTAssertEqual(
            LoggedEffect.of(span("apply_patch", .object([("input", .string(patch))])), root: "/r"),
            [
                LoggedEffect(path: "src/m.py", added: 2, removed: 1), LoggedEffect(path: "n.py", added: 1, removed: 0),
                LoggedEffect(path: "gone.py", added: 0, removed: nil),
            ])
    }
}

/// What the session listing counts of a trace: model turns, tool calls, files edited.
struct SessionSummaryCounts {
    var turns = 0, tools = 0, files = 0
    init(_ trace: Trace) {
        var paths = Set<String>()
        for span in trace.spans {
            if span.kind == .llm { turns += 1 }
            if span.kind == .tool {
                tools += 1
                paths.formUnion(LoggedEffect.of(span, root: trace.header.repoRoot).map(\.path))
            }
        }
        files = paths.count
    }
}

/// docs/index.md prints every named question's SQL exactly and documents every column.
final class IndexDocsTests: XCTestCase {
    func testTheDocsShowEveryNamedQueryAndColumn() throws {
        let docs = try String(contentsOfFile: packageRoot + "/docs/index.md", encoding: .utf8)
        for q in NamedQuery.all {
            XCTAssertTrue(docs.contains("### `\(q.name)`"), q.name)
            XCTAssertTrue(docs.contains("```sql\n" + q.sql + "\n```"), "docs/index.md does not show \(q.name)'s SQL as it is")
        }
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("IndexDocs-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try Store(path: dir + "/index.sqlite")
        for table in ["sessions", "files", "errors", "store"] + Schema.sessionTables {
            XCTAssertTrue(docs.contains("### `\(table)`"), table)
            let columns = try Query.run("SELECT name FROM pragma_table_info('\(table)')", on: store).rows.map(\.[0].text)
            XCTAssertFalse(columns.isEmpty, table)
            for column in columns { XCTAssertTrue(docs.contains("`\(column)`"), "\(table).\(column) is not in docs/index.md") }
        }
    }
}
