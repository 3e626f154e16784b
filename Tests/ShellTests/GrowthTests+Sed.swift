import XCTest

@testable import Shell
@testable import ToolSemantics
import TestSupport

/// `sed -i 's/.*/&&/'` again and again doubles a file (issue 19): each run's work follows the
/// bytes it reads and makes, and a run past the file limit stops before making its line.
extension GrowthTests {
    func doubling() throws -> [ShellSed.Substitution] {
        guard case .substitutions(let subs) = ShellSed.script("s/.*/&&/", extended: false, quiet: false) else {
            throw XCTSkip("s/.*/&&/ is not followed")
        }
        return subs
    }

    func testSedDoublingTakesTimeLinearInTheBytesMade() throws {
        let subs = try doubling()
        try assertLinear("s/.*/&&/", n: 1 << 18) { n in
            let file = Array(repeating: UInt8(ascii: "a"), count: n) + [0x0A]
            return try time(runs: 3) {
                let out = try XCTUnwrap(try ShellSed.apply(subs, to: file))
                XCTAssertEqual(out.count, 2 * n + 1)
            }
        }
        // Many lines, each doubled: the output is built line by line, not copied per line.
        try assertLinear("s/.*/&&/ per line", n: 1 << 14) { n in
            let file = Array(repeating: Array("ab\n".utf8), count: n).flatMap { $0 }
            return try time(runs: 3) {
                let out = try XCTUnwrap(try ShellSed.apply(subs, to: file))
                XCTAssertEqual(out.count, 5 * n)
            }
        }
    }

    /// Past the limit it throws `Exceeded` before building the line: in time linear in what
    /// it read, not in what it would have made.
    func testSedPastTheFileLimitStopsBeforeBuildingTheLine() throws {
        let subs = try doubling()
        try assertLinear("s/.*/&&/ refused", n: 1 << 18) { n in
            let file = Array(repeating: UInt8(ascii: "a"), count: n) + [0x0A]
            let limits = ReplayLimits(fileBytes: n + n / 2, spanBytes: .max, spanPaths: .max, pathDepth: .max)
            return try time(runs: 5) {
                XCTAssertThrowsError(try ShellSed.apply(subs, to: file, limits: limits)) {
                    XCTAssertTrue($0 is ReplayLimits.Exceeded, "\($0)")
                }
            }
        }
        // Anchored, global, and on the empty line it answers as the automaton does.
        for (script, input, expected) in [("s/^.*$/[&]/", "ab\n\nc", "[ab]\n[]\n[c]"), ("s/.*/x/g", "ab\n", "x\n"), ("s/.*.*/&-/2", "ab\n", "ab\n")] {
            guard case .substitutions(let s) = ShellSed.script(script, extended: false, quiet: false) else { return XCTFail(script) }
            let out = try XCTUnwrap(try ShellSed.apply(s, to: Array(input.utf8)))
            XCTAssertEqual(String(decoding: out, as: UTF8.self), expected, script)
        }
    }
}
