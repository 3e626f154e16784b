import Foundation
import XCTest

@testable import Git

final class MemoryObjectsTests: XCTestCase {
    private func objectFiles(_ gitDirectory: String) throws -> Int {
        let enumerator = FileManager.default.enumerator(atPath: gitDirectory + "/objects")
        var count = 0
        while let path = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: gitDirectory + "/objects/" + path, isDirectory: &isDirectory), !isDirectory.boolValue {
                count += 1
            }
        }
        return count
    }

    private func assertWritesStayInMemory(_ fixture: Fixture, gitDirectory: String) throws {
        let before = try objectFiles(gitDirectory)
        let repository = try fixture.open(objectsInMemory: true)
        XCTAssertTrue(repository.objectsInMemory)
        let head = try repository.resolveCommit("HEAD")  // reads the real objects
        let blob = try repository.writeBlob(Array("only in memory\n".utf8))
        let tree = try repository.updateTree(try repository.tree(ofCommit: head), [.upsert(path: "mem/x.txt", blob: blob, mode: .blob)])
        let signature = Signature(name: "M", email: "m@example.com", time: 5)
        let commit = try repository.createCommit(tree: tree, parents: [head], author: signature, committer: signature, message: "m\n")

        XCTAssertEqual(try repository.blob(blob), Array("only in memory\n".utf8))
        XCTAssertEqual(try repository.tree(ofCommit: commit), tree)
        XCTAssertEqual(try repository.diff(from: try repository.tree(ofCommit: head), to: tree).map(\.path), ["mem/x.txt"])
        XCTAssertEqual(try objectFiles(gitDirectory), before)
        for id in [blob, tree, commit] {
            XCTAssertNotEqual(try fixture.git.run(["cat-file", "-e", id.hex]).status, 0, "\(id) reached the disk")
        }
        // a second in-memory handle does not see the first one's objects
        XCTAssertThrowsError(try fixture.open(objectsInMemory: true).blob(blob))
    }

    func testObjectsInMemoryWriteNothing() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        try assertWritesStayInMemory(fixture, gitDirectory: fixture.path + "/.git")
    }

    func testObjectsInMemoryOnBareRepository() throws {
        let source = try Fixture(self, files: ["a.txt": "a\n"])
        let directory = try makeTemporaryDirectory(self)
        try source.git("clone", "-q", "--bare", source.path, directory + "/bare.git")
        let bare = Fixture(path: directory + "/bare.git", git: GitCLI(directory: directory + "/bare.git"))
        try assertWritesStayInMemory(bare, gitDirectory: bare.path)
    }

    func testDiskWritesAreVisibleToGit() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let blob = try fixture.open().writeBlob(Array("on disk\n".utf8))
        XCTAssertEqual(try fixture.git.run(["cat-file", "-e", blob.hex]).status, 0)
    }
}
