import XCTest

@testable import Git

/// Trees git's porcelain would never write, built with `hash-object --literally`:
/// the wrapper must throw, never trap or write outside its directory.
final class HostileTreeTests: XCTestCase {
    private func literalTree(_ fixture: Fixture, _ entries: [(mode: String, name: String, id: ObjectID)]) throws -> ObjectID {
        var raw: [UInt8] = []
        for entry in entries {
            raw += Array("\(entry.mode) \(entry.name)".utf8) + [0] + entry.id.bytes
        }
        let output = try fixture.git.run(["hash-object", "-t", "tree", "--literally", "-w", "--stdin"], input: raw)
        return try XCTUnwrap(
            ObjectID(hex: String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)), output.stderr)
    }

    func testOddModesAreNormalisedNotFatal() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        let blob = try repository.writeBlob(Array("x".utf8))
        let tree = try literalTree(fixture, [("100664", "group-writable", blob), ("100600", "private", blob), ("170000", "unknown", blob)])
        XCTAssertEqual(try repository.entries(of: tree).map(\.mode), [.blob, .blob, .blob])
        XCTAssertEqual(try repository.walk(tree).count, 3)
    }

    func testMaterializeRefusesDotGitAndDotDot() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        let blob = try repository.writeBlob(Array("evil".utf8))
        for name in [".git", "..", ".GIT"] {
            let inner = try literalTree(fixture, [("100644", "config", blob)])
            let tree = try literalTree(fixture, [("40000", name, inner)])
            let target = try makeTemporaryDirectory(self) + "/out"
            XCTAssertThrowsError(try repository.materialize(tree: tree, into: target), name) { error in
                XCTAssertTrue(error is GitError, "\(error)")
            }
            XCTAssertFalse(FileManager.default.fileExists(atPath: target + "/../config"))
        }
    }
}
