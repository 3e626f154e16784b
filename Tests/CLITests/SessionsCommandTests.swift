import Foundation
import TestSupport
import Trace
import XCTest

/// `agentreplay sessions` and sessions by name, run as a process on a home folder of the
/// test's own (HOME, CLAUDE_CONFIG_DIR, CODEX_HOME, XDG_DATA_HOME and XDG_CACHE_HOME point into
/// it), with logs the TestSupport builders write where each agent keeps them.
final class SessionsCommandTests: XCTestCase {
    struct Home {
        var path: String
        var repo: TestRepo
        var environment: [String: String] {
            [
                "HOME": path, "CLAUDE_CONFIG_DIR": path + "/claude-config", "CODEX_HOME": path + "/codex",
                "XDG_DATA_HOME": path + "/data", "XDG_CACHE_HOME": path + "/cache",
            ]
        }
        var cacheFile: String { path + "/cache/agentreplay/sessions.ndjson" }

        func run(_ arguments: [String], in directory: String? = nil) throws -> Subprocess.Result {
            try CLI.run(arguments, in: directory ?? repo.path, environment: environment)
        }
    }

    static func claudeFolder(_ directory: String) -> String {
        String(directory.map { $0.isASCII && ($0.isLetter || $0.isNumber) ? $0 : "-" })
    }

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    /// Two Claude Code sessions, a Codex rollout, a Gemini CLI session and an OpenCode session
    /// in the repository (a subdirectory for Codex); a Claude Code session of another
    /// directory under CLAUDE_CONFIG_DIR; a Claude Code log that is not one.
    func makeHome() throws -> Home {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n"])
        let home = Home(path: try makeTemporaryDirectory(self, "home"), repo: repo)
        let projects = home.path + "/.claude/projects/" + Self.claudeFolder(repo.path)

        var first = ClaudeLog()
        first.cwd = repo.path
        first.sessionID = "aaaa1111-0000-4000-8000-000000000001"
        first.user("make it three")
        _ = first.read(repo.path + "/a.txt", "one\ntwo\n")
        _ = first.edit(repo.path + "/a.txt", "two", "three")
        _ = first.bash("ls")
        try write(first.text, to: "\(projects)/\(first.sessionID).jsonl")

        var second = ClaudeLog()
        second.cwd = repo.path
        second.sessionID = "aaaa2222-0000-4000-8000-000000000002"
        second.start += 86_400
        second.user("add a README\nwith two lines")
        _ = second.write(repo.path + "/README.md", "hello\n")
        try write(second.text, to: "\(projects)/\(second.sessionID).jsonl")

        try write("not a session at all\n", to: "\(projects)/bbbb0000-0000-4000-8000-00000000000b.jsonl")

        var elsewhere = ClaudeLog()
        elsewhere.cwd = "/somewhere/else"
        elsewhere.sessionID = "cccc3333-0000-4000-8000-000000000003"
        elsewhere.user("another project")
        try write(elsewhere.text, to: home.path + "/claude-config/projects/-somewhere-else/\(elsewhere.sessionID).jsonl")

        var codex = CodexLog()
        codex.cwd = repo.path + "/sub"
        codex.start += 2 * 86_400
        codex.meta()
        codex.turn("fix the tests")
        codex.assistant("Done.")
        codex.tokenCount()
        try write(codex.text, to: home.path + "/codex/sessions/2025/06/03/rollout-2025-06-03T10-00-00-\(codex.sessionID).jsonl")

        var gemini = GeminiSession()
        gemini.start = 1_749_200_000  // 2025-06-06
        gemini.user("explain the code")
        gemini.gemini("It counts.")
        let chats = home.path + "/.gemini/tmp/repo/chats"
        try FileManager.default.createDirectory(atPath: chats, withIntermediateDirectories: true)
        try write(repo.path + "\n", to: home.path + "/.gemini/tmp/repo/.project_root")
        _ = try gemini.save(in: chats)

        let storage = home.path + "/data/opencode/storage"
        try write(
            #"{"id": "ses_0penc0de1", "projectID": "p1", "directory": "\#(repo.path)", "version": "1.0.0", "title": "t", "time": {"created": 1749286800000, "updated": 1749286810000}}"#,
            to: storage + "/session/p1/ses_0penc0de1.json")
        try write(
            #"{"id": "msg_1", "sessionID": "ses_0penc0de1", "role": "user", "time": {"created": 1749286800000}}"#,
            to: storage + "/message/ses_0penc0de1/msg_1.json")
        try write(
            #"{"id": "prt_1", "messageID": "msg_1", "sessionID": "ses_0penc0de1", "type": "text", "text": "rename the module"}"#,
            to: storage + "/part/msg_1/prt_1.json")
        return home
    }

