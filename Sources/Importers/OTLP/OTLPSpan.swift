import Trace

/// One OTLP/JSON span, read, and made into a trace span by the GenAI conventions.
struct OTLPSpan {
    var index: Int
    var line: Int
    var traceID: String
    var spanID: String
    var parentID: String?
    var name: String
    var start: Int64?
    var end: Int64?
    /// `status.code`: 0 unset, 1 ok, 2 error.
    var statusCode: Int64
    var statusMessage: String?
    var attributes: [String: JSON]
    var attributeOrder: [String]

    init(_ s: FieldDecoder, index: Int) throws(TraceError) {
        self.index = index
        line = s.line
        traceID = try s.optionalString("traceId") ?? ""
        spanID = try s.string("spanId")
        guard !spanID.isEmpty else { throw s.error("spanId", "empty") }
        parentID = try s.optionalString("parentSpanId").flatMap { $0.isEmpty ? nil : $0 }
        name = try s.optionalString("name") ?? ""
        start = try Self.nanos(s, "startTimeUnixNano")
        end = try Self.nanos(s, "endTimeUnixNano")
        statusCode = 0
        if let status = try s.optionalObject("status") {
            switch status["code"] {
            case .string(let c)?: statusCode = c == "STATUS_CODE_ERROR" ? 2 : c == "STATUS_CODE_OK" ? 1 : 0
            case let c?: statusCode = c.intValue ?? 0
            case nil: break
            }
            statusMessage = try status.optionalString("message")
        }
        let pairs = try Self.attributePairs(s, key: "attributes")
        attributes = Dictionary(pairs, uniquingKeysWith: { a, _ in a })
        attributeOrder = pairs.map(\.0)
    }

    /// A time in nanoseconds since the epoch: a string of digits (as OTLP/JSON writes 64-bit
    /// integers) or a number.
    static func nanos(_ d: FieldDecoder, _ key: String) throws(TraceError) -> Int64? {
        guard let value = d[key] else { return nil }
        switch value {
        case .string(let s): if let n = Int64(s) { return n }
        case .number: if let n = value.intValue { return n }
        default: break
        }
        throw d.error(key, "expected nanoseconds since the epoch, found \(value.typeDescription)")
    }

    /// A list of `{"key", "value": AnyValue}` as name → JSON, in order.
    static func attributePairs(_ d: FieldDecoder, key: String) throws(TraceError) -> [(String, JSON)] {
        var out: [(String, JSON)] = []
        for (i, value) in (try d.optionalArray(key) ?? []).enumerated() {
            let kv = try d.element(value, i, of: key)
            out.append((try kv.string("key"), anyValue(kv["value"])))
        }
        return out
    }

    static func attributes(_ d: FieldDecoder?, key: String) throws(TraceError) -> [String: JSON] {
        guard let d else { return [:] }
        return Dictionary(try attributePairs(d, key: key), uniquingKeysWith: { a, _ in a })
    }

    /// An OTLP `AnyValue` as JSON.
    static func anyValue(_ v: JSON?) -> JSON {
        guard let v, v.objectValue != nil else { return v ?? .null }
        if let s = v["stringValue"]?.stringValue { return .string(s) }
        if let b = v["boolValue"]?.boolValue { return .bool(b) }
        if let i = v["intValue"] {
            if let n = i.intValue { return .number(n) }
            if let s = i.stringValue, let n = Int64(s) { return .number(n) }
            return i
        }
        if let d = v["doubleValue"] { return d }
        if let values = v["arrayValue"]?["values"]?.arrayValue { return .array(values.map { anyValue($0) }) }
        if v["arrayValue"] != nil { return .array([]) }
        if let values = v["kvlistValue"]?["values"]?.arrayValue {
            return .object(values.compactMap { kv in kv["key"]?.stringValue.map { ($0, anyValue(kv["value"])) } })
        }
        if v["kvlistValue"] != nil { return .object([]) }
        if let bytes = v["bytesValue"] { return bytes }
        return .null
    }

    // MARK: To a trace span

    enum Role { case llm, tool, agent, other }

    var role: Role {
        switch attributes[GenAI.operationName]?.stringValue {
        case "chat", "text_completion", "generate_content": return .llm
        case "execute_tool", "execute": return .tool
        case "invoke_agent", "create_agent", "invoke_workflow", "agent.session": return .agent
        default: return attributes[GenAI.toolName] != nil ? .tool : .other
        }
    }

    static func time(_ nanos: Int64?) -> Timestamp? {
        guard let nanos else { return nil }
        // Floor division that cannot overflow, at Int64.min included (a log may say anything).
        var seconds = nanos / 1_000_000_000
        var fraction = nanos % 1_000_000_000
        if fraction < 0 { seconds -= 1; fraction += 1_000_000_000 }
        return Timestamp(seconds: seconds, nanoseconds: Int32(fraction))
    }

