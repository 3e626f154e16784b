import Trace

/// Turns Gemini CLI message records into spans, one message at a time.
struct GeminiMessages {
    let file: String
    private var ids = StableID()
    private(set) var spans: [Span] = []
    private var usedCalls = CallIDs()
    /// Absolute paths the tool calls named, each with the index of its call's span, to find
    /// the project root by its hash.
    private(set) var absolutePaths: [GeminiProjectRoot.Candidate] = []
    /// Folders a call ran in by its recorded result: the absolute path the result gives for a
    /// relative path the call named, less that relative path (`GeminiProjectRoot.folder`).
    private(set) var recordedFolders: [GeminiProjectRoot.Candidate] = []
    /// Each call's file path (as named), in order, and whether its record shows the file
    /// existed before it (`GeminiProjectRoot.seenBefore`).
    private(set) var namedFiles: [(path: String, existed: Bool)] = []

    init(file: String) { self.file = file }

    /// Arguments of Gemini CLI's tools that name a file or directory.
    static let pathArguments = ["file_path", "absolute_path", "path", "dir_path", "directory"]

    mutating func read(_ value: JSON, line: Int, path: String) throws(TraceError) {
        let m = try FieldDecoder(value, file: file, line: line, path: path)
        let id = try m.string("id")
        let time = try m.optionalTimestamp("timestamp")
        let text = try Self.text(m, "content")
        let source = Attributes([(GenAI.sourceLine, .number(line)), (GenAI.sourceID, .string(id))])
        switch try m.optionalString("type") {
        case "user":
            spans.append(
                Span(
                    id: ids.span("message:" + id), kind: .user, name: "user", startTime: time, endTime: time, status: .ok,
                    attributes: source, input: .string(text)))
        case "gemini":
            try readResponse(m, id: id, time: time, text: text, source: source)
        case let type? where ["info", "warning", "error"].contains(type):
            spans.append(
                Span(
                    id: ids.span("message:" + id), kind: .event, name: type, startTime: time, endTime: time, status: .ok,
                    attributes: source, output: .string(text)))
        default:
            break
        }
    }

    /// A model response: an `llm` span, and a `tool` span under it for each call it made.
    mutating func readResponse(_ m: FieldDecoder, id: String, time: Timestamp?, text: String, source: Attributes) throws(TraceError) {
        let model = try m.optionalString("model")
        var attributes = source
        attributes[GenAI.operationName] = .string("chat")
        attributes[GenAI.responseID] = .string(id)
        if let model { attributes[GenAI.requestModel] = .string(model) }
        if let tokens = try m.optionalObject("tokens") {
            // `input` is the prompt's `promptTokenCount`, cached tokens included.
            let input = try tokens.optionalInt("input") ?? 0
            let cached = try tokens.optionalInt("cached") ?? 0
            attributes[GenAI.inputTokens] = .number(max(0, input - cached))
            // `output` leaves the thoughts out; the canonical output counts them (billed as output).
            let thoughts = max(0, try tokens.optionalInt("thoughts") ?? 0)
            attributes[GenAI.outputTokens] = .number((try tokens.optionalInt("output") ?? 0).saturatingAdd(thoughts))
            if cached > 0 { attributes[GenAI.cacheReadTokens] = .number(cached) }
            if thoughts > 0 { attributes[GenAI.reasoningTokens] = .number(thoughts) }
            if let tool = try tokens.optionalInt("tool"), tool > 0 {
                attributes["agentreplay.usage.tool_use_prompt_tokens"] = .number(tool)
            }
        }
        let turn = ids.span("message:" + id)
        let at = spans.count
        spans.append(
            Span.modelTurn(id: turn, model: model, startTime: time, endTime: time, attributes: attributes))
        var callIDs: [JSON] = []
        for (i, value) in (try m.optionalArray("toolCalls") ?? []).enumerated() {
            let call = try m.element(value, i, of: "toolCalls")
            callIDs.append(.string(try readCall(call, index: i, messageID: id, turn: turn, time: time)))
        }
        var output: [(String, JSON)] = [("text", .string(text)), ("tool_calls", .array(callIDs))]
        let reasoning = Self.thoughts(m)
        if !reasoning.isEmpty { output.append(("reasoning", .string(reasoning))) }
        spans[at].output = .object(output)
    }

