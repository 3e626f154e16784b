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
final class CodexStream {
    /// Lines a tool span is held after its output.
    static let window = 1024

    private let importer: CodexImporter
    private let log: JSONLines
    private var state = CodexImporter.State()
    /// The last line read.
    private var line = 0
    private var ended = false

    init(_ importer: CodexImporter) throws(TraceError) {
        self.importer = importer
        log = try JSONLines(path: importer.path, displayName: importer.displayName)
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
            if settled { return ShellCalls.canonical(state.spans.removeFirst()) }
            if ended {
                if state.spans.isEmpty { return nil }
                return ShellCalls.canonical(state.spans.removeFirst())
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
        case .object(let decoder): line = decoder.line
        case .cutShort(let n, _): line = n
        }
        try state.take(record)
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
