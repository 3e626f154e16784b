import Replay
import Trace

/// One trace span as an OTLP span named and described by the GenAI conventions:
///
/// | trace span | OTLP name | kind | `gen_ai.operation.name` |
/// |---|---|---|---|
/// | `llm` | `chat {model}` | CLIENT | `chat` |
/// | `tool` | `execute_tool {tool}` | INTERNAL | `execute_tool` |
/// | `agent` | `invoke_agent {name}` | INTERNAL | `invoke_agent` |
/// | `user`, `event` | the span's name | INTERNAL | — |
///
/// Tool calls carry `gen_ai.tool.name`, `gen_ai.tool.call.id`, `gen_ai.tool.type`,
/// `gen_ai.tool.call.arguments` (the input as JSON text) and `gen_ai.tool.call.result`;
/// model calls `gen_ai.request.model`, `gen_ai.provider.name` (and the older `gen_ai.system`)
/// and `gen_ai.usage.*`. What the conventions do not name is kept as `agentreplay.*`, so the
/// OTLP importer gives the trace back: the span's kind and name, input, output, the agent's
/// own record (`agentreplay.details`), recorded effects and tree, its original id.
struct GenAISpan {
    var span: Span
    var traceID: String
    var spanID: String
    var parentSpanID: String?
    var agent: String
    var step: Run.Step?
    /// Events the audit gives the span (`AuditEvents`), after its drift.
    var auditEvents: [JSON] = []

    /// OTLP `SpanKind`: 1 internal, 3 client.
    var kind: Int {
        span.kind == .llm ? 3 : 1
    }

    var operation: String? {
        switch span.kind {
        case .llm: return "chat"
        case .tool: return "execute_tool"
        case .agent: return "invoke_agent"
        case .user, .event: return nil
        }
    }

    var name: String {
        switch span.kind {
        case .llm: return "chat" + (span.model.map { " " + $0 } ?? "")
        case .tool: return "execute_tool " + (span.toolName ?? span.name)
        case .agent: return "invoke_agent " + (span.attributes[GenAI.agentName]?.stringValue ?? span.name)
        case .user, .event: return span.name
        }
    }

    func json(provider: String?) -> JSON {
        var m: [(String, JSON)] = [("traceId", .string(traceID)), ("spanId", .string(spanID))]
        if let parentSpanID { m.append(("parentSpanId", .string(parentSpanID))) }
        m.append(("name", .string(name)))
        m.append(("kind", .number(kind)))
        if let t = span.startTime { m.append(("startTimeUnixNano", .string(Self.nanos(t)))) }
        if let t = span.endTime { m.append(("endTimeUnixNano", .string(Self.nanos(t)))) }
        m.append(("attributes", AnyValue.attributes(attributes(provider: provider))))
        let time = span.endTime ?? span.startTime
        let events =
            (step?.drift ?? []).map { RunAttributes.event($0, time: time) }
            + auditEvents.map { event in
                guard let time, case .object(let members) = event else { return event }
                return .object([("timeUnixNano", .string(Self.nanos(time)))] + members)
            }
        if !events.isEmpty { m.append(("events", .array(events))) }
        switch span.status {
        case .unset: break
        case .ok: m.append(("status", .object([("code", .number(1))])))
        case .error:
            var status: [(String, JSON)] = [("code", .number(2))]
            if let text = span.output?.stringValue { status.append(("message", .string(Self.firstLine(text)))) }
            m.append(("status", .object(status)))
        }
        return .object(m)
    }

    func attributes(provider: String?) -> [(String, JSON)] {
        // The conventions' names this span lacks, added here and listed in `agentreplay.added`
        // so an import can take them out again.
        var added: [(String, JSON)] = []
        func add(_ key: String, _ value: JSON) {
            if span.attributes[key] == nil { added.append((key, value)) }
        }
        if let operation { add(GenAI.operationName, .string(operation)) }
        if let provider, span.kind == .llm || span.kind == .agent {
            add("gen_ai.provider.name", .string(provider))
            add("gen_ai.system", .string(provider))
        }
        if span.kind == .agent { add(GenAI.agentName, .string(span.name)) }
        if span.kind == .tool {
            add(GenAI.toolName, .string(span.name))
            add("gen_ai.tool.type", .string("function"))
        }
        if span.status == .error { add("error.type", .string("_OTHER")) }

        var out = added + span.attributes.members
        if span.kind == .tool {
            if let input = span.input { out.append(("gen_ai.tool.call.arguments", .string(JSONWriter.string(input)))) }
            if let output = span.output { out.append(("gen_ai.tool.call.result", output)) }
        } else {
            if let input = span.input { out.append((Keys.input, input)) }
            if let output = span.output { out.append((Keys.output, output)) }
        }
        out.append((Keys.kind, .string(span.kind.rawValue)))
        out.append((Keys.name, .string(span.name)))
        if span.id.rawValue != spanID { out.append((Keys.id, .string(span.id.rawValue))) }
        if !added.isEmpty { out.append((Keys.added, .array(added.map { .string($0.0) }))) }
        if let details = span.details { out.append((Keys.details, details)) }
        if !span.effects.isEmpty { out.append((Keys.effects, .array(span.effects.map(Self.effect)))) }
        if let tree = span.recordedTree { out.append((Keys.recordedTree, .string(tree))) }
        if let step { out += RunAttributes.span(step) }
        return out
    }

    /// Names of the attributes that carry what the GenAI conventions do not.
    enum Keys {
        static let kind = "agentreplay.span.kind"
        static let name = "agentreplay.span.name"
        static let id = "agentreplay.span.id"
        static let input = "agentreplay.input"
        static let output = "agentreplay.output"
        static let details = "agentreplay.details"
        static let effects = "agentreplay.effects"
        static let recordedTree = "agentreplay.recorded_tree"
        static let added = "agentreplay.added"
    }

    static func effect(_ e: Effect) -> JSON {
        var m: [(String, JSON)] = [("path", .string(e.path)), ("op", .string(e.operation.rawValue))]
        if let c = e.content { m.append(("content", .string(c))) }
        if let b = e.blob { m.append(("blob", .string(b))) }
        if e.executable { m.append(("executable", .bool(true))) }
        return .object(m)
    }

    /// Nanoseconds since the epoch, as the decimal string OTLP JSON writes 64-bit integers in.
    static func nanos(_ t: Timestamp) -> String {
        let (product, overflow) = t.seconds.multipliedReportingOverflow(by: 1_000_000_000)
        guard !overflow else { return t.seconds < 0 ? "0" : String(Int64.max) }
        let (sum, overflow2) = product.addingReportingOverflow(Int64(t.nanoseconds))
        return overflow2 ? String(Int64.max) : String(max(0, sum))
    }

    static func firstLine(_ text: String) -> String {
        let line = text.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        return line.count > 200 ? String(line.prefix(200)) + "…" : line
    }

    /// `gen_ai.provider.name` by the model's name, else by the agent's; nil when neither tells.
    static func provider(agent: Agent, model: String?) -> String? {
        let m = model?.lowercased() ?? ""
        if m.hasPrefix("claude") { return "anthropic" }
        if m.hasPrefix("gpt") || m.hasPrefix("o1") || m.hasPrefix("o3") || m.hasPrefix("o4") || m.contains("codex") { return "openai" }
        if m.hasPrefix("gemini") { return "gcp.gemini" }
        switch agent {
        case .claudeCode: return "anthropic"
        case .codex: return "openai"
        case .gemini: return "gcp.gemini"
        default: return nil
        }
    }
}
