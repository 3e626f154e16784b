import Foundation
import Git
import Replay
import ToolSemantics
import Trace

/// One thing the agent did inside a turn, as `show` and `report` list it: a prompt, a file
/// read, an edit, a command, another tool call, an event.
public struct Action: Sendable {
    public enum Kind: String, Sendable {
        /// A message typed by the user.
        case prompt
        /// A tool call that looked at files and changed none.
        case read
        /// A tool call that changed files, or tried to (a failed edit).
        case edit
        /// A shell command.
        case command
        /// Any other tool call (search, todo lists, sub-agents' calls, …).
        case tool
        /// A sub-agent, a compaction, a hook: kept on the timeline.
        case event
    }

    /// A file a span changed, with its line counts and diff.
    public struct FileChange: Sendable {
        public var path: String
        public var before: ObjectID?
        public var after: ObjectID?
        public var diff: LineDiff
    }

    /// The step's position in `Run.steps` (the span's position in the trace).
    public var step: Int
    public var spanID: Span.ID
    public var kind: Kind
    public var name: String
    public var tool: String?
    public var callID: String?
    public var verdict: Verdict
    /// Whether the log records the call as failed.
    public var failed: Bool
    public var paths: [String]
    public var note: String?
    public var drift: [Drift]
    public var unseenEffects: Bool
    public var commit: ObjectID?
    public var changes: [FileChange]
    /// Reads: how many lines the agent was shown.
    public var linesRead: Int?
    public var shell: ShellCall?
    /// A prompt's text, a failure's message: one line, shortened.
    public var text: String?
    public var start: Timestamp?
    public var end: Timestamp?

    /// Read tools, by name, in every dialect (besides editors' `view` commands).
    static let readTools: Set<String> = ["Read", "NotebookRead", "read_file", "read_many_files", "read", "view", "view_image"]

    init(step: Run.Step, span: Span?, read: (ObjectID) throws -> [UInt8]) {
        self.step = step.index
        spanID = step.spanID
        name = step.name
        tool = step.toolName
        callID = step.callID
        verdict = step.verdict
        failed = span?.failed ?? false
        paths = step.paths
        note = step.note
        drift = step.drift
        unseenEffects = step.unseenEffects
        commit = step.commit
        start = span?.startTime
        end = span?.endTime
        changes = step.changes.map { c in
            let before = c.before.flatMap { try? read($0) }
            let after = c.after.flatMap { try? read($0) }
            return FileChange(path: c.path, before: c.before, after: c.after, diff: LineDiff(before: before, after: after))
        }
        shell = span.flatMap(ShellCall.init)
        switch step.kind {
        case .user:
            kind = .prompt
            text = span?.input.flatMap { $0.stringValue ?? $0["text"]?.stringValue }.map { Self.oneLine($0, 200) }
        case .agent, .event, .llm:
            kind = .event
        case .tool:
            let command = span?.input?["command"]?.stringValue
            if shell != nil {
                kind = .command
            } else if !step.changes.isEmpty {
                kind = .edit
            } else if let tool = step.toolName, Self.readTools.contains(tool) || command == "view" {
                kind = .read
            } else if !step.paths.isEmpty && (step.verdict != .served || failed) {
                kind = .edit  // an edit that failed, or that replay could not apply
            } else {
                kind = .tool
            }
            if kind == .read, !failed, let output = span?.output {
                linesRead = span?.details?["file"]?["numLines"]?.intValue.map(Int.init) ?? Self.lineCount(output)
            }
            if failed, let output = span?.output {
                text = Self.oneLine(output.stringValue ?? JSONWriter.string(output), 200)
            }
        }
    }

    /// Lines in a tool's output text.
    static func lineCount(_ output: JSON) -> Int? {
        guard let s = output.stringValue ?? output["output"]?.stringValue ?? output["content"]?.stringValue else { return nil }
        if s.isEmpty { return 0 }
        return s.utf8.reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) } - (s.hasSuffix("\n") ? 1 : 0)
    }

    /// The first non-empty line of `s`, without tags like `<tool_use_error>`, shortened.
    static func oneLine(_ s: String, _ limit: Int) -> String {
        var text = s
        for tag in ["<tool_use_error>", "</tool_use_error>"] { text = text.replacingOccurrences(of: tag, with: "") }
        let first = text.split(separator: "\n").first { !$0.allSatisfy(\.isWhitespace) }.map(String.init) ?? ""
        let trimmed = first.trimmingCharacters(in: .whitespaces)
        return trimmed.count > limit ? String(trimmed.prefix(limit)) + "…" : trimmed
    }
}
