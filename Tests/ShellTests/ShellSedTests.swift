import Foundation
import XCTest

@testable import Shell
import TestSupport

/// `sed` substitutions as GNU sed makes them, checked as plain values and, where GNU sed is
/// installed, against the real thing.
final class ShellSedTests: XCTestCase {
    /// What replay makes of `sed script` on `input`; nil when it does not follow it.
    func sed(_ script: String, _ input: String) -> String? {
        guard case .substitutions(let subs) = ShellSed.script(script, extended: false, quiet: false),
            let out = try? ShellSed.apply(subs, to: Array(input.utf8))
        else { return nil }
        return String(decoding: out, as: UTF8.self)
    }

    /// Cases that run the same on replay and in GNU sed.
    static let cases: [(script: String, input: String, expected: String)] = [
        ("s/a/b/", "aaa\nxa\n", "baa\nxb\n"),
        ("s/a/b/g", "aaa\n", "bbb\n"),
        ("s/a/b/2", "aaa\n", "aba\n"),
        ("s/a/b/2g", "aaa\n", "abb\n"),
        ("s|/usr/bin|/opt/bin|", "x=/usr/bin/env\n", "x=/opt/bin/env\n"),
        ("s#a#\\##g", "a-a\n", "#-#\n"),
        ("s/a\\/b/c/", "a/b\n", "c\n"),
        ("s/b/[&]/", "abc\n", "a[b]c\n"),
        ("s/b/\\&/", "abc\n", "a&c\n"),
        ("s/a*/x/g", "baaac\n", "xbxcx\n"),
        ("s/x*/-/g", "abc\n", "-a-b-c-\n"),
        ("s/x*/-/2", "abc\n", "a-bc\n"),
        ("s/^a/X/g", "aaa\n", "Xaa\n"),
        ("s/a$/X/", "aaa\na\n", "aaX\nX\n"),
        ("s/b*$/Z/g", "abc\n", "abcZ\n"),
        ("s/./X/2", "a.b\n", "aXb\n"),
        ("s/a\\.b/X/", "a.b axb\n", "X axb\n"),
        ("s.a\\.b.X.", "axb\n", "X\n"),
        ("s/a.*b/X/", "a1b2b3\n", "X3\n"),
        ("s/[0-9][0-9]*/N/g", "a12b3\n", "aNbN\n"),
        ("s/[^a-z]/_/g", "ab1C\n", "ab__\n"),
        ("s/[]x]/Y/g", "a]x\n", "aYY\n"),
        ("s/[[:space:]]*$//", "trail  \t\n", "trail\n"),
        ("s/*/S/", "a*b\n", "aSb\n"),
        ("s/^*/S/", "*ab\n", "Sab\n"),
        ("s/a^b$c/Z/", "a^b$c\n", "Z\n"),
        ("s/\\t/ /g", "a\tb\n", "a b\n"),
        ("s/a/1/;s/b/2/", "ab\n", "12\n"),
        ("s/x/y/", "no newline at end", "no newline at end"),
        ("s/e/E/", "no newline at end", "no nEwline at end"),
        ("s/\\r$//", "crlf\r\nline\r\n", "crlf\nline\n"),
        ("s/old/new/g", "", ""),
        ("s/x/a\\nb/", "x\n", "a\nb\n"),
        ("s/é/e/g", "café é\n", "cafe e\n"),
        ("s/c.*$/X/", "café\n", "X\n"),
    ]

    func testSubstitutions() {
        for c in Self.cases {
            XCTAssertEqual(sed(c.script, c.input), c.expected, "sed '\(c.script)'")
        }
    }

    /// The same cases through GNU sed, so the expectations above are sed's, not ours.
    func testCasesAgreeWithGNUSed() throws {
        let version = try? Subprocess.run("/usr/bin/env", ["sed", "--version"], in: "/")
        guard let version, version.status == 0, version.stdoutText.contains("GNU sed") else {
            throw XCTSkip("GNU sed is not installed")
        }
        let directory = try makeTemporaryDirectory(self, "sed")
        for (n, c) in Self.cases.enumerated() {
            let file = directory + "/case\(n)"
            try Data(c.input.utf8).write(to: URL(fileURLWithPath: file))
            let r = try Subprocess.run("/usr/bin/env", ["sed", "-i", c.script, file], in: directory, environment: ["LC_ALL": "C.UTF-8"])
            XCTAssertEqual(r.status, 0, r.stderrText)
            XCTAssertEqual(String(decoding: try Data(contentsOf: URL(fileURLWithPath: file)), as: UTF8.self), c.expected, "GNU sed '\(c.script)'")
        }
    }

    func testScriptsBeyondTheSubsetAreNotComputed() {
        XCTAssertNil(sed("s/\\(a\\)/[\\1]/", "a\n"), "groups and back-references")
        XCTAssertNil(sed("s/a\\+/b/", "aa\n"), "GNU's \\+")
        XCTAssertNil(sed("s/a/\\U&/", "a\n"), "case conversion")
        XCTAssertNil(sed("s/a/b/I", "A\n"), "the I flag")
        XCTAssertNil(sed("/x/s/a/b/", "xa\n"), "an address")
        XCTAssertNil(sed("s//b/", "a\n"), "the empty regex")
        XCTAssertNil(sed("s/a/b/99999999999999999999", "aaa\n"), "GNU sed wraps it to 7766279631452241919: no match; it was read as 1")
        XCTAssertEqual(sed("s/a/b/4294967298", "aaa\n"), "aaa\n")
        XCTAssertNil(sed("s/h.llo/x/", "héllo\n"), "`.` on a non-ASCII character: one character or two bytes, by locale")
        XCTAssertEqual(ShellSed.script("s/a/b/w out.txt", extended: false, quiet: false), .writes("sed's `w` flag"))
        XCTAssertEqual(ShellSed.script("1d;w log", extended: false, quiet: false), .writes("sed's `w` command"))
        XCTAssertEqual(ShellSed.script("1,20p", extended: false, quiet: true), .noWrites("sed -n"))
        XCTAssertEqual(ShellSed.script("s/(a)/b/", extended: true, quiet: false), .noWrites("sed -E (extended regexes)"))
    }

    func testCommandLines() throws {
        XCTAssertEqual(try ShellSed.invocation(["-i", "s/a/b/", "f"]).get(), .init(inPlace: true, scripts: ["s/a/b/"], files: ["f"]))
        XCTAssertEqual(
            try ShellSed.invocation(["-i", "", "s/a/b/", "f"]).get(), .init(inPlace: true, scripts: ["s/a/b/"], files: ["f"]), "BSD's -i ''")
        XCTAssertEqual(
            try ShellSed.invocation(["-i.bak", "-e", "s/a/b/", "-e", "s/c/d/", "f", "g"]).get(),
            .init(inPlace: true, suffix: ".bak", scripts: ["s/a/b/", "s/c/d/"], files: ["f", "g"]))
        XCTAssertEqual(
            try ShellSed.invocation(["-ie", "s/a/b/", "f"]).get(), .init(inPlace: true, suffix: "e", scripts: ["s/a/b/"], files: ["f"]),
            "GNU reads -ie as the suffix e")
        XCTAssertEqual(try ShellSed.invocation(["-n", "1,5p", "f"]).get(), .init(quiet: true, scripts: ["1,5p"], files: ["f"]))
        XCTAssertThrowsError(try ShellSed.invocation(["-f", "script.sed", "f"]).get())
    }
}
