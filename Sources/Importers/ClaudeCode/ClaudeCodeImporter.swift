import Trace

/// Imports a Claude Code session log (`~/.claude/projects/<path>/<session>.jsonl`, versions
/// 1.0.x and 2.x).
///
/// What it reads: `user` and `assistant` lines; `tool_use` blocks paired with their
/// `tool_result` by id, with the line's `toolUseResult` kept as the span's `details`; failed
/// calls (`is_error`); sub-agent lines, inline (`isSidechain`) or in a `subagents/` folder
/// beside the session file; compaction boundaries; usage per `message.id`, counted once.
/// A model turn becomes one `llm` span, each tool call one `tool` span whose parent is the
/// turn that asked for it, placed where its result was recorded (when the tool ran).
public struct ClaudeCodeImporter: LogImporter {
    public static let format = SourceFormat.claudeCode
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        let stream = try ClaudeCodeStream(self)
        let header = try stream.header()
        var spans: [Span] = []
        while let span = try stream.next() { spans.append(span) }
        return Trace(header: header, spans: spans)
    }

    /// Streamed: the log is read on a thread of its own (`SpanPipe`) while the caller takes
    /// the spans settled so far.
    public func open(recoversBadSpans: Bool) throws(TraceError) -> TraceSource {
        let stream = try stream()
        let header = try stream.header()
        let pipe = SpanPipe(header: header, produce: stream.next, measure: { stream.position })
        return TraceSource(header: header, next: pipe.next, native: pipe.native, position: { pipe.position }, stop: pipe.cancel)
    }

    /// The log read a line at a time: its header, then its spans in the trace's order (the
    /// same as `run()`'s), each handed on as soon as its place is settled.
    /// With `whole`, read to the end before the first span (see `ClaudeCodeStream.init`).
    func stream(whole: Bool = false) throws(TraceError) -> ClaudeCodeStream { try ClaudeCodeStream(self, whole: whole) }

    /// `<session>/subagents/*.jsonl` beside the session file, sorted by name.
    func subagentFiles() -> [(name: String, path: String)] {
        guard path.hasSuffix(".jsonl") else { return [] }
        let folder = String(path.dropLast(6)) + "/subagents"
        return Directory.files(in: folder).filter { $0.hasSuffix(".jsonl") }.map { ($0, folder + "/" + $0) }
    }
}

extension ClaudeCodeImporter {
    /// What the importer carries from line to line (and from file to file: a sub-agent file's
    /// tool calls answer to the same ids).
    struct State {
        struct PendingCall {
            var id: String
            var name: String
            var input: JSON
            var parent: Span.ID?
            var start: Timestamp?
            var line: Int
            var file: String
            var cwd: String?
            /// The `permissionMode` in force when the call was made.
            var mode: String?
            /// `PreToolUse` hooks that ran for the call (`hook_progress` lines).
            var hooks: [String] = []
        }

        var ids = StableID()
        var sessionID: String?
        var version: String?
        var firstCwd: String?
        /// The `gitBranch` of the line that names `firstCwd` (nil: none, or a detached `HEAD`).
        var firstBranch: String?
        /// The last `permissionMode` a line named (user lines and `permission-mode` lines).
        var permissionMode: String?
        var pending: [String: PendingCall] = [:]
        var pendingOrder: [String] = []
        /// Every call answered (an id the log names again is a duplicate).
        var answered = IDTable<Void>()
        /// The earliest start among `pending` (a span after it may yet be preceded by the
        /// call, if it is never answered).
        var earliestPending: Timestamp?
        /// The file each `message.id` was first seen in (its usage counts there, once).
        var messageFile = IDTable<Int>()
        /// The model turn the next line of the same message merges into: the last turn, until
        /// a line of another kind or of another message comes.
        var openTurn: (message: String, sequence: Int, index: Int)?
        var sequenceCount = 0
        var agentSpans: [String: Span.ID] = [:]
        /// The agent key of each sidechain line, by its `uuid`.
        var chainOfLine: [String: String] = [:]
        /// Task calls already tied to an agent span.
        var tiedTasks = Set<String>()
        /// Task calls by the `agentId` their record names, with the turn that made them.
        var taskOfAgent: [String: (call: String, turn: Span.ID?)] = [:]
        /// Result lines written before the line of their call (see `ClaudeCodeEarlyResults`).
        var early = ClaudeCodeEarlyResults()

