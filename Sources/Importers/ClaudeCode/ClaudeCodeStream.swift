import Trace

/// A Claude Code log read a line at a time: its header first, then its spans in the trace's
/// order, each handed on as soon as its place is settled, so a replay can start on the first
/// tool call while the rest of a hundred-megabyte log is still to be read, and memory holds a
/// turn's worth of spans rather than the session's.
///
/// A span's place is settled when nothing read later can come before it or change it:
/// - a model turn, once a line of another kind or of another message has come (a message's
///   later lines merge into it until then);
/// - any span, once no call still waiting for its result started before it: a call never
///   answered is placed by its start time (`TimeMerge`), so it may yet come first.
///
/// The order is the one `TimeMerge` gives the whole file and its unanswered calls, whatever
/// the times: a call not read yet cannot come before a span handed on, for its turn — which
/// must come out before it — is on the call's own line, after that span in the file.
/// (`ClaudeCodeStreamTests` compares the two roads, on logs whose times go backwards too.)
///
/// A session with sub-agent files (`<session>/subagents/*.jsonl`) is read whole before its
/// first span is handed on: their lines are merged with the session's by time, and they are
/// read after it (a sub-agent's calls are tied to the Task call whose result names it).
final class ClaudeCodeStream {
    private let importer: ClaudeCodeImporter
    private let log: JSONLines
    private let subagents: [(name: String, path: String)]
    private var state = ClaudeCodeImporter.State()
    private let sequence: Int
    /// The session file's spans not handed on yet.
    private var held = SpanLog()
    /// Spans settled at the end, handed on in order.
    private var rest: [Span] = []
    private var restHead = 0
    /// The session file is read to its end.
    private var ended = false
    /// Everything is read and merged: `rest` is the last of the spans.
    private var finished = false
    /// Every file is read before the first span is handed on (sub-agent files, or asked for).
    private let readsWhole: Bool

    /// With `whole`, the log is read to its end before the first span is handed on, as one
    /// with sub-agent files is: the same spans in the same order (tests compare the two).
    init(_ importer: ClaudeCodeImporter, whole: Bool = false) throws(TraceError) {
        self.importer = importer
        log = try JSONLines(path: importer.path, displayName: importer.displayName, joined: true, start: importer.options.start)
        // A reading resumed part-way (`Options.start`) takes the session file's lines only.
        subagents = importer.options.start == nil ? importer.subagentFiles() : []
        readsWhole = whole || !subagents.isEmpty
        sequence = state.beginFile()
    }

    /// Bytes of the session file read, of its size.
    var position: (done: Int, total: Int) { log.position }

    /// The trace's header: the session id, version and working directory of the first lines
    /// that name them (read until they are known, or to the end).
    func header() throws(TraceError) -> Trace.Header {
        if readsWhole {
            try finish()
        } else {
            while !ended && !headerKnown { try readLine() }
        }
        guard let sessionID = state.sessionID else {
            throw TraceError(file: importer.displayName, line: 0, field: "sessionId", message: "no line names the session (not a Claude Code log?)")
        }
        return importer.header(
            traceID: StableID.trace(sessionID), agent: .claudeCode, version: state.version, root: state.firstCwd, branch: state.firstBranch)
    }

    private var headerKnown: Bool {
        state.sessionID != nil && state.version != nil && (importer.options.recordedRoot != nil || state.firstCwd != nil)
    }

    /// The next span of the trace, or nil after the last; a shell call in its canonical form
    /// (`ShellCalls`).
    func next() throws(TraceError) -> Span? { try nextSpan().map { ShellCalls.canonical($0, agent: .claudeCode) } }

    private func nextSpan() throws(TraceError) -> Span? {
        while true {
            if restHead < rest.count {
                restHead += 1
                return rest[restHead - 1]
            }
            if finished { return nil }
            if ended || readsWhole {
                try finish()
            } else if settled {
                return held.removeFirst()
            } else {
                try readLine()
            }
        }
    }

    /// Whether the first held span can be handed on (see the type's comment).
    private var settled: Bool {
        if held.isEmpty { return false }
        let time = held.firstTime
        if let open = state.openTurn, open.sequence == sequence, open.index == held.startIndex { return false }
        if let time, let waiting = state.earliestPending, waiting < time { return false }
        return true
    }

    private func readLine() throws(TraceError) {
        guard let record = try log.next() else {
            ended = true
            return
        }
        try state.read(record, displayName: importer.displayName, into: &held, sequence: sequence, agentFile: false)
    }

    /// Reads what is left (the session file, then its sub-agent files) and merges what is held
    /// with them and with the calls never answered, by time.
    private func finish() throws(TraceError) {
        if finished { return }
        while !ended { try readLine() }
        try state.releaseEarlyResults(into: &held)
        let (main, timeBefore) = held.removeAll()
        var sequences = [main]
        for file in subagents {
            let name =
                importer.displayName.hasSuffix(".jsonl")
                ? String(importer.displayName.dropLast(6)) + "/subagents/" + file.name : file.name
            sequences.append(try state.read(path: file.path, displayName: name, agentFile: true))
        }
        sequences.append(state.unanswered())
        rest = TimeMerge.merge(sequences, leadingTimes: [timeBefore])
        restHead = 0
        finished = true
    }
}
