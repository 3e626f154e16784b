import XCTest

@testable import ToolSemantics

/// OpenCode's `replaceAll` sizes its result before building it (issue 19): `$'` repeats the
/// rest of the file at every occurrence, so 100,000 occurrences would make 5·10⁹ code units.
final class OpenCodeEditLimitTests: XCTestCase {
    let limits = ReplayLimits(fileBytes: 1 << 20, spanBytes: 1 << 30, spanPaths: 10_000, pathDepth: 1_024)

    func testTheRestOfTheFileAtEveryOccurrenceIsRefusedBeforeItIsBuilt() {
        let file = Array(repeating: UInt8(ascii: "a"), count: 100_000)
        XCTAssertThrowsError(
            try OpenCodeEdit.apply(to: file, old: "a", new: "$'", replaceAll: true, isDirectory: false, path: "a.txt", limits: limits)
        ) {
            XCTAssertEqual(($0 as? ReplayLimits.Exceeded)?.variable, .fileBytes, "\($0)")
        }
    }

    func testUnderTheLimitThePatternsApplyAsInJavaScript() throws {
        // `"abc".replaceAll("a", "[$`|$&|$'|$$]")` in Node: "[|a|bc|$]bc".
        guard
            case .write(let out) = try OpenCodeEdit.apply(
                to: Array("abc".utf8), old: "a", new: "[$`|$&|$'|$$]", replaceAll: true,
                isDirectory: false, path: "a", limits: limits)
        else { return XCTFail() }
        XCTAssertEqual(String(decoding: out, as: UTF8.self), "[|a|bc|$]bc")
        // At exactly the limit it is built; past it, refused.
        let tight = ReplayLimits(fileBytes: 8, spanBytes: 1 << 30, spanPaths: 10_000, pathDepth: 1_024)
        XCTAssertNoThrow(
            try OpenCodeEdit.apply(to: Array("abab".utf8), old: "a", new: "aaa", replaceAll: true, isDirectory: false, path: "a", limits: tight))
        XCTAssertThrowsError(
            try OpenCodeEdit.apply(to: Array("ababa".utf8), old: "a", new: "aaa", replaceAll: true, isDirectory: false, path: "a", limits: tight))
    }
}
