import Foundation
import XCTest

import Importers
import Replay
import Trace

/// SWE-agent 0.x's windowed commands replayed: the real trajectories in `fixtures/swe-agent/`
/// (from SWE-agent's own test data) onto the files they start from, and built ones for each
/// command's corners.
final class SWEAgentWindowedReplayTests: XCTestCase {
    /// A repository holding `fixtures/swe-agent/base-0.x/<name>/` (files as they are, modes kept).
    func base(_ name: String) throws -> TestRepo {
        let root = packageRoot + "/fixtures/swe-agent/base-0.x/" + name
        var files: [String: String] = [:]
        var executable: Set<String> = []
        let enumerator = FileManager.default.enumerator(atPath: root)!
        while let relative = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root + "/" + relative, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            files[relative] = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
            if FileManager.default.isExecutableFile(atPath: root + "/" + relative) { executable.insert(relative) }
        }
        return try TestRepo(self, files: files, executable: executable)
    }

    func replay(_ trajectory: SWEAgentTrajectory, onto repo: TestRepo) throws -> Replayed {
        try replay(Importer.load(path: trajectory.save(in: makeTemporaryDirectory(self, "traj"))), onto: repo)
    }

    func realTrace(_ name: String) throws -> Trace {
        try Importer.load(path: packageRoot + "/fixtures/swe-agent/swe-agent-0.x__\(name).traj")
    }

    func failures(_ r: Replayed) -> String {
        r.run.steps.filter { $0.verdict.isFailure || !$0.drift.isEmpty }.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") \($0.drift)" }
            .joined(separator: "\n")
    }

    func testRealPydicomTrajectoryReplaysCleanToItsSubmission() throws {
        let trace = try realTrace("pydicom-1458")
        XCTAssertEqual(trace.header.repoRoot, "/pydicom__pydicom")
        XCTAssertNil(trace.header.agentVersion)
        let r = try replay(trace, onto: base("pydicom-1458"))
        XCTAssertTrue(r.run.clean, failures(r))
        XCTAssertEqual(
            r.tools.map(\.toolName), ["create", "edit", "bash", "find_file", "open", "edit", "edit", "edit", "edit", "bash", "bash", "submit"])
        XCTAssertEqual(
            r.tools.map(\.verdict),
            [
                .applied, .applied, .served, .served, .served, .failedAsRecorded, .failedAsRecorded, .failedAsRecorded, .applied, .served, .applied,
                .served,
            ])
        XCTAssertEqual(r.tools.last?.drift, [])
        XCTAssertNil(try r.file("reproduce_bug.py"))
    }

    func testRealTestRepoTrajectoryReplaysCleanToItsSubmission() throws {
        let trace = try realTrace("test-repo-1c2844")
        XCTAssertEqual(trace.header.repoRoot, "/__Users__fuchur__Documents__24__git_sync__swe-agent-test-repo")
        let r = try replay(trace, onto: base("test-repo"))
        XCTAssertTrue(r.run.clean, failures(r))
        XCTAssertEqual(r.tools.map(\.toolName), ["find_file", "open", "edit", "bash", "edit", "edit", "bash", "submit"])
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .applied, .served, .applied, .applied, .served, .served])
        XCTAssertEqual(r.run.commits.count, 3)
    }
}

extension SWEAgentWindowedReplayTests {
    /// A 0.x trajectory (no version, states recorded, observations as 0.x kept them: `\n`).
    func zeroX() -> SWEAgentTrajectory {
        var t = SWEAgentTrajectory()
        t.version = nil
        t.terminal = false
        return t
    }

    static func window(_ path: String, _ lines: [String], from first: Int = 1, total: Int? = nil, above: Int = 0, below: Int = 0) -> String {
        var rows = ["[File: \(SWEAgentTrajectory.absolute(path)) (\(total ?? lines.count) lines total)]"]
        if above > 0 { rows.append("(\(above) more lines above)") }
        rows += lines.enumerated().map { "\(first + $0.offset):\($0.element)" }
        if below > 0 { rows.append("(\(below) more lines below)") }
        return rows.joined(separator: "\n") + "\n"
    }

    static let updated =
        "File updated. Please review the changes and make sure they are correct (correct indentation, no duplicate lines, etc). Edit the file again if necessary."

