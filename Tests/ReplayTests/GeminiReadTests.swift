import XCTest

import Importers
import Replay
import TestSupport
import Trace

/// Gemini CLI's `read_file` checked against the replayed file: a whole read is compared, a
/// partial or truncated one is not, and a file a shell command wrote in a way replay cannot
/// follow is caught by the read that shows it (the entireio/cli session of ab2b9748b105).
final class GeminiReadTests: XCTestCase {
    func read(_ path: String, _ output: String, args: [(String, JSON)] = []) -> GeminiSession.Call {
        GeminiSession.Call(name: "read_file", args: .object([("file_path", .string(path))] + args), result: output)
    }

    func testWholeReadsAreComparedPartialOnesAreNot() throws {
        let repo = try TestRepo(self, files: ["a.md": "one\r\ntwo\r\n", "b.md": "x\n"])
        var s = GeminiSession()
        s.gemini(calls: [read("a.md", "one\ntwo\n")])
        s.gemini(calls: [read("b.md", "x\n")])
        s.gemini(calls: [read("b.md", "y\n")])
        s.gemini(calls: [read("b.md", "z\n", args: [("offset", 0), ("limit", 1)])])
        let directory = try makeTemporaryDirectory(self, "gemini")
        let trace = try Importer.load(path: s.save(in: directory))
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .served, .served])
        XCTAssertEqual(r.tools.map { $0.drift.first?.kind }, [nil, nil, .observation, nil])
        XCTAssertEqual(r.tools[2].drift.first?.recorded, "y")
    }

    /// The first whole read of a file the base lacks or holds otherwise is the start state:
    /// the session began on a dirty tree.
    func testAFirstWholeReadIsTheStartState() throws {
        let repo = try TestRepo(self, files: ["b.md": "x\n"])
        var s = GeminiSession()
        s.gemini(calls: [read("b.md", "y\n")])
        s.gemini(calls: [read("c.md", "seen\n")])
        let directory = try makeTemporaryDirectory(self, "gemini")
        let trace = try Importer.load(path: s.save(in: directory))
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.run.drift, [])
        XCTAssertEqual(r.run.startState.map(\.path), ["b.md", "c.md"])
        XCTAssertEqual(try r.file("c.md"), "seen\n")
        XCTAssertEqual(r.run.outcome, .unverified, "a start state leaves what the session never saw unknown")
    }
}

/// A Gemini CLI session whose project root cannot be found (no path hashes to its
/// `projectHash`): a relative path is taken from the repository's top, and the run says it
/// cannot vouch for that (two real sessions ran in a folder of the repository).
final class GeminiUnknownRootTests: XCTestCase {
    func testARelativeWriteWithNoKnownRootLeavesTheRunUnverified() throws {
        let repo = try TestRepo(self, files: ["README.md": "r\n"])
        var s = GeminiSession()
        s.projectHash = String(repeating: "0", count: 64)
        s.gemini(calls: [
            GeminiSession.Call(
                name: "write_file", args: ["file_path": "test.txt", "content": "hi\n"],
                result: "Successfully created and wrote to new file: test.txt.")
        ])
        let directory = try makeTemporaryDirectory(self, "gemini")
        let trace = try Importer.load(path: s.save(in: directory))
        XCTAssertNil(trace.header.repoRoot)
        let r = try replay(trace, onto: repo)
        XCTAssertEqual(r.tools.first?.verdict, .applied)
        XCTAssertEqual(try r.file("test.txt"), "hi\n")
        XCTAssertEqual(r.run.outcome, .unverified)
    }
}
