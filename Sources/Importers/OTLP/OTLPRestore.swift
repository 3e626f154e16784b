import Trace

/// Spans that `agentreplay export --otlp` wrote carry what the GenAI conventions do not name
/// (`agentreplay.span.kind`, `.name`, `.id`, `agentreplay.input`, `.output`, `.details`,
/// `.effects`, `.recorded_tree`, and `agentreplay.added`: the conventions' names the export
/// added). Such a span is read back as the trace span it was, instead of being guessed from
/// the conventions; a replay's verdicts (`agentreplay.replay.*`) are left out, being about a
/// run, not the trace.
extension OTLPSpan {
    static let exportKeys: Set<String> = [
        "agentreplay.span.kind", "agentreplay.span.name", "agentreplay.span.id", "agentreplay.input", "agentreplay.output",
        "agentreplay.details", "agentreplay.effects", "agentreplay.recorded_tree", "agentreplay.added",
        "gen_ai.tool.call.arguments", "gen_ai.tool.call.result",
    ]

    /// The original span id, for a span agentreplay exported under another id.
    var exportedID: String? { attributes["agentreplay.span.id"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 } }

    /// The span as it was before export, or nil when no agentreplay export wrote it. The file
    /// is still untrusted: what the native format requires is enforced as on any OTLP span (a
    /// tool span has a tool name and a call id unique in the trace; GenAI names of the wrong
    /// type are set aside).
    func restored(id: Span.ID, parent: Span.ID?, callIDs: inout Set<String>) -> Span? {
        guard let kind = attributes["agentreplay.span.kind"]?.stringValue.flatMap(Span.Kind.init(rawValue:)) else { return nil }
        let added = Set((attributes["agentreplay.added"]?.arrayValue ?? []).compactMap(\.stringValue))
        var attrs = Attributes()
        for key in attributeOrder where !Self.exportKeys.contains(key) && !added.contains(key) && !key.hasPrefix("agentreplay.replay.") {
            if let value = attributes[key] { attrs[key] = value }
        }
        Self.setAsideInvalid(&attrs)
        var input: JSON?, output: JSON?
        if kind == .tool {
            let tool = attrs[GenAI.toolName]?.stringValue ?? attributes["agentreplay.span.name"]?.stringValue ?? (name.isEmpty ? "tool" : name)
            var call = attrs[GenAI.toolCallID]?.stringValue ?? spanID
            if call.isEmpty { call = spanID }
            call = OTLPSpan.unique(call: call, spanID: spanID, in: &callIDs)
            attrs[GenAI.toolName] = .string(tool)
            attrs[GenAI.toolCallID] = .string(call)
            if let text = attributes["gen_ai.tool.call.arguments"]?.stringValue { input = (try? JSONParser.parse(text)) ?? .string(text) }
            output = attributes["gen_ai.tool.call.result"]
        } else {
            input = attributes["agentreplay.input"]
            output = attributes["agentreplay.output"]
        }
        let status: Span.Status = statusCode == 2 ? .error : statusCode == 1 ? .ok : .unset
        return Span(
            id: id, parentID: parent, kind: kind, name: attributes["agentreplay.span.name"]?.stringValue ?? name,
            startTime: Self.exactTime(start), endTime: Self.exactTime(end), status: status, attributes: attrs,
            input: input, output: output, details: attributes["agentreplay.details"], effects: effects(),
            recordedTree: attributes["agentreplay.recorded_tree"]?.stringValue)
    }

    /// A time written with as many fraction digits as it needs (3, 6 or 9), as recorders write
    /// them: `…:01.123Z`, `…:01.123457Z`.
    static func exactTime(_ nanos: Int64?) -> Timestamp? {
        guard let base = time(nanos) else { return nil }
        var fraction = String(base.nanoseconds)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.count > 3 && fraction.hasSuffix("000") { fraction.removeLast(3) }
        return Timestamp(rfc3339: String(base.text.prefix(19)) + "." + fraction + "Z") ?? base
    }

    /// The header fields an agentreplay export keeps on the resource.
    static func restore(_ header: inout Trace.Header, resource: [String: JSON], recordedRoot: String?) {
        guard resource["agentreplay.trace.id"] != nil else { return }
        // The session's agent, not a sub-agent's name on one of its spans.
        if let v = resource["gen_ai.agent.name"]?.stringValue { header.agentName = v }
        if let v = resource["agentreplay.agent.version"]?.stringValue { header.agentVersion = v }
        if recordedRoot == nil, let v = resource["agentreplay.repo_root"]?.stringValue { header.repoRoot = v }
        if let v = resource["agentreplay.base_commit"]?.stringValue { header.baseCommit = v }
        if let v = resource["agentreplay.base_tree"]?.stringValue { header.baseTree = v }
        if let v = resource["agentreplay.trace.id"]?.stringValue, OTLPImporter.isHex(v, count: 32) { header.traceID = v.lowercased() }
    }
}
