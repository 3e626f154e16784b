import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// `run` and `bisect` stopped by SIGINT, SIGTERM or SIGKILL at many moments: the user's
/// repository stays byte-identical (working tree, index, HEAD, branches, config),
/// `refs/agentreplay/last` names either the run before or the complete new one (every object
/// reachable, `git fsck` clean), and the next command cleans up what was left.
final class InterruptionTests: XCTestCase {
    static let signals: [Int32] = [SIGINT, SIGTERM, SIGKILL]

    /// A repository in the middle of someone's work: a branch, a tag, a dirty file, a staged
    /// one, an untracked one.
    func busyRepository() throws -> TestRepo {
        let repo = try TestRepo(self, files: ["app.txt": "version 0\n", "notes.txt": "mine\n"])
        try repo.git("branch", "feature")
        try repo.git("tag", "v1")
        try repo.write(["notes.txt": "mine, edited\n"])
        try repo.write(["staged.txt": "staged\n"])
        try repo.git("add", "staged.txt")
        try repo.write(["untracked.txt": "untracked\n"])
        return repo
    }

    func testRunStoppedAtManyMoments() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "interrupt")
        let edits = 800
        // The run before: the old value `last` may keep.
        try Interrupted.trace(folder + "/old.ndjson", edits: 10, seed: 0)
        XCTAssertEqual(try CLI.run(["run", folder + "/old.ndjson", "--repo", repo.path], in: folder).status, 0)
        let state = try RepositoryState.of(repo.path)
        let base = try repo.head

        // How long a whole run takes here, so the signals fall across all of it.
        try Interrupted.trace(folder + "/timing.ndjson", edits: edits, seed: 1)
        let started = Date()
        XCTAssertEqual(try CLI.run(["run", folder + "/timing.ndjson", "--repo", repo.path], in: folder).status, 0)
        try repo.git(
            "update-ref", "refs/agentreplay/last", try XCTUnwrap(Interrupted.rev(repo, "refs/agentreplay/runs/" + Interrupted.traceID(seed: 0))))
        let duration = Date().timeIntervalSince(started) * 1.5

        let moments = 12
        var outcomes: [String] = []
        for n in 0..<moments {
            let old = try XCTUnwrap(Interrupted.rev(repo, "refs/agentreplay/last"))
            let path = folder + "/run\(n).ndjson"
            try Interrupted.trace(path, edits: edits, seed: 100 + n)
            let signal = Self.signals[n % 3]
            let child = try Child(
                CLI.executable, ["run", path, "--repo", repo.path], in: folder, environment: CLI.environment(), outputs: folder + "/run\(n)")
            if n < moments - 1 {
                usleep(useconds_t(duration * Double(n) / Double(moments - 2) * 1_000_000))
            } else {
                // The last signal comes after the run ended, however slow the machine.
                for _ in 0..<Int(duration * 100) where child.running { usleep(100_000) }
            }
            child.signal(signal)
            let r = child.wait()
            let context = "moment \(n), signal \(signal): \(r.end)\n\(r.stderr)"
            let last = try XCTUnwrap(Interrupted.rev(repo, "refs/agentreplay/last"), context)
            let traceID = Interrupted.traceID(seed: 100 + n)
            if last == old {
                XCTAssertNotEqual(r.end, .exited(0), context)
                outcomes.append("old")
            } else {
                // The new run, whole: every span's commit, on the base, trailers naming it.
                XCTAssertEqual(try repo.git("rev-list", "--count", "\(base)..\(last)"), "\(edits)\n", context)
                XCTAssertEqual(Interrupted.rev(repo, "refs/agentreplay/runs/" + traceID), last, context)
                XCTAssertNotNil(Interrupted.rev(repo, "refs/agentreplay/traces/" + traceID), context)
                XCTAssertTrue(try repo.git("log", "-1", "--format=%B", last).contains("Agentreplay-Trace: " + traceID), context)
                outcomes.append("new")
            }
            if case .exited(let status) = r.end, status != 0 { XCTFail("a run exits 0 or dies by its signal; " + context) }
            XCTAssertEqual(try RepositoryState.of(repo.path), state, "the repository is untouched; " + context)
            let fsck = try Subprocess.run(
                "/usr/bin/env", ["git", "fsck", "--strict", "--no-dangling", "--no-progress"], in: repo.path, environment: GitCLI.environment)
            XCTAssertEqual(fsck.status, 0, fsck.stderrText + context)
        }
        XCTAssertTrue(outcomes.contains("old") && outcomes.contains("new"), "the signals fell before and after the refs: \(outcomes)")

        // The next run clears what a killed one left (half-written packs, ref locks).
        try Interrupted.trace(folder + "/last.ndjson", edits: 5, seed: 999)
        let next = try CLI.run(["run", folder + "/last.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(next.status, 0, "\(next)")
        XCTAssertEqual(try Interrupted.leftovers(repo), [])
        XCTAssertEqual(try RepositoryState.of(repo.path), state)
    }

    /// What a run killed while writing leaves, made by hand: the lock file still naming the
    /// dead holder, a temporary pack, a ref lock. The next run removes those two, keeps a
    /// temporary pack older than the lock (not the dead run's), and says so.
    func testTheNextRunClearsWhatAKilledOneLeft() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "leftovers")
        let git = repo.path + "/.git"
        let manager = FileManager.default
        try Data("older\n".utf8).write(to: URL(fileURLWithPath: git + "/objects/pack/pack_git2_0000000000000000"))
        try manager.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)],
            ofItemAtPath: git + "/objects/pack/pack_git2_0000000000000000")
        try manager.createDirectory(atPath: git + "/agentreplay", withIntermediateDirectories: true)
        try Data("pid 999999\n".utf8).write(to: URL(fileURLWithPath: git + "/agentreplay/lock"))
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_500_000_000)], ofItemAtPath: git + "/agentreplay/lock")
        try Data("half a pack".utf8).write(to: URL(fileURLWithPath: git + "/objects/pack/pack_git2_1111111111111111"))
        try manager.createDirectory(atPath: git + "/refs/agentreplay", withIntermediateDirectories: true)
        try Data("0123\n".utf8).write(to: URL(fileURLWithPath: git + "/refs/agentreplay/last.lock"))
        let state = try RepositoryState.of(repo.path)

        try Interrupted.trace(folder + "/t.ndjson", edits: 3, seed: 5)
        let r = try CLI.run(["run", folder + "/t.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(
            r.stderrText.contains(
                "agentreplay: note: cleaned up after an agentreplay that did not finish (pid 999999): removed 2 half-written files\n"), r.stderrText)
        XCTAssertFalse(manager.fileExists(atPath: git + "/objects/pack/pack_git2_1111111111111111"))
        XCTAssertFalse(manager.fileExists(atPath: git + "/refs/agentreplay/last.lock"))
        XCTAssertTrue(manager.fileExists(atPath: git + "/objects/pack/pack_git2_0000000000000000"), "not the dead run's: kept")
        XCTAssertEqual(try String(contentsOfFile: git + "/agentreplay/lock", encoding: .utf8), "free\n")
        XCTAssertEqual(Interrupted.rev(repo, "refs/agentreplay/last"), Interrupted.rev(repo, "refs/agentreplay/runs/" + Interrupted.traceID(seed: 5)))
        XCTAssertEqual(try RepositoryState.of(repo.path), state)
        // Nothing more to clear the next time.
        let again = try CLI.run(["run", folder + "/t.ndjson", "--repo", repo.path], in: folder)
        XCTAssertEqual(again.status, 0, "\(again)")
        XCTAssertFalse(again.stderrText.contains("cleaned up"), again.stderrText)
    }

    /// Processes whose working directory is under `folder`.
    func processes(in folder: String) -> [Int32] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { entry in
            guard let pid = Int32(entry), let cwd = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(entry)/cwd"),
                cwd == folder || cwd.hasPrefix(folder + "/")
            else { return nil }
            return pid
        }
    }

    func testBisectStoppedAtManyMoments() throws {
        let repo = try busyRepository()
        let folder = try makeTemporaryDirectory(self, "interrupt")
        let cache = try makeTemporaryDirectory(self, "cache")
        let environment = ["XDG_CACHE_HOME": cache]
        try Interrupted.trace(folder + "/trace.ndjson", edits: 24, seed: 7, bugFrom: 17)
        XCTAssertEqual(try CLI.run(["run", folder + "/trace.ndjson", "--repo", repo.path], in: folder).status, 0)
        let state = try RepositoryState.of(repo.path)
        let refs = try repo.git("for-each-ref", "--format=%(refname) %(objectname)")
        let test = "sleep 0.15; ! grep -q BUG app.txt"

        let started = Date()
        let whole = try CLI.run(["bisect", "--repo", repo.path, "--test", test], in: folder, environment: environment)
        XCTAssertEqual(whole.status, 0, "\(whole)")
        XCTAssertTrue(whole.stdoutText.contains("after step 17 of 24"), whole.stdoutText)
        let duration = Date().timeIntervalSince(started) * 1.2

        let moments = 12
        for n in 0..<moments {
            let signal = Self.signals[n % 3]
            let jobs = n % 4 < 2 ? "1" : "3"
            let child = try Child(
                CLI.executable, ["bisect", "--repo", repo.path, "--test", test, "--jobs", jobs], in: folder,
                environment: CLI.environment(environment), outputs: folder + "/bisect\(n)")
            usleep(useconds_t(duration * Double(n) / Double(moments - 1) * 1_000_000))
            child.signal(signal)
            let r = child.wait()
            let context = "moment \(n), signal \(signal), --jobs \(jobs): \(r.end)\n\(r.stderr)"
            switch r.end {
            case .exited(0): break  // done before the signal
            case .exited(let status):
                XCTAssertEqual(status, 128 + signal, context)
                XCTAssertTrue(r.stderr.contains("interrupted"), context)
            case .signaled(let s):
                // SIGKILL; or SIGINT/SIGTERM before the handlers were installed (nothing held).
                XCTAssertEqual(s, signal, context)
            }
            XCTAssertEqual(try RepositoryState.of(repo.path), state, "the repository is untouched; " + context)
            XCTAssertEqual(try repo.git("for-each-ref", "--format=%(refname) %(objectname)"), refs, context)
            if signal != SIGKILL {
                // Stopped in order: the tests' process groups killed, the worktree lock gone.
                let worktrees = try XCTUnwrap(FileManager.default.contentsOfDirectory(atPath: cache + "/agentreplay/worktrees").first)
                XCTAssertFalse(FileManager.default.fileExists(atPath: cache + "/agentreplay/worktrees/\(worktrees)/lock"), context)
                XCTAssertEqual(processes(in: cache), [], context)
            }
            // The next bisect cleans up after a killed one and finds the same culprit.
            guard signal == SIGKILL || n == moments - 1 else { continue }
            let next = try CLI.run(["bisect", "--repo", repo.path, "--test", test], in: folder, environment: environment)
            XCTAssertEqual(next.status, 0, "\(next)\n" + context)
            XCTAssertTrue(next.stdoutText.contains("after step 17 of 24"), next.stdoutText)
            XCTAssertEqual(processes(in: cache), [], "no test left running; " + context)
            let worktrees = cache + "/agentreplay/worktrees"
            for key in try FileManager.default.contentsOfDirectory(atPath: worktrees) {
                XCTAssertFalse(FileManager.default.fileExists(atPath: worktrees + "/" + key + "/lock"), "worktree lock released; " + context)
                // Every worktree is recorded clean, ready for the next bisect.
                for name in try FileManager.default.contentsOfDirectory(atPath: worktrees + "/" + key) where name.hasSuffix(".state") {
                    XCTAssertTrue(
                        try String(contentsOfFile: worktrees + "/" + key + "/" + name, encoding: .utf8).hasSuffix("clean\n"), name + "; " + context)
                }
            }
        }
        XCTAssertEqual(try RepositoryState.of(repo.path), state)
        let fsck = try Subprocess.run(
            "/usr/bin/env", ["git", "fsck", "--strict", "--no-dangling", "--no-progress"], in: repo.path, environment: GitCLI.environment)
        XCTAssertEqual(fsck.status, 0, fsck.stderrText)
    }
}

