#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Trace

/// A Codex rollout read a line at a time, its spans handed on in the order `read()` gives
/// them as soon as no later line can change them, so memory holds a window of the log rather
/// than the session.
///
/// A span is settled when it is none of: the model turn that later items still join, the
/// turn waiting for its `token_count`, the `exec` call whose script may still record patches;
/// and, for a tool call, once `window` lines have passed since its output: Codex records a
/// call's `exec_command_end`, `patch_apply_end` and approval request before its output, so a
/// later one is rare. When one comes after its span was handed on, the span handed on was
/// not the one `read()` makes: `next()` throws `TraceError.readAgainWhole`, and the caller
/// (which asked for a stream with `Importer.Options.readsAgainWhole`) reads the log whole.
///
/// A rollout grows at its end: the index reads a grown one from the last **quiet point** of
/// its last reading (`CodexResume`), a line boundary where the importer holds nothing that a
/// later line can still change — no call waiting for its output, no event waiting for its
/// call, no model turn that a later item may join or that waits for its `token_count`, no
/// `exec` script still running, no approval request for a call not seen yet, no
/// `web_search_end` waiting for its item. What the importer carries past such a point (the
/// last `turn_context`'s model, directory and permission policy, the last `token_count`'s
/// running total, the session's `session_meta`) is kept with it or read again; a line after it
/// that refers to a tool call before it (a late `patch_apply_end`, `exec_command_end` or
/// approval request, a call id used again, a second output) makes the resumed reading ask to
/// be read again whole, as the rows of the earlier call would change.
final class CodexStream {
    /// Lines a tool span is held after its output.
    static let window = 1024

    private let importer: CodexImporter
    private let log: JSONLines
    private var state = CodexImporter.State()
    /// The last line read.
    private var line = 0
    private var ended = false
    /// The last two quiet points met (the last one may follow a last line with no newline,
    /// which a later reading must read again).
    private var quiet: CodexResume?, quietBefore: CodexResume?
    /// `state.approvalRequested.count` when every call it names was last found placed.
    private var approvalsChecked = 0

    init(_ importer: CodexImporter, resume: CodexResume? = nil, calls: Set<String> = []) throws(TraceError) {
        self.importer = importer
        guard let resume else {
            log = try JSONLines(path: importer.path, displayName: importer.displayName)
            return
        }
        // The header: the first `session_meta`, read again from the top (it is before the
        // resume point; when it is not, the reading from there finds it).
        var head = CodexImporter.State()
        let top = try JSONLines(path: importer.path, displayName: importer.displayName)
        while head.sessionID == nil, let record = try top.next() {
            if case .object(let d) = record, d.line > resume.start.lines { break }
            try head.take(record)
        }
        state.sessionID = head.sessionID
        state.version = head.version
        state.root = head.root
        state.branch = head.branch
        state.baseCommit = head.baseCommit
        resume.restore(into: &state)
        // A line that names a call before the resume point changes (or contradicts) rows
        // already stored: placed before the first span (`late`), it asks for a whole reading.
        for id in calls { state.placed[id] = -1 }
        log = try JSONLines(path: importer.path, displayName: importer.displayName, start: resume.start)
        line = resume.start.lines
        quiet = resume
    }

    /// Where a later reading of the grown rollout may start: the last quiet point that follows
    /// a complete line (nil when there was none).
    var resume: CodexResume? {
        guard let quiet else { return nil }
        if quiet.start.offset < log.position.total || Self.endsWithNewline(importer.path, size: quiet.start.offset) { return quiet }
        return quietBefore
    }

    /// Whether the byte before `size` in `path` is a newline.
    private static func endsWithNewline(_ path: String, size: Int) -> Bool {
        guard size > 0 else { return true }
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var byte: UInt8 = 0
        return pread(fd, &byte, 1, off_t(size - 1)) == 1 && byte == 0x0A
    }

    /// Bytes of the rollout read, of its size.
    var position: (done: Int, total: Int) { log.position }

    /// The trace's header: read until the first `session_meta` (or the end).
    func header() throws(TraceError) -> Trace.Header {
        while !ended && state.sessionID == nil { try readLine() }
        return try importer.header(state)
    }

    /// The next span, or nil after the last; a shell call in its canonical form (`ShellCalls`).
    func next() throws(TraceError) -> Span? {
        while true {
            if let late = state.late { throw TraceError.readAgainWhole(file: importer.displayName, line: late) }
            if settled { return ShellCalls.canonical(state.spans.removeFirst(), agent: .codex) }
            if ended {
                if state.spans.isEmpty { return nil }
                return ShellCalls.canonical(state.spans.removeFirst(), agent: .codex)
            }
            try readLine()
        }
    }

