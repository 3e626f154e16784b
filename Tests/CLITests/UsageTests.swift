import Foundation
import XCTest

/// `agentreplay` as a script sees it: `--version`, and the exit status of a usage error.
final class UsageTests: XCTestCase {
    func agentreplay(_ arguments: [String]) throws -> (status: Int32, stdout: String, stderr: String) {
        let folder = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let binary = folder.appendingPathComponent("agentreplay")
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw TestGate.missingBinary(at: binary.path)
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: stdout, as: UTF8.self), String(decoding: stderr, as: UTF8.self))
    }

    func testVersion() throws {
        let r = try agentreplay(["--version"])
        XCTAssertEqual(r.status, 0)
        XCTAssertEqual(r.stdout, "0.1.0\n")
    }

    func testUnknownOptionExits2WithUsageOnStderr() throws {
        let r = try agentreplay(["run", "--no-such-option", "x"])
        XCTAssertEqual(r.status, 2)
        XCTAssertEqual(r.stdout, "")
        XCTAssertTrue(r.stderr.contains("Unknown option '--no-such-option'"), r.stderr)
    }

    func testHelpListsTheCommandsAndExitCodes() throws {
        let r = try agentreplay(["--help"])
        XCTAssertEqual(r.status, 0)
        for word in ["run", "import", "diff", "blame", "EXIT STATUS"] {
            XCTAssertTrue(r.stdout.contains(word), "--help lacks \(word)")
        }
    }
}
