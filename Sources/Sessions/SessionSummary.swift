import Insight
import Replay
import Trace

/// One session as `agentreplay sessions` lists it: read from the log's header and its spans'
/// counts, no replay. What it cost is worked out when listed (`cost(prices:)`), from the tokens
/// kept per model, so a summary cached once stays right under another price table.
public struct SessionSummary: Sendable, Equatable {
    /// Tokens one model spent over the session.
    public struct ModelUsage: Sendable, Equatable {
        public var model: String
        /// Output tokens count reasoning (`GenAI.reasoningTokens`), as the importers write them.
        public var usage: Usage
        /// The part of the cache writes kept an hour (billed at a higher rate).
        public var hourWrites: Int64 = 0
        /// The longest prompt (input, cache read and write) of one call: whether a price's
        /// long-context tier applied to any call.
        public var largestPrompt: Int64 = 0
    }

    /// The agent's own id of the session (what `claude --resume`, `codex resume`, `gemini
    /// --resume` or `opencode --session` take), from the log's file name.
    public var id: String
    /// The log file (for OpenCode, the storage's session file).
    public var path: String
    public var agent: String
    public var agentVersion: String?
    /// The format read (`claude-code`, `codex`, `gemini`, `opencode`).
    public var format: String
    /// The directory the agent worked in, as recorded.
    public var cwd: String?
    public var start: Timestamp?
    public var end: Timestamp?
    public var modelTurns: Int
    public var toolCalls: Int
    /// Distinct files the log's edit calls changed (calls recorded as succeeded).
    public var filesChanged: Int
    public var models: [ModelUsage]
    /// Tokens spent by model calls that name no model: their cost is unknown.
    public var unnamedTokens: Int64
    /// The first prompt the user typed, on one line, shortened.
    public var firstPrompt: String?
    /// Why the log could not be read, when it could not: the rest is empty then.
    public var error: String?

    public init(
        id: String, path: String, agent: String, agentVersion: String? = nil, format: String, cwd: String? = nil,
        start: Timestamp? = nil, end: Timestamp? = nil, modelTurns: Int = 0, toolCalls: Int = 0, filesChanged: Int = 0,
        models: [ModelUsage] = [], unnamedTokens: Int64 = 0, firstPrompt: String? = nil, error: String? = nil
    ) {
        self.id = id
        self.path = path
        self.agent = agent
        self.agentVersion = agentVersion
        self.format = format
        self.cwd = cwd
        self.start = start
        self.end = end
        self.modelTurns = modelTurns
        self.toolCalls = toolCalls
        self.filesChanged = filesChanged
        self.models = models
        self.unnamedTokens = unnamedTokens
        self.firstPrompt = firstPrompt
        self.error = error
    }

    /// The longest first prompt kept (the listing shortens it further).
    static let promptLimit = 200

    /// Summarises a trace read from `path`.
    public init(trace: Trace, id: String, path: String) {
        let header = trace.header
        self.init(
            id: id, path: path, agent: header.agentName, agentVersion: header.agentVersion, format: header.sourceFormat,
            cwd: header.repoRoot)
        var files = Set<String>()
        var byModel: [String: Int] = [:]
        for span in trace.spans {
            for time in [span.startTime, span.endTime].compactMap({ $0 }) {
                if start.map({ time < $0 }) ?? true { start = time }
                if end.map({ $0 < time }) ?? true { end = time }
            }
            switch span.kind {
            case .llm:
                modelTurns += 1
                guard let model = span.model else {
                    unnamedTokens += span.usage.total
                    continue
                }
                let i = byModel[model] ?? models.count
                if i == models.count {
                    byModel[model] = i
                    models.append(ModelUsage(model: model, usage: Usage()))
                }
                let usage = span.usage
                models[i].usage = models[i].usage + usage
                models[i].hourWrites = models[i].hourWrites.saturatingAdd(span.attributes[GenAI.cacheCreationHourTokens]?.intValue ?? 0)
                let prompt = usage.inputTokens.saturatingAdd(usage.cacheReadTokens).saturatingAdd(usage.cacheCreationTokens)
                models[i].largestPrompt = max(models[i].largestPrompt, prompt)
            case .tool:
                toolCalls += 1
                files.formUnion(LoggedPaths.edited(by: span, root: header.repoRoot))
            case .user:
                if firstPrompt == nil, let text = span.input.flatMap({ $0.stringValue ?? $0["text"]?.stringValue }) {
                    let line = Self.oneLine(text, Self.promptLimit)
                    if !line.isEmpty { firstPrompt = line }
                }
            case .agent, .event:
                break
            }
        }
        models.sort { $0.model < $1.model }
        filesChanged = files.count
    }

    /// Every token, over every model.
    public var usage: Usage { models.reduce(Usage()) { $0 + $1.usage } }

    /// How long the session ran, first recorded time to last, in milliseconds.
    public var durationMilliseconds: Int64? {
        guard let start, let end else { return nil }
        return TimeText.milliseconds(from: start, to: end)
    }

    /// What the session cost at `prices`: the known part, and whether every token was priced.
    /// The summary keeps tokens per model, not per call: a model whose price has a
    /// long-context tier and some call of which was above it cannot be priced from them
    /// (`show` prices each call), so its tokens count as unknown.
    public func cost(prices: PriceTable) -> (known: Money, complete: Bool) {
        var total = Money.zero
        var complete = unnamedTokens == 0
        for m in models {
            guard m.usage.total > 0 else { continue }
            if var price = prices.price(of: m.model), price.longContext.map({ m.largestPrompt <= $0.above }) ?? true {
                // No call crossed the tier: the sum is priced at the standard rates (the
                // tier would look at the sum's prompt, which no call had).
                price.longContext = nil
                total += price.cost(of: m.usage, hourWrites: m.hourWrites)
            } else {
                complete = false
            }
        }
        return (total, complete)
    }

    /// The first line of `s` with text in it, trimmed and cut to `limit` characters.
    public static func oneLine(_ s: String, _ limit: Int) -> String {
        if let ascii = oneLineASCII(s, limit) { return ascii }
        let first = s.split(whereSeparator: { $0 == "\n" || $0 == "\r" }).first { !$0.allSatisfy(\.isWhitespace) } ?? ""
        var trimmed = first[...]
        while let c = trimmed.first, c.isWhitespace { trimmed = trimmed.dropFirst() }
        while let c = trimmed.last, c.isWhitespace { trimmed = trimmed.dropLast() }
        return trimmed.count > limit ? String(trimmed.prefix(limit - 1)) + "…" : String(trimmed)
    }

    /// `oneLine` of an ASCII string on one line (a path, a pattern: most tool inputs), by its
    /// bytes, where each character is one byte; nil for any other string. The same result at
    /// a fraction of the cost of splitting and counting characters.
    static func oneLineASCII(_ s: String, _ limit: Int) -> String? {
        var s = s
        return s.withUTF8 { bytes -> String? in
            var lower = 0, upper = bytes.count
            for b in bytes where b >= 0x80 || b == 0x0A || b == 0x0D { return nil }
            // ASCII white space as `Character.isWhitespace` has it: tab, line tab, form feed, space.
            func space(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0C) }
            while lower < upper, space(bytes[lower]) { lower += 1 }
            while upper > lower, space(bytes[upper - 1]) { upper -= 1 }
            if upper - lower > limit {
                return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<(lower + limit - 1)]), as: UTF8.self) + "…"
            }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[lower..<upper]), as: UTF8.self)
        }
    }
}
