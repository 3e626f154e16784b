import XCTest
@testable import Bisect

final class BisectVerdictTests: XCTestCase {
    func testGitBisectRunContract() {
        XCTAssertEqual(BisectVerdict(exitStatus: 0), .good)
        XCTAssertEqual(BisectVerdict(exitStatus: 1), .bad)
        XCTAssertEqual(BisectVerdict(exitStatus: 124), .bad)
        XCTAssertEqual(BisectVerdict(exitStatus: 125), .skip)
        XCTAssertEqual(BisectVerdict(exitStatus: 126), .bad)
        XCTAssertEqual(BisectVerdict(exitStatus: 127), .bad)
        XCTAssertEqual(BisectVerdict(exitStatus: 128), .abort)
        XCTAssertEqual(BisectVerdict(exitStatus: 255), .abort)
    }
}
