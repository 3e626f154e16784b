import XCTest

@testable import ToolSemantics
import Trace

/// Codex's `apply_patch` grammar and matching rules (`codex-rs/apply-patch`: the parser,
/// `seek_sequence`, the replacement of chunks), pinned on plain values.
final class ApplyPatchTests: XCTestCase {
    func patch(_ body: String) -> String { "*** Begin Patch\n" + body + "\n*** End Patch" }

    /// The file `original` becomes under the one `Update File` of `body`.
    func update(_ original: String, _ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> Result<String, ApplyPatch.Failure> {
        let parsed = try ApplyPatch.parse(patch("*** Update File: f.txt\n" + body))
        guard case .update(_, _, let chunks)? = parsed.operations.first else {
            XCTFail("not an update", file: file, line: line)
            throw ApplyPatch.Failure("not an update")
        }
        return ApplyPatch.update(Array(original.utf8), chunks: chunks, path: "f.txt").map { String(decoding: $0, as: UTF8.self) }
    }

    func updated(_ original: String, _ body: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        switch try update(original, body, file: file, line: line) {
        case .success(let s): return s
        case .failure(let f): XCTFail(f.description, file: file, line: line); return ""
        }
    }

    // MARK: Grammar

    func testParsesEveryOperation() throws {
        let parsed = try ApplyPatch.parse(
            patch(
                """
                *** Add File: docs/new.md
                +# New
                +
                +text
                *** Delete File: old.txt
                *** Update File: src/a.py
                *** Move to: src/b.py
                @@ def f():
                -    pass
                +    return 1
                @@
                 x = 1
                -y = 2
                +y = 3
                *** End of File
                """))
        XCTAssertEqual(
            parsed.operations,
            [
                .add(path: "docs/new.md", contents: "# New\n\ntext\n"),
                .delete(path: "old.txt"),
                .update(
                    path: "src/a.py", moveTo: "src/b.py",
                    chunks: [
                        .init(context: "def f():", old: ["    pass"], new: ["    return 1"], endOfFile: false),
                        .init(context: nil, old: ["x = 1", "y = 2"], new: ["x = 1", "y = 3"], endOfFile: true),
                    ]),
            ])
    }

    func testIsAsLenientAsCodex() throws {
        // Padded markers, CRLF, surrounding blank lines, a first chunk without @@, blank lines
        // inside chunks (empty context lines).
        let text = "\n  *** Begin Patch  \r\n*** Update File: a.txt\r\n foo\r\n-bar\r\n+baz\r\n\r\n@@\r\n one\r\n\r\n-two\r\n *** End Patch \n\n"
        let parsed = try ApplyPatch.parse(text)
        XCTAssertEqual(
            parsed.operations,
            [
                .update(
                    path: "a.txt", moveTo: nil,
                    chunks: [
                        .init(context: nil, old: ["foo", "bar", ""], new: ["foo", "baz", ""], endOfFile: false),
                        .init(context: nil, old: ["one", "", "two"], new: ["one", ""], endOfFile: false),
                    ])
            ])
        // A patch wrapped in a heredoc, as GPT-4.1 passed it to `apply_patch`.
        let wrapped = try ApplyPatch.parse("<<'EOF'\n*** Begin Patch\n*** Add File: x\n+hi\n*** End Patch\nEOF\n")
        XCTAssertEqual(wrapped.operations, [.add(path: "x", contents: "hi\n")])
    }

    func testRefusesWhatCodexRefuses() {
        func error(_ text: String) -> String {
            do { _ = try ApplyPatch.parse(text); return "parsed" } catch { return error.description }
        }
        XCTAssertEqual(error("*** Add File: x\n+y\n*** End Patch"), "invalid patch: The first line of the patch must be '*** Begin Patch'")
        XCTAssertEqual(error("*** Begin Patch\n*** Add File: x\n+y"), "invalid patch: The last line of the patch must be '*** End Patch'")
        XCTAssertEqual(
            error(patch("*** Frobnicate File: x")),
            "invalid hunk at line 2, '*** Frobnicate File: x' is not a valid hunk header. Valid hunk headers: '*** Add File: {path}', '*** Delete File: {path}', '*** Update File: {path}'"
        )
        XCTAssertEqual(error(patch("*** Update File: x")), "invalid hunk at line 2, Update file hunk for path 'x' is empty")
        XCTAssertEqual(
            error(patch("*** Update File: x\n@@\n-a\n+b\nnot a diff line")),
            "invalid hunk at line 6, Expected update hunk to start with a @@ context marker, got: 'not a diff line'")
        XCTAssertEqual(
            error(patch("*** Update File: x\n@@\n-a\n@@\n*** End of File")),
            "invalid hunk at line 6, Update hunk does not contain any lines")
    }

    // MARK: Applying an update

    func testContextLineNarrowsWhereTheChunkApplies() throws {
        let original = "class A:\n    def f(self):\n        return 1\nclass B:\n    def f(self):\n        return 1\n"
        XCTAssertEqual(
            try updated(original, "@@ class B:\n     def f(self):\n-        return 1\n+        return 2"),
            "class A:\n    def f(self):\n        return 1\nclass B:\n    def f(self):\n        return 2\n")
    }

    func testMatchingGetsMoreLenientOnlyWhenStricterPassesFindNothing() throws {
        // Trailing white space in the file is ignored by the second pass…
        XCTAssertEqual(try updated("a  \nb\t\n", "@@\n-a\n-b\n+c"), "c\n")
        // …leading white space by the third…
        XCTAssertEqual(try updated("    a\n", "@@\n-a\n+b"), "b\n")
        // …and typographic punctuation by the fourth.
        XCTAssertEqual(try updated("say \u{201C}hi\u{201D} \u{2013} ok\u{00A0}\n", "@@\n-say \"hi\" - ok\n+done"), "done\n")
        // An exact match later in the file beats a lenient one before it.
        XCTAssertEqual(try updated("x \nx\n", "@@\n-x\n+y"), "x \ny\n")
        // No Unicode canonical equivalence: é precomposed is not e + combining acute.
        XCTAssertEqual(
            try update("caf\u{E9}\n", "@@\n-cafe\u{301}\n+tea"),
            .failure(ApplyPatch.Failure("Failed to find expected lines [\"cafe\u{301}\"] in f.txt")))
    }

    func testEndOfFileAnchorsTheChunkAtTheEnd() throws {
        let original = "end\nmiddle\nend\n"
        XCTAssertEqual(try updated(original, "@@\n-end\n+END\n*** End of File"), "end\nmiddle\nEND\n")
        XCTAssertEqual(try updated(original, "@@\n-end\n+END"), "END\nmiddle\nend\n")
    }

    func testPureAdditionGoesToTheEndAndUpdatesEndWithANewline() throws {
        XCTAssertEqual(try updated("a\nb", "@@\n+c"), "a\nb\nc\n")
        XCTAssertEqual(try updated("a\nb", "@@\n-b\n+B"), "a\nB\n", "an update always ends the file with a newline")
        XCTAssertEqual(try updated("a\n\n", "@@\n+c"), "a\nc\n\n", "before a last empty line")
    }

    func testATrailingEmptyOldLineMayStandForTheFinalNewline() throws {
        XCTAssertEqual(try updated("a\nb\n", "@@\n-b\n-\n+c\n+"), "a\nc\n")
    }

    func testLineEndingsAreKept() throws {
        XCTAssertEqual(try updated("a\r\nb\r\nc\r\n", "@@\n a\n-b\n+B\n+B2"), "a\r\nB\r\nB2\r\nc\r\n")
        // New lines take the file's first line ending.
        XCTAssertEqual(try updated("a\r\nb\n", "@@\n-b\n+c"), "a\r\nc\r\n")
    }

    func testFailuresAreCodexsMessages() throws {
        XCTAssertEqual(try update("a\n", "@@ def g():\n-a\n+b"), .failure(ApplyPatch.Failure("Failed to find context 'def g():' in f.txt")))
        XCTAssertEqual(try update("a\n", "@@\n-zzz\n+b"), .failure(ApplyPatch.Failure("Failed to find expected lines [\"zzz\"] in f.txt")))
    }

    // MARK: Unified diffs (the recorded truth)

    func diff(_ text: String) throws -> UnifiedDiff {
        let lines = Array(text.utf8).split(separator: 0x0A, omittingEmptySubsequences: false)
        let body = lines.last?.isEmpty == true ? Array(lines.dropLast()) : Array(lines)
        return UnifiedDiff(hunks: try XCTUnwrap(UnifiedDiff.parseHunks(body, from: 0)).hunks)
    }

    func testUnifiedDiffAppliesStrictly() throws {
        let d = try diff("@@ -2,2 +2,3 @@\n b\n-c\n+C\n+D\n")
        XCTAssertEqual(d.apply(to: Array("a\nb\nc\ne\n".utf8)).map { String(decoding: $0, as: UTF8.self) }, .success("a\nb\nC\nD\ne\n"))
        XCTAssertEqual(
            d.apply(to: Array("a\nb \nc\ne\n".utf8)).map { String(decoding: $0, as: UTF8.self) },
            .failure(UnifiedDiff.Misfit(line: 2, expected: "b", found: "b ")))
        let noNewline = try diff("@@ -1 +1 @@\n-a\n\\ No newline at end of file\n+a\n")
        XCTAssertEqual(noNewline.apply(to: Array("a".utf8)).map { String(decoding: $0, as: UTF8.self) }, .success("a\n"))
        XCTAssertEqual(
            noNewline.apply(to: Array("a\n".utf8)).map { String(decoding: $0, as: UTF8.self) },
            .failure(UnifiedDiff.Misfit(line: 1, expected: "(no newline at end)", found: "(ends with a newline)")))
        let create = try diff("@@ -0,0 +1,2 @@\n+x\n+y\n\\ No newline at end of file\n")
        XCTAssertEqual(create.apply(to: nil).map { String(decoding: $0, as: UTF8.self) }, .success("x\ny"))
    }

    /// Found by fuzzing (`scripts/fuzz apply-patch`): a hunk starting past the end of the file
    /// at Int.max overflowed computing the line of the misfit, and the process trapped.
    func testAHunkFarPastTheEndIsAMisfitNotACrash() throws {
        let d = try diff("@@ -9223372036854775807,0 +1,1 @@\n+x\n")
        XCTAssertEqual(
            d.apply(to: Array("a\nb\n".utf8)),
            .failure(UnifiedDiff.Misfit(line: 3, expected: "(hunk @@ -9223372036854775807,0 @@)", found: nil)))
        XCTAssertEqual(d.apply(to: nil), .failure(UnifiedDiff.Misfit(line: 1, expected: "(hunk @@ -9223372036854775807,0 @@)", found: nil)))
    }

    // MARK: Invocations

    func testFindsApplyPatchInShellCalls() {
        let body = "*** Begin Patch\n*** Add File: a\n+x\n*** End Patch"
        XCTAssertEqual(ApplyPatchInvocation.from(argv: ["apply_patch", body]), .init(patch: body, directory: nil))
        XCTAssertEqual(
            ApplyPatchInvocation.from(argv: ["bash", "-lc", "apply_patch <<'EOF'\n\(body)\nEOF\n"]), .init(patch: body + "\n", directory: nil))
        XCTAssertEqual(
            ApplyPatchInvocation.from(script: "cd sub && apply_patch <<\"PATCH\"\n\(body)\nPATCH"), .init(patch: body + "\n", directory: "sub"))
        XCTAssertNil(ApplyPatchInvocation.from(script: "apply_patch <<'EOF'\n\(body)\nEOF\necho done"))
        XCTAssertNil(ApplyPatchInvocation.from(script: "echo hi && apply_patch <<'EOF'\n\(body)\nEOF"))
        XCTAssertNil(ApplyPatchInvocation.from(argv: ["bash", "-lc", "cat a.txt"]))
        XCTAssertNil(ApplyPatchInvocation.from(argv: [body]), "a bare patch is not an invocation (Codex refuses it)")
    }
}
