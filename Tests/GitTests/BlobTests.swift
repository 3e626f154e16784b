import XCTest

@testable import Git

final class BlobTests: XCTestCase {
    private let samples: [[UInt8]] = [[], Array("hello\n".utf8), [0, 1, 2, 255, 254, 10, 13], Array(repeating: 65, count: 100_000)]

    func testHashBlobMatchesGitHashObject() throws {
        let fixture = try Fixture(self)
        for bytes in samples {
            let output = try fixture.git.run(["hash-object", "--stdin"], input: bytes)
            let gitID = ObjectID(hex: String(decoding: output.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines))
            XCTAssertEqual(try Repository.hashBlob(bytes), gitID)
        }
    }

    func testWriteBlobIsReadableByGitAndBack() throws {
        let fixture = try Fixture(self)
        let repository = try fixture.open()
        for bytes in samples {
            let id = try repository.writeBlob(bytes)
            XCTAssertEqual(id, try Repository.hashBlob(bytes))
            XCTAssertEqual(try fixture.git.run(["cat-file", "blob", id.hex]).stdout, bytes)
            XCTAssertEqual(try repository.blob(id), bytes)
        }
    }

    func testReadsBlobWrittenByGit() throws {
        let fixture = try Fixture(self, files: ["a.txt": "from git\n"])
        let id = try fixture.id("rev-parse", "HEAD:a.txt")
        XCTAssertEqual(try fixture.open().blob(id), Array("from git\n".utf8))
    }

    func testMissingBlobThrowsNotFound() throws {
        let fixture = try Fixture(self)
        let missing = try Repository.hashBlob(Array("never written".utf8))
        XCTAssertThrowsError(try fixture.open().blob(missing)) { error in
            XCTAssertEqual((error as? GitError)?.isNotFound, true, "\(error)")
        }
    }
}
