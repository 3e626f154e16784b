import Trace

/// Imports a Codex CLI rollout (`~/.codex/sessions/YYYY/MM/DD/rollout-*.jsonl`).
///
/// What it reads: `session_meta` (the session id, `cli_version`, `cwd` as the repo root,
/// `git.commit_hash` as the base commit; later copies of it are ignored); `turn_context` (the
/// model, the turn's working directory); `response_item`s: assistant `message`s, `reasoning`,
/// `function_call`, `custom_tool_call` and `local_shell_call` (tool calls), their outputs by
/// `call_id`, `web_search_call`, user `message`s; `event_msg`s: `token_count` (usage of the
/// model response before it), `patch_apply_end` and `exec_command_end` (kept as the tool
/// span's `details`), `context_compacted`; and `compacted` lines. A code-mode `exec` call's
/// script records a `patch_apply_end` per `tools.apply_patch` under an id of its own
/// (`exec-…`), between the call and its output: the `exec` span's `details` keeps them, in
/// order, as `{"patch_apply_end": [...]}`. Rollouts from before the
/// `type`/`payload` envelope (a bare session meta on line 1, bare response items after it)
/// are read too.
///
/// Consecutive model output items (reasoning, messages, calls) make one `llm` span; each tool
/// call one `tool` span whose parent is that turn, placed where its output was recorded.
public struct CodexImporter: LogImporter {
    public static let format = SourceFormat.codex
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        var state = State()
        let log = try JSONLines(path: path, displayName: displayName)
        while let record = try log.next() { try state.take(record) }
        state.finish()
        let header = try self.header(state)
        return Trace(header: header, spans: state.spans.removeAll().spans)
    }

    /// The log as spans one at a time: streamed (`CodexStream`) when the caller can read it
    /// again whole (`Importer.Options.readsAgainWhole`), else imported whole first.
    public func open(recoversBadSpans: Bool) throws(TraceError) -> TraceSource {
        guard options.readsAgainWhole else { return TraceSource(whole: try run()) }
        let stream = try CodexStream(self)
        let header = try stream.header()
        return TraceSource(
            header: header, next: { () throws(TraceError) -> Span? in try stream.next() },
            native: {
                { sink in try TraceSource.stream(header, next: { try stream.next() }, to: sink) }
            }, position: { stream.position })
    }

    /// The trace's header, from the first `session_meta` (an error when there is none).
    func header(_ state: State) throws(TraceError) -> Trace.Header {
        guard let sessionID = state.sessionID else {
            throw TraceError(
                file: displayName, line: 0, field: "session_meta", message: "no session_meta line names the session (not a Codex rollout?)")
        }
        return header(
            traceID: StableID.trace(sessionID), agent: .codex, version: state.version, root: state.root, baseCommit: state.baseCommit,
            branch: state.branch)
    }
}

extension CodexImporter {
    struct PendingCall {
        var id: String
        var name: String
        var input: JSON
        var parent: Span.ID?
        var start: Timestamp?
        var line: Int
        var kind: String
        var cwd: String?
        /// The turn's approval policy and sandbox, as `Permission` attributes.
        var policy: Attributes
    }

    /// What the importer carries from line to line.
    struct State {
        var ids = StableID()
        /// The spans made and not handed on yet (absolute indices: `CodexStream` takes them
        /// from the front while the back grows).
        var spans = SpanLog()
        /// A line changed a span already handed on (a late event): a streamed reading is wrong.
        var late: Int?
        var sessionID: String?
        var version: String?
        var root: String?
        /// `session_meta.git.branch`: the branch the session began on.
        var branch: String?
        var baseCommit: String?
        var model: String?
        var turnCwd: String?
        /// The last `turn_context`'s approval policy and sandbox (`CodexPermission`).
        var policy = Attributes()
        /// Calls the log shows an approval request for, by call id.
        var approvalRequested = Set<String>()
        var pending: [String: PendingCall] = [:]
        var pendingOrder: [String] = []
        /// Tool spans already placed, by call id: a late `patch_apply_end` still finds its span.
        var placed: [String: Int] = [:]
        /// Recorded events waiting for their call's output, by call id.
        var events: [String: JSON] = [:]
        /// `patch_apply_end` events of the `tools.apply_patch` calls a code-mode `exec` call
        /// made (their call ids are the script's own, `exec-…`), by the `exec` call's id.
        var scriptPatches: [String: [JSON]] = [:]
        /// The last placed `exec` span whose script was still running: events after its output.
        var runningScript: Int?
        /// The `llm` span that consecutive model items join, while no other item came between.
        var turn: Int?
        /// `llm` spans that have not had their `token_count` yet.
        var awaitingUsage: [Int] = []
        var lastTotal: JSON?
        /// The `call_id` of a `web_search_end` event, for the `web_search_call` item after it.
        var webSearchID: String?

