import XCTest

@testable import Git

final class TreeTests: XCTestCase {
    private let files = [
        "README.md": "readme\n", "Sources/App/main.swift": "print(1)\n", "Sources/App/util.swift": "let x = 1\n",
        "Sources/Lib.swift": "lib\n", "a.txt": "a\n", "a-b/c.txt": "c\n", "run.sh": "#!/bin/sh\n", "link": "->README.md",
    ]

    func testEntryByPath() throws {
        let fixture = try Fixture(self, files: files, executable: ["run.sh"])
        let repository = try fixture.open()
        let tree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))
        let main = try XCTUnwrap(repository.entry(in: tree, path: "Sources/App/main.swift"))
        XCTAssertEqual(main, TreeEntry(name: "main.swift", id: try fixture.id("rev-parse", "HEAD:Sources/App/main.swift"), mode: .blob))
        XCTAssertEqual(try repository.entry(in: tree, path: "run.sh")?.mode, .executable)
        XCTAssertEqual(try repository.entry(in: tree, path: "link")?.mode, .link)
        XCTAssertEqual(try repository.entry(in: tree, path: "Sources")?.mode, .tree)
        XCTAssertNil(try repository.entry(in: tree, path: "missing"))
        XCTAssertNil(try repository.entry(in: tree, path: "Sources/missing/x"))
        XCTAssertNil(try repository.entry(in: tree, path: "a.txt/below"))
        XCTAssertNil(try repository.entry(in: tree, path: ""))
    }

    func testEntriesAndWalkMatchLsTree() throws {
        let fixture = try Fixture(self, files: files, executable: ["run.sh"])
        let repository = try fixture.open()
        let tree = try repository.tree(ofCommit: repository.resolveCommit("HEAD"))

        let level = try repository.entries(of: tree).map { "\(String($0.mode.rawValue, radix: 8)) \($0.id.hex)\t\($0.name)" }
        let gitLevel = try fixture.git("ls-tree", "HEAD").split(separator: "\n").map { line in
            let fields = line.split(separator: " ", maxSplits: 2)  // mode type id\tname
            return "\(Int(fields[0])!) \(fields[2].split(separator: "\t")[0])\t\(fields[2].split(separator: "\t")[1])"
        }
        XCTAssertEqual(level, gitLevel)

        let walked = try repository.walk(tree)
        XCTAssertEqual(walked.map(\.path), walked.map(\.path).sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) })
        let ours = Set(walked.map { "\($0.entry.id.hex) \($0.path)" })
        let theirs = Set(try fixture.git("ls-tree", "-r", "--format=%(objectname) %(path)", "HEAD").split(separator: "\n").map(String.init))
        XCTAssertEqual(ours, theirs)
        XCTAssertEqual(walked.first { $0.path == "Sources/App/util.swift" }?.entry.name, "util.swift")
        XCTAssertEqual(try repository.walk(.emptyTree).count, 0)
    }
}
