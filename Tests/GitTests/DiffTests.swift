import XCTest

@testable import Git

final class DiffTests: XCTestCase {
    func testDiffMatchesGitDiffTree() throws {
        let fixture = try Fixture(
            self,
            files: [
                "keep.txt": "same\n", "edit.txt": "old\n", "gone/x.txt": "x\n", "old-name.txt": "moved content\n",
                "mode.sh": "#!/bin/sh\n", "f": "file then dir\n", "link": "->keep.txt",
            ])
        let first = try fixture.id("rev-parse", "HEAD")
        try fixture.commit(
            [
                "edit.txt": "new\n", "new/deep/y.txt": "y\n", "new-name.txt": "moved content\n", "mode.sh": "#!/bin/sh\n", "f/inner": "now dir\n",
                "link": "link became a file\n",
            ],
            executable: ["mode.sh"], removing: ["gone/x.txt", "old-name.txt", "f"], message: "second")
        let repository = try fixture.open()
        let old = try repository.tree(ofCommit: first)
        let new = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))

        let ours = try repository.diff(from: old, to: new).map { change in
            let oldMode = change.oldMode.map { String($0.rawValue, radix: 8) } ?? "0"
            let newMode = change.newMode.map { String($0.rawValue, radix: 8) } ?? "0"
            return
                "\(oldMode) \(newMode) \(change.oldID?.hex ?? String(repeating: "0", count: 40)) \(change.newID?.hex ?? String(repeating: "0", count: 40)) \(change.path)"
        }
        let theirs = try fixture.git("diff-tree", "-r", "--no-renames", "--no-abbrev", first.hex, "HEAD")
            .split(separator: "\n").map { line -> String in
                let parts = line.dropFirst().split(separator: "\t")
                let fields = parts[0].split(separator: " ")
                func mode(_ s: Substring) -> String { String(Int(s)!) }
                return "\(mode(fields[0])) \(mode(fields[1])) \(fields[2]) \(fields[3]) \(parts[1])"
            }
        XCTAssertEqual(Set(ours), Set(theirs))
        XCTAssertEqual(ours, ours.sorted { $0.split(separator: " ").last!.utf8.lexicographicallyPrecedes($1.split(separator: " ").last!.utf8) })
        let kinds = Dictionary(try repository.diff(from: old, to: new).map { ($0.path, $0.kind) }, uniquingKeysWith: { a, _ in a })
        XCTAssertEqual(kinds["edit.txt"], .modified)
        XCTAssertEqual(kinds["gone/x.txt"], .deleted)
        XCTAssertEqual(kinds["new/deep/y.txt"], .added)
        XCTAssertEqual(kinds["link"], .modified)
        XCTAssertEqual(try repository.diff(from: new, to: new).count, 0)
        XCTAssertEqual(try repository.diff(from: .emptyTree, to: new).count, try repository.walk(new).count)
    }
}
