import XCTest

@testable import ToolSemantics
import Trace

/// Each agent's editor as a function of bytes, by tables: a file (nil: none), the call's
/// arguments, and what the tool would have left (the file's text, or the tool's own refusal).
/// No repository, no replay: each case runs in microseconds.
final class EditorTableTests: XCTestCase {
    /// A `FileEdit` as text: `=text` for a write, `!message` for a refusal, `-` for a delete.
    func shown(_ edit: FileEdit) -> String {
        switch edit {
        case .write(let bytes): return "=" + String(decoding: bytes, as: UTF8.self)
        case .failure(let message): return "!" + message
        case .delete: return "-"
        }
    }

    func shown<E>(_ result: Result<[UInt8], E>, _ message: (E) -> String) -> String {
        switch result {
        case .success(let bytes): return "=" + String(decoding: bytes, as: UTF8.self)
        case .failure(let refusal): return "!" + message(refusal)
        }
    }

    func testClaudeCodeEdit() throws {
        let cases: [(file: String?, old: String, new: String, all: Bool, expected: String)] = [
            ("alpha\nbeta\n", "beta", "BETA", false, "=alpha\nBETA\n"),
            ("a a a\n", "a", "b", true, "=b b b\n"),
            ("a a a\n", "a", "b", false, "!Found 3 matches of the string to replace, but replace_all is false."),
            ("alpha\n", "zeta", "x", false, "!String to replace not found in file."),
            ("alpha\n", "alpha", "alpha", false, "!No changes to make: old_string and new_string are exactly the same."),
            (nil, "", "new\n", false, "=new\n"),  // an empty old_string creates the file
            (nil, "x", "y", false, "!File does not exist."),
            ("  \n", "", "over\n", false, "=over\n"),  // only white space: written over
            ("text\n", "", "over\n", false, "!Cannot create new file - file already exists."),
            ("keep\ngone\nkeep\n", "gone", "", false, "=keep\nkeep\n"),  // deleting a line takes its newline
            ("one\r\ntwo\r\n", "two", "TWO", false, "=one\r\nTWO\r\n"),  // CRLF read as LF, written back
            ("héllo wörld\n", "ö", "o", false, "=héllo world\n"),  // bytes, no normalisation
        ]
        for c in cases {
            let edit = try ClaudeCodeEdit.apply(
                [.init(old: Array(c.old.utf8), new: Array(c.new.utf8), replaceAll: c.all)],
                to: c.file.map { Array($0.utf8) })
            XCTAssertEqual(shown(edit), c.expected, "\(c)")
        }
    }

    func testClaudeCodeMultiEditIsAllOrNothing() throws {
        let edits: [ClaudeCodeEdit.Replacement] = [
            .init(old: Array("a".utf8), new: Array("A".utf8), replaceAll: false),
            .init(old: Array("zz".utf8), new: Array("Z".utf8), replaceAll: false),
        ]
        XCTAssertEqual(shown(try ClaudeCodeEdit.apply(edits, to: Array("a b\n".utf8))), "!edit 2: String to replace not found in file.")
        XCTAssertEqual(shown(try ClaudeCodeEdit.apply(Array(edits.prefix(1)), to: Array("a b\n".utf8))), "=A b\n")
    }

    func testAnEditPastTheFileLimitIsRefusedBeforeItIsBuilt() {
        let limits = ReplayLimits(fileBytes: 100, spanBytes: 1_000, spanPaths: 10, pathDepth: 10)
        let file = Array(String(repeating: "a", count: 60).utf8)
        XCTAssertThrowsError(try ClaudeCodeEdit.apply([.init(old: [0x61], new: [0x61, 0x61], replaceAll: true)], to: file, limits: limits)) {
            XCTAssertEqual(($0 as? ReplayLimits.Exceeded)?.variable, .fileBytes)
        }
        XCTAssertThrowsError(try GeminiEdit.apply(to: file, old: "a", new: "aa", expected: 60, path: "f", limits: limits))
    }

    func testGeminiReplace() throws {
        let cases: [(file: String?, old: String, new: String, expected: Int64, result: String)] = [
            ("x = 1\ny = 2\n", "y = 2", "y = 3", 1, "=x = 1\ny = 3\n"),
            ("a a\n", "a", "b", 2, "=b b\n"),
            ("a a\n", "a", "b", 1, "!Failed to edit, Expected 1 occurrence but found 2 for old_string in file: f.py"),
            ("a\n", "z", "b", 1, "!Failed to edit, 0 occurrences found for old_string in f.py. No edits made."),
            ("a\n", "a", "a", 1, "!No changes to apply. The old_string and new_string are identical in file: f.py"),
            (nil, "", "new\n", 1, "=new\n"),
            (nil, "a", "b", 1, "!File not found: f.py"),
            ("a\n", "", "b", 1, "!File already exists, cannot create: f.py"),
            ("a\r\nb\r\n", "b", "c", 1, "=a\nc\n"),  // read with \r\n as \n, written so
            ("$1\n", "$1", "$&", 1, "=$&\n"),  // literal, no patterns
        ]
        for c in cases {
            let edit = try GeminiEdit.apply(to: c.file.map { Array($0.utf8) }, old: c.old, new: c.new, expected: c.expected, path: "f.py")
            XCTAssertEqual(shown(edit), c.result, "\(c)")
        }
    }

