import Foundation
import Git
import XCTest
@testable import Bisect

/// The private worktree: incremental updates, files a test changed written back (told by
/// inotify, or found by lstat), and the state file that lets the next bisect trust, repair or
/// wipe what it finds.
final class WorktreeTests: XCTestCase {
    func trees(_ fixture: BisectFixture) throws -> (Repository, ObjectID, ObjectID) {
        let (history, repository) = try fixture.history(
            fixture.trace([
                .write("src/a.txt", "a2\n"), .write("new/deep/gone.txt", "x\n"), .write("src/b.txt", "b2\n"),
            ]))
        // State 1 and the end: a.txt changed, new/deep/gone.txt added, b.txt changed.
        return (repository, history.tree(1), history.tree(3))
    }

    func testOnlyChangedPathsAreWritten() throws {
        for watching in [true, false] {
            let fixture = try BisectFixture(self, files: ["src/a.txt": "a\n", "src/b.txt": "b\n", "keep.txt": "k\n"])
            let (repository, first, end) = try trees(fixture)
            let worktree = Worktree(folder: fixture.cache, slot: 0, watching: watching)
            try worktree.checkout(first, repository: repository)
            try fixture.write(worktree.directory + "/.build/product", "built")
            let keep = FileStat(path: worktree.directory + "/keep.txt")
            let a = FileStat(path: worktree.directory + "/src/a.txt")
            try worktree.checkout(end, repository: repository)
            XCTAssertEqual(FileStat(path: worktree.directory + "/keep.txt"), keep, "an unchanged file is not rewritten")
            XCTAssertEqual(FileStat(path: worktree.directory + "/src/a.txt"), a)
            XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b2\n")
            XCTAssertEqual(fixture.read(worktree.directory + "/new/deep/gone.txt"), "x\n")
            XCTAssertEqual(fixture.read(worktree.directory + "/.build/product"), "built")
            try worktree.checkout(first, repository: repository)
            XCTAssertNil(fixture.read(worktree.directory + "/new/deep/gone.txt"))
            XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b\n")
        }
    }

    func testFilesATestChangedAreWrittenBack() throws {
        for watching in [true, false] {
            let fixture = try BisectFixture(self, files: ["src/a.txt": "a\n", "src/b.txt": "b\n", "keep.txt": "k\n"])
            let (repository, first, end) = try trees(fixture)
            let worktree = Worktree(folder: fixture.cache, slot: 0, watching: watching)
            try worktree.checkout(first, repository: repository)
            try fixture.write(worktree.directory + "/keep.txt", "scribbled on\n")
            try FileManager.default.removeItem(atPath: worktree.directory + "/src/a.txt")
            try fixture.write(worktree.directory + "/src/untracked.o", "object")
            try worktree.checkout(end, repository: repository)
            XCTAssertEqual(fixture.read(worktree.directory + "/keep.txt"), "k\n")
            XCTAssertEqual(fixture.read(worktree.directory + "/src/a.txt"), "a2\n")
            XCTAssertEqual(fixture.read(worktree.directory + "/src/untracked.o"), "object", "build products stay")
            // The same tree again, after a test changed a file in a folder bisect created.
            try fixture.write(worktree.directory + "/new/deep/gone.txt", "changed\n")
            try worktree.checkout(end, repository: repository)
            XCTAssertEqual(fixture.read(worktree.directory + "/new/deep/gone.txt"), "x\n")
            // A test that deletes a whole tracked folder.
            try FileManager.default.removeItem(atPath: worktree.directory + "/src")
            try worktree.checkout(end, repository: repository)
            XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b2\n")
            try fixture.write(worktree.directory + "/src/b.txt", "again\n")
            try worktree.finish(repository: repository)
            XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b2\n", "watching: \(watching)")
        }
    }

    func testTheNextBisectTrustsRepairsOrWipes() throws {
        let fixture = try BisectFixture(self, files: ["src/a.txt": "a\n", "src/b.txt": "b\n", "keep.txt": "k\n"])
        let (repository, first, end) = try trees(fixture)
        let worktree = Worktree(folder: fixture.cache, slot: 0)
        try worktree.checkout(first, repository: repository)
        try fixture.write(worktree.directory + "/.build/product", "built")
        try worktree.finish(repository: repository)
        XCTAssertEqual(fixture.read(worktree.stateFile), "agentreplay-worktree 1\ntree \(first.hex)\nclean\n")

        // Clean: taken as it is, updated incrementally.
        let keep = FileStat(path: worktree.directory + "/keep.txt")
        let next = Worktree(folder: fixture.cache, slot: 0)
        try next.checkout(end, repository: repository)
        XCTAssertEqual(FileStat(path: worktree.directory + "/keep.txt"), keep)
        XCTAssertEqual(fixture.read(worktree.stateFile)?.hasSuffix("dirty\n"), true)

        // Left mid-test (interrupted): every tracked file written again, products kept.
        try fixture.write(worktree.directory + "/keep.txt", "scribbled on\n")
        let again = Worktree(folder: fixture.cache, slot: 0)
        try again.checkout(end, repository: repository)
        XCTAssertEqual(fixture.read(worktree.directory + "/keep.txt"), "k\n")
        XCTAssertEqual(fixture.read(worktree.directory + "/.build/product"), "built")

        // No state (killed mid-update): wiped and written afresh.
        try FileManager.default.removeItem(atPath: worktree.stateFile)
        let fresh = Worktree(folder: fixture.cache, slot: 0)
        try fresh.checkout(first, repository: repository)
        XCTAssertNil(fixture.read(worktree.directory + "/.build/product"))
        XCTAssertNil(fixture.read(worktree.directory + "/new/deep/gone.txt"))
        XCTAssertEqual(fixture.read(worktree.directory + "/src/a.txt"), "a2\n")
    }
}
