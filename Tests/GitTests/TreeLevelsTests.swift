import XCTest

@testable import Git

/// A level finds each entry by name with a binary search in git's order, where a directory's
/// name sorts as if it ended in `/`; a tree read out of order is searched entry by entry.
final class TreeLevelsTests: XCTestCase {
    let id = ObjectID(hex: "4b825dc642cb6eb9a060e54bf8d69288fbee4904")!

    func testEveryEntryIsFoundAndNoOther() {
        let names: [(String, FileMode)] = [
            ("a", .tree), ("a-b", .blob), ("a.txt", .blob), ("a0", .executable), ("b", .blob), ("b.d", .tree),
            ("bb", .link), ("c", .commit), ("é", .blob), ("z", .tree), ("", .blob),
        ]
        var entries = names.filter { !$0.0.isEmpty }.map { TreeEntry(name: $0.0, id: id, mode: $0.1) }
        entries.sort(by: TreeLevels.precedes)
        XCTAssertEqual(entries.map(\.name), ["a-b", "a.txt", "a", "a0", "b", "b.d", "bb", "c", "z", "é"], "git's order: a tree as if it ended in /")
        let level = TreeLevels.Level(entries)
        let read = TreeLevels.Level(read: entries)
        let shuffled = TreeLevels.Level(read: entries.reversed())
        for (i, entry) in entries.enumerated() {
            XCTAssertEqual(level.index(of: entry.name), i, entry.name)
            XCTAssertEqual(read.index(of: entry.name), i, entry.name)
            XCTAssertEqual(shuffled.entry(named: entry.name), entry, entry.name)
        }
        for missing in ["", "a/", "a.", "a-", "b.c", "ba", "y", "zz", "e", "A"] {
            XCTAssertNil(level.index(of: missing), missing)
            XCTAssertNil(shuffled.index(of: missing), missing)
        }
        XCTAssertNil(TreeLevels.Level([]).index(of: "a"))
    }

    func testSerialisedTreesAreGitsBytes() {
        let entries = [TreeEntry(name: "d", id: id, mode: .tree), TreeEntry(name: "x", id: id, mode: .executable)]
        let expected = Array("40000 d\0".utf8) + id.bytes + Array("100755 x\0".utf8) + id.bytes
        XCTAssertEqual(TreeLevels.serialize(entries), expected)
    }

    /// One walk gives the entry at every prefix of a path, as asking for each prefix would.
    func testEntriesAlongAPathAreThoseOfEachPrefix() throws {
        let fixture = try Fixture(self, files: ["a/b/c.txt": "c\n", "f": "f\n", "a/é": "e\n"])
        let repository = try fixture.open(objectsInMemory: true)
        let tree = try repository.tree(ofCommit: try repository.resolveCommit("HEAD"))
        for path in ["a/b/c.txt", "a/b", "f/x", "a/zz/q", "a/é", "nothing", "a/b/c.txt/deeper", "a//b", "a/"] {
            let along = try repository.entries(in: tree, along: path)
            let parts = path.split(separator: "/", omittingEmptySubsequences: false)
            XCTAssertEqual(along.count, parts.count, path)
            for i in parts.indices {
                let prefix = parts[...i].joined(separator: "/")
                XCTAssertEqual(along[i], try repository.entry(in: tree, path: prefix), "\(path): \(prefix)")
            }
        }
        XCTAssertEqual(try repository.entries(in: tree, along: "a/b/c.txt").map { $0?.mode }, [.tree, .tree, .blob])
        XCTAssertEqual(try repository.entries(in: tree, along: "f/x").map { $0?.mode }, [.blob, nil])
    }
}