    func testListsTheRepositorysSessionsNewestFirst() throws {
        let home = try makeHome()
        let r = try home.run(["sessions"])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        let lines = r.stdoutText.split(separator: "\n").map(String.init)
        XCTAssertTrue(lines[0].hasPrefix("id"), r.stdoutText)
        let ids = lines.dropFirst().map { String($0.prefix { $0 != " " }) }
        XCTAssertEqual(ids, ["ses_0pen", "8d3f1c2e", "019e1a2b", "aaaa2222", "aaaa1111", "bbbb0000"], r.stdoutText)
        XCTAssertTrue(lines[5].contains("claude-code 2.1.100  2025-06-01 10:00"), lines[5])
        XCTAssertTrue(lines[5].contains("“make it three”"), lines[5])
        XCTAssertTrue(lines[4].contains("“add a README”"), "the first line of the prompt: \(lines[4])")
        XCTAssertTrue(lines[3].hasPrefix("019e1a2b  codex 0.140.0"), lines[3])
        XCTAssertTrue(lines[2].contains("gemini-cli"), lines[2])
        XCTAssertTrue(lines[1].contains("“rename the module”"), lines[1])
        XCTAssertTrue(lines[6].contains("cannot read:"), "a log that fails to parse is listed with its error: \(lines[6])")
        XCTAssertFalse(r.stdoutText.contains("cccc3333"), "another directory's session")

        let all = try home.run(["sessions", "--all"])
        XCTAssertEqual(all.status, 0, "\(all)")
        XCTAssertTrue(all.stdoutText.contains("cccc3333"), all.stdoutText)
        XCTAssertTrue(all.stdoutText.contains("/somewhere/else"), all.stdoutText)

        // From a subdirectory, --repo elsewhere, and a repository with none.
        let sub = home.repo.path + "/sub"
        try FileManager.default.createDirectory(atPath: sub, withIntermediateDirectories: true)
        XCTAssertEqual(try home.run(["sessions"], in: sub).stdout, r.stdout)
        let other = try TestRepo(self)
        let none = try home.run(["sessions", "--repo", other.path])
        XCTAssertEqual(none.status, 0)
        XCTAssertEqual(none.stdoutText, "no agent sessions recorded in \(other.path)\n")
    }

