import Analysis
import Foundation
import Git
import Replay
import Trace
import XCTest

/// A real repository made with the git CLI (fixed dates, no user config), a native trace of
/// Claude Code-style tool calls to replay onto its HEAD, and `git blame --porcelain` over the
/// run's commits to compare with.
struct BlameFixture {
    let directory: String
    let repository: Repository
    let base: Base
    let root = "/home/dev/project"
    private var spans: [Span] = []
    private var next = 1

    init(_ test: XCTestCase, files: [String: String]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("BlameTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        directory = url.resolvingSymlinksInPath().path
        let directory = self.directory
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: directory) }
        try Self.git(directory, "init", "-q", "-b", "main", ".")
        for (path, content) in files {
            let full = directory + "/" + path
            try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        }
        try Self.git(directory, "add", "-A")
        try Self.git(directory, "commit", "-q", "--allow-empty", "-m", "Base")
        repository = try Repository.open(directory)
        base = try Base.resolve(header: Trace.Header(traceID: "t", agentName: "claude-code"), revision: nil, in: repository)
    }

    // MARK: Spans

    /// Starts a model turn; the calls after it (until the next turn) are its children.
    @discardableResult
    mutating func turn() -> Span.ID {
        let id = nextID()
        spans.append(Span(id: id, kind: .llm, name: "chat", status: .ok))
        return id
    }

    @discardableResult
    mutating func edit(_ path: String, _ old: String, _ new: String, replaceAll: Bool = false) -> Span.ID {
        var input: [(String, JSON)] = [("file_path", .string(root + "/" + path)), ("old_string", .string(old)), ("new_string", .string(new))]
        if replaceAll { input.append(("replace_all", .bool(true))) }
        return call("Edit", input)
    }

    @discardableResult
    mutating func write(_ path: String, _ content: String) -> Span.ID {
        call("Write", [("file_path", .string(root + "/" + path)), ("content", .string(content))])
    }

    /// A shell call whose recorder captured its effects: `mv from to` (delete and write the
    /// same content in one span).
    @discardableResult
    mutating func move(_ from: String, _ to: String, content: String) -> Span.ID {
        call(
            "shell", [("command", .string("mv \(from) \(to)"))],
            effects: [
                Effect(path: root + "/" + from, operation: .delete),
                Effect(path: root + "/" + to, operation: .write, content: content),
            ])
    }

    @discardableResult
    mutating func delete(_ path: String) -> Span.ID {
        call("shell", [("command", .string("rm \(path)"))], effects: [Effect(path: root + "/" + path, operation: .delete)])
    }

    mutating func call(_ tool: String, _ input: [(String, JSON)], effects: [Effect] = []) -> Span.ID {
        let id = nextID()
        let turn = spans.last { $0.kind == .llm }?.id
        let n = next - 1
        spans.append(
            Span(
                id: id, parentID: turn, kind: .tool, name: tool,
                startTime: Timestamp(rfc3339: "2026-03-14T10:00:\(String(format: "%02d", n % 60))Z"), status: .ok,
                attributes: Attributes([(GenAI.toolName, .string(tool)), (GenAI.toolCallID, .string("call_\(n)"))]),
                input: .object(input), output: .string("ok"), effects: effects))
        return id
    }

    private mutating func nextID() -> Span.ID {
        defer { next += 1 }
        return Span.ID(String(format: "%016x", 0xa000 + next))
    }

    // MARK: Replay and blame

    var trace: Trace {
        Trace(header: Trace.Header(traceID: "blame-test", agentName: "claude-code", repoRoot: root, baseCommit: base.commit?.hex), spans: spans)
    }

    /// Replays the spans so far (commits go to the repository's object database, no refs).
    func replay() throws -> Run {
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        for step in run.steps where step.verdict.isFailure || !step.drift.isEmpty {
            XCTFail("span \(step.spanID) \(step.name): \(step.verdict.rawValue) \(step.note ?? "") \(step.drift)")
        }
        return run
    }

    func blame(_ run: Run, _ path: String, read: ((ObjectID) throws -> [UInt8])? = nil) throws -> Blame {
        let final = try repository.entry(in: run.finalTree, path: path)?.id
        return try Blame(run, path: path, final: final, read: read ?? repository.blob)
    }

    /// The owner span of each line as `git blame --porcelain <head> -- path` sees it (nil for
    /// the base commit), read from the `Agentreplay-Span:` trailer of each commit.
    func gitBlame(_ run: Run, _ path: String) throws -> [Span.ID?] {
        guard let head = run.head else { return [] }
        let out = try Self.git(directory, "blame", "--porcelain", head.hex, "--", path)
        var owners: [Span.ID?] = []
        var current = ""
        for line in out.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("\t") {
                owners.append(try span(ofCommit: current))
            } else if let first = line.split(separator: " ").first, first.count == 40, first.allSatisfy(\.isHexDigit) {
                current = String(first)
            }
        }
        return owners
    }

    func span(ofCommit hex: String) throws -> Span.ID? {
        guard let id = ObjectID(hex: hex), id != base.commit else { return nil }
        let message = try repository.commitMessage(id)
        guard let trailer = message.split(separator: "\n").first(where: { $0.hasPrefix("Agentreplay-Span: ") }) else {
            throw CocoaError(.coderInvalidValue, userInfo: [NSDebugDescriptionErrorKey: "no span trailer in \(hex)"])
        }
        return Span.ID(String(trailer.dropFirst("Agentreplay-Span: ".count)))
    }

    @discardableResult
    static func git(_ directory: String, _ arguments: String...) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git", "-c", "user.name=Dev", "-c", "user.email=dev@example.invalid", "-c", "core.autocrlf=false"] + arguments
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        var environment = ProcessInfo.processInfo.environment
        environment["GIT_CONFIG_GLOBAL"] = "/dev/null"
        environment["GIT_CONFIG_NOSYSTEM"] = "1"
        environment["GIT_AUTHOR_DATE"] = "1700000000 +0000"
        environment["GIT_COMMITTER_DATE"] = "1700000000 +0000"
        environment["LC_ALL"] = "C"
        process.environment = environment
        let stdout = Pipe(), stderr = Pipe()
        process.standardOutput = stdout
        process.standardError = stderr
        try process.run()
        let out = stdout.fileHandleForReading.readDataToEndOfFile()
        let err = stderr.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CocoaError(
                .executableLoad,
                userInfo: [
                    NSDebugDescriptionErrorKey:
                        "git \(arguments.joined(separator: " ")): \(String(decoding: err, as: UTF8.self))"
                ])
        }
        return String(decoding: out, as: UTF8.self)
    }
}

extension Blame {
    /// The owner span of each line (nil for the base), for comparing with `git blame`.
    var spans: [Span.ID?] { lines.map { $0.owner?.spanID } }
}
