import CGit2
import CGit2Support
import Foundation
import XCTest

@testable import Git

/// `agentreplay_worktree_scan`, the stat walk that narrows libgit2's, on a repository the git
/// CLI made, against the index git wrote: what it names as suspect and as unknown, and when it
/// leaves the answer to libgit2's whole walk.
final class WorktreeScanTests: XCTestCase {
    struct Scan: Equatable {
        var full: Bool
        var suspects: [String]
        var unknown: [String]
    }

    /// The scan with its files lstat'ed on one thread, then ahead on two and on three threads
    /// (each a run of the entries): the answers must not differ.
    func scan(_ fixture: Fixture, limit: Int = 64) throws -> Scan {
        let one = try scan(fixture, limit: limit, threads: 1)
        for threads in [2, 3] {
            XCTAssertEqual(try scan(fixture, limit: limit, threads: threads), one, "\(threads) threads")
        }
        return one
    }

    func scan(_ fixture: Fixture, limit: Int, threads: Int) throws -> Scan {
        try Library.ensureInitialized()
        let indexPath = fixture.path + "/.git/index"
        var time: Int64 = 0
        XCTAssertEqual(agentreplay_file_mtime(indexPath, &time), 0)
        var index: OpaquePointer?
        XCTAssertEqual(git_index_open(&index, indexPath), 0)
        defer { git_index_free(index) }
        var suspects = agentreplay_paths()
        var unknown = agentreplay_paths()
        defer {
            agentreplay_paths_free(&suspects)
            agentreplay_paths_free(&unknown)
        }
        let rc = agentreplay_worktree_scan(index, fixture.path, time, limit, threads, &suspects, &unknown)
        XCTAssertGreaterThanOrEqual(rc, 0)
        func strings(_ paths: agentreplay_paths) -> [String] {
            (0..<paths.count).map { String(cString: paths.paths[$0]!) }.sorted()
        }
        return Scan(full: rc == 1, suspects: rc == 1 ? [] : strings(suspects), unknown: rc == 1 ? [] : strings(unknown))
    }

