import XCTest

@testable import Git

final class ObjectIDTests: XCTestCase {
    func testHexRoundTripAndDescription() throws {
        let hex = "0123456789abcdef0123456789abcdef01234567"
        let id = try XCTUnwrap(ObjectID(hex: hex))
        XCTAssertEqual(id.hex, hex)
        XCTAssertEqual(id.description, hex)
        XCTAssertEqual(ObjectID(hex: hex.uppercased()), id)
        XCTAssertEqual(id.bytes.count, 20)
        XCTAssertEqual(ObjectID(bytes: id.bytes), id)
    }

    func testInvalidHexIsNil() {
        XCTAssertNil(ObjectID(hex: ""))
        XCTAssertNil(ObjectID(hex: "0123"))
        XCTAssertNil(ObjectID(hex: String(repeating: "g", count: 40)))
        XCTAssertNil(ObjectID(hex: String(repeating: "a", count: 41)))
        XCTAssertNil(ObjectID(bytes: [1, 2, 3]))
    }

    func testOrderFollowsBytes() throws {
        let hexes = [
            "ff" + String(repeating: "0", count: 38), String(repeating: "0", count: 39) + "1",
            "00000000000000000000000000000000000000ff", "0000000000000000ff0000000000000000000000",
        ]
        let ids = try hexes.map { try XCTUnwrap(ObjectID(hex: $0)) }
        XCTAssertEqual(ids.sorted().map(\.hex), hexes.sorted())
    }

    func testEmptyTreeMatchesGit() throws {
        let fixture = try Fixture(self)
        XCTAssertEqual(try fixture.id("hash-object", "-t", "tree", "/dev/null"), ObjectID.emptyTree)
        XCTAssertEqual(try fixture.open().entries(of: .emptyTree), [])
    }
}
