import Foundation
import XCTest

/// `agentreplay diff` as a user runs it: exit 0 identical, 1 different, 2 bad input; the JSON
/// document names the first divergence by tool call id on both sides and is byte-stable.
final class DiffCommandTests: XCTestCase {
    let files = ["a.txt": "one\ntwo\nthree\n", "b.txt": "alpha\nbeta\n"]

    func session(_ id: String, edit new: String) -> SessionLog {
        var log = SessionLog()
        log.sessionID = id
        log.user("go")
        log.read("a.txt", "one\ntwo\nthree\n")
        log.edit("a.txt", "two", new)
        log.bash("make test")
        log.edit("b.txt", "beta", "BETA")
        return log
    }

    func testIdenticalSessionsExit0() throws {
        let repo = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let a = try session("11111111-1111-4111-8111-111111111111", edit: "2").save(logs + "/a.jsonl")
        let b = try session("22222222-2222-4222-8222-222222222222", edit: "2").save(logs + "/b.jsonl")
        let r = try CLI.run(["diff", a, b, "--repo", repo.path], in: logs)
        XCTAssertEqual(r.status, 0, "\(r)")
        XCTAssertTrue(r.stdoutText.contains("identical"), r.stdoutText)
        XCTAssertEqual(r.stderrText, "")
    }

    func testDifferentSessionsExit1AndNameTheFirstDivergenceOnBothSides() throws {
        let repo = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let a = try session("11111111-1111-4111-8111-111111111111", edit: "2").save(logs + "/a.jsonl")
        var other = session("22222222-2222-4222-8222-222222222222", edit: "deux")
        other.write("c.txt", "only in b\n")
        let b = try other.save(logs + "/b.jsonl")
        let r = try CLI.run(["diff", a, b, "--repo", repo.path, "--json"], in: logs)
        XCTAssertEqual(r.status, 1, "\(r)")
        let doc = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(r.stdout)) as? [String: Any])
        XCTAssertEqual(doc["schema"] as? String, "agentreplay.diff")
        let first = try XCTUnwrap(doc["first_divergence"] as? [String: Any])
        XCTAssertEqual(first["class"] as? String, "different-input")
        let sideA = try XCTUnwrap(first["a"] as? [String: Any]), sideB = try XCTUnwrap(first["b"] as? [String: Any])
        XCTAssertEqual(sideA["tool"] as? String, "Edit")
        XCTAssertNotNil(sideA["tool_call_id"] as? String)
        XCTAssertNotNil(sideB["tool_call_id"] as? String)
        XCTAssertEqual(sideA["index"] as? Int, sideB["index"] as? Int, "the same position in both sessions")
        let classes = (doc["differences"] as? [[String: Any]])?.compactMap { $0["class"] as? String }
        XCTAssertEqual(classes, ["different-input", "only-in-b"])
        // Every hunk names the span and tool call that wrote it.
        let hunks = try XCTUnwrap((doc["hunks"] as? [String: Any])?["b"] as? [[String: Any]])
        XCTAssertEqual(hunks.compactMap { $0["path"] as? String }.sorted(), ["a.txt", "b.txt", "c.txt"])
        for hunk in hunks {
            let spans = try XCTUnwrap(hunk["spans"] as? [[String: Any]])
            XCTAssertEqual(spans.count, 1, "\(hunk)")
            XCTAssertNotNil(spans.first?["tool_call_id"] as? String)
        }
        // Byte-stable: the same command again gives the same bytes.
        let again = try CLI.run(["diff", a, b, "--repo", repo.path, "--json"], in: logs, environment: ["TZ": "Asia/Tokyo"])
        XCTAssertEqual(again.stdout, r.stdout)
    }

    func testBadInputExits2NamingTheFile() throws {
        let repo = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let a = try session("11111111-1111-4111-8111-111111111111", edit: "2").save(logs + "/a.jsonl")
        try Data("{\"type\":\"user\",\"sessionId\":\"x\",\"message\":{\"content\":[{\"type\":\"tool_result\",\"tool_use_id\":7}]}}\n".utf8)
            .write(to: URL(fileURLWithPath: logs + "/bad.jsonl"))
        let r = try CLI.run(["diff", a, logs + "/bad.jsonl", "--repo", repo.path], in: logs)
        XCTAssertEqual(r.status, 2, "\(r)")
        XCTAssertEqual(r.stdoutText, "")
        XCTAssertTrue(r.stderrText.contains("bad.jsonl:1"), r.stderrText)
        XCTAssertTrue(r.stderrText.contains("tool_use_id"), r.stderrText)
    }

    func testTheRepositoryIsLeftAlone() throws {
        let repo = try TestRepo(self, files: files)
        let logs = try makeTemporaryDirectory(self, "logs")
        let a = try session("11111111-1111-4111-8111-111111111111", edit: "2").save(logs + "/a.jsonl")
        let b = try session("22222222-2222-4222-8222-222222222222", edit: "deux").save(logs + "/b.jsonl")
        let refsBefore = try repo.git("for-each-ref")
        let objectsBefore = try FileManager.default.subpathsOfDirectory(atPath: repo.path + "/.git/objects").sorted()
        _ = try CLI.run(["diff", a, b, "--repo", repo.path], in: logs)
        XCTAssertEqual(try repo.git("for-each-ref"), refsBefore)
        XCTAssertEqual(try FileManager.default.subpathsOfDirectory(atPath: repo.path + "/.git/objects").sorted(), objectsBefore)
    }
}
