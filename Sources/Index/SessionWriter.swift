import Audit
import Insight
import Sessions
import Trace

/// Writes one session's spans into the store's tables as they are read, inside the file's
/// transaction: a turn per model call, a tool call per tool span with its file effects (from
/// the log), command and permission record, and the text people search. Memory holds the
/// turn numbers of the session's model calls, not its spans.
final class SessionWriter {
    private let db: any StoreConnection
    private let session: Int64
    private let root: String?
    /// `sessions.repository`, copied into each `file_effects` row (`files-since` reads them alone).
    private let repository: String?
    /// The directory a command ran in when its span names none.
    private let directory: String?
    private let prices: PriceTable
    private var audit: Audit.Walker
    /// Each model turn's number and first log line (a message's lines merge into one turn),
    /// by span id: one table, as the session's memory grows with it.
    private var turnOf = TurnTable()
    private var turn: Int
    /// The first prompt, when the session had none before this reading.
    private(set) var firstPrompt: String?
    private var wantsPrompt: Bool
    /// The lowest line a later reading must start from to see every span that may still
    /// change: a tool call with no result yet, or the last prompt (a turn may still grow).
    private(set) var openLine: Int?
    private var lastPromptLine: Int?
    private(set) var spans = 0
    /// The earliest and latest time of the session's spans (UTC text, as the rows have it).
    private(set) var first: String?, last: String?
    /// The last time written as text, and its text: a span's end is often its start, or the
    /// next span's start.
    private var lastTime: (seconds: Int64, nanoseconds: Int32, text: String)?
    /// The last model priced, and its price.
    private var lastPrice: (model: String, price: Price?)?
    /// The rows waiting to be written, several to a statement; `finish` writes the rest.
    private var turnRows = InsertBatch("INSERT INTO turns VALUES", columns: 13)
    private var toolCalls = InsertBatch("INSERT INTO tool_calls VALUES", columns: 11)
    private var effects: InsertBatch
    private var commands = InsertBatch("INSERT INTO commands VALUES", columns: 9)
    private var permissions = InsertBatch("INSERT INTO permissions VALUES", columns: 14)
    private var risks = InsertBatch("INSERT INTO risks VALUES", columns: 9)
    private var searchRows = InsertBatch("INSERT INTO search_rows (text, kind, session, span_id, log_line) VALUES", columns: 5)

    init(
        db: any StoreConnection, session: Int64, root: String?, repository: String?, directory: String?, prices: PriceTable, turns: Int,
        wantsPrompt: Bool, first: String? = nil, last: String? = nil
    ) {
        self.repository = repository
        self.first = first
        self.last = last
        self.db = db
        self.session = session
        self.root = root
        self.directory = directory
        self.prices = prices
        effects = InsertBatch(
            "INSERT INTO file_effects (session, span_id, turn, path, lines_added, lines_removed, source, time, log_line, repository) VALUES",
            columns: 10, capacity: InsertBatch.fileEffectsCapacity(db))
        audit = Audit.Walker(repoRoot: root, turns: turns)
        turn = turns
        self.wantsPrompt = wantsPrompt
    }

    /// The span's rows.
    func take(_ span: Span) throws {
        spans += 1
        let line = span.attributes[GenAI.sourceLine]?.intValue
        let start = text(span.startTime), end = text(span.endTime)
        see(start)
        see(end)
        switch span.kind {
        case .llm:
            turn += 1
            turnOf[span.id] = TurnTable.Turn(number: turn, line: line.map { Int($0) })
            try turnRow(span, line: line, start: start, end: end)
            if let text = span.output?["text"]?.stringValue, !text.isEmpty { try search(text, kind: "answer", span, line) }
        case .tool:
            let number = span.parentID.flatMap { turnOf[$0]?.number } ?? turn
            try toolRows(span, turn: number, line: line, start: start, end: end)
            // A call with no result yet is read again, from the first line of the model turn
            // that asked for it (the turn's message may be spread over several lines).
            if span.status == .unset, let line {
                let from = min(Int(line), span.parentID.flatMap { turnOf[$0]?.line } ?? Int(line))
                openLine = min(openLine ?? from, from)
            }
        case .user:
            if let line { lastPromptLine = Int(line) }
            if let text = span.input.flatMap({ $0.stringValue ?? $0["text"]?.stringValue }), !text.isEmpty {
                try search(text, kind: "prompt", span, line)
                if wantsPrompt {
                    let first = SessionSummary.oneLine(text, 200)
                    if !first.isEmpty { firstPrompt = first; wantsPrompt = false }
                }
            }
        case .agent, .event:
            break
        }
    }

    /// The last span is taken: the rows still waiting are written, and what was kept to
    /// number the calls is freed before the reading's closing statements (which sort the
    /// session's turns) need memory of their own.
    func finish() throws {
        try turnRows.flush(to: db)
        try toolCalls.flush(to: db)
        try effects.flush(to: db)
        try commands.flush(to: db)
        try permissions.flush(to: db)
        try risks.flush(to: db)
        try searchRows.flush(to: db)
        turnOf.removeAll()
    }

