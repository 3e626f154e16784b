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
            ["Sources/App/main.swift": "print(2)\n", "new/deep/file.txt": "new\n", "f/inner": "now a dir\n", "d": "now a file\n",
             "link": "->run.sh", "README.md": "readme\n"],
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
}