    func testFilesChangedTurnsAndCost() throws {
        let home = try makeHome()
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(try home.run(["sessions", "--json"]).stdout)) as? [String: Any])
        let sessions = try XCTUnwrap(doc["sessions"] as? [[String: Any]])
        let first = try XCTUnwrap(sessions.first { $0["id"] as? String == "aaaa1111-0000-4000-8000-000000000001" })
        XCTAssertEqual(first["files_changed"] as? Int, 1)
        XCTAssertEqual(first["tool_calls"] as? Int, 3)
        XCTAssertEqual(first["model_turns"] as? Int, 3)
        XCTAssertEqual(first["first_prompt"] as? String, "make it three")
        XCTAssertEqual(first["cost_complete"] as? Bool, true)
        XCTAssertEqual(first["agent"] as? String, "claude-code")
        XCTAssertEqual(first["short_id"] as? String, "aaaa1111")
        let broken = try XCTUnwrap(sessions.first { $0["short_id"] as? String == "bbbb0000" })
        XCTAssertNotNil(broken["error"] as? String)
    }

    func testJSONIsVersionedSortedAndByteStable() throws {
        let home = try makeHome()
        let first = try home.run(["sessions", "--json"])
        let second = try home.run(["sessions", "--json"])
        XCTAssertEqual(first.status, 0, "\(first)")
        XCTAssertEqual(first.stdout, second.stdout, "byte-identical, whether read or cached")
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(first.stdout)) as? [String: Any])
        XCTAssertEqual(doc["schema"] as? String, "agentreplay.sessions")
        XCTAssertEqual(doc["version"] as? Int, 1)
        XCTAssertEqual(doc["repository"] as? String, home.repo.path)
        XCTAssertTrue(first.stdoutText.hasPrefix("{\n  \"prices\""), "keys sorted: \(first.stdoutText.prefix(80))")
    }

    /// `why` takes a session by name like the other commands, and `last` when none is given.
    func testWhyNamesTheSessionByIdPrefixOrLast() throws {
        let home = try makeHome()
        let named = try home.run(["why", "aaaa1", "a.txt:2"])
        XCTAssertEqual(named.status, 0, "\(named)")
        XCTAssertTrue(named.stdoutText.hasPrefix("a.txt:2  “three”\nwritten by #"), named.stdoutText)
        XCTAssertTrue(named.stderrText.contains("aaaa1: claude-code session aaaa1111-0000-4000-8000-000000000001"), named.stderrText)
        let last = try home.run(["why", "a.txt:1"])
        XCTAssertTrue(last.stderrText.contains("agentreplay: note: last: "), last.stderrText)
        XCTAssertEqual(last.status, 1, "line 1 is the base's whichever session is last: \(last)")
        XCTAssertTrue(last.stdoutText.hasPrefix("a.txt:1 was written by no span of the session: it comes from the base, commit "), last.stdoutText)
    }

    func testCacheIsUsedUntilAFileChanges() throws {
        let home = try makeHome()
        XCTAssertEqual(try home.run(["sessions"]).status, 0)
        let cache = try String(contentsOfFile: home.cacheFile, encoding: .utf8)
        XCTAssertTrue(cache.hasPrefix(#"{"schema":"agentreplay.sessions-cache","version":3}"#), cache)
        // The summary comes from the cache while the file's size and time are unchanged.
        try Data(cache.replacingOccurrences(of: "make it three", with: "MAKE IT 3").utf8).write(to: URL(fileURLWithPath: home.cacheFile))
        XCTAssertTrue(try home.run(["sessions"]).stdoutText.contains("“MAKE IT 3”"))
        // A file whose size changed is read again.
        let projects = home.path + "/.claude/projects/" + Self.claudeFolder(home.repo.path)
        let log = "\(projects)/aaaa1111-0000-4000-8000-000000000001.jsonl"
        let handle = try XCTUnwrap(FileHandle(forWritingAtPath: log))
        handle.seekToEndOfFile()
        handle.write(Data("\n".utf8))
        handle.closeFile()
        XCTAssertTrue(try home.run(["sessions"]).stdoutText.contains("“make it three”"))
        // A file deleted leaves the listing and the cache.
        try FileManager.default.removeItem(atPath: log)
        XCTAssertFalse(try home.run(["sessions"]).stdoutText.contains("aaaa1111"))
        XCTAssertFalse(try String(contentsOfFile: home.cacheFile, encoding: .utf8).contains("aaaa1111"))
        // The same cache, byte for byte, from a second listing.
        let before = try Data(contentsOf: URL(fileURLWithPath: home.cacheFile))
        XCTAssertEqual(try home.run(["sessions", "--all"]).status, 0)
        XCTAssertEqual(try home.run(["sessions", "--all"]).status, 0)
        let after = try Data(contentsOf: URL(fileURLWithPath: home.cacheFile))
        XCTAssertTrue(after.count >= before.count)
    }

    func testAStoreThatCannotBeReadIsANote() throws {
        let home = try makeHome()
        // A folder that loops back on itself cannot be opened, even by root.
        try FileManager.default.createSymbolicLink(atPath: home.path + "/codex/archived_sessions", withDestinationPath: "archived_sessions")
        let r = try home.run(["sessions"])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stderrText.contains("agentreplay: note: \(home.path)/codex/archived_sessions: cannot read"), r.stderrText)
        XCTAssertTrue(r.stdoutText.contains("aaaa1111"))
    }

    func testCommandsTakeASessionByName() throws {
        let home = try makeHome()
        let last = try home.run(["show", "last", "--json"])
        XCTAssertEqual(last.status, 0, "\(last)")
        XCTAssertTrue(last.stderrText.contains("last: opencode session ses_0penc0de1"), last.stderrText)

        let prefix = try home.run(["show", "aaaa1", "--repo", home.repo.path])
        XCTAssertEqual(prefix.status, 0, "\(prefix)")
        XCTAssertTrue(prefix.stdoutText.contains("make it three"), prefix.stdoutText)
        XCTAssertTrue(prefix.stdoutText.contains("1 edit applied"), prefix.stdoutText)

        let older = try home.run(["import", "last~4"])
        XCTAssertEqual(older.status, 0, "\(older)")
        XCTAssertTrue(older.stderrText.contains("last~4: claude-code session aaaa1111"), older.stderrText)

        let diff = try home.run(["diff", "last~4", "last~3", "-q"])
        XCTAssertEqual(diff.status, 1, "two different sessions: \(diff)")

        let ambiguous = try home.run(["show", "aaaa"])
        XCTAssertEqual(ambiguous.status, 2)
        XCTAssertTrue(
            ambiguous.stderrText.contains(
                "aaaa: 2 sessions have an id starting with it: aaaa2222-0000-4000-8000-000000000002, aaaa1111-0000-4000-8000-000000000001"),
            ambiguous.stderrText)
        XCTAssertTrue(ambiguous.stderrText.contains("hint: give more characters"), ambiguous.stderrText)

        let far = try home.run(["run", "last~9", "--no-refs"])
        XCTAssertEqual(far.status, 2)
        XCTAssertTrue(far.stderrText.contains("last~9: the repository has 5 sessions"), far.stderrText)

        // A path that exists wins over a name.
        var log = ClaudeLog()
        log.cwd = home.repo.path
        log.user("from the file")
        _ = try log.save(in: home.repo.path, name: "last")
        let file = try home.run(["show", "last"])
        XCTAssertTrue(file.stdoutText.contains("from the file"), "\(file)")
        XCTAssertFalse(file.stderrText.contains("session"), file.stderrText)
    }

    func testShowAndReportWithoutARepository() throws {
        let folder = try makeTemporaryDirectory(self, "norepo")
        var log = ClaudeLog()
        log.user("make it three")
        _ = log.read("a.txt", "one\ntwo\n")
        _ = log.edit("a.txt", "two", "three")
        _ = log.bash("ls")
        _ = try log.save(in: folder)
        let r = try CLI.run(
            ["show", "session.jsonl"], in: folder, environment: ["GIT_CEILING_DIRECTORIES": (folder as NSString).deletingLastPathComponent])
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("not replayed (no repository"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("Edit a.txt"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("`ls` → ok"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("cost, at built-in prices"), r.stdoutText)

        let page = try CLI.run(
            ["report", "session.jsonl", "-o", "page.html"], in: folder,
            environment: ["GIT_CEILING_DIRECTORIES": (folder as NSString).deletingLastPathComponent])
        XCTAssertEqual(page.status, 0, "\(page)")
        let html = try String(contentsOfFile: folder + "/page.html", encoding: .utf8)
        XCTAssertTrue(html.contains("not replayed (no repository"), "the page says what it skipped")

        // A --repo that is not a repository is still an error.
        let named = try CLI.run(
            ["show", "session.jsonl", "--repo", folder], in: folder,
            environment: ["GIT_CEILING_DIRECTORIES": (folder as NSString).deletingLastPathComponent])
        XCTAssertEqual(named.status, 2, "\(named)")
    }
}
