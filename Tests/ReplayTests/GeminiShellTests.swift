import Foundation
import XCTest

import Importers
import Replay
import Trace

/// Gemini CLI's `run_shell_command` through `ShellReplay`: the text the model was shown says
/// how the command ended (`Exit Code: N`, `Signal: S`, `Error: E`); a command's plain file
/// effects are applied when it exited 0, in its `directory` (relative to the project root).
final class GeminiShellTests: XCTestCase {
    func replay(_ session: GeminiSession, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "gemini-shell")
        let trace = try Importer.load(path: session.save(in: directory))
        XCTAssertEqual(trace.header.sourceFormat, "gemini")
        XCTAssertEqual(trace.header.repoRoot, GeminiSession.root, "found by its hash")
        return try replay(trace, onto: repo)
    }

    func describe(_ r: Replayed) -> String {
        r.tools.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") unseen=\($0.unseenEffects)" }.joined(separator: "\n")
    }

    /// A session whose first call names the project root (so the importer finds it).
    func session() -> GeminiSession {
        var s = GeminiSession()
        s.gemini(calls: [GeminiSession.Call(name: "list_directory", args: ["path": .string(GeminiSession.root)], result: "Listed 1 item(s).")])
        return s
    }

    /// `run_shell_command` with the text gemini-cli gives the model.
    func shell(
        _ s: inout GeminiSession, _ command: String, directory: String? = nil, exitCode: String = "0", error: String = "(none)",
        signal: String = "(none)", status: String = "success"
    ) {
        var args: [(String, JSON)] = [("command", .string(command)), ("description", "Run a command")]
        if let directory { args.append(("directory", .string(directory))) }
        let text =
            "Command: \(command)\nDirectory: \(directory ?? "(root)")\nOutput: (empty)\nError: \(error)\nExit Code: \(exitCode)\n"
            + "Signal: \(signal)\nBackground PIDs: (none)\nProcess Group PGID: 4242"
        s.gemini(calls: [GeminiSession.Call(name: "run_shell_command", args: .object(args), status: status, result: text)])
    }

    func testCommandsThatExitedZeroAreReplayedInTheirDirectory() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "b.txt": "b\n", "pkg/c.txt": "c\n"])
        var s = session()
        shell(&s, "mv a.txt renamed.txt")
        shell(&s, "rm b.txt")
        shell(&s, "echo hi > note.txt && rm c.txt", directory: "pkg")
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .applied, .applied, .applied], describe(r))
        XCTAssertEqual(r.tools.map(\.unseenEffects), [false, false, false, false], describe(r))
        XCTAssertEqual(try r.file("renamed.txt"), "a\n")
        XCTAssertNil(try r.file("a.txt"))
        XCTAssertNil(try r.file("b.txt"))
        XCTAssertEqual(try r.file("pkg/note.txt"), "hi\n")
        XCTAssertNil(try r.file("pkg/c.txt"))
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testAFailedCommandIsNotAppliedAndACancelledOneDidNotRun() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var s = session()
        shell(&s, "rm a.txt && false", exitCode: "1")
        shell(&s, "rm a.txt", exitCode: "(none)", signal: "SIGTERM")
        s.gemini(calls: [
            GeminiSession.Call(
                name: "run_shell_command", args: ["command": "rm a.txt"], status: "cancelled",
                result: "[Operation Cancelled] Reason: User did not allow tool call")
        ])
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict).dropFirst(), [.served, .served, .failedAsRecorded], describe(r))
        XCTAssertEqual(r.tools[1].note, "recorded as failed (exit code 1): its file effects are not replayed (it may have run in part)")
        XCTAssertEqual(r.tools[2].note, "recorded as failed (signal SIGTERM): its file effects are not replayed (it may have run in part)")
        XCTAssertEqual(r.tools.map(\.unseenEffects).dropFirst(), [true, true, false], describe(r))
        XCTAssertEqual(r.tools[3].note, "cancelled: the call did not run")
        XCTAssertTrue(r.changedNothing)
    }

    func testWhatReplayCannotSeeIsFlagged() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var s = session()
        shell(&s, "python gen.py")
        s.gemini(calls: [
            GeminiSession.Call(
                name: "run_shell_command", args: ["command": "rm a.txt"],
                result: "Command was cancelled by user before it could complete. There was no output before it was cancelled.")
        ])
        let r = try replay(s, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict).dropFirst(), [.served, .served], describe(r))
        XCTAssertEqual(r.tools.map(\.unseenEffects).dropFirst(), [true, true], describe(r))
        XCTAssertEqual(r.tools[2].note, "cancelled while it ran: its file effects are not replayed")
        XCTAssertTrue(r.changedNothing)
    }
}