    /// Files dated in the past, then staged: git's index holds stat data no file is racily
    /// clean against.
    func makeFixture() throws -> Fixture {
        let fixture = try Fixture(self)
        // src/e.c sorts after src/deep/: the files of src are two runs of the entries.
        let files = ["a.txt": "a\n", "src/b.c": "b\n", "src/deep/c.c": "c\n", "src/e.c": "e\n", ".gitignore": "*.o\nbuild/\n"]
        for (name, content) in files {
            let path = fixture.path + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
            try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: 1_700_000_000)], ofItemAtPath: path)
        }
        try fixture.git("add", "-A")
        return fixture
    }

    func testACleanTreeHasNoSuspectsAndIgnoredNamesAreUnknown() throws {
        let fixture = try makeFixture()
        XCTAssertEqual(try scan(fixture), Scan(full: false, suspects: [], unknown: []))
        try Data("o\n".utf8).write(to: URL(fileURLWithPath: fixture.path + "/src/b.o"))
        try FileManager.default.createDirectory(atPath: fixture.path + "/build/x", withIntermediateDirectories: true)
        try Data("o\n".utf8).write(to: URL(fileURLWithPath: fixture.path + "/build/x/y.o"))
        XCTAssertEqual(try scan(fixture), Scan(full: false, suspects: [], unknown: ["build", "src/b.o"]), "one name per folder, not entered")
    }

    func testChangedGoneAndRacyFilesAreSuspects() throws {
        let fixture = try makeFixture()
        try Data("changed\n".utf8).write(to: URL(fileURLWithPath: fixture.path + "/src/deep/c.c"))
        try FileManager.default.removeItem(atPath: fixture.path + "/a.txt")
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fixture.path + "/src/b.c")
        XCTAssertEqual(try scan(fixture), Scan(full: false, suspects: ["a.txt", "src/b.c", "src/deep/c.c"], unknown: []))

        // Staged again now: the index is as new as the files, which it cannot vouch for.
        let now = try makeFixture()
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: now.path + "/a.txt"))
        try now.git("add", "-A")
        // In the same second as the file, whatever the clock did meanwhile.
        let written = try FileManager.default.attributesOfItem(atPath: now.path + "/a.txt")[.modificationDate]
        try FileManager.default.setAttributes([.modificationDate: try XCTUnwrap(written)], ofItemAtPath: now.path + "/.git/index")
        XCTAssertEqual(try scan(now).suspects, ["a.txt"], "racily clean: as new as the index")
    }

    /// A folder's names are only counted when every tracked name in it is there: one file
    /// gone and one new keep the count, and the new name is still found.
    func testAFileGoneAndAFileNewInOneFolder() throws {
        let fixture = try makeFixture()
        try FileManager.default.removeItem(atPath: fixture.path + "/src/b.c")
        try Data("x\n".utf8).write(to: URL(fileURLWithPath: fixture.path + "/src/x.c"))
        XCTAssertEqual(try scan(fixture), Scan(full: false, suspects: ["src/b.c"], unknown: ["src/x.c"]))
    }

    /// A name the index does not have adds nothing when ignored, or when it is a folder that
    /// holds only ignored names and folders like it; a file, or a nested repository, adds.
    func testWhatANameTheIndexDoesNotHaveAdds() throws {
        let fixture = try makeFixture()
        let files = [
            "build/out.bin": "b\n", "objs/a.o": "o\n", "objs/deep/b.o": "o\n", "mixed/c.o": "o\n", "mixed/deep/d.txt": "d\n", "new.txt": "n\n",
        ]
        for (name, content) in files {
            let path = fixture.path + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }
        try FileManager.default.createDirectory(atPath: fixture.path + "/empty/inner", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: fixture.path + "/nested", withIntermediateDirectories: true)
        try GitCLI(directory: fixture.path + "/nested")("init", "-q")
        try Library.ensureInitialized()
        var repo: OpaquePointer?
        XCTAssertEqual(git_repository_open(&repo, fixture.path), 0)
        defer { git_repository_free(repo) }
        func addsNothing(_ path: String, budget: Int = 64) -> Bool {
            agentreplay_worktree_adds_nothing(repo, fixture.path, path, budget) == 1
        }
        XCTAssertTrue(addsNothing("build"), "an ignored folder, not entered")
        XCTAssertTrue(addsNothing("src/x.o"), "ignored")
        XCTAssertTrue(addsNothing("empty"), "folders holding nothing")
        XCTAssertTrue(addsNothing("objs"), "only ignored files, at any depth")
        XCTAssertFalse(addsNothing("objs", budget: 2), "more names than the budget")
        XCTAssertFalse(addsNothing("mixed"), "a file git would add, deeper down")
        XCTAssertFalse(addsNothing("new.txt"), "a file git would add")
        XCTAssertFalse(addsNothing("nested"), "a repository of its own: a gitlink")
    }

    func testWhatOnlyAWholeWalkCanAnswer() throws {
        let folderGone = try makeFixture()
        try FileManager.default.removeItem(atPath: folderGone.path + "/src/deep")
        XCTAssertTrue(try scan(folderGone).full, "a tracked folder gone")

        let becameFolder = try makeFixture()
        try FileManager.default.removeItem(atPath: becameFolder.path + "/a.txt")
        try FileManager.default.createDirectory(atPath: becameFolder.path + "/a.txt", withIntermediateDirectories: true)
        XCTAssertTrue(try scan(becameFolder).full, "a tracked file became a folder")

        // A folder moved out of the working tree and replaced by a symlink to it: its files,
        // reached through the link, are the very files the index describes (a rename keeps
        // their inodes and times), but git sees a symlink where the folder was.
        let linked = try makeFixture()
        let outside = linked.path + ".outside"
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.moveItem(atPath: linked.path + "/src", toPath: outside)
        try FileManager.default.createSymbolicLink(atPath: linked.path + "/src", withDestinationPath: outside)
        XCTAssertTrue(try scan(linked).full, "a tracked folder became a symlink")

        let many = try makeFixture()
        for i in 0..<5 { try Data("n\n".utf8).write(to: URL(fileURLWithPath: many.path + "/new\(i).txt")) }
        XCTAssertEqual(try scan(many, limit: 5).unknown.count, 5)
        XCTAssertTrue(try scan(many, limit: 4).full, "more unknown names than the limit")
    }
}
