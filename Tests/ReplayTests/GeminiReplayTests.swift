import Foundation
import XCTest

import Git
import Importers
import Replay
import ToolSemantics
import Trace

/// Gemini CLI sessions replayed: `replace` with its `expected_replacements` rule, `write_file`
/// creating and overwriting, paths relative to the project root, failed and cancelled calls,
/// the recorded `originalContent`/`newContent` checked, and the same commits again from the
/// native format.
final class GeminiReplayTests: XCTestCase {
    func replay(_ session: GeminiSession, onto repo: TestRepo, jsonl: Bool = false) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "gemini")
        let trace = try Importer.load(path: session.save(in: directory, jsonl: jsonl))
        XCTAssertEqual(trace.header.sourceFormat, "gemini")
        XCTAssertEqual(trace.header.repoRoot, GeminiSession.root, "found by its hash")
        return try replay(trace, onto: repo)
    }

    func describe(_ r: Replayed) -> String {
        r.tools.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }.joined(separator: "\n")
    }

    // MARK: replace

    func testExpectedReplacementsMustBeTheNumberOfOccurrences() throws {
        let before = "x = 1\nx = 1\ny = 2\n"
        let repo = try TestRepo(self, files: ["a.py": before])
        var s = GeminiSession()
        s.replace("a.py", "x = 1", "x = 3", error: "Failed to edit, Expected 1 occurrence but found 2 for old_string in file: /home/dev/calc/a.py")
        s.replace("a.py", "x = 1", "x = 3", expected: 2, before: before, after: "x = 3\nx = 3\ny = 2\n")
        s.replace(
            "a.py", "y = 2", "y = 4", expected: 3,
            error: "Failed to edit, Expected 3 occurrences but found 1 for old_string in file: /home/dev/calc/a.py")
        s.replace("a.py", "zzz", "w", error: "Failed to edit, 0 occurrences found for old_string in /home/dev/calc/a.py. No edits made.")
        s.replace("a.py", "y = 2", "y = 5", before: "x = 3\nx = 3\ny = 2\n", after: "x = 3\nx = 3\ny = 5\n")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .applied, .failedAsRecorded, .failedAsRecorded, .applied], describe(r))
        XCTAssertEqual(try r.file("a.py", in: r.tools[1].treeAfter), "x = 3\nx = 3\ny = 2\n", "both occurrences replaced")
        XCTAssertEqual(try r.file("a.py"), "x = 3\nx = 3\ny = 5\n")
        XCTAssertEqual(r.tools[0].note, "Failed to edit, Expected 1 occurrence but found 2 for old_string in file: /home/dev/calc/a.py")
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testARecordedSuccessThatDoesNotMatchOnReplayIsAMismatch() throws {
        let repo = try TestRepo(self, files: ["a.py": "x = 1\nx = 1\n"])
        var s = GeminiSession()
        s.replace("a.py", "x = 1", "x = 2", before: "x = 1\nx = 1\n", after: "x = 2\nx = 1\n")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools[0].verdict, .mismatch)
        XCTAssertEqual(
            r.tools[0].note,
            "recorded as done, but on replay: Failed to edit, Expected 1 occurrence but found 2 for old_string in file: /home/dev/calc/a.py (Gemini CLI may have had a model correct old_string; the log keeps only the call's own)"
        )
        XCTAssertTrue(r.changedNothing)
    }

    func testAnEmptyOldStringCreatesAMissingFileOnly() throws {
        let repo = try TestRepo(self, files: ["a.py": "a\n"])
        var s = GeminiSession()
        s.replace("new/b.py", "", "b = 1\n", after: "b = 1\n")
        s.replace("a.py", "", "again\n", error: "File already exists, cannot create: /home/dev/calc/a.py")
        s.replace("c.py", "c", "d", error: "File not found: /home/dev/calc/c.py")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .failedAsRecorded, .failedAsRecorded], describe(r))
        XCTAssertEqual(try r.file("new/b.py"), "b = 1\n")
        XCTAssertEqual(try r.file("a.py"), "a\n")
    }

    func testReplaceReadsCRLFAsLFAndWritesLF() throws {
        let repo = try TestRepo(self, files: ["w.txt": "one\r\ntwo\r\n"])
        var s = GeminiSession()
        s.replace("w.txt", "one\ntwo", "1\n2", before: "one\r\ntwo\r\n", after: "1\n2\n")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools[0].verdict, .applied)
        XCTAssertEqual(try r.file("w.txt"), "1\n2\n")
        XCTAssertEqual(r.tools[0].drift, [])
    }

    func testPathsRelativeToTheProjectRoot() throws {
        let repo = try TestRepo(self, files: ["src/m.py": "v = 1\n"])
        var s = GeminiSession()
        s.replace("/home/dev/calc/src/m.py", "v = 1", "v = 2", before: "v = 1\n", after: "v = 2\n")
        s.gemini(calls: [
            .init(
                name: "replace", args: ["file_path": "src/m.py", "old_string": "v = 2", "new_string": "v = 3"],
                result: "Successfully modified file: src/m.py (1 replacements).")
        ])
        s.gemini(calls: [
            .init(
                name: "write_file", args: ["file_path": "./docs/notes.md", "content": "notes\n"],
                result: "Successfully created and wrote to new file: ./docs/notes.md.")
        ])
        s.replace("/etc/hosts", "a", "b", error: "File path must be within one of the workspace directories: /home/dev/calc")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied, .failedAsRecorded], describe(r))
        XCTAssertEqual(try r.file("src/m.py"), "v = 3\n")
        XCTAssertEqual(try r.file("docs/notes.md"), "notes\n")
    }

    // MARK: write_file

    func testWriteFileCreatesAndOverwrites() throws {
        let repo = try TestRepo(self, files: ["old.txt": "old\n"])
        var s = GeminiSession()
        s.writeFile("fresh/new.txt", "new\n")
        s.writeFile("old.txt", "replaced\n", existed: true, before: "old\n")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied], describe(r))
        XCTAssertEqual(try r.file("fresh/new.txt"), "new\n")
        XCTAssertEqual(try r.file("old.txt"), "replaced\n")
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testWriteFileSaysWhetherTheFileExisted() throws {
        let repo = try TestRepo(self, files: ["here.txt": "x\n"])
        var s = GeminiSession()
        s.gemini(calls: [GeminiSession.Call(name: "read_file", args: ["file_path": "here.txt"], result: "x\n")])
        s.writeFile("here.txt", "y\n")  // "created": but the session saw the file
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied])
        XCTAssertEqual(r.tools[1].drift.map(\.kind), [.existence])
        XCTAssertEqual(r.tools[1].drift.first?.recorded, "(no file)")
    }

    /// A first write_file whose record disagrees with the base tells the start state: a file
    /// "created" was not there, a file "overwrote" was, with its recorded content.
    func testWriteFileRecordsTellTheStartState() throws {
        let repo = try TestRepo(self, files: ["here.txt": "x\n"])
        var s = GeminiSession()
        s.writeFile("here.txt", "y\n")  // "created": the session began without it
        s.writeFile("absent.txt", "z\n", existed: true, before: "was\n")  // "overwrote": it was there
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied])
        XCTAssertEqual(r.run.drift, [])
        XCTAssertEqual(r.run.startState.map(\.path), ["here.txt", "absent.txt"])
        XCTAssertNil(try r.file("here.txt", in: r.run.baseTree))
        XCTAssertEqual(try r.file("absent.txt", in: r.run.baseTree), "was\n")
        XCTAssertEqual(try r.file("absent.txt"), "z\n")
    }

    // MARK: What the log recorded

    func testOriginalAndNewContentAreChecked() throws {
        let repo = try TestRepo(self, files: ["c.py": "k = 1\nz = 0\n"])
        var s = GeminiSession()
        // Seen first as the base has it, so what follows is checked against it, not taken as
        // the start state.
        s.gemini(calls: [GeminiSession.Call(name: "read_file", args: ["file_path": "c.py"], result: "k = 1\nz = 0\n")])
        s.replace("c.py", "k = 1", "k = 2", before: "k = 1\nz = 9\n", after: "k = 2\nz = 9\n")  // the log saw z = 9
        s.replace("c.py", "k = 2", "k = 3", before: "k = 2\nz = 0\n", after: "k = 3\nz = 0\nmore\n")
        s.writeFile("c.py", "final\n", existed: true, before: "k = 3\nz = 0\n", written: "final\r\n")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied, .applied, .applied], describe(r))
        XCTAssertEqual(r.tools[1].drift, [Drift(kind: .beforeImage, path: "c.py", line: 2, recorded: "z = 9", replayed: "z = 0")])
        XCTAssertEqual(r.tools[2].drift, [Drift(kind: .afterImage, path: "c.py", line: 3, recorded: "more", replayed: nil)])
        XCTAssertEqual(r.tools[3].drift.map(\.kind), [.afterImage], "gemini-cli wrote CRLF; replay wrote the content as given")
    }

    func testCancelledAndFailedCallsDoNotWrite() throws {
        let repo = try TestRepo(self, files: ["a.py": "a = 1\n"])
        var s = GeminiSession()
        s.replace("a.py", "a = 1", "a = 2", error: "[Operation Cancelled] Reason: User did not allow tool call", status: "cancelled")
        s.writeFile("b.py", "b", error: "Path is a directory, not a file: /home/dev/calc/b.py")
        s.shell("./clean.sh")  // a script: what it changed is unseen
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.failedAsRecorded, .mismatch, .served], describe(r))
        XCTAssertEqual(r.tools[0].note, "cancelled: the call did not run")
        XCTAssertTrue(r.tools[2].unseenEffects)
        XCTAssertTrue(r.changedNothing)
    }

    // MARK: JSONL and the native format

    func testJSONLReplaysLikeJSONAndConvertsToNative() throws {
        let before = "x = 1\n"
        let repo = try TestRepo(self, files: ["a.py": before])
        var s = GeminiSession()
        s.user("Change x, add notes.")
        s.replace("a.py", "x = 1", "x = 2", before: before, after: "x = 2\n")
        s.writeFile("notes.md", "notes\n")
        s.shell("pytest", output: "1 passed")
        s.gemini("Done.")
        let json = try replay(s, onto: repo)
        let jsonl = try replay(s, onto: repo, jsonl: true)
        // `pytest` may write files replay cannot see, and nothing later confirms them.
        XCTAssertEqual(json.run.outcome, .unverified, describe(json))
        XCTAssertEqual(json.tools.filter(\.unverified).map(\.name), ["run_shell_command"])
        XCTAssertEqual(jsonl.run.finalTree, json.run.finalTree)
        XCTAssertEqual(jsonl.run.steps.map(\.verdict), json.run.steps.map(\.verdict))
        XCTAssertEqual(json.run.commits.count, 2)

        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(json.trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: repo)
        XCTAssertEqual(converted.run.commits, json.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), json.run.steps.map(\.verdict))
    }
}