    /// Where a later reading of a grown log must start (a line number, 1-based): the earliest
    /// call still open, else the last prompt; nil when the whole log must be read again.
    var resumeLine: Int? {
        let candidates = [openLine, lastPromptLine].compactMap { $0 }
        return candidates.min()
    }

    private func turnRow(_ span: Span, line: Int64?, start: String?, end: String?) throws {
        let usage = span.usage
        var cost: Double? = 0
        if usage.total > 0 {
            cost = span.model.flatMap(price).map { Self.dollars($0.cost(of: usage)) }
        }
        try turnRows.add(
            [
                session, turn, span.id.rawValue, span.model, usage.inputTokens, usage.outputTokens, span.reasoningTokens,
                usage.cacheReadTokens, usage.cacheCreationTokens, cost, start, end, line,
            ], to: db)
    }

    private func toolRows(_ span: Span, turn: Int, line: Int64?, start: String?, end: String?) throws {
        let tool = span.toolName ?? span.name
        let shell = ShellCall(span)
        let summary = shell?.command ?? Self.summary(span)
        var duration: Int64?
        if let s = span.startTime, let e = span.endTime { duration = TimeText.milliseconds(from: s, to: e) }
        try toolCalls.add(
            [
                session, span.id.rawValue, turn, tool, span.toolCallID, summary, span.status.rawValue, start,
                end, duration, line,
            ], to: db)
        for effect in LoggedEffect.of(span, root: root) {
            try effects.add(
                [
                    session, span.id.rawValue, turn, effect.path, effect.added, effect.removed, "log", start, line, repository,
                ], to: db)
        }
        if let shell {
            var ending = "unknown", status: Int64?
            switch shell.ending {
            case let .exited(code): ending = "exited"; status = code
            case .succeeded: ending = "succeeded"
            case .failed: ending = "failed"
            case .unknown: ending = "unknown"
            }
            try commands.add(
                [
                    session, span.id.rawValue, turn, shell.command, ending, status,
                    span.attributes[GenAI.workingDirectory]?.stringValue ?? directory, start, line,
                ], to: db)
            try search(shell.command, kind: "command", span, line)
        } else if !summary.isEmpty {
            try search(summary, kind: "tool_input", span, line)
        }
        if let (row, found) = audit.take(span) {
            try permissions.add(
                [
                    session, span.id.rawValue, turn, row.request.tool, row.request.kind.rawValue, row.decision.rawValue,
                    row.decisionBasis.rawValue, row.decidedBy, row.policy.mode, row.policy.sandbox, row.outcome.rawValue,
                    found.map(\.riskClass.rawValue).joined(separator: ","), start, line,
                ], to: db)
            for risk in found {
                try risks.add(
                    [
                        session, span.id.rawValue, turn, risk.riskClass.rawValue, risk.tool, risk.what, risk.domain, risk.refused, line,
                    ], to: db)
            }
        }
    }

    /// The price of `model`, the last model's kept (a session's turns mostly name one).
    private func price(_ model: String) -> Price? {
        if let lastPrice, lastPrice.model == model { return lastPrice.price }
        let price = prices.price(of: model)
        lastPrice = (model, price)
        return price
    }

    private func search(_ text: String, kind: String, _ span: Span, _ line: Int64?) throws {
        try searchRows.add([text, kind, session, span.id.rawValue, line], to: db)
    }

    /// A tool call's input in one line: the path it names, else its JSON, cut to 200 characters.
    static func summary(_ span: Span) -> String {
        guard let input = span.input else { return "" }
        for key in ["file_path", "filePath", "notebook_path", "absolute_path", "path", "pattern", "query", "url"] {
            if let value = input[key]?.stringValue { return SessionSummary.oneLine(value, 200) }
        }
        let text = input.stringValue ?? JSONWriter.string(input)
        return text.hasMoreCharacters(than: 200) ? String(text.prefix(characters: 199)) + "…" : text
    }

    /// Widens `first` ... `last` to `time`.
    private func see(_ time: String?) {
        guard let time else { return }
        if first.map({ time < $0 }) ?? true { first = time }
        if last.map({ $0 < time }) ?? true { last = time }
    }

    /// `t` in UTC, milliseconds, `YYYY-MM-DDTHH:MM:SS.mmmZ` (sortable as text, whatever offset
    /// the log wrote); the last one made is kept.
    private func text(_ t: Timestamp?) -> String? {
        guard let t else { return nil }
        if let lastTime, lastTime.seconds == t.seconds, lastTime.nanoseconds == t.nanoseconds { return lastTime.text }
        let text = Timestamp(seconds: t.seconds, nanoseconds: t.nanoseconds).text
        lastTime = (t.seconds, t.nanoseconds, text)
        return text
    }

    static func dollars(_ money: Money) -> Double { Double(money.picodollars) / 1e12 }
}
