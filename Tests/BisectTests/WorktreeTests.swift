import Foundation
import Git
import XCTest
@testable import Bisect

/// The private worktree: incremental updates, files a test changed written back, and the
/// state file that lets the next bisect trust, repair or wipe what it finds.
final class WorktreeTests: XCTestCase {
    func trees(_ fixture: BisectFixture) throws -> (Repository, ObjectID, ObjectID) {
        let (history, repository) = try fixture.history(fixture.trace([
            .write("src/a.txt", "a2\n"), .write("gone.txt", "x\n"), .write("src/b.txt", "b2\n"),
        ]))
        // State 1 and the end: a.txt changed, gone.txt added, b.txt changed.
        return (repository, history.tree(1), history.tree(3))
    }

    func testOnlyChangedPathsAreWritten() throws {
        let fixture = try BisectFixture(self, files: ["src/a.txt": "a\n", "src/b.txt": "b\n", "keep.txt": "k\n"])
        let (repository, first, end) = try trees(fixture)
        let worktree = Worktree(folder: fixture.cache, slot: 0)
        try worktree.checkout(first, repository: repository)
        try fixture.write(worktree.directory + "/.build/product", "built")
        let keep = FileStat(path: worktree.directory + "/keep.txt")
        let written = try worktree.checkout(end, repository: repository)
        XCTAssertEqual(written, 2, "gone.txt and src/b.txt")
        XCTAssertEqual(FileStat(path: worktree.directory + "/keep.txt"), keep, "an unchanged file is not rewritten")
        XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b2\n")
        XCTAssertEqual(fixture.read(worktree.directory + "/.build/product"), "built")
        try worktree.checkout(first, repository: repository)
        XCTAssertNil(fixture.read(worktree.directory + "/gone.txt"))
        XCTAssertEqual(fixture.read(worktree.directory + "/src/b.txt"), "b\n")
    }

    func testFilesATestChangedAreWrittenBack() throws {
        let fixture = try BisectFixture(self, files: ["src/a.txt": "a\n", "src/b.txt": "b\n", "keep.txt": "k\n"])
        let (repository, first, end) = try trees(fixture)
        let worktree = Worktree(folder: fixture.cache, slot: 0)
        try worktree.checkout(first, repository: repository)
        try fixture.write(worktree.directory + "/keep.txt", "scribbled on\n")
        try FileManager.default.removeItem(atPath: worktree.directory + "/src/a.txt")
        try worktree.checkout(end, repository: repository)
        XCTAssertEqual(fixture.read(worktree.directory + "/keep.txt"), "k\n")
        XCTAssertEqual(fixture.read(worktree.directory + "/src/a.txt"), "a2\n")
        // The same tree again, after a test changed a file: written back too.
        try fixture.write(worktree.directory + "/gone.txt", "changed\n")
        XCTAssertEqual(try worktree.checkout(end, repository: repository), 1)
        XCTAssertEqual(fixture.read(worktree.directory + "/gone.txt"), "x\n")
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
        XCTAssertEqual(try next.checkout(end, repository: repository), 2)
        XCTAssertEqual(FileStat(path: worktree.directory + "/keep.txt"), keep)
        XCTAssertEqual(fixture.read(worktree.stateFile)?.hasSuffix("testing\n"), true)

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
        XCTAssertNil(fixture.read(worktree.directory + "/gone.txt"))
        XCTAssertEqual(fixture.read(worktree.directory + "/src/a.txt"), "a2\n")
    }
}
