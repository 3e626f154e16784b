import Foundation
import XCTest

#if canImport(Glibc)
import Glibc
#endif

/// Two `run`s and a `bisect` at once on one repository, as real processes: each run's refs
/// are written whole, one run after the other, under the repository's lock
/// (`.git/agentreplay/lock`); a command that waits for it says so on stderr.
final class ConcurrencyTests: XCTestCase {
    func trace(_ path: String, seed: Int) throws {
        try Interrupted.trace(path, edits: 24, seed: seed, bugFrom: 17)
    }

    func head(of trace: String, in repo: TestRepo) throws -> String {
        let r = try CLI.run(["run", trace, "--repo", repo.path, "--no-refs", "--json"], in: repo.path)
        return try XCTUnwrap(RunJSON(r.stdout).head)
    }

    func testTwoRunsAndABisectAtOnce() throws {
        let repo = try TestRepo(self, files: ["app.txt": "version 0\n"])
        try repo.write(["dirty.txt": "untracked\n"])
        let folder = try makeTemporaryDirectory(self, "concurrent")
        let cache = try makeTemporaryDirectory(self, "cache")
        try trace(folder + "/first.ndjson", seed: 1)
        XCTAssertEqual(try CLI.run(["run", folder + "/first.ndjson", "--repo", repo.path], in: folder).status, 0)
        let state = try RepositoryState.of(repo.path)
        let test = "sleep 0.05; ! grep -q BUG app.txt"

        for round in 0..<3 {
            let a = folder + "/a\(round).ndjson", b = folder + "/b\(round).ndjson"
            try trace(a, seed: 10 + 2 * round)
            try trace(b, seed: 11 + 2 * round)
            let heads = [try head(of: a, in: repo), try head(of: b, in: repo)]
            let children = [
                try Child(
                    CLI.executable, ["run", a, "--repo", repo.path], in: folder, environment: CLI.environment(), outputs: folder + "/a\(round)"),
                try Child(
                    CLI.executable, ["run", b, "--repo", repo.path], in: folder, environment: CLI.environment(), outputs: folder + "/b\(round)"),
                try Child(
                    CLI.executable, ["bisect", "--repo", repo.path, "--test", test], in: folder,
                    environment: CLI.environment(["XDG_CACHE_HOME": cache]), outputs: folder + "/bisect\(round)"),
            ]
            let results = children.map { $0.wait() }
            for (name, r) in zip(["run a", "run b", "bisect"], results) {
                XCTAssertEqual(r.end, .exited(0), "round \(round), \(name):\n\(r.stderr)")
            }
            // Whichever stored run bisect read, it was whole: the culprit is step 17 of 24.
            XCTAssertTrue(results[2].stdout.contains("after step 17 of 24"), results[2].stdout)
            for (seed, head) in zip([10 + 2 * round, 11 + 2 * round], heads) {
                let id = Interrupted.traceID(seed: seed)
                XCTAssertEqual(Interrupted.rev(repo, "refs/agentreplay/runs/" + id), head, "round \(round): \(id)")
                XCTAssertNotNil(Interrupted.rev(repo, "refs/agentreplay/traces/" + id))
            }
            XCTAssertTrue(heads.contains(try XCTUnwrap(Interrupted.rev(repo, "refs/agentreplay/last"))))
            XCTAssertEqual(try RepositoryState.of(repo.path), state, "round \(round)")
            XCTAssertEqual(try Interrupted.leftovers(repo), [])
            let fsck = try Subprocess.run(
                "/usr/bin/env", ["git", "fsck", "--strict", "--no-dangling", "--no-progress"], in: repo.path, environment: GitCLI.environment)
            XCTAssertEqual(fsck.status, 0, fsck.stderrText)
        }
    }

    /// Holds the repository's lock as another agentreplay would.
    func holdLock(_ repo: TestRepo) throws -> Int32 {
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/agentreplay", withIntermediateDirectories: true)
        let fd = open(repo.path + "/.git/agentreplay/lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        XCTAssertEqual(flock(fd, LOCK_EX), 0)
        let text = Array("pid \(getpid())\n".utf8)
        _ = text.withUnsafeBytes { pwrite(fd, $0.baseAddress, $0.count, 0) }
        _ = ftruncate(fd, off_t(text.count))
        return fd
    }

    func waitForStderr(_ child: Child, containing text: String) -> Bool {
        for _ in 0..<500 {
            if let err = try? String(contentsOfFile: child.stderrPath, encoding: .utf8), err.contains(text) { return true }
            usleep(20_000)
        }
        return false
    }

    func testACommandThatWaitsSaysSo() throws {
        let repo = try TestRepo(self, files: ["app.txt": "version 0\n"])
        let folder = try makeTemporaryDirectory(self, "waiting")
        let cache = try makeTemporaryDirectory(self, "cache")
        try trace(folder + "/t.ndjson", seed: 3)
        XCTAssertEqual(try CLI.run(["run", folder + "/t.ndjson", "--repo", repo.path], in: folder).status, 0)
        let message = "agentreplay: note: waiting for another agentreplay (pid \(getpid())) on this repository…"

        for arguments in [
            ["run", folder + "/t.ndjson", "--repo", repo.path],
            ["bisect", "--repo", repo.path, "--test", "! grep -q BUG app.txt"],
        ] {
            let fd = try holdLock(repo)
            let child = try Child(
                CLI.executable, arguments, in: folder, environment: CLI.environment(["XDG_CACHE_HOME": cache]),
                outputs: folder + "/" + arguments[0])
            XCTAssertTrue(waitForStderr(child, containing: message), arguments[0])
            usleep(200_000)
            XCTAssertTrue(child.running, "\(arguments[0]) waits while the lock is held")
            close(fd)
            let r = child.wait()
            XCTAssertEqual(r.end, .exited(0), r.stderr)
            XCTAssertTrue(r.stderr.hasPrefix(message + "\n"), r.stderr)
        }
    }
}