        /// A new file's sequence number: its spans are merged with the other files' by time.
        mutating func beginFile() -> Int {
            openTurn = nil
            sequenceCount += 1
            return sequenceCount - 1
        }

        /// Reads a whole file (a sub-agent's) into a sequence of its own.
        mutating func read(path: String, displayName: String, agentFile: Bool) throws(TraceError) -> [Span] {
            let sequence = beginFile()
            var spans = SpanLog()
            let log = try JSONLines(path: path, displayName: displayName, joined: true)
            while let record = try log.next() {
                try read(record, displayName: displayName, into: &spans, sequence: sequence, agentFile: agentFile)
            }
            try releaseEarlyResults(into: &spans)
            return spans.removeAll().spans
        }

        /// Reads one record of the file `displayName`; a cut-short last line (a crashed
        /// session's) is kept as a `truncated record` event.
        mutating func read(
            _ record: JSONLines.Record, displayName: String, into spans: inout SpanLog, sequence: Int, agentFile: Bool
        ) throws(TraceError) {
            switch record {
            case .object(let line):
                try readLine(line, into: &spans, sequence: sequence, agentFile: agentFile)
            case .cutShort(let n, let reason):
                // What came before is kept; the loss is marked.
                spans.append(
                    Span(
                        id: ids.span("\(displayName):\(n):truncated"), kind: .event, name: "truncated record",
                        status: .error,
                        attributes: Attributes([(GenAI.sourceLine, .number(n))]),
                        output: .string("the log's last line is cut short (\(reason)); a tool call it recorded is lost")))
            }
        }

        mutating func readLine(_ line: FieldDecoder, into spans: inout SpanLog, sequence: Int, agentFile: Bool) throws(TraceError) {
            if !early.isEmpty {
                // A child of a held result: the conversation went on without its call.
                if let parent = try line.optionalString("parentUuid"), let orphan = early.removeChild(of: parent) {
                    try readLine(orphan.line, into: &spans, sequence: orphan.sequence, agentFile: orphan.agentFile, orphans: true)
                }
            }
            try readLine(line, into: &spans, sequence: sequence, agentFile: agentFile, orphans: false)
            if !early.isEmpty, let uuid = try line.optionalString("uuid") {
                // The call a held result answers: the result comes after it now.
                for held in early.removeAnswers(to: uuid) {
                    try readLine(held.line, into: &spans, sequence: held.sequence, agentFile: held.agentFile, orphans: true)
                }
            }
        }

        /// Results still held at the end of a file: their calls are not in the log.
        mutating func releaseEarlyResults(into spans: inout SpanLog) throws(TraceError) {
            for held in early.removeAll() {
                try readLine(held.line, into: &spans, sequence: held.sequence, agentFile: held.agentFile, orphans: true)
            }
        }

