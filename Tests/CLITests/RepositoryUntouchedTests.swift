import Foundation
import XCTest

/// The user's repository is never changed: not the working tree, not the index, not HEAD,
/// not a branch. `run` adds objects and refs under `refs/agentreplay/` only; `--no-refs`
/// adds nothing at all.
final class RepositoryUntouchedTests: XCTestCase {
    /// A repository in the middle of someone's work: two branches, a dirty tracked file, a
    /// staged change, an untracked file, an ignored file.
    func busyRepository() throws -> TestRepo {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\n", "b.txt": "bee\n", ".gitignore": "*.log\n"])
        try repo.git("branch", "feature")
        try repo.git("tag", "v1")
        try repo.write(["a.txt": "one\ntwo\nlocal change\n"])  // dirty, unstaged
        try repo.write(["b.txt": "staged bee\n"])
        try repo.git("add", "b.txt")  // staged
        try repo.write(["untracked.txt": "mine\n", "debug.log": "ignored\n"])
        return repo
    }

    /// Everything about the repository a user could notice, except refs under refs/agentreplay/.
    func state(_ repo: TestRepo) throws -> [String: String] {
        var s: [String: String] = [:]
        s["status"] = try repo.git("status", "--porcelain=v2", "--branch", "--untracked-files=all", "--ignored")
        s["diff"] = try repo.git("diff")
        s["diff --cached"] = try repo.git("diff", "--cached")
        s["HEAD"] = try String(contentsOfFile: repo.path + "/.git/HEAD", encoding: .utf8)
        s["refs"] = try repo.git("for-each-ref", "--format=%(refname) %(objectname)")
            .split(separator: "\n").filter { !$0.hasPrefix("refs/agentreplay/") }.joined(separator: "\n")
        s["index sha"] = try Subprocess.run("/usr/bin/env", ["sha256sum", ".git/index"], in: repo.path).stdoutText
        s["config"] = try String(contentsOfFile: repo.path + "/.git/config", encoding: .utf8)
        for name in ["a.txt", "b.txt", "untracked.txt", "debug.log", ".gitignore"] {
            s["file " + name] = try String(contentsOfFile: repo.path + "/" + name, encoding: .utf8)
        }
        s["worktree listing"] = try FileManager.default.contentsOfDirectory(atPath: repo.path).sorted().joined(separator: " ")
        s["stash"] = try repo.git("stash", "list")
        s["reflog HEAD"] = try String(contentsOfFile: repo.path + "/.git/logs/HEAD", encoding: .utf8)
        s["reflog main"] = try String(contentsOfFile: repo.path + "/.git/logs/refs/heads/main", encoding: .utf8)
        return s
    }