    func testOpenCodeEdit() throws {
        let cases: [(file: String?, old: String, new: String, all: Bool, result: String)] = [
            ("let a = 1\n", "a = 1", "a = 2", false, "=let a = 2\n"),
            ("x\n", "x", "x", false, "!No changes to apply: oldString and newString are identical."),
            (nil, "", "made\n", false, "=made\n"),
            ("old\n", "", "whole\n", false, "=whole\n"),  // an empty oldString writes the whole file
            (nil, "a", "b", false, "!File f.ts not found"),
            ("a\r\nb\r\n", "a\nb", "c\nd", false, "=c\r\nd\r\n"),  // the strings take the file's endings
            ("  indented()\n", "indented()  ", "done()", false, "=done()\n"),  // lines matched trimmed: the whole line replaced
            (
                "f(a)\nf(a)\n", "f(a)", "g(a)", false,
                "!Found multiple matches for oldString. Provide more surrounding context to make the match unique."
            ),
            ("f(a)\nf(a)\n", "f(a)", "g($&)", true, "=g(f(a))\ng(f(a))\n"),  // replaceAll's patterns
            (
                "abc\n", "zzz", "y", false,
                "!Could not find oldString in the file. It must match exactly, including whitespace, indentation, and line endings."
            ),
        ]
        for c in cases {
            let edit = try OpenCodeEdit.apply(
                to: c.file.map { Array($0.utf8) }, old: c.old, new: c.new, replaceAll: c.all, isDirectory: false, path: "f.ts")
            XCTAssertEqual(shown(edit), c.result, "\(c)")
        }
        XCTAssertEqual(
            shown(try OpenCodeEdit.apply(to: [], old: "a", new: "b", replaceAll: false, isDirectory: true, path: "d")),
            "!Path is a directory, not a file: d")
    }

    func testSWEAgentStrReplaceAndInsert() {
        let replaces: [(file: String, old: String, new: String?, result: String)] = [
            ("a = 1\nb = 2\n", "b = 2", "b = 3", "=a = 1\nb = 3\n"),
            ("\tx\n", "        x", "y", "=y\n"),  // tabs expanded in the file and the strings
            ("a\r\nb\r\n", "b", "c", "=a\nc\n"),  // universal newlines, written as \n
            ("p\np\n", "p", "q", "!No replacement was performed. Multiple occurrences of old_str `p` in lines [1, 2]. Please ensure it is unique"),
            ("p\n", "z", "q", "!No replacement was performed, old_str `z` did not appear verbatim in /r/f.py."),
            ("p\n", "p", "p", "!No replacement was performed, old_str `p` is the same as new_str `p`."),
            ("keep\ndrop\n", "drop\n", nil, "=keep\n"),
        ]
        for c in replaces {
            let text = SWEAgentEditor.read(Array(c.file.utf8)).bytes
            XCTAssertEqual(shown(SWEAgentEditor.replace(in: text, old: c.old, new: c.new, path: "/r/f.py"), \.message), c.result, "\(c)")
        }
        let inserts: [(file: String, line: Int64, new: String, result: String)] = [
            ("a\nb\n", 0, "top", "=top\na\nb\n"),
            ("a\nb\n", 1, "mid", "=a\nmid\nb\n"),
            ("a\nb", 2, "end", "=a\nb\nend"),
            ("a\n", 5, "x", "!Invalid `insert_line` parameter: 5. It should be within the range of lines of the file: [0, 2]"),
        ]
        for c in inserts {
            XCTAssertEqual(shown(SWEAgentEditor.insert(in: Array(c.file.utf8), line: c.line, new: c.new), \.message), c.result, "\(c)")
        }
    }

    func testSWEAgentReadsLatin1AndWritesItBack() {
        let text = SWEAgentEditor.read([0x63, 0x61, 0x66, 0xE9, 0x0A])  // "café" in Latin-1
        XCTAssertEqual(text.encoding, .latin1)
        XCTAssertEqual(text.bytes, Array("café\n".utf8))
        XCTAssertEqual(SWEAgentEditor.write(text.bytes, as: .latin1), [0x63, 0x61, 0x66, 0xE9, 0x0A])
        XCTAssertNil(SWEAgentEditor.write(Array("€\n".utf8), as: .latin1), "no Latin-1 for €")
    }