        static let responseTypes: Set<String> = [
            "message", "reasoning", "function_call", "function_call_output", "custom_tool_call",
            "custom_tool_call_output", "local_shell_call", "web_search_call",
        ]

        /// One record of the log.
        mutating func take(_ record: JSONLines.Record) throws(TraceError) {
            switch record {
            case .object(let line):
                try read(line)
            case .cutShort(let n, let reason):
                spans.append(
                    Span(
                        id: ids.span("line\(n):truncated"), kind: .event, name: "truncated record", status: .error,
                        attributes: Attributes([(GenAI.sourceLine, .number(n))]),
                        output: .string("the log's last line is cut short (\(reason)); a record it held is lost")))
            }
        }

        mutating func read(_ line: FieldDecoder) throws(TraceError) {
            let time = try line.optionalTimestamp("timestamp")
            if let type = try line.optionalString("type"), let payload = try line.optionalObject("payload") {
                switch type {
                case "session_meta": try sessionMeta(payload)
                case "turn_context": try turnContext(payload)
                case "response_item": try responseItem(payload, time: time)
                case "event_msg": try event(payload, time: time)
                case "compacted": compaction(line, time: time, output: payload["message"])
                default: break
                }
                return
            }
            // The envelope-less format: a bare session meta, bare response items, state lines.
            if line.has("record_type") { return }
            if let type = try line.optionalString("type") {
                if Self.responseTypes.contains(type) { try responseItem(line, time: time) }
                return
            }
            if line.has("id"), line.has("timestamp") { try sessionMeta(line) }
        }

        mutating func sessionMeta(_ meta: FieldDecoder) throws(TraceError) {
            // A resumed or forked session writes the meta again: the first one describes the start.
            guard sessionID == nil else { return }
            let id = try meta.string("id")
            guard !id.isEmpty else { throw meta.error("id", "empty session id") }
            sessionID = id
            version = try meta.optionalString("cli_version")
            root = try meta.optionalString("cwd")
            if let git = try meta.optionalObject("git"), let name = try git.optionalString("branch"), !name.isEmpty, name != "HEAD" {
                branch = name
            }
            if let git = try meta.optionalObject("git"), let hash = try git.optionalString("commit_hash") {
                guard hash.utf8.count == 40, hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) else {
                    throw git.error("commit_hash", "not a 40-digit lower-case hex commit id: \"\(hash.prefix(60))\"")
                }
                baseCommit = hash
            }
        }

        mutating func turnContext(_ context: FieldDecoder) throws(TraceError) {
            turn = nil
            if let m = try context.optionalString("model") { model = m }
            if let cwd = try context.optionalString("cwd") { turnCwd = cwd }
            policy = try CodexPermission.policy(context)
        }

        // MARK: Response items