/// The session `fixtures/gemini/make-fixture.py` builds, in both shapes.
final class GeminiFixtureTests: XCTestCase {
    static let directory = packageRoot + "/fixtures/gemini"
    static let name = "session-2025-10-18T14-57-5f2c9a1e"

    func files(_ directory: String) throws -> [String: String] {
        var out: [String: String] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory)
        while let name = enumerator?.nextObject() as? String {
            var isDirectory: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: directory + "/" + name, isDirectory: &isDirectory)
            if !isDirectory.boolValue { out[name] = try String(contentsOfFile: directory + "/" + name, encoding: .utf8) }
        }
        return out
    }

    func check(_ file: String) throws -> Replayed {
        let repo = try TestRepo(self, files: files(Self.directory + "/base"))
        let trace = try Importer.load(path: Self.directory + "/" + file)
        XCTAssertEqual(trace.header.repoRoot, "/home/dev/calc")
        let r = try replay(trace, onto: repo)
        // Its run_shell_command may have changed files unseen: unverified, not contradicted.
        XCTAssertEqual(
            r.run.outcome, .unverified,
            r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map {
                "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)"
            }.joined(separator: "\n"))
        let expected = try files(Self.directory + "/expected")
        XCTAssertEqual(try r.listing().map { String($0.split(separator: " ", maxSplits: 1)[1]) }.sorted(), expected.keys.sorted())
        for (path, content) in expected { XCTAssertEqual(try r.file(path), content, path) }
        XCTAssertEqual(
            r.tools.map(\.verdict),
            [
                .served,  // read_file
                .failedAsRecorded, .applied,  // two matches where one was expected; then unique
                .applied,  // README.md (relative): expected_replacements 2
                .failedAsRecorded, .failedAsRecorded,  // 3 expected, 1 found; 0 found
                .applied, .applied,  // write_file: create, overwrite (relative)
                .applied,  // replace with an empty old_string: a new file
                .served,  // run_shell_command
                .failedAsRecorded,  // cancelled
            ])
        return r
    }

    func testBothShapesReplayToTheSameFilesAndConvertToNative() throws {
        let json = try check(Self.name + ".json")
        let jsonl = try check(Self.name + ".jsonl")
        XCTAssertEqual(jsonl.run.finalTree, json.run.finalTree)
        let native = try makeTemporaryDirectory(self, "native") + "/trace.ndjson"
        try Data(TraceWriter.bytes(json.trace)).write(to: URL(fileURLWithPath: native))
        let converted = try replay(Importer.load(path: native), onto: json.repo)
        XCTAssertEqual(converted.run.commits, json.run.commits)
        XCTAssertEqual(converted.run.steps.map(\.verdict), json.run.steps.map(\.verdict))
    }
}