        /// With `orphans`, a result whose call the log does not hold is kept as a call of its
        /// own (`orphanSpan`); else its line is held until its parent line comes.
        mutating func readLine(_ line: FieldDecoder, into spans: inout SpanLog, sequence: Int, agentFile: Bool, orphans: Bool) throws(TraceError) {
            let type = try line.optionalString("type")
            var orphans = orphans
            if !orphans, type == "user", try answersAnUnknownCall(line) {
                if early.hold(
                    line, parent: try line.optionalString("parentUuid"), uuid: try line.optionalString("uuid"),
                    sequence: sequence, agentFile: agentFile)
                {
                    return
                }
                orphans = true
            }
            if sessionID == nil, let s = try line.optionalString("sessionId") { sessionID = s }
            if version == nil, let v = try line.optionalString("version") { version = v }
            let cwd = try line.optionalString("cwd")
            if firstCwd == nil, let cwd {
                firstCwd = cwd
                if let branch = try line.optionalString("gitBranch"), !branch.isEmpty, branch != "HEAD" { firstBranch = branch }
            }
            if let mode = try line.optionalString("permissionMode") { permissionMode = mode }
            let time = try line.optionalTimestamp("timestamp")
            let uuid = try line.optionalString("uuid")
            let sourceID = uuid ?? "line\(line.line)"
            var parent: Span.ID? = nil
            let sidechain = try line.optionalBool("isSidechain") ?? false
            if agentFile || sidechain {
                parent = agentSpan(line: line, spans: &spans, time: time, agentFile: agentFile)
            }
            switch type {
            case "assistant":
                try readAssistant(line, into: &spans, sequence: sequence, parent: parent, time: time, cwd: cwd)
            case "user":
                try readUser(line, into: &spans, parent: parent, time: time, sourceID: sourceID, cwd: cwd, orphans: orphans)
            case "system":
                if try line.optionalString("subtype") == "compact_boundary" {
                    openTurn = nil
                    spans.append(
                        event(
                            "compaction", line: line, parent: parent, time: time, sourceID: sourceID,
                            output: line["compactMetadata"]))
                }
            case "progress":
                try hookProgress(line)
            case "summary":
                openTurn = nil
                spans.append(
                    event(
                        "compaction", line: line, parent: parent, time: time, sourceID: sourceID,
                        output: line["summary"]))
            default:
                break
            }
        }

        mutating func event(_ name: String, line: FieldDecoder, parent: Span.ID?, time: Timestamp?, sourceID: String, output: JSON?) -> Span {
            Span(
                id: ids.span("event:" + sourceID), parentID: parent, kind: .event, name: name,
                startTime: time, endTime: time, status: .ok,
                attributes: Attributes([(GenAI.sourceLine, .number(line.line)), (GenAI.sourceID, .string(sourceID))]),
                output: output)
        }

        /// A `hook_progress` line: a `PreToolUse` hook ran for a call still waiting for its
        /// result; its name is kept on the call's span.
        mutating func hookProgress(_ line: FieldDecoder) throws(TraceError) {
            guard let data = try line.optionalObject("data"), try data.optionalString("type") == "hook_progress",
                try data.optionalString("hookEvent") == "PreToolUse", let name = try data.optionalString("hookName")
            else { return }
            var call = try line.optionalString("parentToolUseID")
            if call == nil { call = try line.optionalString("toolUseID") }
            guard let call, pending[call] != nil else { return }
            if pending[call]?.hooks.contains(name) == false { pending[call]?.hooks.append(name) }
        }

        /// The `agent` span a sub-agent's lines hang under, made on its first line.
        ///
        /// A line belongs to the agent of its `parentUuid` (parallel sidechains interleave in
        /// 1.0.x logs), or to the agent its `agentId` names (2.x). A new agent is tied to the
        /// Task call that started it: the one whose record names its `agentId`, else the
        /// waiting Task call whose prompt is the sidechain's first message, else the first
        /// waiting Task call not yet tied to an agent.
        mutating func agentSpan(line: FieldDecoder, spans: inout SpanLog, time: Timestamp?, agentFile: Bool) -> Span.ID {
            let agentID = (try? line.optionalString("agentId")) ?? nil
            let parentUUID = (try? line.optionalString("parentUuid")) ?? nil
            let key: String
            if let agentID {
                key = "agent:" + agentID
            } else if let parentUUID, let chain = chainOfLine[parentUUID] {
                key = chain
            } else {
                key = "inline:\(line.file):\(line.line)"
            }
            if let uuid = (try? line.optionalString("uuid")) ?? nil { chainOfLine[uuid] = key }
            if let existing = agentSpans[key] { return existing }
            let id = ids.span(key)
            agentSpans[key] = id
            var task: (call: String, turn: Span.ID?)? = agentID.flatMap { taskOfAgent[$0] }
            if task == nil {
                let waiting = pendingOrder.filter { call in
                    let name = pending[call]?.name
                    return (name == "Task" || name == "Agent") && !tiedTasks.contains(call)
                }
                let prompt = Self.firstText(line)
                let call = waiting.first { pending[$0]?.input["prompt"]?.stringValue == prompt } ?? waiting.first
                if let call { task = (call, pending[call]?.parent) }
            }
            var attributes = Attributes([(GenAI.operationName, .string("invoke_agent")), (GenAI.sourceLine, .number(line.line))])
            if let agentID { attributes[GenAI.agentID] = .string(agentID) }
            if let task {
                tiedTasks.insert(task.call)
                attributes["agentreplay.parent_tool_call.id"] = .string(task.call)
            }
            spans.append(
                Span(
                    id: id, parentID: task?.turn, kind: .agent, name: "subagent",
                    startTime: time, endTime: time, status: .ok, attributes: attributes))
            return id
        }