    /// The values of `gen_ai.tool.input.*` attributes (agent-strace's export), as an input:
    /// Python's `True`/`False` as booleans; values cut at 200 characters, and lists or dicts
    /// written as Python, left out and named.
    func inputFromParts() -> (JSON, truncated: [String], unreadable: [String]) {
        var members: [(String, JSON)] = []
        var truncated: [String] = [], unreadable: [String] = []
        for key in attributeOrder where key.hasPrefix("gen_ai.tool.input.") {
            let name = String(key.dropFirst("gen_ai.tool.input.".count))
            guard let value = attributes[key] else { continue }
            guard let text = value.stringValue else { members.append((name, value)); continue }
            if text.unicodeScalars.count == 200 { truncated.append(name); continue }
            if text.hasPrefix("[{'") || text.hasPrefix("{'") || text.hasPrefix("['") { unreadable.append(name); continue }
            members.append((name, text == "True" ? .bool(true) : text == "False" ? .bool(false) : value))
        }
        return (.object(members), truncated, unreadable)
    }

    /// `call`, or — when an earlier span has it already (the same call logged twice, or an
    /// id made up for an earlier span, which a log may hold verbatim) — `call#<span id>`,
    /// then `call#<span id>#2`, … until unused; recorded in `used`.
    static func unique(call: String, spanID: String, in used: inout Set<String>) -> String {
        var candidate = call
        var n = 1
        while used.contains(candidate) {
            candidate = call + "#" + spanID + (n == 1 ? "" : "#\(n)")
            n += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// The trace span, given the ids already used.
    func span(id: Span.ID, parent: Span.ID?, callIDs: inout Set<String>) -> Span {
        if let span = restored(id: id, parent: parent, callIDs: &callIDs) { return span }
        var attrs = Attributes()
        let moved: Set<String> = ["gen_ai.tool.call.arguments", "gen_ai.tool.call.result", "gen_ai.tool.output", "agentreplay.effects"]
        for key in attributeOrder where !moved.contains(key) && !key.hasPrefix("gen_ai.tool.input.") {
            guard let value = attributes[key] else { continue }
            attrs[key] = value
        }
        Self.setAsideInvalid(&attrs)
        attrs[GenAI.sourceLine] = .number(line)
        attrs[GenAI.sourceID] = .string(spanID)
        if !name.isEmpty { attrs["agentreplay.otlp.name"] = .string(name) }
        if let op = attributes[GenAI.operationName] { attrs["agentreplay.otlp.operation"] = op }
        let startTime = Self.time(start), endTime = Self.time(end)
        switch role {
        case .tool:
            let tool = attrs[GenAI.toolName]?.stringValue ?? (name.isEmpty ? "tool" : name)
            var call = attrs[GenAI.toolCallID]?.stringValue ?? spanID
            if call.isEmpty { call = spanID }
            call = Self.unique(call: call, spanID: spanID, in: &callIDs)
            attrs[GenAI.operationName] = .string("execute_tool")
            attrs[GenAI.toolName] = .string(tool)
            attrs[GenAI.toolCallID] = .string(call)
            var input: JSON
            switch attributes["gen_ai.tool.call.arguments"] {
            case .string(let text)?:
                let parsed = try? JSONParser.parse(text)
                input = parsed?.objectValue != nil ? parsed! : .object([("arguments", .string(text))])
            case let value? where value.objectValue != nil:
                input = value
            case let value?:
                input = .object([("arguments", value)])
            case nil:
                let parts = inputFromParts()
                input = parts.0
                if !parts.truncated.isEmpty { attrs["agentreplay.input_truncated"] = .array(parts.truncated.map(JSON.string)) }
                if !parts.unreadable.isEmpty { attrs["agentreplay.input_unreadable"] = .array(parts.unreadable.map(JSON.string)) }
            }
            var output = attributes["gen_ai.tool.call.result"] ?? attributes["gen_ai.tool.output"]
            if output == nil, statusCode == 2, let message = statusMessage { output = .string(message) }
            let status: Span.Status = statusCode == 2 ? .error : (end == nil ? .unset : .ok)
            return Span(
                id: id, parentID: parent, kind: .tool, name: tool, startTime: startTime, endTime: endTime, status: status,
                attributes: attrs, input: input, output: output, effects: effects())
        case .llm:
            attrs[GenAI.operationName] = .string("chat")
            let model = attrs[GenAI.requestModel]?.stringValue ?? attrs[GenAI.responseModel]?.stringValue
            return Span(
                id: id, parentID: parent, kind: .llm, name: name.isEmpty ? "chat " + (model ?? "model") : name,
                startTime: startTime, endTime: endTime, status: statusCode == 2 ? .error : .ok, attributes: attrs)
        case .agent, .other:
            // Events with status `error` mean a lost record here: the span's own status is kept aside.
            if statusCode == 2 { attrs["agentreplay.otlp.status"] = .string("error") }
            if role == .agent { attrs[GenAI.operationName] = .string("invoke_agent") }
            return Span(
                id: id, parentID: parent, kind: role == .agent ? .agent : .event, name: name.isEmpty ? "span" : name,
                startTime: startTime, endTime: endTime, status: .ok, attributes: attrs, effects: effects())
        }
    }

    /// What the native format requires of the GenAI names (strings, whole numbers): a value
    /// of another type is kept aside as `agentreplay.otlp.invalid.<name>`.
    static func setAsideInvalid(_ attrs: inout Attributes) {
        for key in [GenAI.toolName, GenAI.toolCallID, GenAI.requestModel, GenAI.responseModel] {
            if let v = attrs[key], v.stringValue == nil { attrs[key] = nil; attrs["agentreplay.otlp.invalid." + key] = v }
        }
        for key in [GenAI.inputTokens, GenAI.outputTokens, GenAI.cacheReadTokens, GenAI.cacheCreationTokens] {
            if let v = attrs[key], v.intValue == nil { attrs[key] = nil; attrs["agentreplay.otlp.invalid." + key] = v }
        }
    }

    /// Recorded file effects, `agentreplay.effects`: a list (or JSON text of one) of
    /// `{"path", "op": "write"|"delete", "content", "blob", "executable"}`.
    func effects() -> [Effect] {
        var value = attributes["agentreplay.effects"]
        if let text = value?.stringValue { value = try? JSONParser.parse(text) }
        return (value?.arrayValue ?? []).compactMap { e in
            guard let path = e["path"]?.stringValue, let op = e["op"]?.stringValue.flatMap(Effect.Operation.init(rawValue:)) else { return nil }
            let content = e["content"]?.stringValue, blob = e["blob"]?.stringValue
            if op == .write && content == nil && blob == nil { return nil }
            return Effect(path: path, operation: op, content: content, blob: blob, executable: e["executable"]?.boolValue ?? false)
        }
    }

    /// The spans as a trace: by start time (spans without one keep their place after the
    /// span before them), every parent before its children. A parent the export lacks is
    /// dropped; so is the parent link of spans in a cycle.
    ///
    /// `asWritten`: keep the document's order (an agentreplay export is in trace order).
    static func ordered(_ spans: [OTLPSpan], asWritten: Bool = false) -> [Span] {
        var last: Int64 = .min
        let keys = spans.map { s -> (Int64, Int) in
            if let start = s.start { last = start }
            return (last, s.index)
        }
        let order = asWritten ? Array(spans.indices) : spans.indices.sorted { keys[$0] < keys[$1] }
        // The source's span id, unless another span took it first.
        var ids = StableID()
        var used = Set<String>()
        var idAt: [Span.ID] = []
        var first: [String: Int] = [:]
        for (i, s) in spans.enumerated() {
            if first[s.spanID] == nil { first[s.spanID] = i }
            var id = Span.ID(s.exportedID ?? s.spanID)
            while !used.insert(id.rawValue).inserted { id = ids.span("otlp:\(s.traceID)/\(s.spanID)#\(i)") }
            idAt.append(id)
        }
        func parentIndex(_ i: Int) -> Int? {
            guard let p = spans[i].parentID, let at = first[p], at != i else { return nil }
            return at
        }
        var emitted = Set<Int>()
        var waiting: [Int: [Int]] = [:]
        var out: [Span] = []
        var callIDs = Set<String>()
        // Iterative, so a long chain of children exported before their parents cannot
        // exhaust the stack.
        func emit(_ first: Int, withParent: Bool) {
            var stack = [(first, withParent)]
            while let (i, linked) = stack.popLast() {
                guard emitted.insert(i).inserted else { continue }
                out.append(spans[i].span(id: idAt[i], parent: linked ? parentIndex(i).map { idAt[$0] } : nil, callIDs: &callIDs))
                for child in (waiting.removeValue(forKey: i) ?? []).reversed() { stack.append((child, true)) }
            }
        }
        for i in order {
            if let p = parentIndex(i), !emitted.contains(p) {
                waiting[p, default: []].append(i)
            } else {
                emit(i, withParent: true)
            }
        }
        for i in order where !emitted.contains(i) { emit(i, withParent: false) }
        return out
    }
}