    private var settled: Bool {
        if state.spans.isEmpty { return false }
        let i = state.spans.startIndex
        if i == state.turn || i == state.awaitingUsage.last || i == state.runningScript { return false }
        let span = state.spans[i]
        if span.kind == .tool, let output = span.attributes["agentreplay.source.result_line"]?.intValue {
            return Int64(line) > output + Int64(Self.window)
        }
        return true
    }

    private func readLine() throws(TraceError) {
        guard let record = try log.next() else {
            if !ended {
                ended = true
                state.finish()
            }
            return
        }
        switch record {
        case .object(let decoder):
            line = decoder.line
            try state.take(record)
            if isQuiet {
                quietBefore = quiet
                quiet = CodexResume(
                    start: LineReader.Start(offset: log.position.done, lines: line), model: state.model, cwd: state.turnCwd,
                    policy: state.policy, lastTotal: state.lastTotal)
            }
        case .cutShort(let n, _):
            line = n
            try state.take(record)
        }
    }

    /// Whether no later line can change what the lines read so far made (see the type's note).
    private var isQuiet: Bool {
        guard state.turn == nil, state.pending.isEmpty, state.awaitingUsage.isEmpty, state.runningScript == nil, state.events.isEmpty,
            state.scriptPatches.isEmpty, state.webSearchID == nil, state.late == nil
        else { return false }
        // An approval request recorded before its call (the call would take it): the set only
        // grows, and `placed` too, so it is checked again only when a request is added.
        if state.approvalRequested.count != approvalsChecked {
            guard state.approvalRequested.allSatisfy({ state.placed[$0] != nil }) else { return false }
            approvalsChecked = state.approvalRequested.count
        }
        return true
    }
}

/// Where the index reads a grown Codex rollout from (`CodexStream`'s quiet point): the line
/// and byte after the lines taken as read, and what the importer carries past them.
public struct CodexResume: Sendable, Equatable {
    public var start: LineReader.Start
    var model: String?
    var cwd: String?
    var policy: Attributes
    var lastTotal: JSON?

    /// What the importer carries, as the text of a JSON object (`model`, `cwd`, `policy`,
    /// `last_total`), for the store to keep.
    public var state: String {
        JSONWriter.string(
            .object([
                ("model", model.map(JSON.string) ?? .null), ("cwd", cwd.map(JSON.string) ?? .null), ("policy", .object(policy.members)),
                ("last_total", lastTotal ?? .null),
            ]))
    }

    /// A resume point kept by the store: `start`, and `state` as `state` wrote it; nil when
    /// `state` is not that (a store written by another build: the log is read whole).
    public init?(start: LineReader.Start, state: String) {
        guard let value = try? JSONParser.parse(state), let members = value.objectValue, members.count == 4,
            let model = value["model"], let cwd = value["cwd"], let policy = value["policy"]?.objectValue, let lastTotal = value["last_total"],
            model == .null || model.stringValue != nil, cwd == .null || cwd.stringValue != nil
        else { return nil }
        self.start = start
        self.model = model.stringValue
        self.cwd = cwd.stringValue
        self.policy = Attributes(policy)
        self.lastTotal = lastTotal == .null ? nil : lastTotal
    }

    init(start: LineReader.Start, model: String?, cwd: String?, policy: Attributes, lastTotal: JSON?) {
        self.start = start
        self.model = model
        self.cwd = cwd
        self.policy = policy
        self.lastTotal = lastTotal
    }

    func restore(into state: inout CodexImporter.State) {
        state.model = model
        state.turnCwd = cwd
        state.policy = policy
        state.lastTotal = lastTotal
    }
}

extension CodexImporter {
    /// The rollout streamed for the index, from `resume` on when given (the lines before it
    /// taken as read; `calls`: the ids of the tool calls read before it), with where a later
    /// reading of it, grown, may start. A line that changes a span handed on, or a call before
    /// `resume`, throws `TraceError.readAgainWhole`: the caller reads the log again whole.
    public func resumable(from resume: CodexResume?, calls: Set<String>) throws(TraceError) -> (
        source: TraceSource, resume: () -> CodexResume?
    ) {
        let stream = try CodexStream(self, resume: resume, calls: calls)
        let header = try stream.header()
        let source = TraceSource(
            header: header, next: { () throws(TraceError) -> Span? in try stream.next() },
            native: {
                { sink in try TraceSource.stream(header, next: { try stream.next() }, to: sink) }
            }, position: { stream.position })
        return (source, { stream.resume })
    }
}

extension TraceError {
    /// What a streamed reading throws when a line changes a span it has handed on already:
    /// the caller reads the log again, whole.
    public static func readAgainWhole(file: String, line: Int) -> TraceError {
        TraceError(file: file, line: line, message: readAgainWholeMessage)
    }

    static let readAgainWholeMessage = "a line changes a span handed on already: the log is read again whole"

    /// Whether this is `readAgainWhole`.
    public var asksToReadAgainWhole: Bool { field == nil && message == Self.readAgainWholeMessage }
}
