import Foundation
import XCTest

/// `agentreplay run` as a process: exit status 0 clean, 1 drift or not replayable, 2 bad
/// input; data on stdout, errors on stderr, never mixed.
final class RunCommandTests: XCTestCase {
    let base = ["a.txt": "one\ntwo\n", "src/main.c": "int main() { return 0; }\n"]

    /// A repo and a folder holding the session log, the log named `session.jsonl` and given
    /// by that relative name, so messages name it the same everywhere.
    func setUp(_ log: SessionLog, files: [String: String]? = nil) throws -> (repo: TestRepo, folder: String) {
        let repo = try TestRepo(self, files: files ?? base)
        let folder = try makeTemporaryDirectory(self, "logs")
        try log.save(folder + "/session.jsonl")
        return (repo, folder)
    }

    /// A run's pack stores each new version of a tree as a delta against the previous one,
    /// chains at most 50 deep: 120 edits of files in one folder give valid git whose every
    /// commit reads back as written.
    func testPackOfManyVersionsOfOneFolderIsValidGit() throws {
        var log = SessionLog()
        log.user("count up")
        for i in 1...120 {
            log.edit("src/deep/counter.txt", "v\(i - 1)\n", "v\(i)\n")
            if i % 7 == 0 { log.write("src/deep/note\(i).txt", "note \(i)\n") }
        }
        let (repo, folder) = try setUp(log, files: ["a.txt": "one\n", "src/deep/counter.txt": "v0\n", "src/top.txt": "top\n"])
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(try repo.git("fsck", "--no-progress", "--strict"), "", "everything written is valid git")
        let pack = try repo.git("rev-parse", "--git-path", "objects/pack").trimmingCharacters(in: .whitespacesAndNewlines)
        let index = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: repo.path + "/" + pack).first { $0.hasSuffix(".idx") })
        let stats = try repo.git("verify-pack", "-s", pack + "/" + index)
        XCTAssertTrue(stats.contains("chain length = 50:"), stats)
        XCTAssertFalse(stats.contains("chain length = 51:"), stats)
        let commits = try repo.git("rev-list", "--reverse", "refs/agentreplay/last").split(separator: "\n").dropFirst()
        XCTAssertEqual(commits.count, 120 + 120 / 7)
        var version = 0
        for commit in commits where try repo.git("show", "--format=%s", "--name-only", String(commit)).hasPrefix("Edit") {
            version += 1
            XCTAssertEqual(try repo.git("show", "\(commit):src/deep/counter.txt"), "v\(version)\n")
        }
        XCTAssertEqual(version, 120)
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:src/deep/note119.txt"), "note 119\n")
    }

    /// The trace is stored while the replay runs; a run with no commit to name (an empty
    /// repository, a session that changed nothing) takes back what was stored and leaves the
    /// objects directory as it found it.
    func testRunWithoutCommitsLeavesNoObject() throws {
        let repo = TestRepo(existing: try makeTemporaryDirectory(self, "empty"))
        try repo.git("init", "-q")
        var log = SessionLog()
        for i in 0..<200 { log.user("just talk \(i)") }
        let folder = try makeTemporaryDirectory(self, "logs")
        try log.save(folder + "/session.jsonl")
        func objects() throws -> [String] {
            try FileManager.default.subpathsOfDirectory(atPath: repo.path + "/.git/objects").sorted()
        }
        let before = try objects()
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(try repo.git("for-each-ref", "refs/agentreplay/"), "")
        XCTAssertEqual(try objects(), before)
    }

    func testCleanRunExitsZeroAndWritesTheChain() throws {
        var log = SessionLog()
        log.user("make it three")
        log.read("a.txt", "one\ntwo\n")
        log.edit("a.txt", "two", "three")
        log.write("b.txt", "bee\n")
        let (repo, folder) = try setUp(log)
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        XCTAssertTrue(r.stdoutText.hasPrefix("Replaying session.jsonl (claude-code 2.1.100, "), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("2 edits applied, 0 failed as recorded, 0 mismatch, 0 not replayable, 0 drift"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("\nverified: every call's effect on the files is accounted for\n"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("refs/agentreplay/last"), r.stdoutText)

        let last = try repo.git("rev-parse", "refs/agentreplay/last").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try repo.git("log", "--format=%s", last), "Write b.txt\nEdit a.txt\nbase\n")
        XCTAssertEqual(try repo.git("show", "\(last):a.txt"), "one\nthree\n")
        XCTAssertEqual(try repo.git("show", "\(last):b.txt"), "bee\n")
        let runRef = try repo.git("for-each-ref", "--format=%(refname)", "refs/agentreplay/runs/")
        XCTAssertEqual(runRef, "refs/agentreplay/runs/9a1b2c3d4e5f4a6b8c7d0e1f2a3b4c5d\n")
        XCTAssertEqual(try repo.git("fsck", "--no-progress", "--strict"), "", "everything written is valid git")
    }

    func testDriftExitsOne() throws {
        var log = SessionLog()
        log.read("a.txt", "one\ntwo\n")  // as replay has it: the next read is no start state
        log.read("a.txt", "one\nTWO\n")
        let (repo, folder) = try setUp(log)
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        XCTAssertTrue(r.stdoutText.contains(#"drift: observation of a.txt at line 2: recorded "TWO", replayed "two""#), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("\ncontradicted: "), r.stdoutText)
    }

    func testSpanThatCannotBeReplayedExitsOne() throws {
        var log = SessionLog()
        log.edit("a.txt", "four", "4")
        let (repo, folder) = try setUp(log)
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        XCTAssertTrue(r.stdoutText.contains("mismatch"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("String to replace not found"), r.stdoutText)
    }

    func testFailureThatFailsAgainIsClean() throws {
        var log = SessionLog()
        log.edit("a.txt", "four", "4", error: "String to replace not found in file.\nString: four")
        let (repo, folder) = try setUp(log)
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("failed-as-recorded"), r.stdoutText)
    }

    func testTruncatedLastLineExitsOne() throws {
        var log = SessionLog()
        log.edit("a.txt", "two", "2")
        log.raw(#"{"type":"assistant","message":{"content":[{"type":"tool_use","id":"toolu_cut","name":"Edit","input":{"file_"#)
        let (repo, folder) = try setUp(log)
        // Cut the final newline: the recording stopped mid-line.
        let path = folder + "/session.jsonl"
        try Data(contentsOf: URL(fileURLWithPath: path)).dropLast().write(to: URL(fileURLWithPath: path))
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertEqual(r.stderrText, "")
        XCTAssertTrue(r.stdoutText.contains("lost"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("1 edits applied"), r.stdoutText)
    }

    func testEmptyRepositoryStartsFromTheEmptyTree() throws {
        let repo = TestRepo(existing: try makeTemporaryDirectory(self, "empty"))
        try repo.git("init", "-q")
        var log = SessionLog()
        log.write("first.txt", "1\n")
        let folder = try makeTemporaryDirectory(self, "logs")
        try log.save(folder + "/session.jsonl")
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("onto an empty tree"), r.stdoutText)
        XCTAssertEqual(try repo.git("log", "--format=%P|%s", "refs/agentreplay/last"), "|Write first.txt\n", "a root commit")
        XCTAssertThrowsError(try repo.git("rev-parse", "--verify", "-q", "HEAD"), "HEAD stays unborn")
    }

    func testBaseOptionPicksTheStartCommit() throws {
        var log = SessionLog()
        log.edit("a.txt", "one", "1")
        let (repo, folder) = try setUp(log)
        try repo.write(["a.txt": "uno\ntwo\n"])
        try repo.git("commit", "-qam", "later")
        // With no --base, the base is found by agreement: only HEAD~1 holds the text the Edit replaced.
        let found = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--no-refs", "--json"], in: folder)
        XCTAssertEqual(found.status, 0, "\(found)")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(found.stdoutText.utf8)) as? [String: Any])
        let base = try XCTUnwrap(document["base"] as? [String: Any])
        XCTAssertEqual(base["chosen_by"] as? String, "agreement")
        XCTAssertEqual(base["commit"] as? String, try repo.git("rev-parse", "HEAD~1").trimmingCharacters(in: .newlines))
        XCTAssertEqual((base["search"] as? [String: Any])?["examined"] as? Int, 2)
        let onHead = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--no-refs", "--base", "HEAD"], in: folder)
        XCTAssertEqual(onHead.status, 1, "--base overrides; HEAD no longer has the text the edit replaced: \(onHead)")
        let onBase = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--base", "HEAD~1"], in: folder)
        XCTAssertEqual(onBase.status, 0, "\(onBase)")
        XCTAssertEqual(try repo.git("rev-parse", "refs/agentreplay/last~1"), try repo.git("rev-parse", "HEAD~1"))
        let badRevision = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--base", "no-such-branch"], in: folder)
        XCTAssertEqual(badRevision.status, 2, "\(badRevision)")
        XCTAssertEqual(badRevision.stdoutText, "")
    }

    func testRecordedRootOptionMapsASessionStartedInASubfolder() throws {
        var log = SessionLog()
        log.cwd = SessionLog.root + "/src"  // the agent was started in src/
        log.write(SessionLog.root + "/src/new.c", "int x;\n")
        log.write(SessionLog.root + "/README", "readme\n")
        let (repo, folder) = try setUp(log)
        let plain = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--no-refs", "--json"], in: folder)
        XCTAssertEqual(plain.status, 1, "README lies above the first cwd: \(plain)")
        XCTAssertEqual(
            try RunJSON(plain.stdout).steps.compactMap { $0["verdict"] as? String }.filter { $0 != "served" }, ["applied", "outside-repo"])
        let rooted = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--recorded-root", SessionLog.root, "--json"], in: folder)
        XCTAssertEqual(rooted.status, 0, "\(rooted)")
        let paths = try RunJSON(rooted.stdout).steps.compactMap { ($0["paths"] as? [String])?.first }
        XCTAssertEqual(paths, ["src/new.c", "README"])
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:src/new.c"), "int x;\n")
    }

    func testJSONDocumentNamesEachStep() throws {
        var log = SessionLog()
        let read = log.read("a.txt", "one\ntwo\n")
        let edit = log.edit("a.txt", "two", "2")
        let (repo, folder) = try setUp(log)
        let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path, "--json"], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        let doc = try RunJSON(r.stdout)
        XCTAssertEqual(doc.object["clean"] as? Bool, true)
        let summary = try XCTUnwrap(doc.object["summary"] as? [String: Any])
        XCTAssertEqual(summary["edits_applied"] as? Int, 1)
        XCTAssertEqual(summary["tool_calls"] as? Int, 2)
        XCTAssertEqual((summary["tokens"] as? [String: Any])?["output"] as? Int, 10, "two turns of 5 output tokens")
        let tools = doc.steps.filter { $0["kind"] as? String == "tool" }
        XCTAssertEqual(tools.map { $0["tool_call_id"] as? String }, [read, edit])
        XCTAssertEqual(tools.map { $0["verdict"] as? String }, ["served", "applied"])
        XCTAssertEqual(tools[1]["commit"] as? String, doc.head)
        XCTAssertEqual(doc.head, try repo.git("rev-parse", "refs/agentreplay/last").trimmingCharacters(in: .whitespacesAndNewlines))
        let change = try XCTUnwrap((tools[1]["changes"] as? [[String: Any]])?.first)
        XCTAssertEqual(change["path"] as? String, "a.txt")
        XCTAssertEqual(change["before"] as? String, try repo.git("rev-parse", "HEAD:a.txt").trimmingCharacters(in: .whitespacesAndNewlines))
        XCTAssertEqual(
            change["after"] as? String, try repo.git("rev-parse", "refs/agentreplay/last:a.txt").trimmingCharacters(in: .whitespacesAndNewlines))
    }

    // MARK: Bad input: exit 2, a message naming file, line and field, nothing on stdout

    func assertBadInput(_ arguments: [String], in folder: String, _ expected: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let r = try CLI.run(arguments, in: folder)
        XCTAssertEqual(r.status, 2, "\(r)", file: file, line: line)
        XCTAssertEqual(r.stdoutText, "", file: file, line: line)
        XCTAssertTrue(r.stderrText.contains(expected), "\(r)", file: file, line: line)
    }

    func testBadClaudeCodeLogNamesFileLineAndField() throws {
        var log = SessionLog()
        log.edit("a.txt", "two", "2")
        log.raw(#"{"type":"user","sessionId":"s","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":5,"content":"?"}]}}"#)
        let (repo, folder) = try setUp(log)
        try assertBadInput(
            ["run", "session.jsonl", "--repo", repo.path], in: folder,
            "agentreplay: error: session.jsonl:3: field 'message.content[0].tool_use_id': expected a string, found a number\n")
    }

    /// A Claude Code log is read while it is replayed: a bad line half-way (line 300 of 600),
    /// met after 149 edits were replayed and megabytes of the trace stored, still exits 2 naming the
    /// file, line and field, writes no ref and leaves no object or temporary file.
    func testBadLineHalfWayThroughAClaudeCodeLogWritesNothing() throws {
        let bad = [
            (
                #"{"type":"user","sessionId":"s","timestamp":"2025-06-01T10:05:00Z","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":5,"content":"?"}]}}"#,
                "agentreplay: error: session.jsonl:300: field 'message.content[0].tool_use_id': expected a string, found a number\n"
            ),
            (
                #"{"type":"assistant","sessionId":"s","timestamp":"2025-06-01T10:05:00Z","message":{"content":[{"type":"tool_use","id":"t","name":"Edit","input":[]}]}}"#,
                "agentreplay: error: session.jsonl:300: field 'message.content[0].input': expected an object, found an array\n"
            ),
        ]
        for (line, expected) in bad {
            var log = SessionLog()
            // Some megabytes before the bad line: the trace store has written pieces of the
            // trace by then.
            let padding = String(repeating: "x", count: 8000)
            for i in 0..<149 { log.write("d\(i % 10)/f\(i).txt", "version \(i)\n\(padding)\n") }
            log.user("and now")
            log.raw(line)
            for i in 0..<150 { log.write("e\(i % 10)/g\(i).txt", "later \(i)\n") }
            XCTAssertEqual(log.lines.count, 600)
            let (repo, folder) = try setUp(log)
            func objects() throws -> [String] {
                try FileManager.default.subpathsOfDirectory(atPath: repo.path + "/.git/objects").sorted()
            }
            let before = try objects()
            let r = try CLI.run(["run", "session.jsonl", "--repo", repo.path], in: folder)
            XCTAssertEqual(r.status, 2, "\(r)")
            XCTAssertTrue(r.stderrText.hasPrefix(expected), "\(r)")
            XCTAssertEqual(r.stdoutText, "", "nothing on stdout for bad input")
            XCTAssertEqual(try repo.git("for-each-ref", "refs/agentreplay/"), "")
            XCTAssertEqual(try objects(), before, "no object, pack or temporary left")
            if let lock = try? String(contentsOfFile: repo.path + "/.git/agentreplay/lock", encoding: .utf8) {
                XCTAssertEqual(lock, "free\n", "the lock, if taken, was released")
            }
        }
    }

    /// A repository whose objects the user cannot write is refused before the replay, with
    /// the way out (`--no-refs`), which still replays it. Run as an unprivileged user
    /// (`setpriv`): root writes anywhere.
    func testObjectsTheUserCannotWriteAreRefusedBeforeTheReplay() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv") else {
            throw XCTSkip("needs root and setpriv to run agentreplay as another user")
        }
        var log = SessionLog()
        log.write("new.txt", "one\n")
        let (repo, folder) = try setUp(log)
        for path in [folder, repo.path] { XCTAssertEqual(chmod(path, 0o755), 0) }
        XCTAssertEqual(try Subprocess.run("/usr/bin/env", ["chown", "-R", "65534:65534", folder, repo.path], in: folder).status, 0)
        XCTAssertEqual(try Subprocess.run("/usr/bin/env", ["chmod", "-R", "a-w", repo.path + "/.git/objects"], in: folder).status, 0)
        defer { _ = try? Subprocess.run("/usr/bin/env", ["chmod", "-R", "u+w", repo.path + "/.git/objects"], in: folder) }
        func asNobody(_ arguments: [String]) throws -> Subprocess.Result {
            try Subprocess.run(
                "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", CLI.executable] + arguments,
                in: folder, environment: CLI.environment(["HOME": folder]))
        }
        // The binary must be reachable by that user (a build under a private home is not).
        guard try asNobody(["--version"]).status == 0 else { throw XCTSkip("the agentreplay binary is not reachable by uid 65534") }
        let refused = try asNobody(["run", "session.jsonl", "--repo", repo.path])
        XCTAssertEqual(refused.status, 2, "\(refused)")
        XCTAssertTrue(refused.stderrText.hasPrefix("agentreplay: error: \(repo.path): cannot write the repository's objects ("), "\(refused)")
        XCTAssertTrue(refused.stderrText.contains("--no-refs"), "\(refused)")
        XCTAssertEqual(refused.stdoutText, "")
        let memory = try asNobody(["run", "session.jsonl", "--repo", repo.path, "--no-refs"])
        XCTAssertEqual(memory.status, 0, "\(memory)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/refs/agentreplay"), "no ref written")
    }

    /// The trace a run stores (its native bytes made on the thread that reads the log, in
    /// pieces, while the replay runs) is what `import` writes, byte for byte: for a log of
    /// several megabytes and for a real one.
    func testTheStoredTraceIsTheImportOfTheLog() throws {
        var log = SessionLog()
        let padding = String(repeating: "y", count: 6000)
        for i in 0..<400 { log.write("d\(i % 10)/f\(i).txt", "version \(i)\n\(padding)\n") }
        let (repo, folder) = try setUp(log)
        try FileManager.default.copyItem(
            atPath: packageRoot + "/fixtures/claude/claude-code-1.0.57__kiliman-claude-transcript.jsonl",
            toPath: folder + "/real.jsonl")
        for name in ["session.jsonl", "real.jsonl"] {
            let r = try CLI.run(["run", name, "--repo", repo.path], in: folder)
            XCTAssertTrue([0, 1, 3].contains(r.status), "\(r)")  // replayed: verified, contradicted or unverified
            let imported = try CLI.run(["import", name], in: folder)
            XCTAssertEqual(imported.status, 0, "\(imported)")
            let header = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(imported.stdoutText.prefix { $0 != "\n" }.utf8)) as? [String: Any])
            let id = try XCTUnwrap(header["trace_id"] as? String)
            let stored = try repo.git("cat-file", "blob", "refs/agentreplay/traces/\(id):trace.ndjson")
            XCTAssertGreaterThan(stored.utf8.count, name == "session.jsonl" ? 4 << 20 : 100_000)
            XCTAssertTrue(stored == imported.stdoutText, "\(name): the stored trace differs from the import")
        }
    }

    func testWrongFieldTypeNamesTheField() throws {
        var log = SessionLog()
        log.user("hi")
        log.raw(
            #"{"type":"assistant","sessionId":"s","timestamp":"2025-06-01T10:00:09Z","message":{"content":[{"type":"tool_use","id":"t","name":"Edit","input":[]}]}}"#
        )
        let (repo, folder) = try setUp(log)
        try assertBadInput(
            ["run", "session.jsonl", "--repo", repo.path], in: folder,
            "session.jsonl:2: field 'message.content[0].input': expected an object, found an array")
    }

    func testBadNativeHeaderNamesFileLineAndField() throws {
        let repo = try TestRepo(self, files: base)
        let folder = try makeTemporaryDirectory(self, "logs")
        try Data(#"{"agentreplay":"trace","version":"one","trace_id":"t","agent":{"name":"a"}}"#.utf8).write(
            to: URL(fileURLWithPath: folder + "/trace.ndjson"))
        try assertBadInput(
            ["run", "trace.ndjson", "--repo", repo.path], in: folder, "trace.ndjson:1: field 'version': expected a whole number, found a string")
    }

    func testBadNativeSpanFailsOnlyThatSpan() throws {
        let repo = try TestRepo(self, files: base)
        let folder = try makeTemporaryDirectory(self, "logs")
        let lines = [
            #"{"agentreplay":"trace","version":1,"trace_id":"0123456789abcdef0123456789abcdef","agent":{"name":"claude-code"},"repo_root":"/r"}"#,
            #"{"span_id":"a","kind":"tool","name":"Write","status":"ok","attributes":{"gen_ai.tool.call.id":"c1","gen_ai.tool.name":"Write"},"input":{"file_path":"/r/new.txt","content":"n\n"}}"#,
            #"{"span_id":"b","kind":"tool","name":"Write","status":"ok","attributes":{"gen_ai.tool.call.id":"c2","gen_ai.tool.name":"Write"},"input":{"file_path":"/r/x.txt","content":"x\n"},"effects":[{"op":"rename"}]}"#,
        ]
        try Data(lines.map { $0 + "\n" }.joined().utf8).write(to: URL(fileURLWithPath: folder + "/trace.ndjson"))
        let r = try CLI.run(["run", "trace.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 1, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("trace.ndjson:3: field 'effects[0].op'"), r.stdoutText)
        XCTAssertTrue(r.stdoutText.contains("1 edits applied"), r.stdoutText)
    }

    func testUnreadableInputs() throws {
        let repo = try TestRepo(self, files: base)
        let folder = try makeTemporaryDirectory(self, "logs")
        try Data().write(to: URL(fileURLWithPath: folder + "/empty.jsonl"))
        try Data([0x00, 0xFF, 0xFE, 0x0A]).write(to: URL(fileURLWithPath: folder + "/binary.jsonl"))
        try Data("{\"x\":1}\n".utf8).write(to: URL(fileURLWithPath: folder + "/other.jsonl"))
        try assertBadInput(["run", "missing.jsonl", "--repo", repo.path], in: folder, "missing.jsonl: cannot open")
        try assertBadInput(["run", "empty.jsonl", "--repo", repo.path], in: folder, "empty.jsonl: empty file")
        try assertBadInput(["run", "binary.jsonl", "--repo", repo.path], in: folder, "binary.jsonl")
        try assertBadInput(["run", "other.jsonl", "--repo", repo.path], in: folder, "cannot tell which agent wrote this file")
        try assertBadInput(["run", ".", "--repo", repo.path], in: folder, "is a directory")
    }

    func testNotARepository() throws {
        var log = SessionLog()
        log.user("hi")
        let (_, folder) = try setUp(log)
        let notRepo = try makeTemporaryDirectory(self, "plain")
        let r = try CLI.run(
            ["run", "session.jsonl", "--repo", notRepo], in: folder,
            environment: ["GIT_CEILING_DIRECTORIES": (notRepo as NSString).deletingLastPathComponent])
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderrText.hasPrefix("agentreplay: error: "), r.stderrText)
    }

    func testUsageErrorsExitTwo() throws {
        let folder = try makeTemporaryDirectory(self, "cwd")
        for arguments in [["run", "x.jsonl", "--frobnicate"], ["run"], ["frobnicate"], ["run", "x.jsonl", "--from", "codex-cloud"], ["--bogus"]] {
            let r = try CLI.run(arguments, in: folder)
            XCTAssertEqual(r.status, 2, "\(arguments): \(r)")
            XCTAssertEqual(r.stdoutText, "", "\(arguments)")
            XCTAssertFalse(r.stderrText.isEmpty, "\(arguments)")
        }
        let unknown = try CLI.run(["run", "x.jsonl", "--frobnicate"], in: folder)
        XCTAssertTrue(unknown.stderrText.contains("--frobnicate"), unknown.stderrText)
    }

    func testHelpAndVersionExitZeroOnStdout() throws {
        let folder = try makeTemporaryDirectory(self, "cwd")
        let help = try CLI.run(["--help"], in: folder)
        XCTAssertEqual(help.status, 0)
        XCTAssertTrue(help.stdoutText.contains("EXIT STATUS"), help.stdoutText)
        let runHelp = try CLI.run(["run", "--help"], in: folder)
        XCTAssertEqual(runHelp.status, 0)
        XCTAssertTrue(runHelp.stdoutText.contains("--no-refs"), runHelp.stdoutText)
        let version = try CLI.run(["--version"], in: folder)
        XCTAssertEqual(version.status, 0)
        XCTAssertFalse(version.stdoutText.isEmpty)
    }
}
