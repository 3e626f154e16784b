import Dispatch
import Foundation
import XCTest

@testable import Shell
import TestSupport
@testable import ToolSemantics

/// Work that a hostile log chooses the size of grows linearly (issue 19): each case runs at n
/// and 2n and bounds the ratio of the work (counted where the code counts it, else the best
/// of a few timings), never a wall time. Linear work doubles; quadratic work quadruples, and
/// the old algorithms grew quadratically or exponentially on these very inputs.
final class GrowthTests: GrowthTestCase {
    /// sed's regex: the steps it takes, counted by its budget. `s/a*b/x/g` on a line of `a`s
    /// (no `b`) took O(line²) restarting at each position.
    func testARegexTakesStepsLinearInTheLine() throws {
        for script in ["s/a*b/x/g", "s/a*a*a*a*c/x/g", "s/.*x/y/", "s/a/b/g"] {
            guard case .substitutions(let subs) = ShellSed.script(script, extended: false, quiet: false) else {
                return XCTFail("\(script) is not followed")
            }
            try assertLinear(script, n: 5_000, bound: 2.1) { n in
                var budget = Int.max
                for sub in subs {
                    _ = try ShellSed.substitute(sub, in: Array(String(repeating: "a", count: n).unicodeScalars), budget: &budget)
                }
                return Double(Int.max - budget)
            }
        }
    }

    /// The same leftmost-longest answers as before (the one-pass automaton is a rewrite).
    func testTheOnePassRegexAnswersAsPOSIXDoes() throws {
        let cases: [(String, String, String)] = [
            ("s/a*/x/g", "baaac", "xbxcx"), ("s/b*/x/2", "abc", "axc"), ("s/^a*//", "aab", "b"),
            ("s/a.c$/X/", "abcabc", "abcX"), ("s/x*y/Z/", "xxyxy", "Zxy"), ("s/ab*c*/Q/g", "abbcac", "QQ"),
        ]
        for (script, input, expected) in cases {
            guard case .substitutions(let subs) = ShellSed.script(script, extended: false, quiet: false) else { return XCTFail(script) }
            let out = try XCTUnwrap(try ShellSed.apply(subs, to: Array((input + "\n").utf8)))
            XCTAssertEqual(String(decoding: out, as: UTF8.self), expected + "\n", script)
        }
    }

    /// A regex past its budget stops with `OverBudget`, not after the work.
    func testARegexPastItsBudgetStops() throws {
        guard case .substitutions(let subs) = ShellSed.script("s/a*b/x/g", extended: false, quiet: false) else { return XCTFail() }
        var budget = 100
        XCTAssertThrowsError(try ShellSed.substitute(subs[0], in: Array(String(repeating: "a", count: 1_000).unicodeScalars), budget: &budget)) {
            XCTAssertTrue($0 is ShellRegex.OverBudget, "\($0)")
        }
    }

    /// Globs: `*a*a*a*a*a*a*a*a*a*a*b` against a name of n `a`s, exponential in the stars
    /// for a matcher that tries every split.
    func testAGlobMatchesInTimeLinearInTheName() {
        let pattern = Array((String(repeating: "*a", count: 10) + "*b").unicodeScalars.map { ($0, true) })
        assertLinear("glob", n: 20_000) { n in
            let name = String(repeating: "a", count: n)
            return time(runs: 5) { XCTAssertFalse(ShellGlob.matches(pattern, name)) }
        }
        XCTAssertTrue(ShellGlob.matches(pattern, String(repeating: "a", count: 30) + "b"))
        XCTAssertFalse(ShellGlob.matches(Array("*.txt".unicodeScalars.map { ($0, true) }), ".hidden.txt"))
    }

    /// apply_patch's seek: a context of n/8 lines of `a` then a `b`, in a file of n lines of
    /// `a` (it matches nearly everywhere), was O(n²).
    func testAPatchSeeksInTimeLinearInTheFile() {
        assertLinear("seek", n: 8_000) { n in
            let lines = Array(repeating: "a", count: n)
            let pattern = Array(repeating: "a", count: n / 8) + ["b"]
            return time { XCTAssertNil(PatchSeek.seek(lines, pattern, from: 0, endOfFile: false)) }
        }
        XCTAssertEqual(PatchSeek.seek(["x", "a", "a", "b"], ["a", "b"], from: 0, endOfFile: false), 2)
        XCTAssertEqual(PatchSeek.seek(["x", "a ", "b"], ["a", "b"], from: 0, endOfFile: false), 1, "the lenient passes still run")
    }

    /// `cp -r d e && mv e d/x` of a tree of n files: the shell view listed a directory by
    /// scanning every path touched, O(n²).
    func testCopyingATreeTakesTimeLinearInItsFiles() {
        assertLinear("cp -r", n: 400) { n in
            let touch = "mkdir d && touch " + (0..<n).map { "d/f\($0)" }.joined(separator: " ")
            return time(runs: 2) {
                let e = ShellEffects.evaluate(
                    touch + " && cp -r d e && mv e d/x", in: "/r", root: "/r", tree: ShellTestTree([:]), recordedSuccess: true)
                XCTAssertEqual(e.effects.count, 4 * n, "\(e.unknown)")
            }
        }
    }
}
