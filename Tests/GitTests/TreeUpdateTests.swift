import Foundation
import XCTest

@testable import Git

final class TreeUpdateTests: XCTestCase {
    private let base = [
        "README.md": "readme\n", "Sources/App/main.swift": "print(1)\n", "Sources/Lib/lib.swift": "lib\n",
        "docs/only.md": "only\n", "a": "a file\n", "tool": "->README.md",
    ]

    /// Applies the same edit with git (working tree, `git add -A`, `git write-tree`) and
    /// with `updateTree`, in the order given, and expects the same tree.
    private func assertSameAsGit(
        write: [String: String], executable: Set<String> = [], remove: [String] = [], extraRemovals: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let fixture = try Fixture(self, files: base)
        let repository = try fixture.open()
        let baseTree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))

        var updates: [TreeUpdate] = try write.map { path, content in
            let link = content.hasPrefix("->")
            let bytes = Array((link ? String(content.dropFirst(2)) : content).utf8)
            let mode: FileMode = link ? .link : executable.contains(path) ? .executable : .blob
            return .upsert(path: path, blob: try repository.writeBlob(bytes), mode: mode)
        }
        updates += (remove + extraRemovals).map { .remove(path: $0) }
        let ours = try repository.updateTree(baseTree, updates.reversed())

        for path in remove { try FileManager.default.removeItem(atPath: fixture.path + "/" + path) }
        for path in write.keys {
            // make room for a file where a directory was, and the reverse
            var prefix = ""
            for component in path.split(separator: "/").dropLast() {
                prefix += (prefix.isEmpty ? "" : "/") + component
                if let kind = try? FileManager.default.attributesOfItem(atPath: fixture.path + "/" + prefix)[.type] as? FileAttributeType,
                    kind != .typeDirectory
                {
                    try FileManager.default.removeItem(atPath: fixture.path + "/" + prefix)
                }
            }
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: fixture.path + "/" + path, isDirectory: &isDirectory), isDirectory.boolValue {
                try FileManager.default.removeItem(atPath: fixture.path + "/" + path)
            }
        }
        try writeFiles(write, under: fixture.path, executable: executable)
        try fixture.git("add", "-A")
        let expected = try fixture.id("write-tree")
        XCTAssertEqual(ours, expected, "updateTree disagrees with git write-tree", file: file, line: line)
        if ours != expected {
            print(try fixture.git("ls-tree", "-r", expected.hex))
        }
    }

    func testUpsertsNestedNewDirectoriesInAnyOrder() throws {
        try assertSameAsGit(write: ["new/deep/x.txt": "x\n", "new/y.txt": "y\n", "Sources/App/main.swift": "print(2)\n", "z": "z\n"])
    }

    /// git sorts a directory as if its name ended in `/`: `Sources.md` (`.` is 0x2E) comes
    /// before the directory `Sources`, `Sources0` (`0` is 0x30) after it; and a directory that
    /// replaces a file moves to its place.
    func testEntriesInGitOrder() throws {
        try assertSameAsGit(write: [
            "Sources.md": "dot\n", "Sources0": "zero\n", "Sources-x": "dash\n", "Sources/Z": "z\n",
            "a/inside": "was a file\n", "docs.d/x": "y\n", "docs!": "bang\n", "é/ü": "utf8\n",
        ])
    }

    func testModesAndSymlinks() throws {
        try assertSameAsGit(write: ["run.sh": "#!/bin/sh\n", "README.md": "readme\n", "tool": "->Sources"], executable: ["run.sh", "README.md"])
    }

    func testRemovingLastFileRemovesDirectory() throws {
        try assertSameAsGit(write: [:], remove: ["docs/only.md", "Sources/Lib/lib.swift"])
    }

    func testRemovingADirectoryAndAbsentPaths() throws {
        try assertSameAsGit(write: ["Sources/New.swift": "new\n"], remove: ["Sources/App"], extraRemovals: ["nope", "docs/nope/deeper", "a/below"])
    }

    /// Names equal as Swift `String`s (canonically equivalent) but not as bytes are two
    /// entries, as git makes them; removing one leaves the other.
    func testNamesThatDifferOnlyInUnicodeNormalisation() throws {
        let nfc = "caf\u{E9}", nfd = "cafe\u{301}"
        let fixture = try Fixture(self, files: ["README.md": "r\n"])
        let repository = try fixture.open()
        let base = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        let files = [(nfc + ".txt", "nfc\n"), (nfd + ".txt", "nfd\n"), (nfc + "/x", "in nfc\n"), (nfd + "/x", "in nfd\n")]
        let ours = try repository.updateTree(base, files.map { .upsert(path: $0.0, blob: try repository.writeBlob(Array($0.1.utf8)), mode: .blob) })
        for (path, content) in files {
            let full = fixture.path + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            XCTAssertTrue(FileManager.default.createFile(atPath: full, contents: Data(content.utf8)))
        }
        try fixture.git("add", "-A")
        let expected = try fixture.id("write-tree")
        XCTAssertEqual(try fixture.git("ls-tree", "-r", "--name-only", expected.hex).split(separator: "\n").count, 5)
        XCTAssertEqual(ours, expected)
        let fewer = try repository.updateTree(ours, [.remove(path: nfd + ".txt"), .remove(path: nfc + "/x")])
        try fixture.git("rm", "-q", "--cached", nfd + ".txt", nfc + "/x")
        XCTAssertEqual(fewer, try fixture.id("write-tree"))
        XCTAssertThrowsError(try repository.updateTree(base, [.remove(path: nfc + ".txt"), .remove(path: nfc + ".txt")]))
        XCTAssertNoThrow(try repository.updateTree(base, [.remove(path: nfc + ".txt"), .remove(path: nfd + ".txt")]))
    }

    func testFileBecomesDirectoryAndBack() throws {
        try assertSameAsGit(write: ["a/inside.txt": "now a dir\n", "docs": "now a file\n"])
    }

    func testSymlinkBecomesDirectory() throws {
        try assertSameAsGit(write: ["tool/x": "x\n"])
    }

    func testFromEmptyTreeAndTreeFromScratch() throws {
        let fixture = try Fixture(self, files: ["b/c.txt": "c\n", "a.txt": "a\n", "x": "->a.txt"])
        let repository = try fixture.open()
        let a = try repository.writeBlob(Array("a\n".utf8))
        let c = try repository.writeBlob(Array("c\n".utf8))
        let link = try repository.writeBlob(Array("a.txt".utf8))
        let expected = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        XCTAssertEqual(try repository.treeFromScratch([("x", link, .link), ("b/c.txt", c, .blob), ("a.txt", a, .blob)]), expected)
        XCTAssertEqual(
            try repository.updateTree(
                .emptyTree,
                [
                    .upsert(path: "a.txt", blob: a, mode: .blob), .upsert(path: "b/c.txt", blob: c, mode: .blob),
                    .upsert(path: "x", blob: link, mode: .link),
                ]), expected)
        XCTAssertEqual(try repository.updateTree(expected, [.remove(path: "a.txt"), .remove(path: "b/c.txt"), .remove(path: "x")]), .emptyTree)
        XCTAssertEqual(try repository.updateTree(expected, []), expected)
    }

    func testRejectsBadInput() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        let blob = try repository.writeBlob(Array("x".utf8))
        for bad in ["", "/abs", "a//b", "a/", "../x", "a/./b"] {
            XCTAssertThrowsError(try repository.updateTree(.emptyTree, [.upsert(path: bad, blob: blob, mode: .blob)]), bad) { error in
                XCTAssertTrue(error is GitError)
            }
        }
        XCTAssertThrowsError(try repository.updateTree(.emptyTree, [.upsert(path: "a", blob: blob, mode: .blob), .remove(path: "a")]))
        XCTAssertThrowsError(
            try repository.updateTree(.emptyTree, [.upsert(path: "a", blob: blob, mode: .blob), .upsert(path: "a/b", blob: blob, mode: .blob)]))
        let missing = try Repository.hashBlob(Array("not in the repository".utf8))
        XCTAssertThrowsError(try repository.updateTree(.emptyTree, [.upsert(path: "a", blob: missing, mode: .blob)])) { error in
            XCTAssertEqual((error as? GitError)?.function, "git_odb_exists")
        }
    }
}
