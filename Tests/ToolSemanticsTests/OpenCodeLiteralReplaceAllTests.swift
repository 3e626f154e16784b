import XCTest

@testable import ToolSemantics

/// `replaceAll` of a string found as it is runs on the UTF-8 bytes (`literalReplaceAll`): it
/// must give what OpenCode's own way gives — the file in UTF-16, the first replacer, and
/// `String.prototype.replaceAll` — for every file and string, line endings and characters
/// outside the BMP included.
final class OpenCodeLiteralReplaceAllTests: XCTestCase {
    let limits = ReplayLimits(fileBytes: 1 << 20, spanBytes: 1 << 30, spanPaths: 10_000, pathDepth: 1_024)

    /// The UTF-16 route, as `apply` takes it when the byte route declines.
    func reference(_ content: String, _ old: String, _ new: String) throws -> String? {
        let text = OpenCodeEdit.Text(content.utf16)
        let crlf = OpenCodeEdit.contains(text, [0x0D, 0x0A])
        func ending(_ s: String) -> OpenCodeEdit.Text {
            let lf = OpenCodeEdit.replacingAll(OpenCodeEdit.Text(s.utf16), [0x0D, 0x0A], with: [0x0A])
            return crlf ? OpenCodeEdit.replacingAll(lf, [0x0A], with: [0x0D, 0x0A]) : lf
        }
        guard case .success(let out) = try OpenCodeEdit.replace(text, ending(old), ending(new), replaceAll: true, limits: limits)
        else { return nil }
        return String(decoding: out, as: UTF16.self)
    }

    func testTheBytesGiveWhatUTF16Gives() throws {
        let cases: [(String, String, String)] = [
            ("a a a\n", "a", "bb"), ("aaaa", "aa", "b"), ("aaa", "aa", "x"),
            ("é café é\n", "é", "e\u{301}"), ("x😀y😀z", "😀", "🙂🙂"), ("😀😀", "😀😀", ""),
            ("one\r\ntwo\r\none\r\n", "one\ntwo", "1\n2"), ("one\ntwo\n", "one\r\ntwo", "uno\r\ndos"),
            ("lone\r cr\r\n", "\r", "R"), ("tab\tend\n", "\t", "    "),
        ]
        for (content, old, new) in cases {
            let expected = try XCTUnwrap(try reference(content, old, new), "\(content.debugDescription) \(old.debugDescription)")
            let edit = try XCTUnwrap(try OpenCodeEdit.literalReplaceAll(Array(content.utf8), old: old, new: new, limits: limits, path: "f"))
            guard case .write(let bytes) = edit else { return XCTFail("\(edit)") }
            XCTAssertEqual(String(decoding: bytes, as: UTF8.self), expected, "\(content.debugDescription) \(old.debugDescription)")
            XCTAssertEqual(bytes, Array(expected.utf8))
        }
    }

    func testItDeclinesWhatItCannotDecide() throws {
        // A `$` pattern, a string not there as it is (another replacer may find it), a file
        // that is not UTF-8: the UTF-16 route decides.
        XCTAssertNil(try OpenCodeEdit.literalReplaceAll(Array("a b".utf8), old: "a", new: "$&$&", limits: limits, path: "f"))
        XCTAssertNil(try OpenCodeEdit.literalReplaceAll(Array("  a()\n".utf8), old: "a()  ", new: "b", limits: limits, path: "f"))
        XCTAssertNil(try OpenCodeEdit.literalReplaceAll([0x61, 0xFF, 0x61], old: "a", new: "b", limits: limits, path: "f"))
    }

    func testThePathIsTakenByApplyAndRefusesPastTheLimit() throws {
        let tight = ReplayLimits(fileBytes: 8, spanBytes: 1 << 30, spanPaths: 10_000, pathDepth: 1_024)
        XCTAssertNoThrow(
            try OpenCodeEdit.apply(to: Array("abab".utf8), old: "a", new: "aaa", replaceAll: true, isDirectory: false, path: "a", limits: tight))
        XCTAssertThrowsError(
            try OpenCodeEdit.apply(to: Array("ababa".utf8), old: "a", new: "aaa", replaceAll: true, isDirectory: false, path: "a", limits: tight)
        ) {
            XCTAssertEqual(($0 as? ReplayLimits.Exceeded)?.variable, .fileBytes, "\($0)")
        }
    }
}
