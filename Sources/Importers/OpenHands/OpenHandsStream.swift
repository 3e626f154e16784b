import Trace

/// What the OpenHands importer carries from event to event: the model responses already
/// made into `llm` spans, and the actions waiting for their observation.
struct OpenHandsStream {
    struct PendingAction {
        var eventID: Int64
        var action: String
        var toolName: String
        var callID: String
        var input: JSON
        var implSource: String?
        var turn: Span.ID?
        var start: Timestamp?
        var line: Int
    }

    let file: String
    private var ids = StableID()
    private var spans: [Span] = []
    /// `llm` spans by model response id.
    private var turns: [String: Span.ID] = [:]
    private var pending: [Int64: PendingAction] = [:]
    private var pendingOrder: [Int64] = []
    private var usedCalls = CallIDs()

    init(file: String) { self.file = file }

    /// Actions the runtime runs and answers with an observation; any other action becomes a
    /// tool span only when an observation answers it (`think` does, `finish` does not).
    static let runnable: Set<String> = ["run", "run_ipython", "read", "write", "edit", "browse", "browse_interactive", "call_tool_mcp", "mcp"]
    /// Actions that are not tool calls.
    static let notCalls: Set<String> = ["message", "system", "recall", "change_agent_state", "condensation", "condensation_request", "null"]

    mutating func read(_ value: JSON, index: Int, line: Int, path: String) throws(TraceError) {
        let e = try FieldDecoder(value, file: file, line: line, path: path)
        let id = try e.optionalInt("id") ?? Int64(index)
        let time = try OpenHandsImporter.timestamp(e, "timestamp")
        if let action = try e.optionalString("action") {
            try readAction(e, action: action, id: id, time: time)
        } else if let observation = try e.optionalString("observation") {
            try readObservation(e, observation: observation, id: id, time: time)
        } else {
            throw e.error(nil, "neither `action` nor `observation`: not an OpenHands event")
        }
    }

    // MARK: Actions

    mutating func readAction(_ e: FieldDecoder, action: String, id: Int64, time: Timestamp?) throws(TraceError) {
        let source = try e.optionalString("source")
        let args = try e.optionalObject("args")
        let metadata = try e.optionalObject("tool_call_metadata")
        var turn: Span.ID? = nil
        if let metadata { turn = try self.turn(metadata, time: time, line: e.line, eventID: id) }
        switch action {
        case "message":
            var text = try args?.optionalString("content")
            if text == nil { text = try e.optionalString("message") }
            var attributes = Attributes([(GenAI.sourceLine, .number(e.line)), (GenAI.sourceID, .string(String(id)))])
            if source == "user" {
                spans.append(
                    Span(
                        id: ids.span("event:\(id)"), kind: .user, name: "user", startTime: time, endTime: time, status: .ok,
                        attributes: attributes, input: .string(text ?? "")))
            } else if turn == nil {
                attributes[GenAI.operationName] = .string("chat")
                spans.append(
                    Span(
                        id: ids.span("event:\(id)"), kind: .llm, name: "chat model", startTime: time, endTime: time, status: .ok,
                        attributes: attributes, output: .object([("text", .string(text ?? "")), ("tool_calls", .array([]))])))
            }
            return
        case "condensation":
            spans.append(
                Span(
                    id: ids.span("event:\(id)"), kind: .event, name: "compaction", startTime: time, endTime: time, status: .ok,
                    attributes: Attributes([(GenAI.sourceLine, .number(e.line)), (GenAI.sourceID, .string(String(id)))]),
                    output: args.map { .object($0.members) }))
            return
        default:
            if Self.notCalls.contains(action) || source == "user" { return }
        }
        guard pending[id] == nil else { throw e.error("id", "duplicate event id \(id)") }
        let metadataCallID = try metadata?.optionalString("tool_call_id")
        var callID = metadataCallID.flatMap { $0.isEmpty ? nil : $0 } ?? "event-\(id)"
        if usedCalls.contains(callID) { callID += "#event-\(id)" }
        callID = usedCalls.claim(callID)
        var input: JSON = .object(args?.members ?? [])
        // Early 2025 editor actions kept only the IPython code they ran: the model's own
        // arguments hold the command.
        if action == "edit" || action == "read", args?["command"] == nil,
            let arguments = Self.toolCallArguments(metadata, callID: metadataCallID), arguments["command"] != nil
        {
            input = arguments
        }
        pending[id] = PendingAction(
            eventID: id, action: action, toolName: try metadata?.optionalString("function_name") ?? action, callID: callID,
            input: input, implSource: try args?.optionalString("impl_source"), turn: turn, start: time, line: e.line)
        pendingOrder.append(id)
    }