        /// The text of a user line's message (a string, or its first text block).
        static func firstText(_ line: FieldDecoder) -> String? {
            guard let content = line["message"]?["content"] else { return nil }
            if let s = content.stringValue { return s }
            return content.arrayValue?.first { $0["type"]?.stringValue == "text" }?["text"]?.stringValue
        }

        mutating func readAssistant(_ line: FieldDecoder, into spans: inout SpanLog, sequence: Int, parent: Span.ID?, time: Timestamp?, cwd: String?)
            throws(TraceError)
        {
            let message = try line.object("message")
            let lineUUID = try line.optionalString("uuid")
            let messageID = try message.optionalString("id") ?? lineUUID ?? "line\(line.line)"
            let blocks = try contentBlocks(message)
            var text = ""
            var reasoning = ""
            var calls: [String] = []
            for (i, block) in blocks.enumerated() {
                let b = try message.element(block, i, of: "content")
                switch try b.optionalString("type") {
                case "text":
                    text += try b.optionalString("text") ?? ""
                case "thinking":
                    // Extended thinking as recorded; newer versions often keep only its
                    // signature (an empty `thinking`), which adds nothing.
                    reasoning += try b.optionalString("thinking") ?? ""
                case "tool_use":
                    let id = try b.string("id")
                    guard !id.isEmpty else { throw b.error("id", "empty tool call id") }
                    let name = try b.string("name")
                    let input = b["input"] ?? .object([])
                    guard input.objectValue != nil else { throw b.error("input", "expected an object, found \(input.typeDescription)") }
                    if let existing = pending[id] {
                        guard existing.name == name, existing.input == input else {
                            throw b.error("id", "duplicate tool call id \(id) (first used on line \(existing.line))")
                        }
                        continue  // the same block logged again
                    }
                    if answered.contains(id) { throw b.error("id", "duplicate tool call id \(id)") }
                    calls.append(id)
                    pending[id] = PendingCall(
                        id: id, name: name, input: input, parent: nil, start: time, line: line.line, file: line.file, cwd: cwd,
                        mode: permissionMode)
                    pendingOrder.append(id)
                    if let time, earliestPending.map({ time < $0 }) ?? true { earliestPending = time }
                default:
                    break
                }
            }
            let usage = try message.optionalObject("usage")
            let turnID: Span.ID
            if let open = openTurn, open.message == messageID, open.sequence == sequence {
                var span = spans[open.index]
                turnID = span.id
                var output = span.output?.objectValue ?? []
                let oldText = output.first { $0.0 == "text" }?.1.stringValue ?? ""
                let oldCalls = output.first { $0.0 == "tool_calls" }?.1.arrayValue ?? []
                let oldReasoning = output.first { $0.0 == "reasoning" }?.1.stringValue ?? ""
                output = Self.turnOutput(text: oldText + text, calls: oldCalls + calls.map(JSON.string), reasoning: oldReasoning + reasoning)
                span.output = .object(output)
                span.endTime = time ?? span.endTime
                if let usage { try mergeUsage(usage, into: &span.attributes) }
                spans[open.index] = span
            } else {
                // A message's first line in this file, or a line of it after other lines
                // (not seen in real logs): a turn of its own, whose usage counts only once.
                let first = messageFile[messageID] != sequence
                let id = ids.span("turn:" + messageID)
                turnID = id
                var attributes = Attributes([
                    (GenAI.operationName, .string("chat")),
                    (GenAI.responseID, .string(messageID)),
                    (GenAI.sourceLine, .number(line.line)),
                ])
                if let model = try message.optionalString("model") { attributes[GenAI.requestModel] = .string(model) }
                if let usage, first { try mergeUsage(usage, into: &attributes) }
                spans.append(
                    Span(
                        id: id, parentID: parent, kind: .llm, name: "chat " + ((try message.optionalString("model")) ?? "model"),
                        startTime: time, endTime: time, status: .ok, attributes: attributes,
                        output: .object(Self.turnOutput(text: text, calls: calls.map(JSON.string), reasoning: reasoning))))
                if first { messageFile.set(messageID, sequence) }
                openTurn = (messageID, sequence, spans.endIndex - 1)
            }
            for call in calls { pending[call]?.parent = turnID }
        }

