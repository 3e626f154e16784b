import Foundation
import XCTest

/// The progress line: drawn on standard error only when it is a terminal (a real
/// pseudo-terminal here), never with --quiet, never into a pipe, and erased before the
/// report so nothing of it is left on the screen.
final class ProgressTests: XCTestCase {
    /// Runs agentreplay with standard error on a new pseudo-terminal and standard output on a
    /// pipe; returns what each received.
    func runOnTerminal(_ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> (
        status: Int32, stdout: String, terminal: String
    ) {
        let pty = try PseudoTerminal.functions()
        let master = pty.open(O_RDWR | O_NOCTTY)
        guard master >= 0, pty.grant(master) == 0, pty.unlock(master) == 0, let name = pty.name(master) else {
            throw XCTSkip("no pseudo-terminal here")
        }
        let slave = Glibc.open(String(cString: name), O_RDWR | O_NOCTTY)
        guard slave >= 0 else { throw XCTSkip("cannot open the pseudo-terminal") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CLI.executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = CLI.environment(environment)
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle(fileDescriptor: slave, closeOnDealloc: false)
        process.standardInput = FileHandle.nullDevice

        let reader = Unsafe()
        let done = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = read(master, &buffer, buffer.count)
                if n <= 0 { break }  // EIO once the child and we have closed the terminal
                reader.bytes += buffer[0..<n]
            }
            done.signal()
        }
        try process.run()
        close(slave)
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        done.wait()
        close(master)
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: reader.bytes, as: UTF8.self))
    }

    final class Unsafe: @unchecked Sendable { var bytes: [UInt8] = [] }

    /// posix_openpt(3) and friends, looked up at run time: Swift's Glibc module does not
    /// declare them (they need _XOPEN_SOURCE).
    struct PseudoTerminal {
        let open: @convention(c) (Int32) -> Int32
        let grant: @convention(c) (Int32) -> Int32
        let unlock: @convention(c) (Int32) -> Int32
        let name: @convention(c) (Int32) -> UnsafeMutablePointer<CChar>?

        static func functions() throws -> PseudoTerminal {
            let handle = dlopen(nil, RTLD_NOW)
            func symbol<T>(_ name: String, _ type: T.Type) throws -> T {
                guard let pointer = dlsym(handle, name) else { throw XCTSkip("no \(name) here") }
                return unsafeBitCast(pointer, to: type)
            }
            return PseudoTerminal(
                open: try symbol("posix_openpt", (@convention(c) (Int32) -> Int32).self),
                grant: try symbol("grantpt", (@convention(c) (Int32) -> Int32).self),
                unlock: try symbol("unlockpt", (@convention(c) (Int32) -> Int32).self),
                name: try symbol("ptsname", (@convention(c) (Int32) -> UnsafeMutablePointer<CChar>?).self))
        }
    }

    func makeRepo() throws -> String {
        let repo = try makeTemporaryDirectory(self, "progress") + "/calc"
        let made = try Subprocess.run(packageRoot + "/fixtures/example/make-repo.sh", [repo], in: packageRoot, environment: GitCLI.environment)
        XCTAssertEqual(made.status, 0, made.stderrText)
        return repo
    }

    func testRunDrawsABarOnATerminalAndErasesIt() throws {
        let repo = try makeRepo()
        let r = try runOnTerminal(["run", "fixtures/example/session.jsonl", "--repo", repo, "--no-refs"], in: packageRoot)
        XCTAssertEqual(r.status, 3, "unverified: the session runs `python -m unittest`")
        XCTAssertTrue(r.terminal.contains("agentreplay run: [####################] 100%"), r.terminal.debugDescription)
        XCTAssertTrue(r.terminal.contains("agentreplay run: [#"), r.terminal.debugDescription)
        XCTAssertTrue(r.terminal.hasSuffix("\r\u{1B}[K"), "the line is erased at the end: \(r.terminal.debugDescription)")
        XCTAssertTrue(r.stdout.hasPrefix("Replaying fixtures/example/session.jsonl"), "the report still goes to standard output")
        XCTAssertFalse(r.stdout.contains("\u{1B}["), "standard output is a pipe: no colour, no progress")

        let quiet = try runOnTerminal(["run", "fixtures/example/session.jsonl", "--repo", repo, "--no-refs", "--quiet"], in: packageRoot)
        XCTAssertEqual(quiet.status, 3)
        XCTAssertEqual(quiet.terminal, "", "--quiet: no progress")
        XCTAssertEqual(quiet.stdout, "")
    }

    func testBlameAndExportDrawTheReplayToo() throws {
        let repo = try makeRepo()
        let blame = try runOnTerminal(["blame", "fixtures/example/session.jsonl", "calc/ops.py", "--repo", repo], in: packageRoot)
        XCTAssertEqual(blame.status, 0)
        XCTAssertTrue(blame.terminal.contains("agentreplay blame: [####################] 100%"), blame.terminal.debugDescription)
        XCTAssertTrue(blame.terminal.hasSuffix("\r\u{1B}[K"), blame.terminal.debugDescription)
        let export = try runOnTerminal(["export", "--otlp", "--replay", "fixtures/example/session.jsonl", "--repo", repo], in: packageRoot)
        XCTAssertEqual(export.status, 0)
        XCTAssertTrue(export.terminal.contains("agentreplay export: [####################] 100%"), export.terminal.debugDescription)
        XCTAssertTrue(export.terminal.hasSuffix("\r\u{1B}[K"), export.terminal.debugDescription)
        XCTAssertTrue(export.stdout.hasPrefix(#"{"resourceSpans":"#), "the data itself is untouched")
    }

    func testBisectShowsItsProbes() throws {
        let repo = try makeRepo()
        let r = try runOnTerminal(
            ["bisect", "fixtures/example/session.jsonl", "--repo", repo, "--test", "! grep -q 'def divide' calc/ops.py"], in: packageRoot,
            environment: ["XDG_CACHE_HOME": try makeTemporaryDirectory(self, "cache")])
        XCTAssertEqual(r.status, 0, r.terminal)
        XCTAssertTrue(r.terminal.contains("agentreplay bisect: ["), r.terminal.debugDescription)
        XCTAssertTrue(r.terminal.contains("probe 1 of ~4"), r.terminal.debugDescription)
        XCTAssertTrue(r.terminal.hasSuffix("\r\u{1B}[K"), r.terminal.debugDescription)
        XCTAssertTrue(r.stdout.contains("The first failing state is after step 1 of 4"), r.stdout)
    }

    /// `--color auto` on a terminal: colour, unless NO_COLOR is set to something or TERM is dumb.
    func testAutoColoursATerminalUnlessNoColorOrDumb() throws {
        let arguments = ["run", "no-such-session.jsonl"]
        let coloured = try runOnTerminal(arguments, in: packageRoot, environment: ["NO_COLOR": "", "TERM": "xterm"])
        XCTAssertEqual(coloured.status, 2)
        XCTAssertTrue(coloured.terminal.hasPrefix("\u{1B}[31magentreplay: error:\u{1B}[0m"), coloured.terminal.debugDescription)
        for environment in [["NO_COLOR": "1", "TERM": "xterm"], ["NO_COLOR": "", "TERM": "dumb"]] {
            let plain = try runOnTerminal(arguments, in: packageRoot, environment: environment)
            XCTAssertEqual(plain.status, 2)
            XCTAssertTrue(plain.terminal.hasPrefix("agentreplay: error:"), "\(environment): \(plain.terminal.debugDescription)")
        }
        let never = try runOnTerminal(arguments + ["--color", "never"], in: packageRoot, environment: ["NO_COLOR": "", "TERM": "xterm"])
        XCTAssertTrue(never.terminal.hasPrefix("agentreplay: error:"), never.terminal.debugDescription)
    }

    func testAPipeGetsNoProgress() throws {
        let repo = try makeRepo()
        let r = try CLI.run(["run", "fixtures/example/session.jsonl", "--repo", repo, "--no-refs"], in: packageRoot)
        XCTAssertEqual(r.status, 3, "unverified: the session runs `python -m unittest`")
        XCTAssertEqual(r.stderrText, "")
    }
}
