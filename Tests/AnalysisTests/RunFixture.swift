import Foundation
import Git
import Replay
import Trace
import XCTest

/// Builds small native traces of Claude Code tool calls and replays them onto a base tree in
/// a real (temporary, bare) repository.
struct RunFixture {
    let repository: Repository
    let base: Base
    let root = "/work/task"

    init(_ test: XCTestCase, files: [String: String]) throws {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("AnalysisTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
        repository = try Repository.create(at: url.path, bare: true)
        var entries: [(path: String, blob: ObjectID, mode: FileMode)] = []
        for (path, content) in files.sorted(by: { $0.key < $1.key }) {
            entries.append((path, try repository.writeBlob(Array(content.utf8)), .blob))
        }
        base = Base(commit: nil, tree: try repository.treeFromScratch(entries))
    }

    /// A tool span: `Edit`/`Write`/`Read`/`Bash` with Claude Code input, paths under the root.
    static func call(_ n: Int, _ tool: String, _ input: [(String, JSON)], output: String = "ok", failed: Bool = false, turn: Int? = nil) -> Span {
        Span(
            id: Span.ID(String(format: "%016x", 0x1000 + n)), parentID: turn.map { Span.ID(String(format: "%016x", $0)) },
            kind: .tool, name: tool, status: failed ? .error : .ok,
            attributes: Attributes([(GenAI.toolName, .string(tool)), (GenAI.toolCallID, .string("call_\(n)"))]),
            input: .object(input), output: .string(output))
    }

    static func turn(_ n: Int, input: Int64, output: Int64) -> Span {
        Span(
            id: Span.ID(String(format: "%016x", n)), kind: .llm, name: "chat", status: .ok,
            attributes: Attributes([(GenAI.inputTokens, .number(input)), (GenAI.outputTokens, .number(output))]))
    }

    func edit(_ n: Int, _ path: String, _ old: String, _ new: String, turn: Int? = nil) -> Span {
        RunFixture.call(
            n, "Edit", [("file_path", .string(root + "/" + path)), ("old_string", .string(old)), ("new_string", .string(new))], turn: turn)
    }

    func write(_ n: Int, _ path: String, _ content: String, turn: Int? = nil) -> Span {
        RunFixture.call(n, "Write", [("file_path", .string(root + "/" + path)), ("content", .string(content))], turn: turn)
    }

    func bash(_ n: Int, _ command: String, output: String) -> Span {
        RunFixture.call(n, "Bash", [("command", .string(command))], output: output)
    }

    func trace(_ id: String, _ spans: [Span]) -> Trace {
        Trace(header: Trace.Header(traceID: id, agentName: "claude-code", repoRoot: root), spans: spans)
    }

    func replay(_ trace: Trace) throws -> (trace: Trace, run: Run) {
        (trace, try Replayer(repository: repository).replay(header: trace.header, spans: trace.spans, base: base))
    }
}
