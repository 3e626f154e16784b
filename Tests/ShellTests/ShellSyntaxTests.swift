import XCTest

@testable import Shell

/// The shell reader: words, quotes, escapes, lists, pipelines, redirections, here-documents;
/// and what it refuses to read.
final class ShellSyntaxTests: XCTestCase {
    func words(_ script: String) throws -> [[String]] {
        try ShellScript.parse(script).items.map { $0.pipeline.flatMap { $0.words.map(\.text) } }
    }

    func unsupported(_ script: String, file: StaticString = #filePath, line: UInt = #line) -> String? {
        do {
            _ = try ShellScript.parse(script)
            XCTFail("parsed: \(script)", file: file, line: line)
            return nil
        } catch {
            return error.reason
        }
    }

    func testQuotesAndEscapes() throws {
        XCTAssertEqual(try words(#"echo 'a b' "c d" e\ f "g\"h" 'i\j' "k\l" "$""#), [["echo", "a b", "c d", "e f", "g\"h", "i\\j", "k\\l", "$"]])
        XCTAssertEqual(try words("echo a\\\nb"), [["echo", "ab"]], "a backslash-newline joins lines")
        XCTAssertEqual(try words("echo ''"), [["echo", ""]])
        XCTAssertEqual(try words("echo a # a comment\nls"), [["echo", "a"], ["ls"]])
        XCTAssertEqual(try words("echo a#b"), [["echo", "a#b"]], "# starts a comment only at a word's start")
    }

    func testListsAndConnectors() throws {
        let s = try ShellScript.parse("cd src && rm a || echo no; ls\nmv b c &")
        XCTAssertEqual(s.items.map(\.connector), [.first, .and, .or, .then, .then])
        XCTAssertEqual(s.items.map(\.background), [false, false, false, false, true])
        XCTAssertEqual(try words("a &&\n b"), [["a"], ["b"]], "a newline may follow &&")
    }

    func testPipelinesAndRedirections() throws {
        let s = try ShellScript.parse("grep x f 2>&1 | tee -a log > /dev/null")
        XCTAssertEqual(s.items.count, 1)
        let stages = s.items[0].pipeline
        XCTAssertEqual(stages.map { $0.words.map(\.text) }, [["grep", "x", "f"], ["tee", "-a", "log"]])
        XCTAssertEqual(stages[0].redirections.map { "\($0.fd ?? -1)\($0.op.rawValue)\($0.target.text)" }, ["2>&1"])
        XCTAssertEqual(stages[1].redirections.map(\.op), [.output])
        XCTAssertEqual(stages[1].redirections.map(\.target.text), ["/dev/null"])
        let r = try ShellScript.parse("echo x>>a 2>b &>c >&d <e").items[0].pipeline[0].redirections
        XCTAssertEqual(r.map(\.op), [.append, .output, .both, .both, .input])
        XCTAssertEqual(r.map(\.fd), [nil, 2, nil, nil, nil])
        XCTAssertEqual(r.map(\.target.text), ["a", "b", "c", "d", "e"])
        let big = try ShellScript.parse("echo a 99999999999999999999>f 2147483647>g").items[0].pipeline[0]
        XCTAssertEqual(big.words.map(\.text), ["echo", "a", "99999999999999999999"], "past INT_MAX bash reads the digits as a word")
        XCTAssertEqual(big.redirections.map(\.fd), [nil, 2_147_483_647])
        XCTAssertEqual(big.redirections.map(\.target.text), ["f", "g"])
    }

    func testHereDocuments() throws {
        let s = try ShellScript.parse("cat <<EOF > a.txt\nline 1\n  line 2\nEOF\ncat <<'END' >> b.txt && echo ok\n$HOME `x`\nEND\n")
        XCTAssertEqual(s.items.count, 3)
        XCTAssertEqual(s.items[0].pipeline[0].redirections[0].body, "line 1\n  line 2\n")
        XCTAssertEqual(s.items[1].pipeline[0].redirections[0].body, "$HOME `x`\n", "a quoted delimiter reads the body as it is")
        XCTAssertEqual(s.items[2].pipeline[0].words.map(\.text), ["echo", "ok"])
        let tabs = try ShellScript.parse("cat <<-EOF >t\n\tindented\n\tEOF")
        XCTAssertEqual(tabs.items[0].pipeline[0].redirections[0].body, "indented\n", "<<- strips leading tabs, and the last line may lack a newline")
        let escaped = try ShellScript.parse("cat <<E >t\ncost: \\$5\nE\n")
        XCTAssertEqual(escaped.items[0].pipeline[0].redirections[0].body, "cost: $5\n")
        XCTAssertEqual(try ShellScript.parse("cat <<<hello").items[0].pipeline[0].redirections[0].body, "hello\n")
    }

    func testWordsKnowWhatTheShellWouldExpand() throws {
        let w = try ShellScript.parse(#"rm *.txt '*.md' "$HOME/x" ~/y a{b,c} x=1"#).items[0].pipeline[0].words
        XCTAssertEqual(w.map(\.isPattern), [false, true, false, false, false, false, false])
        XCTAssertEqual(w.map(\.expansion), [nil, nil, nil, "$HOME", "~", nil, nil])
        XCTAssertEqual(w.map(\.hasBraces), [false, false, false, false, false, true, false])
        let assigned = try ShellScript.parse("FOO=1 BAR=two cmd").items[0].pipeline[0]
        XCTAssertEqual(assigned.assignments.map(\.text), ["FOO=1", "BAR=two"])
        XCTAssertEqual(assigned.words.map(\.text), ["cmd"])
    }

    func testWhatItDoesNotRead() {
        XCTAssertEqual(unsupported("echo $(rm -rf x)"), "command substitution $(…) is not followed")
        XCTAssertEqual(unsupported("echo `date`"), "command substitution (`…`) is not followed")
        XCTAssertEqual(unsupported("(cd a && rm b)"), "subshells and groups `( … )` are not followed")
        XCTAssertEqual(unsupported("if true; then rm a; fi"), "`if`: compound commands are not followed")
        XCTAssertEqual(unsupported("for f in *; do rm $f; done"), "`for`: compound commands are not followed")
        XCTAssertEqual(unsupported("echo 'open"), "an unterminated quote")
        XCTAssertEqual(unsupported("cat <<EOF\nno end"), "a here-document without its end (EOF)")
        XCTAssertEqual(unsupported("cat <<EOF\n$x\nEOF"), "`$` expansion in a here-document is not expanded (quote the delimiter: <<'EOF')")
        XCTAssertEqual(unsupported("diff <(ls a) <(ls b)"), "process substitution is not followed")
        XCTAssertEqual(unsupported("a &&"), "the command line ends after an operator")
        XCTAssertEqual(unsupported("a ;; b"), "`;;` is not followed")
    }

    func testRememberedCommandsAreKeyedByTheirBytes() throws {
        // Canonically equivalent, so equal as Swift strings; different bytes on disk.
        let composed = "echo \u{E9} > a.txt", decomposed = "echo e\u{301} > a.txt"
        XCTAssertEqual(composed, decomposed)
        for (command, text) in [(composed, [0xC3, 0xA9]), (decomposed, [0x65, 0xCC, 0x81]), (composed, [0xC3, 0xA9])] as [(String, [UInt8])] {
            let word = try ShellScript.parseRemembered(command).items[0].pipeline[0].words[1].text
            XCTAssertEqual(Array(word.utf8), text, command)
            guard case .write(let bytes, _) = shellEffects(command).effects.last?.change else { return XCTFail(command) }
            XCTAssertEqual(bytes, text + [0x0A], "echo writes the bytes of the command line it was given")
        }
    }
}