    /// Every file under .git/objects (loose objects and packs), by name.
    func objectFiles(_ repo: TestRepo) throws -> [String] {
        let root = repo.path + "/.git/objects"
        let enumerator = try XCTUnwrap(FileManager.default.enumerator(atPath: root))
        var files: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory), !isDirectory.boolValue {
                files.append(name)
            }
        }
        return files.sorted()
    }

    /// A session that edits the very files the user has changes in.
    func session(in folder: String) throws -> String {
        var log = SessionLog()
        log.user("edit")
        log.edit("a.txt", "two", "2")
        log.edit("b.txt", "bee", "agent bee")
        log.write("new/dir/c.txt", "sea\n")
        log.bash("rm -rf .git")  // served, never run
        return try log.save(folder + "/session.jsonl")
    }

    func testRunTouchesNothingButRefsUnderAgentreplay() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "logs")
        let log = try session(in: folder)
        let before = try state(repo)
        let refsBefore = try repo.git("for-each-ref", "--format=%(refname)")

        let r = try CLI.run(["run", log, "--repo", repo.path], in: repo.path)
        XCTAssertEqual(r.status, 0, "\(r)")

        let after = try state(repo)
        for key in before.keys.sorted() {
            XCTAssertEqual(after[key], before[key], key)
        }
        let refsAfter = try repo.git("for-each-ref", "--format=%(refname)").split(separator: "\n").map(String.init)
        let added = Set(refsAfter).subtracting(refsBefore.split(separator: "\n").map(String.init))
        XCTAssertFalse(added.isEmpty)
        for ref in added { XCTAssertTrue(ref.hasPrefix("refs/agentreplay/"), ref) }
        XCTAssertTrue(added.contains("refs/agentreplay/last"))
        // The run started from HEAD's commit, not from the dirty working tree or the index.
        let last = try repo.git("rev-parse", "refs/agentreplay/last").trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(try repo.git("show", "\(last):a.txt"), "one\n2\n")
        XCTAssertEqual(try repo.git("show", "\(last):b.txt"), "agent bee\n")
        XCTAssertEqual(try repo.git("rev-list", "--count", "HEAD..\(last)"), "3\n")
    }

    func testNoRefsAddsNoObjectsAndNoRefs() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "logs")
        let log = try session(in: folder)
        let before = try state(repo)
        let refsBefore = try repo.git("for-each-ref", "--format=%(refname) %(objectname)")
        let objectsBefore = try objectFiles(repo)

        let r = try CLI.run(["run", log, "--repo", repo.path, "--no-refs"], in: repo.path)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("in memory only"), r.stdoutText)

        XCTAssertEqual(try objectFiles(repo), objectsBefore, "no object written to .git/objects")
        XCTAssertEqual(try repo.git("for-each-ref", "--format=%(refname) %(objectname)"), refsBefore)
        XCTAssertEqual(try state(repo), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/refs/agentreplay"))
    }

    func testShowAndReportWriteNothingToTheRepository() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "logs")
        let log = try session(in: folder)
        let before = try state(repo)
        let objectsBefore = try objectFiles(repo)
        let show = try CLI.run(["show", log, "--repo", repo.path, "--json"], in: folder)
        XCTAssertEqual(show.status, 0, "\(show)")
        let report = try CLI.run(["report", log, "--repo", repo.path, "-o", folder + "/report.html"], in: folder)
        XCTAssertEqual(report.status, 0, "\(report)")
        XCTAssertEqual(try objectFiles(repo), objectsBefore, "no object written to .git/objects")
        XCTAssertEqual(try state(repo), before)
        XCTAssertFalse(FileManager.default.fileExists(atPath: repo.path + "/.git/refs/agentreplay"))
    }

    func testNoRefsGivesTheSameCommitIdsAsARealRun() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "logs")
        let log = try session(in: folder)
        let memory = try CLI.run(["run", log, "--repo", repo.path, "--no-refs", "--json"], in: repo.path)
        let real = try CLI.run(["run", log, "--repo", repo.path, "--json"], in: repo.path)
        XCTAssertEqual(memory.status, 0, "\(memory)")
        XCTAssertEqual(real.status, 0, "\(real)")
        XCTAssertEqual(try RunJSON(memory.stdout).commits, try RunJSON(real.stdout).commits)
        XCTAssertEqual(try RunJSON(memory.stdout).head, try RunJSON(real.stdout).head)
        XCTAssertEqual(try RunJSON(memory.stdout).refs, [])
    }

    func testRunInABareRepository() throws {
        let work = try busyRepository()
        let bare = try makeTemporaryDirectory(self, "bare") + "/repo.git"
        try work.git("clone", "-q", "--bare", work.path, bare)
        let folder = try makeTemporaryDirectory(self, "logs")
        let log = try session(in: folder)
        let r = try CLI.run(["run", log, "--repo", bare], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        let last = try GitCLI(directory: bare)("rev-parse", "refs/agentreplay/last")
        XCTAssertEqual(last.count, 41)
    }
}

/// The parts of a `run --json` document the tests compare, read with Foundation.
struct RunJSON {
    let object: [String: Any]

    init(_ bytes: [UInt8]) throws {
        object = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    var head: String? { object["head"] as? String }
    var refs: [String] { object["refs"] as? [String] ?? [] }
    var steps: [[String: Any]] { object["steps"] as? [[String: Any]] ?? [] }
    var commits: [String] { steps.compactMap { $0["commit"] as? String } }
}
