import Audit
import Replay
import Trace

/// Glossary of the export module.
///
/// - **OTLP JSON**: the protobuf JSON mapping of OpenTelemetry's `ExportTraceServiceRequest`
///   (`resourceSpans` → `scopeSpans` → `spans`), what a collector's OTLP/HTTP JSON receiver
///   and its file exporter speak.
/// - **GenAI conventions**: OpenTelemetry's attribute and span names for model calls
///   (`chat`), tool calls (`execute_tool`) and agents (`invoke_agent`).
/// - **Verdicts**: what a replay made of each span (`Run`), exported as `agentreplay.replay.*`
///   attributes and drift as span events.
/// - **Audit events**: a refused tool call (`agentreplay.audit.refused`) and each risk a call
///   ran (`agentreplay.audit.risk`) as events of its span (`docs/audit.md`).
///
/// `OTLPExport.document` turns a trace (and optionally its run) into one request: one
/// resource (the session), one scope (agentreplay), one span per trace span, in trace order.
/// Everything is derived from its input (`OTLPID`), so the same trace gives the same bytes.
public enum OTLPExport {
    /// The instrumentation scope written: the exporting tool and its version.
    public struct Scope: Sendable {
        public var name: String
        public var version: String
        public init(name: String = "agentreplay", version: String) {
            self.name = name
            self.version = version
        }
    }

    public static func document(_ trace: Trace, run: Run? = nil, scope: Scope) -> JSON {
        var ids = OTLPID(header: trace.header)
        let otlpIDs = trace.spans.map { ids.assign($0.id) }
        let steps = Dictionary(run?.steps.map { ($0.spanID, $0) } ?? [], uniquingKeysWith: { a, _ in a })
        let firstModel = trace.spans.lazy.compactMap(\.model).first
        let audit = Audit(trace)
        var auditEvents: [Span.ID: [JSON]] = [:]
        for row in audit.rows where row.decision.refused { auditEvents[row.location.spanID, default: []].append(AuditEvents.refused(row)) }
        for risk in audit.risks { auditEvents[risk.location.spanID, default: []].append(AuditEvents.risk(risk)) }
        var spans: [JSON] = []
        spans.reserveCapacity(trace.spans.count)
        for (i, span) in trace.spans.enumerated() {
            let parent = span.parentID.flatMap { ids.spanIDs[$0] }
            spans.append(
                GenAISpan(
                    span: span, traceID: ids.traceID, spanID: otlpIDs[i], parentSpanID: parent,
                    agent: trace.header.agentName, step: steps[span.id], auditEvents: auditEvents[span.id] ?? []
                )
                .json(provider: GenAISpan.provider(agent: trace.header.agent, model: span.model ?? firstModel)))
        }
        return .object([
            (
                "resourceSpans",
                .array([
                    .object([
                        ("resource", .object([("attributes", AnyValue.attributes(resource(trace.header, run: run)))])),
                        (
                            "scopeSpans",
                            .array([
                                .object([
                                    ("scope", .object([("name", .string(scope.name)), ("version", .string(scope.version))])),
                                    ("spans", .array(spans)),
                                ])
                            ])
                        ),
                    ])
                ])
            )
        ])
    }

    /// The session as resource attributes: the agent as the service (what backends group
    /// by), the header's fields as `agentreplay.*`, and with a run, its summary.
    static func resource(_ h: Trace.Header, run: Run?) -> [(String, JSON)] {
        var out: [(String, JSON)] = [("service.name", .string(h.agentName))]
        if let v = h.agentVersion { out.append(("service.version", .string(v))) }
        out.append((GenAI.agentName, .string(h.agentName)))
        out.append(("gen_ai.conversation.id", .string(h.traceID)))
        out.append(("agentreplay.trace.id", .string(h.traceID)))
        if let v = h.agentVersion { out.append(("agentreplay.agent.version", .string(v))) }
        if let v = h.repoRoot { out.append(("agentreplay.repo_root", .string(v))) }
        if let v = h.baseCommit { out.append(("agentreplay.base_commit", .string(v))) }
        if let v = h.baseTree { out.append(("agentreplay.base_tree", .string(v))) }
        out.append(("agentreplay.source.format", .string(h.sourceFormat)))
        if let v = h.sourceFile { out.append(("agentreplay.source.file", .string(v))) }
        if let run { out += RunAttributes.resource(run) }
        return out
    }
}
