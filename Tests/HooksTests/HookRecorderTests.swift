import CGit2
import CGit2Support
import Foundation
import Git
import Hooks
import Replay
import TestSupport
import Trace
import XCTest

/// The recording hooks in real repositories: the tree they record is the one git itself makes
/// of the working tree, and nothing of the user's repository changes.
final class HookRecorderTests: XCTestCase {
    let session = "7c4e1a2b-3d5f-4a6b-9c8d-0e1f2a3b4c5d"

    /// The working tree as `git add -A && git write-tree` sees it, in a throwaway index.
    func gitWorkTree(_ repo: TestRepo) throws -> String {
        let index = try makeTemporaryDirectory(self, "index") + "/index"
        try FileManager.default.copyItem(atPath: repo.path + "/.git/index", toPath: index)
        // The copy is new, and git trusts an entry's stat data when the file is older than the
        // index file: a file rewritten at the same size within the second git wrote the index
        // would pass for unchanged. Dated 1970 (one second in: git takes 0 for "no time" and
        // then trusts every entry), every entry is racily clean to git, which then compares
        // each file's bytes.
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1)], ofItemAtPath: index)
        var env = GitCLI.environment
        env["GIT_INDEX_FILE"] = index
        _ = try Subprocess.run("/usr/bin/env", ["git", "add", "-A"], in: repo.path, environment: env)
        let result = try Subprocess.run("/usr/bin/env", ["git", "write-tree"], in: repo.path, environment: env)
        return result.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The shell calls of one session in `repo`, numbered `call-1`, `call-2`, …: each call
    /// records the working tree and checks it is git's (`what` says which step).
    final class CallRecorder {
        let test: HookRecorderTests, repo: TestRepo, session: String
        private(set) var count = 0

        init(_ test: HookRecorderTests, _ repo: TestRepo, session: String) {
            self.test = test
            self.repo = repo
            self.session = session
        }

        var lastCall: String { "call-\(count)" }

        /// The next call's id, for a call recorded by hand.
        func nextCall() -> String {
            count += 1
            return lastCall
        }

        func callAsFunction(_ what: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let call = nextCall()
            let recorded = try XCTUnwrap(
                try HookRecorder.record(
                    .postTool, agent: .claudeCode, input: HookInput(sessionID: session, cwd: repo.path, toolName: "Bash", toolUseID: call)),
                file: file, line: line
            ).tree
            XCTAssertEqual(recorded.hex, try test.gitWorkTree(repo), what, file: file, line: line)
        }
    }

    /// What must not change: the index's bytes, HEAD, the refs other than ours, the status.
    func untouched(_ repo: TestRepo) throws -> [String] {
        [
            try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")).base64EncodedString(),
            try repo.git("rev-parse", "HEAD"),
            try repo.git("for-each-ref", "--format=%(refname) %(objectname)", "refs/heads", "refs/tags"),
            try repo.git("status", "--porcelain=v1", "--untracked-files=all"),
        ]
    }

    func testStartAndShellCallsRecordTheWorkingTreeAsGitSeesIt() throws {
        let repo = try TestRepo(
            self,
            files: [
                "calc.py": "def add(a,b):\n    return a+b\n", "README.md": "calc\n", ".gitignore": "*.log\nbuild/\n",
                "docs/guide.md": "guide\n", "old.txt": "to be deleted\n",
            ])
        // A dirty tree: a change, a deletion, an untracked file, ignored files.
        try repo.write(["README.md": "calc, a calculator\n", "notes/todo.txt": "todo\n", "debug.log": "noise\n", "build/out.o": "obj\n"])
        try FileManager.default.removeItem(atPath: repo.path + "/old.txt")
        let before = try untouched(repo)

        let start = try XCTUnwrap(
            try HookRecorder.record(.sessionStart, agent: .claudeCode, input: HookInput(sessionID: session, cwd: repo.path + "/docs")))
        XCTAssertEqual(start.reference, "refs/agentreplay/sessions/\(session)/start")
        XCTAssertTrue(start.created)
        XCTAssertEqual(start.tree.hex, try gitWorkTree(repo), "tracked changes and untracked files that are not ignored")
        XCTAssertEqual(try untouched(repo), before, "the index, HEAD, branches and working tree are untouched")
        let git = try repo.open()
        let commit = try XCTUnwrap(try git.reference(start.reference))
        XCTAssertEqual(try git.commitParents(commit).map(\.hex), [try repo.head])

        // Started again (resumed): the first start is kept, nothing is computed.
        try repo.write(["README.md": "changed again\n"])
        let resumed = try XCTUnwrap(try HookRecorder.record(.sessionStart, agent: .claudeCode, input: HookInput(sessionID: session, cwd: repo.path)))
        XCTAssertFalse(resumed.created)
        XCTAssertEqual(resumed.tree, start.tree)

        // A formatter-like script changes a file; the hook after the Bash call records it.
        try repo.write(["calc.py": "def add(a, b):\n    return a + b\n"])
        let after = try XCTUnwrap(
            try HookRecorder.record(
                .postTool, agent: .claudeCode,
                input: HookInput(
                    sessionID: session, cwd: repo.path, eventName: "PostToolUse", toolName: "Bash", toolUseID: "toolu_01ABC")))
        XCTAssertEqual(after.reference, "refs/agentreplay/sessions/\(session)/calls/toolu_01ABC")
        XCTAssertEqual(after.tree.hex, try gitWorkTree(repo))
        XCTAssertNotEqual(after.tree, start.tree)

        // Unchanged since: the same tree again (the private index's cache), under another call.
        let again = try XCTUnwrap(
            try HookRecorder.record(
                .postTool, agent: .claudeCode,
                input: HookInput(
                    sessionID: session, cwd: repo.path, toolName: "Bash", toolUseID: "toolu_01DEF")))
        XCTAssertEqual(again.tree, after.tree)

        // Not a shell call: nothing recorded.
        XCTAssertNil(
            try HookRecorder.record(
                .postTool, agent: .claudeCode, input: HookInput(sessionID: session, cwd: repo.path, toolName: "Edit", toolUseID: "toolu_x")))

        let recorded = try XCTUnwrap(try RecordedSession.find(traceID: Trace.Header.traceID(session: session), in: git))
        XCTAssertEqual(recorded.start, RecordedSession.Start(head: ObjectID(hex: try repo.head), tree: start.tree))
        XCTAssertEqual(recorded.calls, ["toolu_01ABC": after.tree, "toolu_01DEF": after.tree])
        XCTAssertNil(try RecordedSession.find(traceID: Trace.Header.traceID(session: "another"), in: git))

        XCTAssertEqual(try repo.git("rev-parse", "HEAD"), before[1])
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: repo.path + "/.git/index")).base64EncodedString(), before[0])
    }

    func testARepositoryWithoutCommitsAndPlacesWithoutARepository() throws {
        let folder = try makeTemporaryDirectory(self, "plain")
        XCTAssertNil(
            try HookRecorder.record(.sessionStart, agent: .claudeCode, input: HookInput(sessionID: session, cwd: folder)),
            "outside a repository there is nothing to record")
        _ = try GitCLI(directory: folder)("init", "-q")
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: folder + "/a.txt"))
        let start = try XCTUnwrap(try HookRecorder.record(.sessionStart, agent: .codex, input: HookInput(sessionID: session, cwd: folder)))
        let git = try Repository.open(folder)
        XCTAssertEqual(try git.commitParents(try XCTUnwrap(try git.reference(start.reference))), [])
        XCTAssertEqual(try git.walk(start.tree).map(\.path), ["a.txt"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder + "/.git/index"), "the repository's index is never written")
    }

    func testInputsThatCannotBeRecordedAreRefusedWithTheField() throws {
        XCTAssertThrowsError(try HookInput(json: Array("not json".utf8)))
        XCTAssertThrowsError(try HookInput(json: Array(#"{"cwd": "/x"}"#.utf8))) { XCTAssertEqual(($0 as? HookInput.Failure)?.field, "session_id") }
        XCTAssertThrowsError(try HookInput(json: Array(#"{"session_id": "s", "cwd": "relative"}"#.utf8))) {
            XCTAssertEqual(($0 as? HookInput.Failure)?.field, "cwd")
        }
        let input = try HookInput(
            json: Array(
                #"{"session_id":"s-1","transcript_path":"/t.jsonl","cwd":"/r","hook_event_name":"PostToolUse","tool_name":"Bash","tool_input":{"command":"ls"},"tool_response":{"stdout":"","stderr":"","interrupted":false,"isImage":false},"tool_use_id":"toolu_1"}"#
                    .utf8))
        XCTAssertEqual(input, HookInput(sessionID: "s-1", cwd: "/r", eventName: "PostToolUse", toolName: "Bash", toolUseID: "toolu_1"))
        XCTAssertThrowsError(try HookRecorder.record(.sessionStart, agent: .claudeCode, input: HookInput(sessionID: "../../heads/main", cwd: "/")))
        XCTAssertThrowsError(
            try HookRecorder.record(.postTool, agent: .claudeCode, input: HookInput(sessionID: "s", cwd: "/", toolName: "Bash", toolUseID: "a/b")))
    }
}

extension HookRecorderTests {
    /// The odd corners of a working tree, each against git's own answer: a symlink, a file
    /// made executable, a file that became a folder, a nested repository, a touched file whose
    /// content did not change (read once, then known by its stat data).
    func testOddWorkingTreesGiveGitsTree() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "b.sh": "echo b\n", "c": "c\n", "keep/k.txt": "k\n"])
        try repo.write(["link": "->a.txt"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/b.sh")
        try FileManager.default.removeItem(atPath: repo.path + "/c")
        try repo.write(["c/inside.txt": "now a folder\n"])
        let nested = repo.path + "/vendor/lib"
        try FileManager.default.createDirectory(atPath: nested, withIntermediateDirectories: true)
        let inner = GitCLI(directory: nested)
        _ = try inner("init", "-q")
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: nested + "/x.txt"))
        _ = try inner("add", "-A")
        _ = try inner("commit", "-q", "-m", "inner")
        let session = "odd-1"
        var n = 0
        func record() throws -> ObjectID {
            n += 1
            return try XCTUnwrap(
                try HookRecorder.record(
                    .postTool, agent: .claudeCode,
                    input: HookInput(
                        sessionID: session, cwd: repo.path, toolName: "Bash", toolUseID: "call-\(n)"))
            ).tree
        }
        XCTAssertEqual(try record().hex, try gitWorkTree(repo))
        // Touched, same bytes: the same tree, and the private index knows the new stat data.
        let touched = repo.path + "/keep/k.txt"
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000)], ofItemAtPath: touched)
        XCTAssertEqual(try record().hex, try gitWorkTree(repo))
        try repo.write(["keep/k.txt": "changed\n"])
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_800_000_000)], ofItemAtPath: touched)
        XCTAssertEqual(try record().hex, try gitWorkTree(repo), "a change of content with the same mtime but another size")
    }

    /// `core.filemode=false` and `core.symlinks=false` (a file system without execute bits or
    /// symlinks): git keeps the index's mode for a tracked file whose bits changed, records a
    /// new file as not executable, and a symlink as git has it. The recorded tree is git's.
    func testTheRepositorysFileModeAndSymlinkSettingsAreGitsToo() throws {
        let repo = try TestRepo(self, files: ["a.sh": "echo a\n", "b.sh": "echo b\n", "link": "->a.sh", "c.txt": "c\n"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/b.sh")
        _ = try repo.git("add", "b.sh")
        _ = try repo.git("commit", "-q", "-m", "b.sh executable")
        _ = try repo.git("config", "core.filemode", "false")
        let recordAndCompare = CallRecorder(self, repo, session: "modes-1")
        try recordAndCompare("the first call")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/a.sh")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: repo.path + "/b.sh")
        try recordAndCompare("execute bits flipped both ways, contents as they were")
        try repo.write(["a.sh": "echo A\n", "b.sh": "echo B\n"])
        try recordAndCompare("both rewritten with their bits flipped")
        try repo.write(["new.sh": "echo new\n"])
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/new.sh")
        try recordAndCompare("a new executable file")
        _ = try repo.git("config", "core.filemode", "true")
        try recordAndCompare("core.filemode back to true")
        // Without symlinks, a checkout writes a link as a file holding its target: git keeps
        // the entry a symlink, with the file's bytes as the target.
        _ = try repo.git("config", "core.symlinks", "false")
        try FileManager.default.removeItem(atPath: repo.path + "/link")
        try repo.write(["link": "c.txt"])
        try recordAndCompare("a symlink written as a file holding its target")
    }

    /// Entries git keeps out of `git add -A`: a sparse checkout's files outside the cone
    /// (skip-worktree, absent from disk, still in the tree), a file marked assume-unchanged
    /// (its change not taken), a file added with intent to add (left out of the tree).
    func testEntriesGitAddLeavesAloneStayAsGitHasThem() throws {
        let repo = try TestRepo(self, files: ["in/a.txt": "a\n", "out/b.txt": "b\n", "out/deep/c.txt": "c\n", "top.txt": "t\n", "kept.txt": "k\n"])
        _ = try repo.git("sparse-checkout", "set", "in")
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/out/b.txt"), "the sparse checkout removed it")
        _ = try repo.git("update-index", "--assume-unchanged", "kept.txt")
        let recordAndCompare = CallRecorder(self, repo, session: "sparse-1")
        try recordAndCompare("the first call")
        try recordAndCompare("clean")
        try repo.write(["in/a.txt": "A\n", "kept.txt": "changed, assumed unchanged\n"])
        try recordAndCompare("a change inside the cone, one to a file assumed unchanged")
        try repo.write(["new.txt": "n\n"])
        _ = try repo.git("add", "-N", "new.txt")
        try recordAndCompare("a file added with intent to add")
    }

    /// The repository's index changed by git during the session (a file force-added though
    /// ignored, one no longer tracked, a sparse checkout set, a file marked assume-unchanged):
    /// the next call's tree is what `git add -A` makes of the index as it is now.
    func testTheRepositorysIndexChangedMidSessionIsFollowed() throws {
        let repo = try TestRepo(
            self, files: [".gitignore": "*.gen\n", "in/a.txt": "a\n", "out/b.txt": "b\n", "top.txt": "t\n", "kept.txt": "k\n"])
        let recordAndCompare = CallRecorder(self, repo, session: "changed-1")
        try recordAndCompare("the first call")
        try repo.write(["made.gen": "generated\n", "in/a.txt": "A\n"])
        try recordAndCompare("an ignored file made, a change")
        _ = try repo.git("add", "-f", "made.gen")
        try recordAndCompare("the ignored file force-added")
        _ = try repo.git("rm", "-q", "--cached", "made.gen")
        try recordAndCompare("and no longer tracked")
        _ = try repo.git("sparse-checkout", "set", "in")
        try recordAndCompare("a sparse checkout set")
        _ = try repo.git("sparse-checkout", "disable")
        try recordAndCompare("and disabled")
        _ = try repo.git("update-index", "--assume-unchanged", "kept.txt")
        try repo.write(["kept.txt": "changed, assumed unchanged\n"])
        try recordAndCompare("a file marked assume-unchanged, then changed")
    }

    /// A path whose `filter` driver has a `clean` command (git-lfs's way): git stores what the
    /// command makes of the file, which agentreplay cannot, so a call that changed such a file
    /// records nothing (the call stays unverified in `run`) rather than a tree that is not git's.
    /// A driver with no command is a no-op for git, and files without the attribute are
    /// recorded as always.
    func testAFileGitWouldFilterIsNotRecordedAsItIs() throws {
        let repo = try TestRepo(
            self, files: [".gitattributes": "*.up filter=up\n*.none filter=none\n", "a.up": "hello\n", "b.txt": "b\n", "c.none": "c\n"])
        _ = try repo.git("config", "filter.up.clean", "tr a-z A-Z")
        _ = try repo.git("config", "filter.up.smudge", "cat")
        _ = try repo.git("add", "--renormalize", "a.up")
        _ = try repo.git("commit", "-q", "-m", "a.up through its filter")
        // Older than the index: not racily clean (a file whose times are as new as the index
        // is read again, and one git would filter cannot be), so the index is written a second
        // after the files' change times.
        func age(_ names: String...) throws {
            for name in names {
                try FileManager.default.setAttributes(
                    [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)], ofItemAtPath: repo.path + "/" + name)
            }
            Thread.sleep(forTimeInterval: 1.1)
            _ = try repo.git("update-index", "-q", "--refresh")
        }
        try age("a.up")
        let recordAndCompare = CallRecorder(self, repo, session: "filter-1")
        try recordAndCompare("the first call: the filtered file as the index has it")
        try repo.write(["b.txt": "B\n", "c.none": "C\n", "new.none": "n\n"])
        try recordAndCompare("other files changed, a driver without a command")
        /// The next call is not recorded, for `reason`: an error saying so, and no ref.
        func notRecorded(_ reason: String, file: StaticString = #filePath, line: UInt = #line) throws {
            let call = recordAndCompare.nextCall()
            XCTAssertThrowsError(
                try HookRecorder.record(
                    .postTool, agent: .claudeCode, input: HookInput(sessionID: "filter-1", cwd: repo.path, toolName: "Bash", toolUseID: call)),
                file: file, line: line
            ) { error in
                XCTAssertTrue("\(error)".contains(reason), "\(error)", file: file, line: line)
            }
            XCTAssertEqual(try repo.git.run(["for-each-ref", "refs/agentreplay/sessions/filter-1/calls/" + call]), "", file: file, line: line)
        }
        try repo.write(["a.up": "world\n"])
        try notRecorded("a.up goes through the `up` filter")
        try repo.write(["new.up": "new\n"])
        try notRecorded("goes through the `up` filter")
        // Added by git (its filter run), the index written: recorded again, as git has it.
        try age("a.up", "new.up")
        _ = try repo.git("add", "a.up", "new.up")
        try recordAndCompare("after git added them")
        // A file git converts from another encoding: not recorded either.
        try repo.write([".gitattributes": "*.up filter=up\n*.none filter=none\n*.u16 working-tree-encoding=UTF-16LE\n"])
        try Data([0x68, 0x00, 0x69, 0x00]).write(to: URL(fileURLWithPath: repo.path + "/w.u16"))
        try notRecorded("w.u16 is kept in UTF-16LE")
        try age("w.u16", ".gitattributes")
        _ = try repo.git("add", "w.u16", ".gitattributes")
        try recordAndCompare("after git added it, converted")
    }

    /// After the first call, the stat cache beside the private index answers: it is saved
    /// only when it changed (a clean tree leaves the file as it was, a touched file's new stat
    /// data is saved once, a change is saved), and the private index is not written again.
    func testTheStatCacheIsSavedOnlyWhenItChanged() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "src/b.txt": "b\n", "src/c.txt": "c\n"])
        // Files older than any cache written below: none is racily clean (same time as the
        // cache), which would be read again and saved.
        let past = Date(timeIntervalSince1970: 1_700_000_000)
        for file in ["a.txt", "src/b.txt", "src/c.txt"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: repo.path + "/" + file)
        }
        let index = repo.path + "/.git/" + HookRecorder.indexName
        let cache = index + ".cache"
        let record = shellCalls(repo, session: "saved-1")
        /// A file's identity: a save replaces it (a new file renamed over it).
        func identity(_ path: String) throws -> [String] {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            return ["\(attributes[.systemFileNumber] ?? "")", try Data(contentsOf: URL(fileURLWithPath: path)).base64EncodedString()]
        }
        let first = try record()
        XCTAssertEqual(first.hex, try gitWorkTree(repo))
        let privateIndex = try identity(index)
        let seeded = try identity(cache)
        XCTAssertEqual(try cachedTree(cache), first.hex, "the first call saves the cache, with its tree")
        XCTAssertEqual(try record(), first)
        XCTAssertEqual(try identity(cache), seeded, "clean: not saved")

        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_100)], ofItemAtPath: repo.path + "/src/b.txt")
        XCTAssertEqual(try record(), first, "touched, same bytes: the same tree")
        let refreshed = try identity(cache)
        XCTAssertNotEqual(refreshed, seeded, "the new stat data is saved")
        XCTAssertEqual(try record(), first)
        XCTAssertEqual(try identity(cache), refreshed, "and known by the next call: not saved again")

        try repo.write(["src/c.txt": "changed\n", "src/new.txt": "new\n"])
        for file in ["src/c.txt", "src/new.txt"] {
            try FileManager.default.setAttributes([.modificationDate: past], ofItemAtPath: repo.path + "/" + file)
        }
        let changed = try record()
        XCTAssertEqual(changed.hex, try gitWorkTree(repo))
        let saved = try identity(cache)
        XCTAssertNotEqual(saved, refreshed, "a change is saved")
        XCTAssertEqual(try cachedTree(cache), changed.hex)
        XCTAssertEqual(try record(), changed)
        XCTAssertEqual(try identity(cache), saved)
        XCTAssertEqual(try identity(index), privateIndex, "the cache answered every call after the first")
    }

    /// The first call of a repository starts from a copy of its index, walked by the stat walk
    /// against the time git wrote it (not the copy's): a file rewritten at the same size within
    /// that second is seen. (Its ctime tells here as well; on a file system with whole-second
    /// times only the index's own time would.)
    func testTheFirstCallSeesAChangeMadeAsGitWroteItsIndex() throws {
        let repo = try TestRepo(self, files: ["a.txt": "aaaa\n", "src/b.txt": "b\n"])
        try repo.write(["a.txt": "AAAA\n"])
        // In the same second as the index, whatever the clock did meanwhile; the size too.
        let written = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: repo.path + "/a.txt")[.modificationDate])
        try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: repo.path + "/.git/index")
        let record = shellCalls(repo, session: "first-1")
        XCTAssertEqual(try record().hex, try gitWorkTree(repo))
        XCTAssertEqual(try record().hex, try gitWorkTree(repo))
    }

    /// Post-tool calls of a shell tool in `repo`, each with a tool call id of its own: the tree
    /// each recorded.
    func shellCalls(_ repo: TestRepo, session: String) -> () throws -> ObjectID {
        var n = 0
        return {
            n += 1
            return try XCTUnwrap(
                try HookRecorder.record(
                    .postTool, agent: .claudeCode, input: HookInput(sessionID: session, cwd: repo.path, toolName: "Bash", toolUseID: "call-\(n)"))
            ).tree
        }
    }

    /// The tree saved in the stat cache at `path` (hex), or nil when it does not read whole.
    func cachedTree(_ path: String) throws -> String? {
        var cache = agentreplay_worktree_cache()
        guard agentreplay_worktree_cache_read(path, &cache) == 0 else { return nil }
        defer { agentreplay_worktree_cache_free(&cache) }
        var tree = cache.tree
        return withUnsafeBytes(of: &tree.id) { $0.map { String(format: "%02x", $0) }.joined() }
    }

    /// A call's new objects reach the disk before its ref: as one pack when there are more than
    /// `HookRecorder.looseObjectLimit` (a shell call that changed many files), else as loose
    /// objects; either way git finds every one of them.
    func testManyNewObjectsGoToOnePackAFewAreLoose() throws {
        var files: [String: String] = [:]
        for i in 0..<30 { files["src/m\(i % 10)/f\(i).txt"] = "file \(i)\n" }
        let repo = try TestRepo(self, files: files)
        let objects = repo.path + "/.git/objects"
        func packs() throws -> [String] {
            try FileManager.default.contentsOfDirectory(atPath: objects + "/pack").filter { $0.hasSuffix(".pack") }.sorted()
        }
        func loose() throws -> Int {
            try FileManager.default.contentsOfDirectory(atPath: objects).filter { $0.count == 2 }.reduce(0) {
                $0 + (try FileManager.default.contentsOfDirectory(atPath: objects + "/" + $1).count)
            }
        }
        var n = 0
        func record() throws -> HookRecorder.Recorded {
            n += 1
            return try XCTUnwrap(
                try HookRecorder.record(
                    .postTool, agent: .claudeCode, input: HookInput(sessionID: "pack-1", cwd: repo.path, toolName: "Bash", toolUseID: "call-\(n)")))
        }
        let clean = try record()
        let (packsBefore, looseBefore) = (try packs(), try loose())

        // 30 files rewritten: 30 blobs, 12 trees, a commit.
        var changed: [String: String] = [:]
        for i in 0..<30 { changed["src/m\(i % 10)/f\(i).txt"] = "formatted \(i)\n" }
        try repo.write(changed)
        let many = try record()
        XCTAssertEqual(many.tree.hex, try gitWorkTree(repo))
        XCTAssertEqual(try packs().count, packsBefore.count + 1, "one new pack")
        XCTAssertEqual(try loose(), looseBefore, "and no loose object")

        // One file: a blob, three trees and a commit, loose.
        try repo.write(["src/m0/f0.txt": "once more\n"])
        let few = try record()
        XCTAssertEqual(few.tree.hex, try gitWorkTree(repo))
        XCTAssertEqual(try packs().count, packsBefore.count + 1, "no new pack")
        XCTAssertEqual(try loose(), looseBefore + 5)

        for recorded in [clean, many, few] {
            XCTAssertEqual(
                try repo.git("rev-parse", recorded.reference + "^{tree}").trimmingCharacters(in: .whitespacesAndNewlines), recorded.tree.hex)
        }
        XCTAssertEqual(try repo.git("fsck", "--strict", "--no-dangling"), "")
    }
}

