import Trace

/// Turns the messages of an OpenCode export into spans, one message at a time.
struct OpenCodeMessages {
    let file: String
    /// `info.directory`: where OpenCode ran, the working directory when a message names none.
    let directory: String?
    private var ids = StableID()
    private(set) var spans: [Span] = []
    private var usedCalls = CallIDs()
    /// The session's permission rules (`info.permission`), each `permission:pattern:action`.
    var rules: [String] = []
    /// The first assistant message's `path.root`.
    private(set) var root: String?
    /// The last user message's `summary.diffs` (what its turn changed), with its line and id,
    /// until the turn's model steps are read.
    private var summary: (diffs: [JSON], line: Int, id: String)?

    /// The name of the span that carries a turn's recorded changes (`turnSummary`).
    static let turnSummaryTool = "turn-summary"

    init(file: String, directory: String?) {
        self.file = file
        self.directory = directory
    }

    mutating func read(_ value: JSON, index: Int, line: Int, partLines: [Int]) throws(TraceError) {
        let path = "messages[\(index)]"
        let message = try FieldDecoder(value, file: file, line: line, path: path)
        let info = try message.object("info")
        let parts = try message.optionalArray("parts") ?? []
        // Exports redact some ids (`REDACTED`): the position names the message too.
        let messageID = try info.optionalString("id") ?? ""
        let key = "\(index):" + messageID
        let time = try info.optionalObject("time")
        let start = try Self.time(time, "created")
        let source = Attributes([(GenAI.sourceLine, .number(line)), (GenAI.sourceID, .string(messageID))])
        switch try info.optionalString("role") {
        case "user":
            finishTurn()
            if let diffs = try info.optionalObject("summary")?.optionalArray("diffs"), !diffs.isEmpty {
                summary = (diffs, line, messageID)
            }
            var text: [String] = []
            for (i, part) in parts.enumerated() {
                let p = try message.element(part, i, of: "parts")
                if try p.optionalString("type") == "text", try p.optionalBool("synthetic") != true, let t = try p.optionalString("text") {
                    text.append(t)
                }
            }
            spans.append(
                Span(
                    id: ids.span("message:" + key), kind: .user, name: "user", startTime: start, endTime: start, status: .ok,
                    attributes: source, input: .string(text.joined(separator: "\n"))))
        case "assistant":
            try readAssistant(
                message, info: info, parts: parts, key: key, messageID: messageID, start: start,
                end: try Self.time(time, "completed"), source: source, partLines: partLines)
        default:
            break
        }
    }

    /// Ends the turn in progress: its recorded changes (the user message's `summary.diffs`:
    /// per file, `status`, and the content `after` it or a diff `patch`), as OpenCode worked
    /// them out from its snapshots when the turn ended, become a tool span
    /// `turn-summary` after the turn's last step, for replay to check.
    mutating func finishTurn() {
        guard let (diffs, line, id) = summary else { return }
        summary = nil
        let time = spans.last?.endTime ?? spans.last?.startTime
        let attributes = Attributes([
            (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string(Self.turnSummaryTool)),
            (GenAI.toolCallID, .string("summary:" + id)), (GenAI.sourceLine, .number(line)), (GenAI.sourceID, .string(id)),
            ("agentreplay.opencode.synthetic", .bool(true)),
        ])
        spans.append(
            Span(
                id: ids.span("summary:\(line):" + id), kind: .tool, name: Self.turnSummaryTool, startTime: time, endTime: time,
                status: .ok, attributes: attributes, input: .object([("diffs", .array(diffs))])))
    }

