import XCTest
@testable import Bisect

final class ProbeVerdictTests: XCTestCase {
    func testRunsCombine() {
        XCTAssertEqual(ProbeVerdict(runs: [.good]), .good)
        XCTAssertEqual(ProbeVerdict(runs: [.bad, .bad, .bad]), .bad)
        XCTAssertEqual(ProbeVerdict(runs: [.bad, .good, .bad]), .flaky)
        XCTAssertEqual(ProbeVerdict(runs: [.skip, .good]), .flaky)
        XCTAssertEqual(ProbeVerdict(runs: [.good, .abort]), .abort)
        XCTAssertEqual(ProbeVerdict(runs: [.skip, .skip]), .skip)
    }
}