        /// An llm span's output: the text, the calls, and the thinking when the log kept any.
        static func turnOutput(text: String, calls: [JSON], reasoning: String) -> [(String, JSON)] {
            var output: [(String, JSON)] = [("text", .string(text)), ("tool_calls", .array(calls))]
            if !reasoning.isEmpty { output.append(("reasoning", .string(reasoning))) }
            return output
        }

        /// Usage is repeated on every line of a message: keep the largest value of each count.
        func mergeUsage(_ usage: FieldDecoder, into attributes: inout Attributes) throws(TraceError) {
            let names = [
                ("input_tokens", GenAI.inputTokens), ("output_tokens", GenAI.outputTokens),
                ("cache_read_input_tokens", GenAI.cacheReadTokens), ("cache_creation_input_tokens", GenAI.cacheCreationTokens),
            ]
            for (source, target) in names {
                guard let v = try usage.optionalInt(source) else { continue }
                let old = attributes[target]?.intValue ?? 0
                attributes[target] = .number(max(old, v))
            }
            // The part of the cache writes kept an hour, billed at a higher rate.
            if let hour = try usage.optionalObject("cache_creation")?.optionalInt("ephemeral_1h_input_tokens"), hour > 0 {
                let old = attributes[GenAI.cacheCreationHourTokens]?.intValue ?? 0
                attributes[GenAI.cacheCreationHourTokens] = .number(max(old, hour))
            }
        }

        func contentBlocks(_ message: FieldDecoder) throws(TraceError) -> [JSON] {
            guard let content = message["content"] else { return [] }
            switch content {
            case .string(let s): return [.object([("type", .string("text")), ("text", .string(s))])]
            case .array(let a): return a
            default: throw message.error("content", "expected a string or an array, found \(content.typeDescription)")
            }
        }

        /// Whether a `user` line holds a result for a call not read yet (and not answered).
        func answersAnUnknownCall(_ line: FieldDecoder) throws(TraceError) -> Bool {
            guard let content = line["message"]?["content"]?.arrayValue else { return false }
            for block in content where block["type"]?.stringValue == "tool_result" {
                guard let id = block["tool_use_id"]?.stringValue else { continue }
                if pending[id] == nil && !answered.contains(id) { return true }
            }
            return false
        }

