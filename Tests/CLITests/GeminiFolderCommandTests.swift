import Foundation
import XCTest

/// `agentreplay run` on a real Gemini CLI session that ran in a folder of its repository
/// (`fixtures/gemini/`): what the run says of the folder, in its text and in `--json`, and its
/// exit status.
final class GeminiFolderCommandTests: XCTestCase {
    static let log = packageRoot + "/fixtures/gemini/gemini-cli__computermode-test-repo__5a31697679ee.json"
    static let base = ["README.md": "# test-repo\n", "hello.py": "print('hello')\n"]

    /// The base has the folder: the file lands in it, the run says so and exits 3 (unverified).
    func testTheFolderIsSaidAndTheRunIsUnverified() throws {
        let repo = try TestRepo(self, files: Self.base.merging(["test-dir/notes.md": "notes\n"]) { a, _ in a })
        let text = try CLI.run(["run", Self.log, "--repo", repo.path, "--no-refs", "--color", "never"], in: repo.path)
        XCTAssertEqual(text.status, 3, "\(text)")
        XCTAssertTrue(
            text.stdoutText.contains(
                "unverified: the session ran in test-dir/ (/Users/ninawork/entire/test-repos/test-repo/test-dir, "
                    + "from #2's output and the log's projectHash), the one folder of the base it can be;"), text.stdoutText)
        let json = try CLI.run(["run", Self.log, "--repo", repo.path, "--json"], in: repo.path)
        XCTAssertEqual(json.status, 3, "\(json)")
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(json.stdout)) as? [String: Any])
        let caveats = try XCTUnwrap(document["caveats"] as? [String])
        XCTAssertEqual(caveats.count, 1)
        XCTAssertTrue(caveats[0].hasPrefix("the session ran in test-dir/ ("), caveats[0])
        XCTAssertEqual(document["inferences"] as? [String], [])
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:test-dir/test.txt"), "test wednesday\n")
    }

    /// `--recorded-root` names the top: the file lands in the folder and the run exits 0.
    func testARecordedRootNamesTheTop() throws {
        let repo = try TestRepo(self, files: Self.base)
        let r = try CLI.run(
            ["run", Self.log, "--repo", repo.path, "--recorded-root", "/Users/ninawork/entire/test-repos/test-repo"], in: repo.path)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertEqual(try repo.git("show", "refs/agentreplay/last:test-dir/test.txt"), "test wednesday\n")
    }
}
