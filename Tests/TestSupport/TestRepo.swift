import Foundation
import XCTest

import Git

/// Runs the real `git` CLI in a fixed, config-free environment (no global or system config,
/// fixed dates, C locale).
public struct GitCLI {
    public let directory: String

    public init(directory: String) { self.directory = directory }

    public struct Failure: Error, CustomStringConvertible {
        public let arguments: [String]
        public let status: Int32
        public let stderr: String
        public var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    /// Runs `git args…`; returns stdout, throws on a non-zero exit.
    @discardableResult
    public func callAsFunction(_ arguments: String...) throws -> String {
        try run(arguments)
    }

    @discardableResult
    public func run(_ arguments: [String]) throws -> String {
        let result = try Subprocess.run(
            "/usr/bin/env",
            [
                "git", "-c", "user.name=Test User", "-c", "user.email=test@example.com", "-c", "init.defaultBranch=main",
                "-c", "core.autocrlf=false", "-c", "protocol.file.allow=always",
            ] + arguments,
            in: directory, environment: Self.environment)
        guard result.status == 0 else { throw Failure(arguments: arguments, status: result.status, stderr: result.stderrText) }
        return result.stdoutText
    }

    public static let environment: [String: String] = [
        "GIT_CONFIG_GLOBAL": "/dev/null", "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_AUTHOR_DATE": "1700000000 +0000", "GIT_COMMITTER_DATE": "1700000000 +0000",
        "LC_ALL": "C",
    ]
}

/// A child process run to its end, stdout and stderr kept apart.
public enum Subprocess {
    public struct Result {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
        public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
        public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
    }

    /// Runs `executable` with `arguments`; `environment` is added to this process's own.
    public static func run(_ executable: String, _ arguments: [String], in directory: String, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe()
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Read both pipes to their end at once, so neither can fill up and block the child.
        let stderr = Collected()
        let group = DispatchGroup()
        group.enter()
        DispatchQueue.global().async {
            stderr.data = err.fileHandleForReading.readDataToEndOfFile()
            group.leave()
        }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        group.wait()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: [UInt8](stdout), stderr: [UInt8](stderr.data))
    }

    /// Bytes one thread reads and another takes after `DispatchGroup.wait()`.
    private final class Collected: @unchecked Sendable {
        var data = Data()
    }
}

/// The package's root folder (where `Package.swift` is), found from this file's path.
public let packageRoot: String = {
    var url = URL(fileURLWithPath: #filePath)
    while url.path != "/" {
        url.deleteLastPathComponent()
        if FileManager.default.fileExists(atPath: url.path + "/Package.swift") { return url.path }
    }
    fatalError("no Package.swift above \(#filePath)")
}()

/// A temporary directory, removed when the test ends.
public func makeTemporaryDirectory(_ test: XCTestCase, _ label: String = "ReplayTests") throws -> String {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let path = url.resolvingSymlinksInPath().path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// A real repository made by the git CLI in a temporary directory, with one commit of the
/// files it was given: the state a recorded session started on.
public struct TestRepo {
    public let path: String
    public let git: GitCLI

    /// `files`: path → content; a content starting with `->` makes a symlink to the rest.
    public init(_ test: XCTestCase, files: [String: String] = [:], executable: Set<String> = []) throws {
        path = try makeTemporaryDirectory(test, "repo")
        git = GitCLI(directory: path)
        try git("init", "-q")
        try write(files, executable: executable)
        try git("add", "-A")
        try git("commit", "-q", "--allow-empty", "-m", "base")
    }

    public func write(_ files: [String: String], executable: Set<String> = []) throws {
        let manager = FileManager.default
        for (name, content) in files.sorted(by: { $0.key < $1.key }) {
            let full = path + "/" + name
            try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            if content.hasPrefix("->") {
                try manager.createSymbolicLink(atPath: full, withDestinationPath: String(content.dropFirst(2)))
            } else {
                try Data(content.utf8).write(to: URL(fileURLWithPath: full))
                try manager.setAttributes([.posixPermissions: executable.contains(name) ? 0o755 : 0o644], ofItemAtPath: full)
            }
        }
    }

    /// A repository something else made at `path`.
    public init(existing path: String) {
        self.path = path
        git = GitCLI(directory: path)
    }

    /// Adds a submodule entry (a gitlink to `commit`, mode 160000) at `path` and commits it.
    public func addGitlink(_ path: String, commit: String = "0123456789abcdef0123456789abcdef01234567") throws {
        try git("update-index", "--add", "--cacheinfo", "160000,\(commit),\(path)")
        try git("commit", "-q", "-m", "add submodule entry \(path)")
    }

    public var head: String { get throws { try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines) } }

    public func open() throws -> Repository { try Repository.open(path) }
}
