import XCTest

@testable import Git

final class RevisionTests: XCTestCase {
    func testResolveCommitLikeGit() throws {
        let fixture = try Fixture(self, files: ["a.txt": "1\n"])
        let second = try fixture.commit(["a.txt": "2\n"], message: "second")
        try fixture.git("tag", "-a", "v1", "-m", "annotated", "HEAD~1")
        let repository = try fixture.open()
        XCTAssertEqual(try repository.resolveCommit("HEAD"), second)
        XCTAssertEqual(try repository.resolveCommit("main"), second)
        XCTAssertEqual(try repository.resolveCommit(String(second.hex.prefix(10))), second)
        XCTAssertEqual(try repository.resolveCommit("HEAD~1"), try fixture.id("rev-parse", "HEAD~1"))
        XCTAssertEqual(try repository.resolveCommit("v1"), try fixture.id("rev-parse", "v1^{commit}"))
        XCTAssertEqual(try repository.head(), second)
    }

    func testResolveErrorsAreClear() throws {
        let fixture = try Fixture(self, files: ["a.txt": "1\n"])
        let repository = try fixture.open()
        XCTAssertThrowsError(try repository.resolveCommit("no-such-branch")) { error in
            let error = try? XCTUnwrap(error as? GitError)
            XCTAssertEqual(error?.isNotFound, true)
            XCTAssertEqual(error?.function, "git_revparse_single")
            XCTAssertTrue(error?.message.contains("no-such-branch") == true, "\(String(describing: error))")
            XCTAssertTrue(error?.description.contains("no-such-branch") == true)
        }
        XCTAssertThrowsError(try repository.resolveCommit("HEAD:a.txt")) { error in
            XCTAssertEqual((error as? GitError)?.function, "git_object_peel")
        }
    }

    func testUnbornHeadIsNil() throws {
        let fixture = try Fixture(self)
        XCTAssertNil(try fixture.open().head())
    }

    func testOpenSearchesUpwardAndReportsDirectories() throws {
        let fixture = try Fixture(self, files: ["deep/er/file.txt": "x\n"])
        let repository = try Repository.open(fixture.path + "/deep/er")
        XCTAssertEqual(repository.workingDirectory, fixture.path)
        XCTAssertEqual(repository.gitDirectory, fixture.path + "/.git")
        XCTAssertFalse(repository.isBare)

        let bare = try Fixture(self, bare: true)
        let bareRepository = try bare.open()
        XCTAssertNil(bareRepository.workingDirectory)
        XCTAssertEqual(bareRepository.gitDirectory, bare.path)
        XCTAssertTrue(bareRepository.isBare)
    }

    func testOpenOutsideARepositoryThrows() throws {
        let directory = try makeTemporaryDirectory(self)
        setenv("GIT_CEILING_DIRECTORIES", (directory as NSString).deletingLastPathComponent, 1)
        defer { unsetenv("GIT_CEILING_DIRECTORIES") }
        XCTAssertThrowsError(try Repository.open(directory)) { error in
            XCTAssertEqual((error as? GitError)?.isNotFound, true, "\(error)")
        }
    }

    func testCreate() throws {
        let directory = try makeTemporaryDirectory(self)
        let repository = try Repository.create(at: directory + "/new", bare: false)
        XCTAssertEqual(repository.workingDirectory, directory + "/new")
        XCTAssertNil(try repository.head())
        XCTAssertEqual(try GitCLI(directory: directory + "/new")("rev-parse", "--is-inside-work-tree"), "true\n")
        XCTAssertTrue(try Repository.create(at: directory + "/bare.git", bare: true).isBare)
    }
}
