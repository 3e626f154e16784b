import Foundation
import XCTest

import Git
@testable import Replay
@testable import RunStore

/// The repository's lock in one process: `flock` locks belong to an open file, so two
/// `RepositoryLock`s of one repository exclude each other here as two processes would.
final class RepositoryLockTests: XCTestCase {
    func testASecondHolderWaitsSaysForWhomAndGetsTheLockOnRelease() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let first = RepositoryLock(repository: try repo.open())
        try first.acquire()
        XCTAssertEqual(try String(contentsOfFile: first.path, encoding: .utf8), "pid \(getpid())\n")
        XCTAssertTrue(first.path.hasSuffix("/.git/agentreplay/lock"), first.path)

        let waited = Waited()
        let done = expectation(description: "second holder")
        let path = repo.path
        Thread.detachNewThread {
            do {
                // A repository handle per thread, as libgit2 wants.
                let second = RepositoryLock(repository: try Repository.open(path))
                try second.acquire(waiting: { waited.set($0) })
                waited.acquired()
                second.release()
            } catch {
                XCTFail("\(error)")
            }
            done.fulfill()
        }
        XCTAssertTrue(waited.waitForWaiting(), "the second holder says it waits")
        XCTAssertEqual(waited.pid, getpid())
        usleep(100_000)
        XCTAssertFalse(waited.hasAcquired, "not while the first holds it")
        first.release()
        wait(for: [done], timeout: 10)
        XCTAssertTrue(waited.hasAcquired)
        XCTAssertEqual(try String(contentsOfFile: first.path, encoding: .utf8), "free\n")
        XCTAssertEqual(RepositoryLock.waitingMessage(42), "waiting for another agentreplay (pid 42) on this repository…")
    }

    func testAHolderThatDiedLeavesItsLeftoversToTheNext() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let repository = try repo.open()
        let git = repo.path + "/.git"
        let manager = FileManager.default
        let older = git + "/objects/pack/pack_git2_older"
        try Data("x".utf8).write(to: URL(fileURLWithPath: older))
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_000_000_000)], ofItemAtPath: older)
        try manager.createDirectory(atPath: git + "/agentreplay", withIntermediateDirectories: true)
        try Data("pid 999999\n".utf8).write(to: URL(fileURLWithPath: git + "/agentreplay/lock"))
        try manager.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_500_000_000)], ofItemAtPath: git + "/agentreplay/lock")
        let newer = git + "/objects/pack/pack_git2_newer"
        try Data("y".utf8).write(to: URL(fileURLWithPath: newer))
        try manager.createDirectory(atPath: git + "/refs/agentreplay/runs", withIntermediateDirectories: true)
        try Data("z".utf8).write(to: URL(fileURLWithPath: git + "/refs/agentreplay/runs/abc.lock"))

        var notes: [String] = []
        let value = try RepositoryLock.holding(repository, waiting: { _ in XCTFail("nobody holds it") }, notes: { notes.append($0) }) { 7 }
        XCTAssertEqual(value, 7)
        XCTAssertEqual(notes, ["cleaned up after an agentreplay that did not finish (pid 999999): removed 2 half-written files"])
        XCTAssertFalse(manager.fileExists(atPath: newer))
        XCTAssertFalse(manager.fileExists(atPath: git + "/refs/agentreplay/runs/abc.lock"))
        XCTAssertTrue(manager.fileExists(atPath: older), "older than the dead holder's lock: not its")

        // Released in order: nothing to clean the next time.
        notes = []
        _ = try RepositoryLock.holding(repository, waiting: { _ in }, notes: { notes.append($0) }) { 0 }
        XCTAssertEqual(notes, [])
    }

    func testTemporaryOwnerIsThePidAnAgentreplayTemporaryNames() {
        XCTAssertEqual(RepositoryLock.temporaryOwner("pack_git2_agentreplay_4242_Ab12Cd"), 4242)
        XCTAssertEqual(RepositoryLock.temporaryOwner("pack_git2_agentreplay_1_x"), 1)
        XCTAssertEqual(RepositoryLock.temporaryOwner("pack_git2_agentreplay_2147483647_zzzzzz"), Int32.max)
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_Ab12Cd"), "the name before pids: no owner")
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_4242"), "no suffix")
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay__Ab12Cd"))
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_12ab_Cd34Ef"))
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_99999999999_Ab12Cd"), "not a pid")
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_+42_Ab12Cd"), "digits only")
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_agentreplay_-42_Ab12Cd"), "digits only")
        XCTAssertNil(RepositoryLock.temporaryOwner("pack_git2_4242_Ab12Cd"), "libgit2's own")
        XCTAssertNil(RepositoryLock.temporaryOwner("tmp_pack_git2_agentreplay_4242_Ab12Cd"))
        XCTAssertNil(RepositoryLock.temporaryOwner(""))
    }

    /// The dead holder is a real process that has ended; another, live process's temporary is
    /// one it is still writing: only the dead one's recent temporaries go. libgit2's own
    /// (`pack_git2_<random>`) keep the old rule: made since the dead holder took the lock.
    func testOnlyTheDeadHoldersTemporariesAreRemoved() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let repository = try repo.open()
        let git = repo.path + "/.git", pack = repo.path + "/.git/objects/pack"
        let manager = FileManager.default
        let dead = try Self.endedProcess()
        let live = try Process.run(URL(fileURLWithPath: "/bin/sleep"), arguments: ["60"])
        addTeardownBlock {
            live.terminate(); live.waitUntilExit()
        }
        try manager.createDirectory(atPath: git + "/agentreplay", withIntermediateDirectories: true)
        try Data("pid \(dead)\n".utf8).write(to: URL(fileURLWithPath: git + "/agentreplay/lock"))
        // The dead holder took the lock a minute ago; what it wrote before then is kept (and,
        // younger than an hour, is not abandoned either).
        try manager.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -60)], ofItemAtPath: git + "/agentreplay/lock")
        func make(_ name: String, old: Bool = false) throws -> String {
            let path = pack + "/" + name
            try Data("half".utf8).write(to: URL(fileURLWithPath: path))
            if old { try manager.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: path) }
            return path
        }
        let deads = try make("pack_git2_agentreplay_\(dead)_Ab12Cd")
        let deadsBefore = try make("pack_git2_agentreplay_\(dead)_Old000", old: true)
        let lives = try make("pack_git2_agentreplay_\(live.processIdentifier)_Ef34Gh")
        let mine = try make("pack_git2_agentreplay_\(getpid())_Ij56Kl")
        let libgit2s = try make("pack_git2_Mn78Op")

        var notes: [String] = []
        try RepositoryLock.holding(repository, waiting: { _ in XCTFail("nobody holds it") }, notes: { notes.append($0) }) {}
        XCTAssertEqual(notes, ["cleaned up after an agentreplay that did not finish (pid \(dead)): removed 2 half-written files"])
        XCTAssertFalse(manager.fileExists(atPath: deads))
        XCTAssertFalse(manager.fileExists(atPath: libgit2s))
        XCTAssertTrue(manager.fileExists(atPath: lives), "a live process's: kept")
        XCTAssertTrue(manager.fileExists(atPath: mine), "this process's: kept")
        XCTAssertTrue(manager.fileExists(atPath: deadsBefore), "older than the dead holder's lock: kept")
    }

    /// A temporary of an agentreplay that ended without the lock (killed while storing its
    /// trace) is removed by the next holder once nothing has written it for an hour; a recent
    /// one, a running process's and this process's are kept.
    func testAbandonedTemporariesOfEndedProcessesAreRemovedAfterAnHour() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let pack = repo.path + "/.git/objects/pack"
        let manager = FileManager.default
        let dead = try Self.endedProcess()
        let live = try Process.run(URL(fileURLWithPath: "/bin/sleep"), arguments: ["60"])
        addTeardownBlock {
            live.terminate(); live.waitUntilExit()
        }
        func make(_ name: String, age: TimeInterval) throws -> String {
            let path = pack + "/" + name
            try Data("left".utf8).write(to: URL(fileURLWithPath: path))
            try manager.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -age)], ofItemAtPath: path)
            return path
        }
        let abandoned = try make("pack_git2_agentreplay_\(dead)_Ab12Cd", age: 7200)
        let recent = try make("pack_git2_agentreplay_\(dead)_Cd34Ef", age: 600)
        let running = try make("pack_git2_agentreplay_\(live.processIdentifier)_Ef56Gh", age: 7200)
        let mine = try make("pack_git2_agentreplay_\(getpid())_Gh78Ij", age: 7200)
        let libgit2s = try make("pack_git2_Ij90Kl", age: 7200)
        var notes: [String] = []
        try RepositoryLock.holding(try repo.open(), waiting: { _ in XCTFail("nobody holds it") }, notes: { notes.append($0) }) {}
        XCTAssertEqual(notes, ["removed 1 temporary file left by agentreplay processes that ended"])
        XCTAssertFalse(manager.fileExists(atPath: abandoned))
        for kept in [recent, running, mine, libgit2s] { XCTAssertTrue(manager.fileExists(atPath: kept), kept) }
    }

    /// The dead holder's pid is this process's (pids are reused): this process's temporaries,
    /// which it may be writing now, are kept.
    func testThisProcesssTemporariesAreKeptThoughTheDeadHolderHadItsPid() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let git = repo.path + "/.git"
        try FileManager.default.createDirectory(atPath: git + "/agentreplay", withIntermediateDirectories: true)
        try Data("pid \(getpid())\n".utf8).write(to: URL(fileURLWithPath: git + "/agentreplay/lock"))
        try FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: 1_500_000_000)], ofItemAtPath: git + "/agentreplay/lock")
        let mine = git + "/objects/pack/pack_git2_agentreplay_\(getpid())_Ab12Cd"
        try Data("being written".utf8).write(to: URL(fileURLWithPath: mine))
        var notes: [String] = []
        try RepositoryLock.holding(try repo.open(), waiting: { _ in }, notes: { notes.append($0) }) {}
        XCTAssertEqual(notes, ["cleaned up after an agentreplay that did not finish (pid \(getpid()))"])
        XCTAssertTrue(FileManager.default.fileExists(atPath: mine))
    }

    /// The pid of a process that ran and ended.
    static func endedProcess() throws -> Int32 {
        let process = try Process.run(URL(fileURLWithPath: "/bin/true"), arguments: [])
        process.waitUntilExit()
        return process.processIdentifier
    }

    func testTheLockIsNotTakenThroughASymlink() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        let elsewhere = try makeTemporaryDirectory(self, "elsewhere") + "/target"
        try Data("untouched\n".utf8).write(to: URL(fileURLWithPath: elsewhere))
        try FileManager.default.createDirectory(atPath: repo.path + "/.git/agentreplay", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: repo.path + "/.git/agentreplay/lock", withDestinationPath: elsewhere)
        XCTAssertThrowsError(try RepositoryLock(repository: try repo.open()).acquire()) { error in
            XCTAssertTrue("\(error)".contains("cannot open"), "\(error)")
        }
        XCTAssertEqual(try String(contentsOfFile: elsewhere, encoding: .utf8), "untouched\n")
    }
}

/// What the second holder saw, shared with the test's thread.
private final class Waited: @unchecked Sendable {
    private let condition = NSCondition()
    private var waitedFor: Int32??
    private var gotIt = false

    func set(_ pid: Int32?) {
        condition.lock()
        waitedFor = .some(pid)
        condition.broadcast()
        condition.unlock()
    }

    func acquired() {
        condition.lock()
        gotIt = true
        condition.unlock()
    }

    var pid: Int32? {
        condition.lock()
        defer { condition.unlock() }
        return waitedFor ?? nil
    }

    var hasAcquired: Bool {
        condition.lock()
        defer { condition.unlock() }
        return gotIt
    }

    func waitForWaiting() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        let deadline = Date(timeIntervalSinceNow: 10)
        while waitedFor == nil {
            if !condition.wait(until: deadline) { return false }
        }
        return true
    }
}
