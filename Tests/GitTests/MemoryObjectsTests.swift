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

    /// Objects written in memory (hashed by agentreplay, commits serialised by it) get the ids
    /// libgit2 and git give the same content.
    func testMemoryWritesHaveGitsIDs() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n", "d/b.txt": "b\n"])
        let memory = try fixture.open(objectsInMemory: true)
        let disk = try fixture.open()
        let head = try disk.resolveCommit("HEAD")
        for content in ["", "x", "line\n", String(repeating: "long line of text\n", count: 5000)] {
            let bytes = Array(content.utf8)
            XCTAssertEqual(try memory.writeBlob(bytes), try Repository.hashBlob(bytes))
        }
        let blob = try memory.writeBlob(Array("new\n".utf8))
        XCTAssertEqual(try disk.writeBlob(Array("new\n".utf8)), blob)
        let updates: [TreeUpdate] = [.upsert(path: "d/c.txt", blob: blob, mode: .executable), .remove(path: "a.txt")]
        let tree = try memory.updateTree(try memory.tree(ofCommit: head), updates)
        XCTAssertEqual(try disk.updateTree(try disk.tree(ofCommit: head), updates), tree)
        let signatures = [
            Signature(name: "A U Thor", email: "a@example.com", time: 1_700_000_000, offsetMinutes: 0),
            Signature(name: "  Spaced  ", email: " s@example.com ", time: 0, offsetMinutes: -330),
            Signature(name: "Far East", email: "e@example.com", time: Int64(UInt32.max), offsetMinutes: 765),
            Signature(name: "Before 1970", email: "b@example.com", time: -86_400, offsetMinutes: 60),
        ]
        for (n, author) in signatures.enumerated() {
            let committer = signatures[(n + 1) % signatures.count]
            for message in ["one line\n", "subject\n\nbody ü\n", "cut\u{0}here\n", ""] {
                let parents = n % 2 == 0 ? [head] : []
                let ours = try memory.createCommit(tree: tree, parents: parents, author: author, committer: committer, message: message)
                let libgit2 = try disk.createCommit(tree: tree, parents: parents, author: author, committer: committer, message: message)
                XCTAssertEqual(ours, libgit2, "\(author) / \(committer) / \(message.debugDescription)")
            }
        }
        XCTAssertThrowsError(
            try memory.createCommit(
                tree: tree, parents: [], author: Signature(name: "<bad>", email: "x@example.com", time: 1),
                committer: signatures[0], message: "m\n"))
        // The same object written twice is one object.
        XCTAssertEqual(try memory.writeBlob(Array("new\n".utf8)), blob)
    }

    /// Loose objects written by agentreplay's own writer are objects git reads, made once:
    /// `removeCreated` takes back only what it made.
    func testLooseObjectsAreGitObjectsAndRemovable() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        let existing = try repository.writeBlob(Array("already here\n".utf8))
        let objects = LooseObjects(of: repository)
        let big = (0..<40_000).map { "line \($0)\n" }.joined()
        let blob = try objects.writeBlob { write in
            for piece in stride(from: 0, to: big.utf8.count, by: 7_777) {
                let bytes = Array(big.utf8)[piece..<min(piece + 7_777, big.utf8.count)]
                try bytes.withUnsafeBytes { try write($0) }
            }
        }
        XCTAssertEqual(blob, try Repository.hashBlob(Array(big.utf8)))
        XCTAssertEqual(try fixture.git("cat-file", "-s", blob.hex), String(big.utf8.count) + "\n")
        let again = try objects.writeBlob { write in try Array("already here\n".utf8).withUnsafeBytes { try write($0) } }
        XCTAssertEqual(again, existing)
        let tree = try objects.writeTree([TreeEntry(name: "z.txt", id: existing, mode: .blob), TreeEntry(name: "big", id: blob, mode: .blob)])
        XCTAssertEqual(tree, try repository.treeFromScratch([("big", blob, .blob), ("z.txt", existing, .blob)]))
        let signature = Signature(name: "T", email: "t@example.com", time: 9, offsetMinutes: 90)
        let commit = try objects.writeCommit(tree: tree, parents: [], author: signature, committer: signature, message: "stored\n")
        XCTAssertEqual(commit, try repository.createCommit(tree: tree, parents: [], author: signature, committer: signature, message: "stored\n"))
        XCTAssertEqual(try fixture.git.run(["fsck", "--strict", "--no-dangling"]).status, 0)
        objects.removeCreated()
        XCTAssertNotEqual(try fixture.git.run(["cat-file", "-e", blob.hex]).status, 0, "made by the writer: removed")
        XCTAssertEqual(try fixture.git.run(["cat-file", "-e", existing.hex]).status, 0, "there before: kept")
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: fixture.path + "/.git/objects/pack")
        XCTAssertEqual(leftovers.filter { $0.hasPrefix("pack_git2_") }, [])
    }

    /// A blob deflated as its pieces come (its header joined at the end in a stored block) is
    /// read back by git and libgit2 byte for byte, at any size: empty, one byte, pieces that
    /// cross zlib's 64 KiB output buffer, bytes deflate cannot shrink.
    func testBlobsWrittenInPiecesReadBackWhole() throws {
        let fixture = try Fixture(self, files: ["a.txt": "a\n"])
        let repository = try fixture.open()
        let objects = LooseObjects(of: repository)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let noise: [UInt8] = (0..<300_000).map { _ in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        let text = Array((0..<20_000).map { "row \($0 % 97)\n" }.joined().utf8)
        for (content, piece) in [([UInt8](), 1), ([UInt8(0x0A)], 1), (text, 65_536), (text, 65_537), (noise, 4_096), (noise + text, 100_003)] {
            let id = try objects.writeBlob { write in
                for start in stride(from: 0, to: content.count, by: piece) {
                    try content[start..<min(start + piece, content.count)].withUnsafeBytes { try write($0) }
                }
            }
            XCTAssertEqual(id, try Repository.hashBlob(content), "\(content.count) bytes")
            XCTAssertEqual(try fixture.git.run(["cat-file", "blob", id.hex]).stdout, content, "\(content.count) bytes, read by git")
            XCTAssertEqual(try fixture.open().blob(id), content, "\(content.count) bytes, read by libgit2")
        }
        XCTAssertEqual(try fixture.git.run(["fsck", "--strict", "--no-dangling"]).status, 0)
    }
}