extension HookRecorderTests {
    /// Each call looks at the working tree through its own stat walk (`agentreplay_worktree_scan`)
    /// against the stat cache, and reads again only the paths that can have changed.
    /// Every kind of change, one call after another, against git's own answer each time:
    /// the same bytes rewritten within the second the cache was saved (racily clean),
    /// a same-size change, a deletion, a rename, a mode change, a symlink pointed elsewhere
    /// (same length) and a file made a symlink, ignored files beside tracked ones (nested
    /// .gitignore), an ignored folder, a new file in a tracked folder, a folder deleted whole, a
    /// folder that became a file, a file that became a folder, a folder replaced by a symlink,
    /// new folders with a .gitignore of their own.
    func testEveryKindOfChangeBetweenCallsGivesGitsTree() throws {
        let repo = try TestRepo(
            self,
            files: [
                "a.txt": "aaaa\n", "b.txt": "bbbb\n", "run.sh": "echo\n", "link": "->a.txt", "other": "->b.txt",
                "src/one.c": "int one;\n", "src/two.c": "int two;\n", "src/.gitignore": "*.o\n", ".gitignore": "build/\n",
                "lib/x/y.txt": "y\n", "lib/z.txt": "z\n", "gone/g1.txt": "g1\n", "gone/sub/g2.txt": "g2\n", "dir/f.txt": "f\n",
            ])
        let manager = FileManager.default
        let recordAndCompare = CallRecorder(self, repo, session: "kinds-1")
        /// Each path removed (file, symlink or folder), then written anew.
        func replace(_ files: [String: String]) throws {
            for name in files.keys { try manager.removeItem(atPath: repo.path + "/" + name) }
            try repo.write(files)
        }
        try recordAndCompare("the first call (a private index seeded from the repository's, then a stat cache)")
        try recordAndCompare("clean")
        // Racily clean: rewritten within the second the private index was last saved, same size.
        try repo.write(["a.txt": "AAAA\n"])
        try recordAndCompare("a change, saved just now")
        try repo.write(["a.txt": "aAaA\n"])
        try recordAndCompare("the same size again, within the same second")
        try repo.write(["b.txt": "BBBB\n"])
        let old = Date(timeIntervalSince1970: 1_700_000_000)
        try manager.setAttributes([.modificationDate: old], ofItemAtPath: repo.path + "/b.txt")
        try recordAndCompare("same size, mtime put back in the past (ctime tells)")
        try manager.removeItem(atPath: repo.path + "/lib/z.txt")
        try recordAndCompare("a deletion")
        try manager.moveItem(atPath: repo.path + "/src/two.c", toPath: repo.path + "/src/three.c")
        try recordAndCompare("a rename")
        try manager.setAttributes([.posixPermissions: 0o755], ofItemAtPath: repo.path + "/run.sh")
        try recordAndCompare("made executable")
        try replace(["link": "->b.txt"])
        try recordAndCompare("a symlink pointed elsewhere, same length")
        try replace(["other": "a file now\n"])
        try recordAndCompare("a symlink made a file")
        try replace(["b.txt": "->a.txt"])
        try recordAndCompare("a file made a symlink")
        try repo.write(["src/one.o": "obj\n", "src/two.o": "obj\n", "build/out.bin": "bin\n", "build/deep/x.bin": "x\n"])
        try recordAndCompare("ignored files beside tracked ones, an ignored folder")
        try FileManager.default.createDirectory(atPath: repo.path + "/empty/inner", withIntermediateDirectories: true)
        try repo.write(["objs/a.o": "obj\n", "objs/deeper/b.o": "obj\n"])
        try recordAndCompare("an empty folder, a folder of ignored files only")
        try repo.write(["src/one.c": "int one = 1;\n"])
        try recordAndCompare("a change with ignored names about")
        try repo.write(["src/four.c": "int four;\n"])
        try recordAndCompare("a new file in a tracked folder")
        try repo.write(["new/deep/n.txt": "n\n"])
        try recordAndCompare("a new folder")
        try repo.write(["pkg/.gitignore": "*.log\n", "pkg/a.py": "a\n", "pkg/debug.log": "log\n", "pkg/sub/b.py": "b\n", "pkg/sub/c.log": "c\n"])
        try recordAndCompare("a new folder with a .gitignore of its own")
        try repo.write(["pkg/sub/c.py": "c\n", "pkg/sub/more/d.py": "d\n", "pkg/sub/more/e.log": "e\n"])
        try recordAndCompare("a file and a folder new in a new folder's folder")
        try manager.removeItem(atPath: repo.path + "/gone")
        try recordAndCompare("a folder deleted whole")
        try replace(["lib/x": "a file where a folder was\n"])
        try recordAndCompare("a folder that became a file")
        try manager.removeItem(atPath: repo.path + "/dir/f.txt")
        try repo.write(["dir/f.txt/inner.txt": "a folder where a file was\n"])
        try recordAndCompare("a file that became a folder")
        // Moved out of the working tree (its files keep their inodes and times) and replaced by
        // a symlink to where it went: git sees one symlink, not the files behind it.
        let outside = repo.path + ".lib-outside"
        defer { try? manager.removeItem(atPath: outside) }
        try manager.moveItem(atPath: repo.path + "/lib", toPath: outside)
        try manager.createSymbolicLink(atPath: repo.path + "/lib", withDestinationPath: outside)
        try recordAndCompare("a folder replaced by a symlink to it")
        try recordAndCompare("clean at the end")
    }

