import Trace

/// What the agent-strace importer carries from event to event.
struct AgentStraceEvents {
    struct PendingCall {
        var eventID: String
        var callID: String
        var name: String
        var input: JSON
        var start: Timestamp?
        var line: Int
        var sourceUUID: String?
    }

    let file: String
    private(set) var sessionID: String?
    private(set) var cwd: String?
    private var ids = StableID()
    private var spans: [Span] = []
    private var pending: [String: PendingCall] = [:]
    private var pendingOrder: [String] = []
    private var usedCalls = CallIDs()
    /// The last `llm` span, with the source line uuid and usage it was made from, for
    /// merging the lines of one Claude message.
    private var lastTurn: (index: Int, uuid: String?, usage: JSON?, model: String?)?
    /// The `llm` span of each converted log line, by its `source_uuid`.
    private var turnOfLine: [String: Span.ID] = [:]

    init(file: String) { self.file = file }

    mutating func read(_ e: FieldDecoder) throws(TraceError) {
        let type = try e.string("event_type")
        if sessionID == nil, let s = try e.optionalString("session_id"), !s.isEmpty { sessionID = s }
        let time = try Self.timestamp(e, "timestamp")
        let eventID = try e.optionalString("event_id") ?? "line\(e.line)"
        var data = try e.optionalObject("data")
        if data == nil { data = try FieldDecoder(.object([]), file: file, line: e.line, path: "data") }
        guard let data else { return }
        let source = Attributes([(GenAI.sourceLine, .number(e.line)), (GenAI.sourceID, .string(eventID))])
        switch type {
        case "session_start":
            if cwd == nil, let c = try data.optionalString("cwd") { cwd = c }
        case "user_prompt":
            spans.append(
                Span(
                    id: ids.span("event:" + eventID), kind: .user, name: "user", startTime: time, endTime: time, status: .ok,
                    attributes: source, input: .string(try data.optionalString("prompt") ?? "")))
            lastTurn = nil
        case "assistant_response", "llm_response":
            try readResponse(data, time: time, eventID: eventID, source: source)
        case "tool_call":
            var callID = try data.optionalString("tool_use_id") ?? ""
            if callID.isEmpty { callID = try data.optionalString("request_id") ?? "" }
            if callID.isEmpty { callID = eventID.isEmpty ? "line\(e.line)" : eventID }
            if usedCalls.contains(callID) {
                // Used before: `<id>#<event id>` (`#line<n>` without one), then `#2`, `#3`, …
                // while that is taken too.
                callID += "#" + (eventID.isEmpty ? "line\(e.line)" : eventID)
            }
            callID = usedCalls.claim(callID)
            var input = data["arguments"] ?? .object([])
            if let text = input.stringValue, let parsed = try? JSONParser.parse(text), parsed.objectValue != nil { input = parsed }
            if input.objectValue == nil { input = .object([("arguments", input)]) }
            guard pending[eventID] == nil else { throw e.error("event_id", "duplicate event id \(eventID)") }
            pending[eventID] = PendingCall(
                eventID: eventID, callID: callID, name: try data.optionalString("tool_name") ?? "unknown", input: input, start: time,
                line: e.line, sourceUUID: try data.optionalString("source_uuid"))
            pendingOrder.append(eventID)
        case "tool_result", "error":
            let parent = try e.optionalString("parent_id")
            let useID = try data.optionalString("tool_use_id")
            let key =
                parent.flatMap { pending[$0] != nil ? $0 : nil }
                ?? useID.flatMap { id in pendingOrder.first { pending[$0]?.callID == id } }
            var text = try data.optionalString(type == "error" ? "error" : "result")
            if text == nil { text = try data.optionalString(type == "error" ? "message" : "content_preview") }
            guard let key, let call = pending.removeValue(forKey: key) else {
                if type == "error" {
                    spans.append(
                        Span(
                            id: ids.span("event:" + eventID), kind: .event, name: "error", startTime: time, endTime: time,
                            status: .ok, attributes: source, output: text.map(JSON.string)))
                }
                return
            }
            pendingOrder.removeAll { $0 == key }
            let (output, truncated) = Self.untruncated(text ?? "")
            let failed = type == "error" || output.contains("<tool_use_error>")
            spans.append(toolSpan(call, output: .string(output), failed: failed, truncated: truncated, end: time, result: (e.line, eventID)))
        default:
            break
        }
    }