    /// One model step: an `llm` span and a `tool` span per tool part.
    mutating func readAssistant(
        _ message: FieldDecoder, info: FieldDecoder, parts: [JSON], key: String, messageID: String,
        start: Timestamp?, end: Timestamp?, source: Attributes, partLines: [Int]
    ) throws(TraceError) {
        let model = try info.optionalString("modelID")
        var attributes = source
        attributes[GenAI.operationName] = .string("chat")
        attributes[GenAI.responseID] = .string(messageID)
        if let model { attributes[GenAI.requestModel] = .string(model) }
        if let provider = try info.optionalString("providerID") { attributes["gen_ai.provider.name"] = .string(provider) }
        if let tokens = try info.optionalObject("tokens") {
            attributes[GenAI.inputTokens] = .number(try tokens.optionalInt("input") ?? 0)
            // OpenCode's `output` leaves `reasoning` out (and bills it as output); the canonical
            // output counts it.
            let reasoning = max(0, try tokens.optionalInt("reasoning") ?? 0)
            attributes[GenAI.outputTokens] = .number((try tokens.optionalInt("output") ?? 0).saturatingAdd(reasoning))
            if let cache = try tokens.optionalObject("cache") {
                if let read = try cache.optionalInt("read"), read > 0 { attributes[GenAI.cacheReadTokens] = .number(read) }
                if let write = try cache.optionalInt("write"), write > 0 { attributes[GenAI.cacheCreationTokens] = .number(write) }
            }
            if reasoning > 0 { attributes[GenAI.reasoningTokens] = .number(reasoning) }
        }
        if let cost = info["cost"], case .number = cost { attributes["agentreplay.usage.cost"] = cost }
        let pathInfo = try info.optionalObject("path")
        let cwd = try pathInfo?.optionalString("cwd") ?? directory
        if root == nil { root = try pathInfo?.optionalString("root") }

        let turn = ids.span("message:" + key)
        let at = spans.count
        spans.append(
            Span.modelTurn(id: turn, model: model, startTime: start, endTime: end, attributes: attributes))
        var text: [String] = []
        var callIDs: [JSON] = []
        for (i, value) in parts.enumerated() {
            let part = try FieldDecoder(
                value, file: file, line: i < partLines.count ? partLines[i] : message.line,
                path: message.path + ".parts[\(i)]")
            switch try part.optionalString("type") {
            case "text":
                if try part.optionalBool("synthetic") != true, let t = try part.optionalString("text") { text.append(t) }
            case "tool":
                let id = try readTool(part, key: key, index: i, messageID: messageID, turn: turn, start: start, cwd: cwd)
                callIDs.append(.string(id))
            default:
                break  // step-start, step-finish, reasoning, patch, file, snapshot, agent, …
            }
        }
        spans[at].output = .object([("text", .string(text.joined(separator: "\n"))), ("tool_calls", .array(callIDs))])
        if let error = try info.optionalObject("error") {
            let name = try error.optionalString("name") ?? "error"
            let detail = error["data"]?["message"]?.stringValue
            spans.append(
                Span(
                    id: ids.span("error:" + key), parentID: turn, kind: .event, name: "error", startTime: end ?? start,
                    endTime: end ?? start, status: .error, attributes: source,
                    output: .string(detail.map { name + ": " + $0 } ?? name)))
        }
    }

    /// One `ToolPart`; returns its call id.
    mutating func readTool(
        _ p: FieldDecoder, key: String, index: Int, messageID: String, turn: Span.ID, start: Timestamp?,
        cwd: String?
    ) throws(TraceError) -> String {
        let name = try p.string("tool")
        var callID = try p.optionalString("callID") ?? ""
        if callID.isEmpty || callID == "REDACTED" || usedCalls.contains(callID) {
            // Redacted, missing or used before: the position in the export names it (then
            // `#2`, `#3`, … while that is taken too).
            callID = (callID.isEmpty ? "call" : callID) + "#\(key).\(index)"
        }
        callID = usedCalls.claim(callID)
        let state = try p.object("state")
        let recorded = try state.optionalString("status")
        let status: Span.Status
        let output: JSON?
        switch recorded {
        case "completed":
            status = .ok
            output = state["output"]
        case "error":
            status = .error
            output = state["error"]
        default:
            status = .unset
            output = nil
        }
        let times = try state.optionalObject("time")
        var attributes = Attributes([
            (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string(name)), (GenAI.toolCallID, .string(callID)),
            (GenAI.sourceLine, .number(p.line)), (GenAI.sourceID, .string(messageID)),
        ])
        if let recorded { attributes["agentreplay.opencode.status"] = .string(recorded) }
        if !rules.isEmpty { attributes[Permission.rules] = .array(rules.map(JSON.string)) }
        if recorded == "error", let text = output?.stringValue {
            // What OpenCode writes when the user answers "reject" at its prompt, or stops a call.
            if text.contains("rejected permission") {
                attributes[Permission.decision] = .string(Permission.Decision.deniedByUser.rawValue)
                attributes[Permission.decidedBy] = .string("user")
            } else if text.contains("Tool execution aborted") {
                attributes[Permission.decision] = .string(Permission.Decision.cancelled.rawValue)
            }
        }
        if let cwd { attributes[GenAI.workingDirectory] = .string(cwd) }
        spans.append(
            Span(
                id: ids.span("call:" + callID), parentID: turn, kind: .tool, name: name,
                startTime: try Self.time(times, "start") ?? start, endTime: try Self.time(times, "end"), status: status,
                attributes: attributes, input: state["input"] ?? .object([]), output: output, details: state["metadata"]))
        return callID
    }

    /// A time OpenCode records as milliseconds since 1970.
    static func time(_ d: FieldDecoder?, _ key: String) throws(TraceError) -> Timestamp? {
        guard let d, let ms = try d.optionalInt(key) else { return nil }
        let seconds = ms >= 0 ? ms / 1000 : (ms - 999) / 1000
        return Timestamp(seconds: seconds, nanoseconds: Int32(ms - seconds * 1000) * 1_000_000)
    }
}
