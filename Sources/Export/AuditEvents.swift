import Audit
import Trace

/// The audit as OTLP span events: `agentreplay.audit.refused` on a call that was denied,
/// blocked or cancelled (its decision, who decided, recorded or inferred), and
/// `agentreplay.audit.risk` for each risk a call ran (its class, what, the host). Never a
/// secret: a risk names its kind and where.
enum AuditEvents {
    static func refused(_ row: Row) -> JSON {
        var attributes: [(String, JSON)] = [
            ("agentreplay.audit.decision", .string(row.decision.rawValue)),
            ("agentreplay.audit.decision.basis", .string(row.decisionBasis.rawValue)),
        ]
        if let by = row.decidedBy { attributes.append(("agentreplay.audit.decided_by", .string(by))) }
        return .object([("name", .string("agentreplay.audit.refused")), ("attributes", AnyValue.attributes(attributes))])
    }

    static func risk(_ risk: Risk) -> JSON {
        var attributes: [(String, JSON)] = [
            ("agentreplay.audit.risk.class", .string(risk.riskClass.rawValue)),
            ("agentreplay.audit.risk.what", .string(risk.what)),
        ]
        if let d = risk.domain { attributes.append(("agentreplay.audit.risk.domain", .string(d))) }
        if risk.refused { attributes.append(("agentreplay.audit.risk.refused", .bool(true))) }
        return .object([("name", .string("agentreplay.audit.risk")), ("attributes", AnyValue.attributes(attributes))])
    }
}