    func testOpenEditAndCreateFollowTheShellFunctions() throws {
        let repo = try TestRepo(self, files: ["a.txt": "one\ntwo\nthree"])
        var t = zeroX()
        let a = SWEAgentTrajectory.absolute("a.txt")
        t.zeroX("open a.txt\n", Self.window("a.txt", ["one", "two", "three"]))
        t.zeroX("edit 2:2\n  TWO\tx\n2b\nend_of_edit\n", Self.window("a.txt", ["one", "  TWO\tx", "2b", "three"]) + Self.updated, openFile: a)
        t.zeroX("create b.py\n", Self.window("b.py", [""]), openFile: a)
        t.zeroX("edit 5:3\nx\nend_of_edit", Self.window("b.py", ["", "x"]) + Self.updated, openFile: SWEAgentTrajectory.absolute("b.py"))
        let r = try replay(t, onto: repo)
        XCTAssertTrue(r.run.clean, failures(r))
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied, .applied, .applied])
        XCTAssertEqual(try r.file("a.txt"), "one\n  TWO\tx\n2b\nthree\n", "tabs and blanks kept, every line ends in a newline")
        XCTAssertEqual(try r.file("b.py"), "\nx\n", "create writes one empty line; 5:3 past the end appends")
    }

    func testWindowsAreCheckedLineByLineAndWhereTheyStand() throws {
        let lines = (1...300).map { "line \($0)" }
        let repo = try TestRepo(self, files: ["big.txt": lines.joined(separator: "\n") + "\n"])
        var t = zeroX()
        let big = SWEAgentTrajectory.absolute("big.txt")
        // open big.txt 150: line 150 + 50 - 16 = 184, lines 135–234.
        t.zeroX("open big.txt 150", Self.window("big.txt", Array(lines[134..<234]), from: 135, total: 300, above: 134, below: 66))
        // scroll_down: 184 + 98 = 282, constrained to 250: lines 201–300.
        t.zeroX("scroll_down", Self.window("big.txt", Array(lines[200..<300]), from: 201, total: 300, above: 200), openFile: big)
        // goto 1: 1 + 50 - 16 = 35, constrained to 50: lines 1–100; recorded a line that differs.
        var shown = Array(lines[0..<100])
        shown[9] = "line ten"
        t.zeroX("goto 1", Self.window("big.txt", shown, total: 300, below: 200), openFile: big)
        // scroll_up recorded showing lines 2–101: the window stands elsewhere on replay.
        t.zeroX("scroll_up", Self.window("big.txt", Array(lines[1..<101]), from: 2, total: 300, above: 1, below: 199), openFile: big)
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .served, .served])
        XCTAssertEqual(r.tools[0].drift, [])
        XCTAssertEqual(r.tools[1].drift, [])
        XCTAssertEqual(r.tools[2].drift.map(\.line), [10])
        XCTAssertEqual(r.tools[2].drift.first?.recorded, "line ten")
        XCTAssertEqual(r.tools[3].drift.first?.replayed, "the window shows lines 1–100 (0 above, 200 below)")
    }

    func testALintedEditIsUndoneOnlyForPythonFiles() throws {
        let repo = try TestRepo(self, files: ["m.py": "def f():\n    return 1\n", "n.txt": "a\n"])
        var t = zeroX()
        let m = SWEAgentTrajectory.absolute("m.py"), n = SWEAgentTrajectory.absolute("n.txt")
        let lint = """
            Your proposed edit has introduced new syntax error(s). Please read this error message carefully and then retry editing the file.

            ERRORS:
            - E999 SyntaxError: invalid syntax

            This is how your edit would have looked if applied
            -------------------------------------------------
            \(Self.window("m.py", ["def f(:", "    return 1"]))-------------------------------------------------

            This is the original code before your edit
            -------------------------------------------------
            \(Self.window("m.py", ["def f():", "    return 1"]))-------------------------------------------------
            Your changes have NOT been applied. Please fix your edit command and try again.
            """
        t.zeroX("open m.py", Self.window("m.py", ["def f():", "    return 1"]))
        t.zeroX("edit 1:1\ndef f(:\nend_of_edit", lint, openFile: m)
        t.zeroX("open n.txt", Self.window("n.txt", ["a"]), openFile: m)
        t.zeroX("edit 1:1\nb\nend_of_edit", "Your proposed edit has introduced new syntax error(s). …", openFile: n)
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .failedAsRecorded, .served, .mismatch])
        XCTAssertEqual(r.tools[1].drift, [], "both windows agree with the edit's result and the file")
        XCTAssertEqual(try r.file("m.py"), "def f():\n    return 1\n")
    }

    func testRefusalsAndWhatReplayDoesNotFollow() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var t = zeroX()
        let a = SWEAgentTrajectory.absolute("a.txt")
        t.zeroX("edit 1:1\nx\nend_of_edit", "No file open. Use the `open` command first.")
        t.zeroX("create a.txt", "Error: File 'a.txt' already exists.\n" + Self.window("a.txt", ["a"]))
        t.zeroX("edit 1\nx\nend_of_edit", "Usage: edit <start_line>:<end_line>", openFile: a)
        t.zeroX("edit 0:1\nx\nend_of_edit", "", openFile: a)
        t.zeroX("edit 1:1\nx\nend_of_edit   \n", "", openFile: a)
        t.zeroX("ls && edit 1:1 << 'end_of_edit'\nx\nend_of_edit", "", openFile: a)
        let r = try replay(t, onto: repo)
        XCTAssertEqual(
            r.tools.map(\.verdict), [.failedAsRecorded, .failedAsRecorded, .failedAsRecorded, .notReplayable, .notReplayable, .notReplayable])
        XCTAssertEqual(r.tools.map(\.toolName), ["edit", "create", "edit", "edit", "edit", "bash"])
        XCTAssertFalse(r.run.clean)
        XCTAssertEqual(try r.file("a.txt"), "a\n")
    }

    func testTheWindowsEditsOf1xAreNotReplayable() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var t = SWEAgentTrajectory()
        t.bash("open /testbed/a.txt", observation: "[File: /testbed/a.txt (1 lines total)]\n1:a\n")
        t.bash("edit 1:1\nb\nend_of_edit", observation: "File updated.")
        let r = try replay(t, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .notReplayable])
        XCTAssertEqual(try r.file("a.txt"), "a\n")
    }

    func testADriveLikePathIsADirectoryOfTheRepository() throws {
        let repo = try TestRepo(self, files: ["C:/x/y.py": "old\n"])
        var t = zeroX()
        t.zeroX("open C:/x/y.py", Self.window("C:/x/y.py", ["old"]))
        t.zeroX("edit 1:1\nnew\nend_of_edit", Self.window("C:/x/y.py", ["new"]) + Self.updated, openFile: SWEAgentTrajectory.absolute("C:/x/y.py"))
        let r = try replay(t, onto: repo)
        XCTAssertTrue(r.run.clean, failures(r))
        XCTAssertEqual(try r.file("C:/x/y.py"), "new\n")
    }
}