    /// A response's `thoughts` (`{subject, description}` each) as one text: the subject on a
    /// line of its own, then the description. Informational: a thought of another shape is
    /// left out rather than refused.
    static func thoughts(_ m: FieldDecoder) -> String {
        var parts: [String] = []
        for value in m["thoughts"]?.arrayValue ?? [] {
            let part = [value["subject"]?.stringValue, value["description"]?.stringValue ?? value.stringValue]
                .compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: "\n")
            if !part.isEmpty { parts.append(part) }
        }
        return parts.joined(separator: "\n\n")
    }

    /// One `ToolCallRecord`; returns its call id.
    mutating func readCall(_ c: FieldDecoder, index: Int, messageID: String, turn: Span.ID, time: Timestamp?) throws(TraceError) -> String {
        var callID = try c.optionalString("id") ?? ""
        if callID.isEmpty { callID = "\(messageID)#\(index)" }
        if usedCalls.contains(callID) {
            // Used before (in another message, or twice in this one): `<id>#<message id>`,
            // then `#2`, `#3`, … while that is taken too.
            callID += "#" + messageID
        }
        callID = usedCalls.claim(callID)
        let name = try c.string("name")
        let args = c["args"] ?? .object([])
        guard let arguments = args.objectValue else { throw c.error("args", "expected an object, found \(args.typeDescription)") }
        for key in Self.pathArguments {
            guard let p = arguments.first(where: { $0.0 == key })?.1.stringValue, !p.isEmpty else { continue }
            if p.hasPrefix("/") {
                absolutePaths.append(.init(path: p, span: spans.count, source: .input))
            } else {
                for recorded in GeminiProjectRoot.recordedPaths(output: Self.output(c["result"]), display: c["resultDisplay"]) {
                    if let folder = GeminiProjectRoot.folder(relative: p, recorded: recorded) {
                        recordedFolders.append(.init(path: folder, span: spans.count, source: .output))
                    }
                }
            }
        }
        let recorded = try c.optionalString("status")
        if let file = (arguments.first { $0.0 == "file_path" } ?? arguments.first { $0.0 == "absolute_path" })?.1.stringValue, !file.isEmpty {
            namedFiles.append((file, GeminiProjectRoot.seenBefore(tool: name, status: recorded, output: Self.output(c["result"]))))
        }
        let status: Span.Status
        switch recorded {
        case "success": status = .ok
        case "error", "cancelled": status = .error
        default: status = .unset
        }
        var attributes = Attributes([
            (GenAI.operationName, .string("execute_tool")), (GenAI.toolName, .string(name)), (GenAI.toolCallID, .string(callID)),
            (GenAI.sourceLine, .number(c.line)), (GenAI.sourceID, .string(messageID)),
        ])
        if let recorded { attributes["agentreplay.gemini.status"] = .string(recorded) }
        // Gemini CLI marks a call the user declined at its confirmation prompt, or stopped, `cancelled`.
        if recorded == "cancelled" { attributes[Permission.decision] = .string(Permission.Decision.cancelled.rawValue) }
        let end = try c.optionalTimestamp("timestamp") ?? time
        spans.append(
            Span(
                id: ids.span("call:" + callID), parentID: turn, kind: .tool, name: name, startTime: time, endTime: end, status: status,
                attributes: attributes, input: args, output: Self.output(c["result"]), details: c["resultDisplay"]))
        return callID
    }

    /// What the model was shown: the `functionResponse`'s `output` (or `error`) when that is
    /// all the result holds, else the parts as recorded.
    static func output(_ result: JSON?) -> JSON? {
        guard let result, !result.isNull else { return nil }
        let parts = result.arrayValue ?? [result]
        if parts.count == 1, let response = parts[0]["functionResponse"]?["response"] {
            if let output = response["output"]?.stringValue { return .string(output) }
            if let error = response["error"]?.stringValue { return .string(error) }
        }
        return result
    }

    /// A `PartListUnion` as text: a string, a part `{text}`, or a list of either.
    static func text(_ m: FieldDecoder, _ key: String) throws(TraceError) -> String {
        guard let content = m[key] else { return "" }
        switch content {
        case .string(let s): return s
        case .array(let parts): return parts.map { $0.stringValue ?? $0["text"]?.stringValue ?? "" }.joined()
        case .object: return content["text"]?.stringValue ?? ""
        default: throw m.error(key, "expected a string, a part or a list of parts, found \(content.typeDescription)")
        }
    }

    /// Marks every tool span with the folder the session ran in (`GeminiProjectRoot.ranIn`),
    /// and the call whose record showed it (`GeminiProjectRoot.evidence`: `input` or `output`).
    mutating func mark(ranIn folder: String, by found: GeminiProjectRoot.Candidate) {
        for i in spans.indices where spans[i].kind == .tool { spans[i].attributes[GeminiProjectRoot.ranIn] = .string(folder) }
        let seen = GeminiProjectRoot.seen(namedFiles, in: folder)
        if !seen.isEmpty, let first = spans.firstIndex(where: { $0.kind == .tool }) {
            spans[first].attributes[GeminiProjectRoot.seen] = .array(seen.map(JSON.string))
        }
        if let i = found.span, spans.indices.contains(i) {
            spans[i].attributes[GeminiProjectRoot.evidence] = .string(found.source.rawValue)
        }
    }

    /// Gives every tool span `folder` as its working directory, where it has none.
    mutating func mark(workingDirectory folder: String) {
        for i in spans.indices where spans[i].kind == .tool && spans[i].attributes[GenAI.workingDirectory] == nil {
            spans[i].attributes[GenAI.workingDirectory] = .string(folder)
        }
    }
}
