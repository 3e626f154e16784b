import Foundation
import XCTest

@testable import Git

final class MaterializeTests: XCTestCase {
    private let first = [
        "README.md": "readme\n", "Sources/App/main.swift": "print(1)\n", "Sources/Old/old.swift": "old\n",
        "run.sh": "#!/bin/sh\necho hi\n", "link": "->README.md", "f": "file then dir\n", "d/x": "dir then file\n",
    ]

    /// What `git archive` of `revision` unpacks to.
    private func archived(_ fixture: Fixture, _ revision: String) throws -> [String: String] {
        let directory = try makeTemporaryDirectory(self)
        let tar = try fixture.git.run(["archive", "--format=tar", revision]).stdout
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tar", "-x", "-C", directory]
        let input = Pipe()
        process.standardInput = input
        try process.run()
        input.fileHandleForWriting.write(Data(tar))
        try input.fileHandleForWriting.close()
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0)
        return try snapshot(directory)
    }

    func testMaterializeMatchesGitArchive() throws {
        let fixture = try Fixture(self, files: first, executable: ["run.sh"])
        let repository = try fixture.open()
        let target = try makeTemporaryDirectory(self) + "/work/tree"
        try repository.materialize(tree: repository.tree(ofCommit: repository.resolveCommit("HEAD")), into: target)
        let ours = try snapshot(target)
        XCTAssertEqual(ours, try archived(fixture, "HEAD"))
        XCTAssertEqual(ours["run.sh"], "file 755 #!/bin/sh\necho hi\n")
        XCTAssertEqual(ours["link"], "link README.md")
        XCTAssertEqual(try snapshot(target), try snapshot(fixture.path), "same as the checkout")
    }

    func testUpdateMaterializedWritesOnlyChanges() throws {
        let fixture = try Fixture(self, files: first, executable: ["run.sh"])
        let repository = try fixture.open()
        let oldTree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        try fixture.commit(
            [
                "Sources/App/main.swift": "print(2)\n", "new/deep/file.txt": "new\n", "f/inner": "now a dir\n", "d": "now a file\n",
                "link": "->run.sh", "README.md": "readme\n",
            ],
            executable: ["README.md"], removing: ["Sources/Old/old.swift", "f", "d/x"], message: "second")
        let newTree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))

        let target = try makeTemporaryDirectory(self)
        try repository.materialize(tree: oldTree, into: target)
        try writeFiles([".build/cache": "keep me\n"], under: target)
        let untouched = try FileManager.default.attributesOfItem(atPath: target + "/run.sh")[.modificationDate] as? Date
        let inode = try FileManager.default.attributesOfItem(atPath: target + "/run.sh")[.systemFileNumber] as? Int

        try repository.updateMaterialized(from: oldTree, to: newTree, directory: target)
        var expected = try archived(fixture, "HEAD")
        expected[".build"] = "dir"
        expected[".build/cache"] = "file 644 keep me\n"
        XCTAssertEqual(try snapshot(target), expected)
        XCTAssertNil(try snapshot(target)["Sources/Old"], "emptied directories are pruned")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: target + "/run.sh")[.modificationDate] as? Date, untouched)
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: target + "/run.sh")[.systemFileNumber] as? Int, inode)

        // and back again
        try repository.updateMaterialized(from: newTree, to: oldTree, directory: target)
        var back = try archived(fixture, "HEAD~1")
        back[".build"] = "dir"
        back[".build/cache"] = "file 644 keep me\n"
        XCTAssertEqual(try snapshot(target), back)
    }

    func testNeverWritesThroughASymlinkInTheWay() throws {
        let fixture = try Fixture(self, files: ["victim/file.txt": "tree content\n"])
        let repository = try fixture.open()
        let outside = try makeTemporaryDirectory(self)
        let target = try makeTemporaryDirectory(self)
        try FileManager.default.createSymbolicLink(atPath: target + "/victim", withDestinationPath: outside)
        try repository.materialize(tree: repository.tree(ofCommit: repository.resolveCommit("HEAD")), into: target)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: outside), [])
        XCTAssertEqual(try snapshot(target)["victim/file.txt"], "file 644 tree content\n")
    }

    /// A changed file that is a plain regular file is rewritten in place (same inode, new
    /// content and mode, cut when shorter); one with another link, a symlink or a FIFO at its
    /// path is replaced by a new file instead, leaving the other link, the symlink's target
    /// and the FIFO's readers alone (and nothing blocks on the FIFO).
    func testChangedFilesAreRewrittenInPlaceOnlyWhenPlain() throws {
        let fixture = try Fixture(
            self,
            files: [
                "plain.txt": "a long first version\n", "linked.txt": "one\n",
                "symlinked.txt": "two\n", "fifo.txt": "three\n",
            ])
        let repository = try fixture.open()
        let oldTree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        try fixture.commit(
            [
                "plain.txt": "short\n", "linked.txt": "one, changed\n", "symlinked.txt": "two, changed\n",
                "fifo.txt": "three, changed\n",
            ], executable: ["plain.txt"], message: "second")
        let newTree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        let target = try makeTemporaryDirectory(self)
        let elsewhere = try makeTemporaryDirectory(self)
        try repository.materialize(tree: oldTree, into: target)
        let manager = FileManager.default
        let inode = try manager.attributesOfItem(atPath: target + "/plain.txt")[.systemFileNumber] as? Int
        XCTAssertEqual(link(target + "/linked.txt", elsewhere + "/other-link"), 0)
        try "outside\n".write(toFile: elsewhere + "/outside.txt", atomically: false, encoding: .utf8)
        try manager.removeItem(atPath: target + "/symlinked.txt")
        try manager.createSymbolicLink(atPath: target + "/symlinked.txt", withDestinationPath: elsewhere + "/outside.txt")
        try manager.removeItem(atPath: target + "/fifo.txt")
        XCTAssertEqual(mkfifo(target + "/fifo.txt", 0o644), 0)

        try repository.updateMaterialized(from: oldTree, to: newTree, directory: target)
        let files = try snapshot(target)
        XCTAssertEqual(files["plain.txt"], "file 755 short\n")
        XCTAssertEqual(try manager.attributesOfItem(atPath: target + "/plain.txt")[.systemFileNumber] as? Int, inode, "in place")
        XCTAssertEqual(files["linked.txt"], "file 644 one, changed\n")
        XCTAssertEqual(try String(contentsOfFile: elsewhere + "/other-link", encoding: .utf8), "one\n", "the other link keeps its bytes")
        XCTAssertEqual(files["symlinked.txt"], "file 644 two, changed\n")
        XCTAssertEqual(try String(contentsOfFile: elsewhere + "/outside.txt", encoding: .utf8), "outside\n", "not written through")
        XCTAssertEqual(files["fifo.txt"], "file 644 three, changed\n")
    }
}