        mutating func readUser(
            _ line: FieldDecoder, into spans: inout SpanLog, parent: Span.ID?, time: Timestamp?, sourceID: String, cwd: String?,
            orphans: Bool
        ) throws(TraceError) {
            openTurn = nil
            let message = try line.object("message")
            var text = ""
            for (i, block) in try contentBlocks(message).enumerated() {
                let b = try message.element(block, i, of: "content")
                switch try b.optionalString("type") {
                case "tool_result":
                    let callID = try b.string("tool_use_id")
                    guard let call = pending.removeValue(forKey: callID) else {
                        if answered.contains(callID) {
                            throw b.error("tool_use_id", "a second result for tool call \(callID)")
                        }
                        guard orphans else {
                            throw b.error("tool_use_id", "result for tool call \(callID), which no earlier line asked for")
                        }
                        answered.insert(callID)
                        spans.append(
                            orphanSpan(
                                callID, line: line, output: b["content"], failed: try b.optionalBool("is_error") ?? false,
                                parent: parent, time: time, sourceID: sourceID))
                        continue
                    }
                    pendingOrder.removeAll { $0 == callID }
                    if call.start != nil, call.start == earliestPending {
                        earliestPending = pending.values.lazy.compactMap(\.start).min()
                    }
                    answered.insert(callID)
                    let failed = try b.optionalBool("is_error") ?? false
                    if call.name == "Task" || call.name == "Agent", let agent = line["toolUseResult"]?["agentId"]?.stringValue {
                        taskOfAgent[agent] = (call.id, call.parent)
                    }
                    spans.append(
                        toolSpan(
                            call, output: b["content"], details: line["toolUseResult"], failed: failed,
                            end: time, resultLine: line.line, resultID: sourceID))
                case "text":
                    text += try b.optionalString("text") ?? ""
                default:
                    break
                }
            }
            if !text.isEmpty {
                var attributes = Attributes([(GenAI.sourceLine, .number(line.line)), (GenAI.sourceID, .string(sourceID))])
                if try line.optionalBool("isMeta") == true { attributes["agentreplay.meta"] = .bool(true) }
                spans.append(
                    Span(
                        id: ids.span("user:" + sourceID), parentID: parent, kind: .user, name: "user",
                        startTime: time, endTime: time, status: .ok, attributes: attributes, input: .string(text)))
            }
        }

        mutating func toolSpan(_ call: PendingCall, output: JSON?, details: JSON?, failed: Bool, end: Timestamp?, resultLine: Int?, resultID: String?)
            -> Span
        {
            var attributes = Attributes([
                (GenAI.operationName, .string("execute_tool")),
                (GenAI.toolName, .string(call.name)),
                (GenAI.toolCallID, .string(call.id)),
                (GenAI.sourceLine, .number(call.line)),
            ])
            if let resultLine { attributes["agentreplay.source.result_line"] = .number(resultLine) }
            if let resultID { attributes[GenAI.sourceID] = .string(resultID) }
            if let cwd = call.cwd, cwd != firstCwd { attributes[GenAI.workingDirectory] = .string(cwd) }
            ClaudeCodePermission.annotate(&attributes, mode: call.mode, hooks: call.hooks, output: output, failed: failed && resultLine != nil)
            return Span(
                id: ids.span("call:" + call.id), parentID: call.parent, kind: .tool, name: call.name,
                startTime: call.start, endTime: end ?? call.start,
                status: resultLine == nil ? .unset : (failed ? .error : .ok),
                attributes: attributes, input: call.input, output: output, details: details)
        }

        /// A result whose call the log does not hold (it starts after the call was made, or
        /// lost its line): a `tool` span with no name or input, marked
        /// `agentreplay.call_missing`, whose effect replay cannot know.
        mutating func orphanSpan(
            _ callID: String, line: FieldDecoder, output: JSON?, failed: Bool, parent: Span.ID?, time: Timestamp?, sourceID: String
        ) -> Span {
            let attributes = Attributes([
                (GenAI.operationName, .string("execute_tool")),
                // Every tool span names its tool (the native format requires it): this one's
                // call is not in the log, so its name is not known.
                (GenAI.toolName, .string("unknown tool")),
                (GenAI.toolCallID, .string(callID)),
                (GenAI.sourceLine, .number(line.line)),
                ("agentreplay.source.result_line", .number(line.line)),
                (GenAI.sourceID, .string(sourceID)),
                (ClaudeCodeEarlyResults.callMissing, .bool(true)),
            ])
            return Span(
                id: ids.span("call:" + callID), parentID: parent, kind: .tool, name: "unknown tool",
                startTime: time, endTime: time, status: failed ? .error : .ok,
                attributes: attributes, output: output, details: line["toolUseResult"])
        }

        /// Tool calls that never got a result (the session ended or crashed first), in call order.
        mutating func unanswered() -> [Span] {
            let calls = pendingOrder.compactMap { pending[$0] }
            pending.removeAll()
            pendingOrder.removeAll()
            earliestPending = nil
            return calls.map { toolSpan($0, output: nil, details: nil, failed: false, end: nil, resultLine: nil, resultID: nil) }
        }
    }
}