    /// A model response. Lines of one Claude message (each the next line's parent, with the
    /// same usage) make one span.
    mutating func readResponse(_ data: FieldDecoder, time: Timestamp?, eventID: String, source: Attributes) throws(TraceError) {
        let model = try data.optionalString("model")
        let text = try data.optionalString("text") ?? ""
        let usage = data["usage"]
        let uuid = try data.optionalString("source_uuid")
        if let last = lastTurn, let parent = try data.optionalString("source_parent_uuid"), parent == last.uuid,
            usage == last.usage, model == last.model
        {
            var span = spans[last.index]
            let old = span.output?["text"]?.stringValue ?? ""
            span.output = .object([("text", .string(old + text)), ("tool_calls", span.output?["tool_calls"] ?? .array([]))])
            span.endTime = time ?? span.endTime
            spans[last.index] = span
            lastTurn?.uuid = uuid
            if let uuid { turnOfLine[uuid] = span.id }
            return
        }
        var attributes = source
        attributes[GenAI.operationName] = .string("chat")
        if let model { attributes[GenAI.requestModel] = .string(model) }
        if let usage = try data.optionalObject("usage") {
            let names = [
                ("input_tokens", GenAI.inputTokens), ("output_tokens", GenAI.outputTokens),
                ("cache_read_input_tokens", GenAI.cacheReadTokens), ("cache_creation_input_tokens", GenAI.cacheCreationTokens),
            ]
            for (name, attribute) in names {
                if let v = try usage.optionalInt(name) { attributes[attribute] = .number(v) }
            }
        } else {
            if let v = try data.optionalInt("input_tokens") { attributes[GenAI.inputTokens] = .number(v) }
            if let v = try data.optionalInt("output_tokens") { attributes[GenAI.outputTokens] = .number(v) }
        }
        let id = ids.span("turn:" + eventID)
        spans.append(
            Span.modelTurn(
                id: id, model: model, startTime: time, endTime: time, attributes: attributes,
                output: .object([("text", .string(text)), ("tool_calls", .array([]))])))
        lastTurn = (spans.count - 1, uuid, usage, model)
        if let uuid { turnOfLine[uuid] = id }
    }

    mutating func toolSpan(_ call: PendingCall, output: JSON?, failed: Bool, truncated: Bool, end: Timestamp?, result: (line: Int, id: String)?)
        -> Span
    {
        var attributes = Attributes([
            (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string(call.name)), (GenAI.toolCallID, .string(call.callID)),
            (GenAI.sourceLine, .number(call.line)), (GenAI.sourceID, .string(call.eventID)),
        ])
        if let result {
            attributes["agentreplay.source.result_line"] = .number(result.line)
            attributes["agentreplay.source.result_id"] = .string(result.id)
        }
        if truncated { attributes["agentreplay.output_truncated"] = .bool(true) }
        let turn = call.sourceUUID.flatMap { turnOfLine[$0] }
        if let turn, let at = spans.firstIndex(where: { $0.id == turn }) {
            let calls = spans[at].output?["tool_calls"]?.arrayValue ?? []
            spans[at].output = .object([("text", spans[at].output?["text"] ?? .string("")), ("tool_calls", .array(calls + [.string(call.callID)]))])
        }
        return Span(
            id: ids.span("call:" + call.callID), parentID: turn, kind: .tool, name: call.name, startTime: call.start, endTime: end ?? call.start,
            status: result == nil ? .unset : (failed ? .error : .ok), attributes: attributes, input: call.input, output: output)
    }

    /// A last line cut short (the recording stopped mid-write): kept as an error event.
    mutating func truncated(line: Int, reason: String) {
        spans.append(
            Span(
                id: ids.span("truncated:\(line)"), kind: .event, name: "truncated record", status: .error,
                attributes: Attributes([(GenAI.sourceLine, .number(line))]),
                output: .string("the trace's last line is cut short (\(reason)); a record it held is lost")))
    }

    /// The spans, with calls that never got a result at the end (status `unset`).
    mutating func finish() -> [Span] {
        for key in pendingOrder {
            guard let call = pending[key] else { continue }
            spans.append(toolSpan(call, output: nil, failed: false, truncated: false, end: nil, result: nil))
        }
        pending.removeAll()
        pendingOrder.removeAll()
        return spans
    }

    /// An output agent-strace cut: the hooks keep 1000 characters and add `... (truncated)`;
    /// `import` keeps 2000 and adds `...`. What is left is kept up to its last whole line.
    static func untruncated(_ text: String) -> (String, Bool) {
        let count = text.unicodeScalars.count
        var kept: Substring?
        if count == 1000 + 15, text.hasSuffix("... (truncated)") { kept = text.dropLast(15) }
        if count == 2000 + 3, text.hasSuffix("...") { kept = text.dropLast(3) }
        guard let kept else { return (text, false) }
        if let newline = kept.lastIndex(of: "\n") { return (String(kept[..<newline]), true) }
        return ("", true)
    }

    /// Seconds since the epoch, as a JSON number (Python's `time.time()`).
    static func timestamp(_ e: FieldDecoder, _ key: String) throws(TraceError) -> Timestamp? {
        guard let value = e[key] else { return nil }
        guard case .number(let text) = value, let seconds = Double(text), seconds.isFinite, abs(seconds) < 1e11 else {
            throw e.error(key, "expected seconds since the epoch, found \(value.typeDescription)")
        }
        let whole = seconds.rounded(.down)
        return Timestamp(seconds: Int64(whole), nanoseconds: Int32(min(999_999_999, ((seconds - whole) * 1e9).rounded())))
    }
}
