import Trace

/// Imports OpenTelemetry spans exported as OTLP/JSON: one `ExportTraceServiceRequest`
/// document (`{"resourceSpans": [{"resource", "scopeSpans": [{"scope", "spans": […]}]}]}`),
/// pretty-printed or not, or one such request per line (what the collector's file exporter
/// writes).
///
/// Spans follow the GenAI semantic conventions (`OTLPSpan` maps each): `chat` spans are
/// `llm` spans (model, usage), `execute_tool` spans are `tool` spans (`gen_ai.tool.name`,
/// `gen_ai.tool.call.id`, `gen_ai.tool.call.arguments` as `input`,
/// `gen_ai.tool.call.result` as `output`, the span status), `invoke_agent` spans are
/// `agent` spans; other spans are kept as events. Spans are ordered by start time, parents
/// before their children; the source's span id is kept (as the span id, and as
/// `agentreplay.source.id`).
///
/// The agent is named by a span's `gen_ai.agent.name`, else the resource's, else its
/// `service.name`. When that names an agent replay knows (`claude-code`, …), its tools are
/// replayed with that agent's semantics; otherwise only recorded effects
/// (`agentreplay.effects`) are applied.
public struct OTLPImporter: LogImporter {
    public static let format = SourceFormat.otlp
    public let source: Importer.Source
    public init(source: Importer.Source) { self.source = source }

    public func read() throws(TraceError) -> Trace {
        var requests: [(value: JSON, line: Int, locate: (LocatedJSON, Int)?)] = []
        var fingerprint = ""
        if try isNDJSON() {
            let lines = try LineReader(path: path)
            while let bytes = try lines.next() {
                if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                requests.append((try TraceReader.parse(bytes, file: displayName, line: lines.lineNumber), lines.lineNumber, nil))
                fingerprint += String(decoding: bytes, as: UTF8.self)
            }
        } else {
            let document = try LocatedJSON(path: path, displayName: displayName)
            requests.append((document.root, document.line(of: document.rootOffset), (document, document.rootOffset)))
            fingerprint = String(decoding: document.bytes, as: UTF8.self)
        }
        var spans: [OTLPSpan] = []
        var resourceAgent: String?
        var firstResource: [String: JSON]?
        for request in requests {
            let top = try FieldDecoder(request.value, file: displayName, line: request.line)
            guard let resourceSpans = try top.optionalArray("resourceSpans") else {
                throw top.error("resourceSpans", "missing: not an OTLP/JSON export")
            }
            let resourceLines = Self.lines(request.locate, path: ["resourceSpans"], count: resourceSpans.count)
            for (r, value) in resourceSpans.enumerated() {
                let resourceSpan = try top.element(value, r, of: "resourceSpans")
                let resource = try OTLPSpan.attributes(resourceSpan.optionalObject("resource"), key: "attributes")
                firstResource = firstResource ?? resource
                resourceAgent = resourceAgent ?? resource["gen_ai.agent.name"]?.stringValue ?? resource["service.name"]?.stringValue
                let scopes = try resourceSpan.optionalArray("scopeSpans") ?? []
                for (s, scopeValue) in scopes.enumerated() {
                    let scope = try resourceSpan.element(scopeValue, s, of: "scopeSpans")
                    let list = try scope.optionalArray("spans") ?? []
                    let lines = Self.lines(request.locate, path: ["resourceSpans", r, "scopeSpans", s, "spans"], count: list.count)
                    for (k, spanValue) in list.enumerated() {
                        let located = try FieldDecoder(
                            spanValue, file: displayName, line: lines.isEmpty ? resourceLines.first ?? request.line : lines[k],
                            path: "\(scope.path).spans[\(k)]")
                        spans.append(try OTLPSpan(located, index: spans.count))
                    }
                }
            }
        }
        let agent = spans.lazy.compactMap { $0.attributes["gen_ai.agent.name"]?.stringValue }.first ?? resourceAgent
        let agentName = agent.map(Agent.init(telemetryName:)) ?? Agent("otlp")
        let traceID =
            spans.first.flatMap { Self.isHex($0.traceID, count: 32) ? $0.traceID.lowercased() : nil }
            ?? StableID.trace("otlp:" + StableID.hex(StableID.fnv1a(fingerprint)))
        var header = self.header(traceID: traceID, agent: agentName, root: nil)
        OTLPSpan.restore(&header, resource: firstResource ?? [:], recordedRoot: options.recordedRoot)
        // An agentreplay export is in the trace's order already (not always by start time:
        // a sub-agent's spans follow the call that started it).
        let exported = firstResource?["agentreplay.trace.id"] != nil
        return Trace(header: header, spans: OTLPSpan.ordered(spans, asWritten: exported))
    }

    /// Whether the file holds one request per line: its first line is a whole JSON object.
    func isNDJSON() throws(TraceError) -> Bool {
        let lines = try LineReader(path: path)
        while let line = try lines.next() {
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            return (try? JSONParser.parse(line))?.objectValue != nil
        }
        throw TraceError(file: displayName, line: 0, message: "empty file: no spans in it")
    }

    /// The lines the elements of the array at `path` (member names and indices) start on,
    /// in a located document; empty for a request read from one line.
    static func lines(_ locate: (LocatedJSON, Int)?, path: [Any], count: Int) -> [Int] {
        guard let (document, root) = locate else { return [] }
        var offset: Int? = root
        for step in path {
            guard let at = offset else { break }
            if let key = step as? String { offset = document.member(key, at: at) }
            if let index = step as? Int {
                let elements = document.elements(at: at)
                offset = index < elements.count ? elements[index] : nil
            }
        }
        return document.elementLines(at: offset, count: count)
    }

    static func isHex(_ s: String, count: Int) -> Bool {
        s.utf8.count == count && s.utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0 | 0x20) }
    }
}