    /// A stat cache is trusted as written (as the private index is): its tree is what the next
    /// call builds on. One that does not read whole (cut short, altered), or whose tree is gone
    /// from the object database, is not used: the private index answers, and saves a new one.
    func testAStatCacheIsTrustedOnlyWhole() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "src/b.txt": "b\n", "src/deep/c.txt": "c\n"])
        let cache = repo.path + "/.git/" + HookRecorder.indexName + ".cache"
        let call = shellCalls(repo, session: "cache-1")
        func record() throws -> String { try call().hex }
        /// The cache again, its tree replaced by `tree`.
        func retree(_ tree: String) throws {
            var read = agentreplay_worktree_cache()
            XCTAssertEqual(agentreplay_worktree_cache_read(cache, &read), 0)
            defer { agentreplay_worktree_cache_free(&read) }
            var oid = git_oid()
            XCTAssertEqual(git_oid_fromstr(&oid, tree), 0)
            XCTAssertEqual(agentreplay_worktree_cache_write(cache, read.pointers, read.count, &oid), 0)
        }
        XCTAssertEqual(try record(), try gitWorkTree(repo))
        try repo.write(["src/deep/c.txt": "c2\n", "new.txt": "n\n"])
        // Older than the caches written below: not racily clean, so not read again.
        for file in ["src/deep/c.txt", "new.txt"] {
            try FileManager.default.setAttributes(
                [.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)], ofItemAtPath: repo.path + "/" + file)
        }
        XCTAssertEqual(try record(), try gitWorkTree(repo), "a change and a new file, from the cache")

        // Trusted: with HEAD's tree in it, the next call puts a.txt's change into that tree
        // (new.txt and c.txt's change are not in it).
        let head = try repo.git("rev-parse", "HEAD^{tree}").trimmingCharacters(in: .whitespacesAndNewlines)
        try retree(head)
        try repo.write(["a.txt": "a2\n"])
        let index = try makeTemporaryDirectory(self, "index") + "/index"
        var env = GitCLI.environment
        env["GIT_INDEX_FILE"] = index
        _ = try Subprocess.run("/usr/bin/env", ["git", "read-tree", head], in: repo.path, environment: env)
        _ = try Subprocess.run("/usr/bin/env", ["git", "add", "a.txt"], in: repo.path, environment: env)
        let onHead = try Subprocess.run("/usr/bin/env", ["git", "write-tree"], in: repo.path, environment: env).stdoutText
            .trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try record(), onHead)
        XCTAssertNotEqual(onHead, try gitWorkTree(repo))

        // A tree gone from the object database: the private index answers.
        try retree(String(repeating: "7", count: 40))
        try repo.write(["src/b.txt": "b2\n"])
        XCTAssertEqual(try record(), try gitWorkTree(repo))
        XCTAssertEqual(try cachedTree(cache), try gitWorkTree(repo), "and saves a new cache")
        // One byte altered, or cut short: not read, and replaced.
        var bytes = try Data(contentsOf: URL(fileURLWithPath: cache))
        bytes[bytes.count / 2] ^= 1
        try bytes.write(to: URL(fileURLWithPath: cache))
        XCTAssertNil(try cachedTree(cache))
        try repo.write(["src/b.txt": "b3\n"])
        XCTAssertEqual(try record(), try gitWorkTree(repo))
        XCTAssertEqual(try cachedTree(cache), try gitWorkTree(repo))
        try Data(contentsOf: URL(fileURLWithPath: cache)).prefix(100).write(to: URL(fileURLWithPath: cache))
        XCTAssertNil(try cachedTree(cache))
        try repo.write(["src/b.txt": "b4\n"])
        XCTAssertEqual(try record(), try gitWorkTree(repo))
        XCTAssertEqual(try cachedTree(cache), try gitWorkTree(repo))
    }
}