    /// The arguments the model gave the tool call `callID`, from the response in the metadata.
    static func toolCallArguments(_ metadata: FieldDecoder?, callID: String?) -> JSON? {
        guard let calls = metadata?["model_response"]?["choices"]?.arrayValue?.first?["message"]?["tool_calls"]?.arrayValue else { return nil }
        let call = calls.first { $0["id"]?.stringValue == callID } ?? (calls.count == 1 ? calls[0] : nil)
        guard let text = call?["function"]?["arguments"]?.stringValue, let parsed = try? JSONParser.parse(text),
            parsed.objectValue != nil
        else { return nil }
        return parsed
    }

    /// The `llm` span of the model response that decided an action, made the first time
    /// the response is seen.
    mutating func turn(_ metadata: FieldDecoder, time: Timestamp?, line: Int, eventID: Int64) throws(TraceError) -> Span.ID? {
        guard let response = try metadata.optionalObject("model_response") else { return nil }
        let responseID = try response.optionalString("id") ?? "event-\(eventID)"
        if let existing = turns[responseID] { return existing }
        let model = try response.optionalString("model")
        var attributes = Attributes([
            (GenAI.operationName, .string("chat")), (GenAI.responseID, .string(responseID)),
            (GenAI.sourceLine, .number(line)), (GenAI.sourceID, .string(String(eventID))),
        ])
        if let model { attributes[GenAI.requestModel] = .string(model) }
        if let usage = try response.optionalObject("usage") { try Self.usage(usage, into: &attributes) }
        let message = response["choices"]?.arrayValue?.first?["message"]
        var text = ""
        switch message?["content"] {
        case .string(let s)?: text = s
        case .array(let parts)?: text = parts.compactMap { $0["text"]?.stringValue }.joined()
        default: break
        }
        let calls = (message?["tool_calls"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }.map(JSON.string)
        let id = ids.span("turn:" + responseID)
        spans.append(
            Span.modelTurn(
                id: id, model: model, startTime: time, endTime: time, attributes: attributes,
                output: .object([("text", .string(text)), ("tool_calls", .array(calls))])))
        turns[responseID] = id
        return id
    }

    /// LiteLLM's usage: `prompt_tokens` counts cached and cache-written tokens too (Anthropic's
    /// `cache_read_input_tokens`, `cache_creation_input_tokens`; OpenAI's
    /// `prompt_tokens_details.cached_tokens`), which are taken out of the input count.
    static func usage(_ usage: FieldDecoder, into attributes: inout Attributes) throws(TraceError) {
        let prompt = try usage.optionalInt("prompt_tokens")
        let cachedDetail = try usage.optionalObject("prompt_tokens_details")?.optionalInt("cached_tokens")
        let cacheRead = try usage.optionalInt("cache_read_input_tokens") ?? cachedDetail ?? 0
        let cacheWrite = try usage.optionalInt("cache_creation_input_tokens") ?? 0
        if let prompt { attributes[GenAI.inputTokens] = .number(max(0, prompt - cacheRead - cacheWrite)) }
        if let output = try usage.optionalInt("completion_tokens") { attributes[GenAI.outputTokens] = .number(output) }
        if cacheRead > 0 { attributes[GenAI.cacheReadTokens] = .number(cacheRead) }
        if cacheWrite > 0 { attributes[GenAI.cacheCreationTokens] = .number(cacheWrite) }
        if let reasoning = try usage.optionalObject("completion_tokens_details")?.optionalInt("reasoning_tokens"), reasoning > 0 {
            attributes[GenAI.reasoningTokens] = .number(reasoning)  // counted in completion_tokens
        }
    }

    // MARK: Observations

    mutating func readObservation(_ e: FieldDecoder, observation: String, id: Int64, time: Timestamp?) throws(TraceError) {
        let content: String
        switch e["content"] {
        case .string(let s)?: content = s
        case nil: content = ""
        case let other?: throw e.error("content", "expected a string, found \(other.typeDescription)")
        }
        guard let cause = try e.optionalInt("cause"), let call = pending.removeValue(forKey: cause) else {
            if observation == "error" {
                spans.append(
                    Span(
                        id: ids.span("event:\(id)"), kind: .event, name: "error", startTime: time, endTime: time, status: .ok,
                        attributes: Attributes([(GenAI.sourceLine, .number(e.line)), (GenAI.sourceID, .string(String(id)))]),
                        output: .string(content)))
            }
            return
        }
        pendingOrder.removeAll { $0 == cause }
        let extras = try e.optionalObject("extras")
        let failed = try Self.failed(observation: observation, content: content, extras: extras)
        spans.append(
            toolSpan(
                call, output: .string(content), details: extras.map { .object($0.members) }, status: failed ? .error : .ok,
                end: time, result: (line: e.line, id: id, observation: observation, implSource: try extras?.optionalString("impl_source"))))
    }

    /// Whether an observation says its action failed: an `error` or `user_rejected`
    /// observation, a command's non-zero exit code, the editor's `ERROR:` output.
    static func failed(observation: String, content: String, extras: FieldDecoder?) throws(TraceError) -> Bool {
        switch observation {
        case "error", "user_rejected":
            return true
        case "run", "run_ipython":
            var code = try extras?.optionalObject("metadata")?.optionalInt("exit_code")
            if code == nil { code = try extras?.optionalInt("exit_code") }
            return code.map { $0 != 0 && $0 != -1 } ?? false
        default:
            return content.hasPrefix("ERROR:")
        }
    }

    mutating func toolSpan(
        _ call: PendingAction, output: JSON?, details: JSON?, status: Span.Status, end: Timestamp?,
        result: (line: Int, id: Int64, observation: String, implSource: String?)?
    ) -> Span {
        var attributes = Attributes([
            (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string(call.toolName)),
            (GenAI.toolCallID, .string(call.callID)), (GenAI.sourceLine, .number(call.line)),
            (GenAI.sourceID, .string(String(call.eventID))), ("agentreplay.openhands.action", .string(call.action)),
        ])
        if let implSource = call.implSource ?? result?.implSource { attributes["agentreplay.openhands.impl_source"] = .string(implSource) }
        if let result {
            attributes["agentreplay.source.result_line"] = .number(result.line)
            attributes["agentreplay.source.result_id"] = .string(String(result.id))
            attributes["agentreplay.openhands.observation"] = .string(result.observation)
        }
        return Span(
            id: ids.span("call:\(call.eventID)"), parentID: call.turn, kind: .tool, name: call.toolName,
            startTime: call.start, endTime: end ?? call.start, status: status,
            attributes: attributes, input: call.input, output: output, details: details)
    }

    /// The spans, with runnable actions that never got an observation at the end (status
    /// `unset`: the session ended first).
    mutating func finish() -> [Span] {
        for id in pendingOrder {
            guard let call = pending[id], Self.runnable.contains(call.action) else { continue }
            spans.append(toolSpan(call, output: nil, details: nil, status: .unset, end: nil, result: nil))
        }
        pending.removeAll()
        pendingOrder.removeAll()
        return spans
    }
}