        mutating func responseItem(_ item: FieldDecoder, time: Timestamp?) throws(TraceError) {
            switch try item.optionalString("type") {
            case "message":
                let role = try item.optionalString("role")
                let text = try messageText(item)
                if role == "assistant" {
                    let at = modelTurn(item, time: time)
                    appendText(text, to: at)
                } else if role == "user" {
                    turn = nil
                    user(text, item: item, time: time)
                }
            case "reasoning":
                _ = modelTurn(item, time: time)
            case "function_call":
                let arguments = try item.optionalString("arguments") ?? ""
                // The arguments are JSON in a string; kept as the string when they are not.
                let input = (try? JSONParser.parse(arguments)).flatMap { $0.objectValue != nil ? $0 : nil } ?? .string(arguments)
                try call(item, name: item.string("name"), input: input, kind: "function", time: time)
            case "custom_tool_call":
                try call(
                    item, name: item.string("name"), input: .object([("input", .string(try item.optionalString("input") ?? ""))]), kind: "custom",
                    time: time)
            case "local_shell_call":
                try call(item, name: "local_shell", input: item["action"] ?? .object([]), kind: "local_shell", time: time)
            case "function_call_output", "custom_tool_call_output":
                try output(item, time: time)
            case "web_search_call":
                webSearch(item, time: time)
            default:
                break
            }
        }

        /// The `llm` span the model item on `item`'s line belongs to (made when needed).
        mutating func modelTurn(_ item: FieldDecoder, time: Timestamp?) -> Int {
            if let turn {
                spans[turn].endTime = time ?? spans[turn].endTime
                return turn
            }
            var attributes = Attributes([(GenAI.operationName, .string("chat")), (GenAI.sourceLine, .number(item.line))])
            if let model { attributes[GenAI.requestModel] = .string(model) }
            spans.append(
                Span(
                    id: ids.span("turn:line\(item.line)"), kind: .llm, name: "chat " + (model ?? "model"),
                    startTime: time, endTime: time, status: .ok, attributes: attributes,
                    output: .object([("text", .string("")), ("tool_calls", .array([]))])))
            turn = spans.endIndex - 1
            awaitingUsage.append(spans.endIndex - 1)
            return spans.endIndex - 1
        }

        mutating func appendText(_ text: String, to at: Int) {
            guard !text.isEmpty else { return }
            var output = spans[at].output?.objectValue ?? []
            let old = output.first { $0.0 == "text" }?.1.stringValue ?? ""
            let joined = old.isEmpty ? text : old + "\n\n" + text
            if let i = output.firstIndex(where: { $0.0 == "text" }) {
                output[i].1 = .string(joined)
            } else {
                output.append(("text", .string(joined)))
            }
            spans[at].output = .object(output)
        }

        func messageText(_ item: FieldDecoder) throws(TraceError) -> String {
            guard let content = item["content"] else { return "" }
            if let s = content.stringValue { return s }
            guard let blocks = content.arrayValue else {
                throw item.error("content", "expected a string or an array, found \(content.typeDescription)")
            }
            var parts: [String] = []
            for (i, block) in blocks.enumerated() {
                let b = try item.element(block, i, of: "content")
                if let text = try b.optionalString("text") { parts.append(text) }
            }
            return parts.joined()
        }

        mutating func user(_ text: String, item: FieldDecoder, time: Timestamp?) {
            guard !text.isEmpty else { return }
            var attributes = Attributes([(GenAI.sourceLine, .number(item.line))])
            let injected = [
                "<environment_context>", "<user_instructions>", "<permissions instructions>", "# AGENTS.md instructions", "<turn_aborted>",
            ]
            if injected.contains(where: { text.hasPrefix($0) }) { attributes["agentreplay.meta"] = .bool(true) }
            spans.append(
                Span(
                    id: ids.span("user:line\(item.line)"), kind: .user, name: "user",
                    startTime: time, endTime: time, status: .ok, attributes: attributes, input: .string(text)))
        }

        mutating func call(_ item: FieldDecoder, name: String, input: JSON, kind: String, time: Timestamp?) throws(TraceError) {
            var id = try item.optionalString("call_id") ?? ""
            if id.isEmpty { id = try item.optionalString("id") ?? "" }
            guard !id.isEmpty else { throw item.error("call_id", "missing") }
            if let existing = pending[id] {
                guard existing.name == name, existing.input == input else {
                    throw item.error("call_id", "duplicate tool call id \(id) (first used on line \(existing.line))")
                }
                return  // the same call logged again
            }
            if placed[id] != nil { throw item.error("call_id", "duplicate tool call id \(id)") }
            let at = modelTurn(item, time: time)
            addCall(id, to: at)
            pending[id] = PendingCall(
                id: id, name: name, input: input, parent: spans[at].id, start: time, line: item.line, kind: kind, cwd: turnCwd, policy: policy)
            pendingOrder.append(id)
        }

