import Foundation
import Git
import TestSupport
import XCTest

/// The `agentreplay` binary built beside the tests, run as a user would: in a directory,
/// with `XDG_CACHE_HOME` pointing into the fixture, stdout and stderr kept apart.
struct AgentReplayCLI {
    let fixture: BisectFixture

    var xdg: String { fixture.root + "/xdg" }

    static func binary() throws -> String {
        let folder = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let binary = folder.appendingPathComponent("agentreplay").path
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw TestGate.missingBinary(at: binary)
        }
        return binary
    }

    struct Output {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// Starts `agentreplay args…` in `directory` (default: the repository); output goes to
    /// files so a long run never blocks on a pipe.
    func start(_ arguments: [String], in directory: String? = nil, name: String = "cli") throws -> (Process, () -> Output) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary())
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory ?? fixture.repoPath)
        var environment = ProcessInfo.processInfo.environment
        environment["XDG_CACHE_HOME"] = xdg
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        process.environment = environment
        let out = fixture.root + "/\(name).stdout", err = fixture.root + "/\(name).stderr"
        _ = FileManager.default.createFile(atPath: out, contents: nil)
        _ = FileManager.default.createFile(atPath: err, contents: nil)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle(forWritingAtPath: out)
        process.standardError = FileHandle(forWritingAtPath: err)
        try process.run()
        return (
            process,
            {
                process.waitUntilExit()
                return Output(status: process.terminationStatus, stdout: fixture.read(out) ?? "", stderr: fixture.read(err) ?? "")
            }
        )
    }

    func callAsFunction(_ arguments: String..., in directory: String? = nil) throws -> Output {
        try start(arguments, in: directory).1()
    }

    /// The worktree folder of the fixture's repository.
    func folder() throws -> String {
        var real = fixture.repoPath
        if let resolved = realpath(real, nil) {
            real = String(cString: resolved)
            free(resolved)
        }
        let key = try Repository.hashBlob(Array(real.utf8)).hex.prefix(16)
        return xdg + "/agentreplay/worktrees/" + key
    }

    /// Waits up to `seconds` for `path` to exist.
    static func wait(for path: String, seconds: Double = 30) -> Bool {
        let until = Date().addingTimeInterval(seconds)
        while Date() < until {
            if FileManager.default.fileExists(atPath: path) { return true }
            usleep(20_000)
        }
        return false
    }
}