    func testOpenHandsStrReplaceAndInsert() {
        let replaces: [(file: String, old: String, new: String?, result: String)] = [
            ("a = 1\nb = 2\n", "b = 2", "b = 3", "=a = 1\nb = 3\n"),
            ("\tx\n", "\tx", "y", "=y\n"),  // no tab expansion
            ("x = 1\n", "  x = 1  ", " x = 2 ", "=x = 2\n"),  // not found: both strings stripped, then found
            ("p\np\n", "p", "q", "!No replacement was performed. Multiple occurrences of old_str `p` in lines [1, 2]. Please ensure it is unique."),
            ("p\n", "z", "q", "!No replacement was performed, old_str `z` did not appear verbatim in /w/f.py."),
        ]
        for c in replaces {
            XCTAssertEqual(
                shown(OpenHandsEditor.replace(in: Array(c.file.utf8), old: c.old, new: c.new, path: "/w/f.py"), \.message), c.result, "\(c)")
        }
        let inserts: [(file: String, line: Int64, new: String, result: String)] = [
            ("a\nb\n", 1, "mid", "=a\nmid\nb\n"),
            ("a\nb", 2, "end", "=a\nbend\n"),  // a last line without a newline is joined to what follows
            ("a\n", 3, "x", "!Invalid `insert_line` parameter: 3. It should be within the range of allowed values: [0, 1]"),
        ]
        for c in inserts {
            XCTAssertEqual(shown(OpenHandsEditor.insert(in: Array(c.file.utf8), line: c.line, new: c.new), \.message), c.result, "\(c)")
        }
    }

    func testStructuredPatchGivesTheRecordedAfterImage() throws {
        func hunk(_ oldStart: Int, _ oldLines: Int, _ lines: [String]) throws -> JSON {
            let body = lines.map { "\"" + $0.replacingOccurrences(of: "\\", with: "\\\\") + "\"" }.joined(separator: ",")
            return try JSONParser.parse(Array("{\"oldStart\":\(oldStart),\"oldLines\":\(oldLines),\"lines\":[\(body)]}".utf8))
        }
        let cases: [(original: String, hunks: [JSON], result: String?)] = [
            ("a\nb\nc\n", [try hunk(2, 1, ["-b", "+B"])], "a\nB\nc\n"),
            ("a\nb\n", [try hunk(1, 2, [" a", "-b", "+b", "\\ No newline at end of file"])], "a\nb"),
            ("", [try hunk(0, 0, ["+new"])], "new\n"),
            ("a\nb\n", [try hunk(1, 1, ["-x"])], nil),  // does not apply: no evidence either way
        ]
        for c in cases {
            XCTAssertEqual(StructuredPatch.apply(c.hunks, to: Array(c.original.utf8)).map { String(decoding: $0, as: UTF8.self) }, c.result, "\(c)")
        }
    }

    func testBytes() {
        let cases: [(needle: String, haystack: String, found: [Int])] = [
            ("ab", "abxab", [0, 3]), ("aa", "aaaa", [0, 2]), ("", "abc", []), ("abcd", "abc", []), ("é", "café é", [3, 6]),
        ]
        for c in cases {
            XCTAssertEqual(Bytes.occurrences(of: Array(c.needle.utf8), in: Array(c.haystack.utf8)), c.found, "\(c)")
        }
        XCTAssertEqual(Bytes.replacing([0, 3], length: 2, with: Array("Z".utf8), in: Array("abxab".utf8)), Array("ZxZ".utf8))
        XCTAssertEqual(Bytes.normalisingCRLF(Array("a\r\nb\rc\r\n".utf8)), Array("a\nb\rc\n".utf8))
        XCTAssertEqual(Bytes.usingCRLF(Array("a\nb".utf8)), Array("a\r\nb".utf8))
        XCTAssertFalse(Bytes.isValidUTF8([0xC3]))
        XCTAssertEqual(Bytes.sizeAfterReplacing(3, length: 1, with: 4, in: 10), 19)
        XCTAssertEqual(Bytes.sizeAfterReplacing(Int.max / 2, length: 1, with: 10, in: 10), Int.max, "saturates")
    }
}

extension EditorTableTests {
    /// `[File: (2 lines total)]`: the ` (` before the count is the header's own space, so there
    /// is no path; the row is not a window header (a fuzz input once trapped on the range).
    func testAWindowHeaderWithoutAPathIsNoHeader() {
        XCTAssertTrue(SWEAgentWindowView.all(in: "[File: (2 lines total)]\n1:a\n2:b").isEmpty)
        XCTAssertEqual(SWEAgentWindowView.all(in: "[File: /r/a.py (2 lines total)]\n1:a\n2:b").first?.path, "/r/a.py")
    }
}