/// Traces and repository probes the interruption and concurrency tests share.
enum Interrupted {
    /// The trace id of the trace made with `seed`.
    static func traceID(seed: Int) -> String { String(format: "%032x", 0xA9E17 + seed) }

    /// A native trace of `edits` spans, each writing one file; `seed` makes its trace id and
    /// contents its own.
    static func trace(_ path: String, edits: Int, seed: Int, bugFrom: Int? = nil) throws {
        var text = #"{"agentreplay":"trace","version":1,"trace_id":"\#(traceID(seed: seed))","agent":{"name":"interrupted"}}"# + "\n"
        for i in 1...edits {
            let path = bugFrom == nil ? "d\(i % 40)/f\(i).txt" : "app.txt"
            let content = bugFrom.map { i >= $0 ? "version \(i)\\nBUG\\n" : "version \(i)\\n" } ?? "seed \(seed) edit \(i)\\n"
            text +=
                #"{"span_id":"\#(String(format: "%016x", i))","kind":"tool","name":"save","start_time":"2025-01-01T00:00:00Z","status":"ok","attributes":{"gen_ai.tool.call.id":"call_\#(i)","gen_ai.tool.name":"save"},"effects":[{"path":"\#(path)","op":"write","content":"\#(content)"}]}"#
                + "\n"
        }
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    static func rev(_ repo: TestRepo, _ name: String) -> String? {
        (try? repo.git("rev-parse", "--verify", "-q", name))?.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func leftovers(_ repo: TestRepo) throws -> [String] {
        let found = try Subprocess.run(
            "/usr/bin/env", ["find", ".git/objects/pack", ".git/refs", "-name", "pack_git2_*", "-o", "-name", "*.lock"], in: repo.path)
        return found.stdoutText.split(separator: "\n").map(String.init)
    }
}
