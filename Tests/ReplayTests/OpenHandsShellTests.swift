import Foundation
import XCTest

import Importers
import Replay
import Trace

/// OpenHands' `run` (`CmdRunAction`) through `ShellReplay`: a command's plain file effects are
/// applied when its observation's exit code is 0; a non-zero code, a timeout (-1), input sent
/// to a running process, Python code and `FileWriteAction`s are not replayed and flagged; a
/// rejected command did not run. The shell session persists: `cd` carries over, and the
/// observation's `working_dir` is the shell's directory after the call.
final class OpenHandsShellTests: XCTestCase {
    func replay(_ log: OpenHandsLog, onto repo: TestRepo) throws -> Replayed {
        let directory = try makeTemporaryDirectory(self, "openhands-shell")
        let trace = try Importer.load(path: log.save(in: directory))
        XCTAssertEqual(trace.header.sourceFormat, "openhands")
        return try replay(trace, onto: repo)
    }

    func describe(_ r: Replayed) -> String {
        r.tools.map { "\($0.index) \($0.name) \($0.verdict) \($0.note ?? "") unseen=\($0.unseenEffects)" }.joined(separator: "\n")
    }

    /// A `run` whose observation records `exitCode` and the shell's directory after it.
    func run(
        _ log: inout OpenHandsLog, _ command: String, exitCode: Int = 0, workingDir: String = OpenHandsLog.root,
        suffix: String? = nil, args: [(String, JSON)] = []
    ) {
        var arguments: [(String, JSON)] = [
            ("command", .string(command)), ("is_input", false), ("blocking", false), ("is_static", false),
            ("cwd", nil), ("hidden", false), ("confirmation_state", "confirmed"),
        ]
        for (key, value) in args {
            if let i = arguments.firstIndex(where: { $0.0 == key }) { arguments[i].1 = value } else { arguments.append((key, value)) }
        }
        let action = log.action("run", function: "execute_bash", arguments: ["command": .string(command)], args: .object(arguments))
        log.observation(
            "run", cause: action.id, content: "",
            extras: [
                "command": .string(command),
                "metadata": [
                    "exit_code": .number(exitCode), "pid": -1, "username": "openhands", "hostname": "runtime",
                    "working_dir": .string(workingDir), "py_interpreter_path": "/openhands/poetry/bin/python", "prefix": "",
                    "suffix": .string(suffix ?? "\n[The command completed with exit code \(exitCode).]"),
                ],
                "hidden": false,
            ])
    }

    func testCommandsThatSucceededAreReplayed() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n", "b.txt": "b\n"])
        var log = OpenHandsLog()
        log.run("mv a.txt c.txt")
        log.run("rm b.txt")
        log.run("echo hello > d.txt")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.applied, .applied, .applied], describe(r))
        XCTAssertEqual(r.tools.map(\.unseenEffects), [false, false, false], describe(r))
        XCTAssertNil(try r.file("a.txt"))
        XCTAssertEqual(try r.file("c.txt"), "a\n")
        XCTAssertNil(try r.file("b.txt"))
        XCTAssertEqual(try r.file("d.txt"), "hello\n")
        XCTAssertTrue(r.run.clean, describe(r))
    }

    func testAFailedCommandIsNotAppliedAndARejectedOneDidNotRun() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = OpenHandsLog()
        log.run("rm a.txt && echo x > b.txt", exitCode: 1)
        let call = log.action(
            "run", function: "execute_bash", arguments: ["command": "rm a.txt"],
            args: [
                "command": "rm a.txt", "is_input": false, "blocking": false, "is_static": false, "cwd": nil,
                "hidden": false, "confirmation_state": "rejected",
            ])
        log.observation("user_rejected", cause: call.id, content: "Action has been rejected by the user! Waiting for further user input.")
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .failedAsRecorded], describe(r))
        XCTAssertTrue(r.tools[0].unseenEffects, "it may have run in part")
        XCTAssertEqual(r.tools[0].note, "recorded as failed (exit code 1): its file effects are not replayed (it may have run in part)")
        XCTAssertFalse(r.tools[1].unseenEffects)
        XCTAssertEqual(r.tools[1].note, "rejected by the user: Action has been rejected by the user! Waiting for further user input.")
        XCTAssertTrue(r.changedNothing)
    }

    func testWhatReplayCannotSeeIsFlagged() throws {
        let repo = try TestRepo(self, files: ["a.txt": "a\n"])
        var log = OpenHandsLog()
        log.run("python gen.py")  // a script: anything may have changed
        run(
            &log, "rm a.txt", exitCode: -1,
            suffix: "\n[The command timed out after 120 seconds. You may wait longer to see additional output by sending empty command '']")
        run(&log, "C-c", args: [("is_input", true)])
        var call = log.action(
            "run_ipython", function: "execute_ipython_cell", arguments: ["code": "open('p.txt', 'w').write('p')"],
            args: ["code": "open('p.txt', 'w').write('p')", "include_extra": true, "confirmation_state": "confirmed", "kernel_init_code": ""])
        log.observation("run_ipython", cause: call.id, content: "1", extras: ["code": "open('p.txt', 'w').write('p')", "image_urls": nil])
        call = log.action(
            "write", function: "write_file", arguments: ["path": "/workspace/w.txt", "content": "w"],
            args: ["path": "/workspace/w.txt", "content": "w", "start": 0, "end": -1])
        log.observation("write", cause: call.id, content: "", extras: ["path": "/workspace/w.txt"])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict), [.served, .served, .served, .served, .served], describe(r))
        XCTAssertEqual(r.tools.map(\.unseenEffects), [true, true, true, true, true], describe(r))
        XCTAssertEqual(r.tools[1].note, "timed out: its file effects are not replayed")
        XCTAssertEqual(r.tools[2].note, "input to a running command: its file effects are not replayed")
        XCTAssertTrue(r.changedNothing)
    }

    func testTheShellKeepsItsDirectoryAndTheRecordedOneWins() throws {
        let repo = try TestRepo(self, files: ["src/x.txt": "x\n", "src/y.txt": "y\n", "lib/z.txt": "z\n", "top.txt": "t\n"])
        var log = OpenHandsLog()
        run(&log, "cd src", workingDir: "/workspace/src")
        run(&log, "rm x.txt", workingDir: "/workspace/src")
        // A `cd` replay cannot follow: the recorded directory after it says where the shell is.
        run(&log, "cd \"$(cat .where)\"", workingDir: "/workspace/lib")
        run(&log, "mv z.txt moved.txt", workingDir: "/workspace/lib")
        // The action's own `cwd`.
        run(&log, "rm y.txt", workingDir: "/workspace/lib", args: [("cwd", "/workspace/src")])
        let r = try replay(log, onto: repo)
        XCTAssertEqual(r.tools.map(\.verdict)[1...], [.applied, .served, .applied, .applied], describe(r))
        XCTAssertNil(try r.file("src/x.txt"))
        XCTAssertNil(try r.file("src/y.txt"))
        XCTAssertNil(try r.file("lib/z.txt"))
        XCTAssertEqual(try r.file("lib/moved.txt"), "z\n")
        XCTAssertEqual(try r.file("top.txt"), "t\n")
        XCTAssertFalse(r.tools[3].unseenEffects, describe(r))
    }
}