        /// Lists call `id` in the `tool_calls` of the turn at `at`.
        mutating func addCall(_ id: String, to at: Int) {
            var output = spans[at].output?.objectValue ?? []
            if let i = output.firstIndex(where: { $0.0 == "tool_calls" }) {
                output[i].1 = .array((output[i].1.arrayValue ?? []) + [.string(id)])
            }
            spans[at].output = .object(output)
        }

        mutating func output(_ item: FieldDecoder, time: Timestamp?) throws(TraceError) {
            turn = nil
            let id = try item.string("call_id")
            guard let call = pending.removeValue(forKey: id) else {
                if placed[id] != nil { throw item.error("call_id", "a second output for tool call \(id)") }
                throw item.error("call_id", "output for tool call \(id), which no earlier line asked for")
            }
            pendingOrder.removeAll { $0 == id }
            let output = item["output"]
            var details = events.removeValue(forKey: id)
            if let patches = scriptPatches.removeValue(forKey: id) { details = .object([("patch_apply_end", .array(patches))]) }
            spans.append(toolSpan(call, output: output, details: details, end: time, resultLine: item.line))
            placed[id] = spans.endIndex - 1
            if call.name == "exec" { runningScript = CodexOutcome.scriptRunning(output) ? spans.endIndex - 1 : nil }
        }

        mutating func toolSpan(_ call: PendingCall, output: JSON?, details: JSON?, end: Timestamp?, resultLine: Int?) -> Span {
            var attributes = Attributes([
                (GenAI.operationName, .string("execute_tool")),
                (GenAI.toolName, .string(call.name)),
                (GenAI.toolCallID, .string(call.id)),
                (GenAI.sourceLine, .number(call.line)),
                (GenAI.sourceID, .string(call.id)),
                ("agentreplay.codex.call_type", .string(call.kind)),
            ])
            if let resultLine { attributes["agentreplay.source.result_line"] = .number(resultLine) }
            if let cwd = call.cwd, cwd != root { attributes[GenAI.workingDirectory] = .string(cwd) }
            CodexPermission.annotate(
                &attributes, policy: call.policy, input: call.input, output: output,
                requested: approvalRequested.contains(call.id))
            return Span(
                id: ids.span("call:" + call.id), parentID: call.parent, kind: .tool, name: call.name,
                startTime: call.start, endTime: end ?? call.start,
                status: resultLine == nil ? .unset : CodexOutcome.status(output: output, details: details),
                attributes: attributes, input: call.input, output: output, details: details)
        }

        /// A search the model's provider ran: a served tool span, its id from the item, else
        /// from the `web_search_end` event before it, else from its line.
        mutating func webSearch(_ item: FieldDecoder, time: Timestamp?) {
            let at = modelTurn(item, time: time)
            let id = ((try? item.optionalString("id")) ?? nil) ?? webSearchID ?? "web_search:line\(item.line)"
            webSearchID = nil
            addCall(id, to: at)
            var attributes = Attributes([
                (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string("web_search")),
                (GenAI.toolCallID, .string(id)), (GenAI.sourceLine, .number(item.line)), (GenAI.sourceID, .string(id)),
            ])
            for (name, value) in policy { attributes[name] = value }
            let status = (try? item.optionalString("status")) ?? nil
            spans.append(
                Span(
                    id: ids.span("web_search:line\(item.line)"), parentID: spans[at].id, kind: .tool, name: "web_search",
                    startTime: time, endTime: time, status: status == "completed" ? .ok : (status == "failed" ? .error : .unset),
                    attributes: attributes, input: item["action"]))
        }

        // MARK: Events

