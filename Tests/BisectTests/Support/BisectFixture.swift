import Foundation
import Git
import Replay
import RunStore
import Trace
import XCTest
@testable import Bisect

/// A repository built with the git CLI, a trace of Claude Code `Write`/`Edit` calls (each
/// asked for by a model turn), and the fake tests bisect runs: small shell scripts, like
/// jj's fake-bisector. Everything lives in one temporary folder: the repository, the
/// worktree cache (`cache`), the scripts (`bin`) and a `scratch` folder the scripts write
/// what they saw into.
final class BisectFixture {
    let root: String
    let repoPath: String
    let cache: String
    let scratch: String
    let git: GitCLI
    static let recordedRoot = "/work/task"

    enum Edit {
        case write(String, String)
        case edit(String, String, String)
    }

    init(_ test: XCTestCase, files: [String: String]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("BisectTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        root = url.resolvingSymlinksInPath().path
        repoPath = root + "/repo"
        cache = root + "/cache"
        scratch = root + "/scratch"
        for folder in [repoPath, cache, scratch, root + "/bin"] {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        git = GitCLI(directory: repoPath)
        let root = self.root
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: root) }
        try git("init", "-q")
        for (path, content) in files {
            try write(repoPath + "/" + path, content)
        }
        try git("add", "-A")
        try git("commit", "-q", "-m", "base")
    }

    func write(_ path: String, _ content: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }

    func read(_ path: String) -> String? {
        (try? Data(contentsOf: URL(fileURLWithPath: path))).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A trace where model turn n (span 000…n, 100 input and 10 output tokens) asks for
    /// edit n (span 000…1000+n, call id `call_n`).
    func trace(_ edits: [Edit], id: String = "0123456789abcdef0123456789abcdef") -> Trace {
        var spans: [Span] = []
        for (offset, edit) in edits.enumerated() {
            let n = offset + 1
            let turn = Span.ID(String(format: "%016x", n))
            spans.append(
                Span(
                    id: turn, kind: .llm, name: "chat", status: .ok,
                    attributes: Attributes([(GenAI.inputTokens, .number(Int64(100))), (GenAI.outputTokens, .number(Int64(10)))]),
                    output: .object([("text", .string("Turn \(n): I will change the file.")), ("tool_calls", .array([.string("call_\(n)")]))])))
            let input: [(String, JSON)]
            let tool: String
            switch edit {
            case .write(let path, let content):
                tool = "Write"
                input = [("file_path", .string(Self.recordedRoot + "/" + path)), ("content", .string(content))]
            case .edit(let path, let old, let new):
                tool = "Edit"
                input = [("file_path", .string(Self.recordedRoot + "/" + path)), ("old_string", .string(old)), ("new_string", .string(new))]
            }
            spans.append(
                Span(
                    id: Span.ID(String(format: "%016x", 0x1000 + n)), parentID: turn, kind: .tool, name: tool, status: .ok,
                    attributes: Attributes([(GenAI.toolName, .string(tool)), (GenAI.toolCallID, .string("call_\(n)"))]),
                    input: .object(input), output: .string("ok")))
        }
        return Trace(header: Trace.Header(traceID: id, agentName: "claude-code", agentVersion: "2.1.0", repoRoot: Self.recordedRoot), spans: spans)
    }

    /// Replays `trace` onto HEAD: in memory (as `bisect TRACE` does), or with the refs
    /// written (as `agentreplay run` does), read back as a stored run.
    func history(_ trace: Trace, refs: Bool = false) throws -> (History, Repository) {
        let repository = try Repository.open(repoPath, objectsInMemory: !refs)
        let base = try Base.resolve(header: trace.header, revision: nil, in: repository)
        let run = try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base)
        XCTAssertTrue(run.clean, "the fixture trace replays cleanly")
        if refs {
            _ = try RunRefs.write(run, trace: TraceWriter.bytes(trace), to: repository)
            let reopened = try Repository.open(repoPath, objectsInMemory: true)
            return (try StoredRun.history(in: reopened), reopened)
        }
        return (History(run: run, spans: trace.spans), repository)
    }

    /// An executable shell script in `bin`; returns its path (the test command).
    func script(_ name: String, _ body: String) throws -> String {
        let path = root + "/bin/" + name
        try write(path, "#!/bin/sh\n" + body)
        chmod(path, 0o755)
        return path
    }

    /// The fake test most tests use: fails when a tracked file holds BUG, skips when one
    /// holds SKIP, and logs `AGENTREPLAY_STEP` to `scratch/steps`.
    func bugTest() throws -> String {
        try script(
            "fake-test",
            """
            echo "${AGENTREPLAY_STEP:-}" >> "\(scratch)/steps"
            if grep -rqs --exclude-dir=.build SKIP .; then exit 125; fi
            if grep -rqs --exclude-dir=.build BUG .; then exit 1; fi
            exit 0

            """)
    }

    func session(_ history: History, _ repository: Repository, command: String, _ configure: (inout Session.Options) -> Void = { _ in }) -> Session {
        var options = Session.Options(command: command)
        options.worktreeRoot = cache
        configure(&options)
        return Session(repository: repository, repositoryPath: repoPath, history: history, options: options)
    }

    /// Everything of the user's repository bisect must not change: HEAD, branches, index,
    /// status (with ignored files) and the working tree's diff.
    func snapshot() throws -> String {
        let index = (try? Data(contentsOf: URL(fileURLWithPath: repoPath + "/.git/index")))?.base64EncodedString() ?? "(none)"
        return [
            "index " + index,
            try git("rev-parse", "HEAD"), try git("symbolic-ref", "HEAD"),
            try git("for-each-ref", "refs/heads", "refs/tags"),
            try git("--no-optional-locks", "status", "--porcelain", "--ignored", "--untracked-files=all"),
            try git("--no-optional-locks", "diff", "HEAD"), try git("ls-files", "-s"),
        ].joined(separator: "\n--\n")
    }

    /// The steps the fake test saw, in order.
    func steps() -> [String] {
        (read(scratch + "/steps") ?? "").split(separator: "\n").map(String.init)
    }
}
