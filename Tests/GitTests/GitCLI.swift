import Foundation
import XCTest

/// Runs the real `git` CLI in a fixed, config-free environment, so tests can check
/// the wrapper against git itself.
struct GitCLI {
    let directory: String

    static let date = "1700000000 +0000"

    struct Failure: Error, CustomStringConvertible {
        let arguments: [String]
        let status: Int32
        let stderr: String
        var description: String { "git \(arguments.joined(separator: " ")) exited \(status): \(stderr)" }
    }

    /// Runs `git args…` in `directory`; returns stdout, throws on a non-zero exit.
    @discardableResult
    func callAsFunction(_ arguments: String..., input: [UInt8] = []) throws -> String {
        let result = try run(arguments, input: input)
        guard result.status == 0 else { throw Failure(arguments: arguments, status: result.status, stderr: result.stderr) }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// Runs `git args…` and returns its exit status and raw output, whatever the status.
    func run(_ arguments: [String], input: [UInt8] = []) throws -> (status: Int32, stdout: [UInt8], stderr: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments =
            [
                "git", "-c", "user.name=Test User", "-c", "user.email=test@example.com",
                "-c", "init.defaultBranch=main", "-c", "core.autocrlf=false",
            ] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_DATE"] = Self.date
        environment["GIT_COMMITTER_DATE"] = Self.date
        environment["LC_ALL"] = "C"
        process.environment = environment
        let stdin = Pipe(), stdout = Pipe(), stderr = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, [UInt8](out), String(decoding: err, as: UTF8.self))
    }
}

/// A temporary directory, removed when the test ends.
func makeTemporaryDirectory(_ test: XCTestCase) throws -> String {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("GitTests-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    let path = url.resolvingSymlinksInPath().path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
}

/// Writes `files` (path → content; a content starting with "->" makes a symlink) under
/// `root`, creating folders.
func writeFiles(_ files: [String: String], under root: String, executable: Set<String> = []) throws {
    let manager = FileManager.default
    for (path, content) in files {
        let full = root + "/" + path
        try manager.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try? manager.removeItem(atPath: full)
        if content.hasPrefix("->") {
            try manager.createSymbolicLink(atPath: full, withDestinationPath: String(content.dropFirst(2)))
        } else {
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
            let mode = executable.contains(path) ? 0o755 : 0o644
            try manager.setAttributes([.posixPermissions: mode], ofItemAtPath: full)
        }
    }
}

/// A description of every entry under `root` (excluding `.git`): path → "file 644 content",
/// "file 755 content", "link target" or "dir", so two directories compare with `==`.
func snapshot(_ root: String) throws -> [String: String] {
    var out: [String: String] = [:]
    let manager = FileManager.default
    func visit(_ relative: String) throws {
        let full = relative.isEmpty ? root : root + "/" + relative
        for name in try manager.contentsOfDirectory(atPath: full) where name != ".git" {
            let path = relative.isEmpty ? name : relative + "/" + name
            let attributes = try manager.attributesOfItem(atPath: root + "/" + path)
            switch attributes[.type] as? FileAttributeType {
            case .typeDirectory?:
                out[path] = "dir"
                try visit(path)
            case .typeSymbolicLink?:
                out[path] = "link " + (try manager.destinationOfSymbolicLink(atPath: root + "/" + path))
            default:
                let permissions = (attributes[.posixPermissions] as? Int ?? 0) & 0o100 != 0 ? "755" : "644"
                let content = try String(decoding: Data(contentsOf: URL(fileURLWithPath: root + "/" + path)), as: UTF8.self)
                out[path] = "file \(permissions) \(content)"
            }
        }
    }
    try visit("")
    return out
}