        mutating func event(_ payload: FieldDecoder, time: Timestamp?) throws(TraceError) {
            switch try payload.optionalString("type") {
            case "token_count":
                try tokenCount(payload)
            case let type? where type == "patch_apply_end" || type == "exec_command_end":
                guard let id = try payload.optionalString("call_id") else { return }
                let value = JSON.object(payload.members)
                if type == "patch_apply_end", pending[id] == nil, placed[id] == nil, scriptPatch(value) { return }
                // `patch_apply_end` is the record of a patch; an `exec_command_end` of the same
                // call does not replace it.
                if let at = placed[id] {
                    guard at >= spans.startIndex else { late = payload.line; return }
                    if type == "exec_command_end", spans[at].details?["type"]?.stringValue == "patch_apply_end" { return }
                    spans[at].details = value
                    spans[at].status = CodexOutcome.status(output: spans[at].output, details: value)
                } else if type == "patch_apply_end" || events[id] == nil {
                    events[id] = value
                }
            case "exec_approval_request", "apply_patch_approval_request":
                if let id = try payload.optionalString("call_id") {
                    approvalRequested.insert(id)
                    if let at = placed[id] {
                        guard at >= spans.startIndex else { late = payload.line; return }
                        spans[at].attributes[Permission.requested] = .bool(true)
                    }
                }
            case "web_search_end":
                webSearchID = try payload.optionalString("call_id")
            case "context_compacted":
                compaction(payload, time: time, output: nil)
            default:
                break
            }
        }

        /// Files `value`, a `patch_apply_end` no call of the log owns, under the code-mode
        /// `exec` call that made it: the one `exec` call waiting for its output, else the last
        /// one whose script was still running. False when there is no such call.
        mutating func scriptPatch(_ value: JSON) -> Bool {
            let scripts = pendingOrder.filter { pending[$0]?.name == "exec" }
            if scripts.count == 1 {
                scriptPatches[scripts[0], default: []].append(value)
                return true
            }
            guard scripts.isEmpty, let at = runningScript else { return false }
            let earlier = spans[at].details?["patch_apply_end"]?.arrayValue ?? []
            spans[at].details = .object([("patch_apply_end", .array(earlier + [value]))])
            return true
        }

        /// `token_count` follows each model response: its `last_token_usage` is that
        /// response's usage. Codex repeats the event (and sends it with no `info`); a repeat
        /// leaves the running total unchanged and is skipped.
        mutating func tokenCount(_ payload: FieldDecoder) throws(TraceError) {
            guard let info = try payload.optionalObject("info"), let last = try info.optionalObject("last_token_usage") else { return }
            let total = info["total_token_usage"]
            if let total, total == lastTotal { return }
            lastTotal = total
            guard let at = awaitingUsage.last else { return }
            awaitingUsage.removeAll()
            let input = try last.optionalInt("input_tokens") ?? 0
            let cached = try last.optionalInt("cached_input_tokens") ?? 0
            var attributes = spans[at].attributes
            // Codex's input count includes the cached part; the trace keeps them apart.
            attributes[GenAI.inputTokens] = .number(max(0, input - cached))
            attributes[GenAI.cacheReadTokens] = .number(cached)
            attributes[GenAI.outputTokens] = .number(try last.optionalInt("output_tokens") ?? 0)
            // Codex's `output_tokens` counts its reasoning already.
            if let reasoning = try last.optionalInt("reasoning_output_tokens"), reasoning > 0 {
                attributes[GenAI.reasoningTokens] = .number(reasoning)
            }
            spans[at].attributes = attributes
        }

        mutating func compaction(_ line: FieldDecoder, time: Timestamp?, output: JSON?) {
            turn = nil
            spans.append(
                Span(
                    id: ids.span("compaction:line\(line.line)"), kind: .event, name: "compaction",
                    startTime: time, endTime: time, status: .ok,
                    attributes: Attributes([(GenAI.sourceLine, .number(line.line))]), output: output))
        }

        /// Calls that never got an output (the session ended first), in call order.
        mutating func finish() {
            for id in pendingOrder {
                guard let call = pending[id] else { continue }
                spans.append(toolSpan(call, output: nil, details: events[id], end: nil, resultLine: nil))
            }
            pending.removeAll()
            pendingOrder.removeAll()
        }
    }
}
